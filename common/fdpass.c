/* Passing one descriptor; see fdpass.h. */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "common/fdpass.h"
#include "common/limits.h"

union fdpass_ctl {
	struct cmsghdr	 hdr;
	char		 space[CMSG_SPACE(sizeof(int))];
};

ssize_t
fdpass_sendv(int sock, const void *p, size_t n, const int *fds, size_t nfd,
    int flags)
{
	union {
		struct cmsghdr	 hdr;
		char		 space[CMSG_SPACE(WIRE_FDS_PER_MSG *
				    sizeof(int))];
	} ctl;
	struct iovec	 iov = { (void *)p, n };
	struct msghdr	 msg;
	struct cmsghdr	*cm;

	if (nfd > WIRE_FDS_PER_MSG) {
		errno = EINVAL;
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfd > 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.space;
		msg.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfd * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfd * sizeof(int));
	}
	return sendmsg(sock, &msg, flags);
}

ssize_t
fdpass_send(int sock, const void *p, size_t n, int fd, int flags)
{
	return fdpass_sendv(sock, p, n, &fd, fd >= 0 ? 1 : 0, flags);
}

ssize_t
fdpass_recv(int sock, void *p, size_t n, int *fd)
{
	union fdpass_ctl ctl;
	struct iovec	 iov = { p, n };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	ssize_t		 r;

	*fd = -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	if ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return r;
}
