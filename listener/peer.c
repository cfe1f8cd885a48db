/*
 * Client socket I/O.  Every chunk is read with recvmsg so that the
 * SCM_CREDENTIALS the kernel attaches (SO_PASSCRED) come with it; a client
 * may also pass descriptors with SCM_RIGHTS, which would otherwise fill
 * our fd table, so they are closed on arrival.  MSG_CMSG_CLOEXEC keeps
 * them from leaking in between.
 */
#define _GNU_SOURCE	/* struct ucred, MSG_CMSG_CLOEXEC */
#include <sys/socket.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "listener/peer.h"

/* Room for the credentials and for a few descriptors to close. */
#define PEER_FDS_MAX	64

ssize_t
peer_recv(int fd, void *buf, size_t cap, struct auth_cred *creds,
    size_t *ncreds, size_t *nfds)
{
	union {
		struct cmsghdr	 align;
		uint8_t		 b[CMSG_SPACE(sizeof(struct ucred)) *
				    PEER_CREDS_MAX +
				    CMSG_SPACE(sizeof(int) * PEER_FDS_MAX)];
	} ctl;
	struct iovec	 iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	struct ucred	 uc;
	size_t		 i, k;
	ssize_t		 n;
	int		 pfd;

	*ncreds = 0;
	*nfds = 0;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.b;
	msg.msg_controllen = sizeof(ctl.b);
	n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n == -1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len >= CMSG_LEN(0)) {
			k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < k; i++) {
				memcpy(&pfd, CMSG_DATA(cm) + i * sizeof(int),
				    sizeof(int));
				if (pfd >= 0)
					close(pfd);
				(*nfds)++;
			}
		} else if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(struct ucred)) &&
		    *ncreds < PEER_CREDS_MAX) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			creds[*ncreds].pid = uc.pid;
			creds[*ncreds].uid = uc.uid;
			creds[*ncreds].gid = uc.gid;
			(*ncreds)++;
		}
	}
	return n;
}

ssize_t
peer_send(int fd, const void *p, size_t n)
{
	return send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

int
peer_cred(int fd, struct auth_cred *c)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return -1;
	if (len != sizeof(uc)) {
		errno = EPROTO;
		return -1;
	}
	c->pid = uc.pid;
	c->uid = uc.uid;
	c->gid = uc.gid;
	return 0;
}
