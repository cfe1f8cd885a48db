/* Client sockets from the listener; see handoff.h. */
#define _GNU_SOURCE	/* struct ucred */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/access.h"
#include "common/limits.h"
#include "common/log.h"
#include "worker/handoff.h"

/* What one recvmsg can carry: an honest listener's sendmsg, no more. */
#define HANDOFF_PER_READ	WIRE_FDS_PER_MSG

void
handoff_init(struct handoff *h)
{
	h->head = h->n = 0;
}

void
handoff_free(struct handoff *h)
{
	while (h->n > 0) {
		close(h->fd[h->head]);
		h->head = (h->head + 1) % HANDOFF_MAX;
		h->n--;
	}
}

void
handoff_put(struct handoff *h, int fd)
{
	if (h->n == HANDOFF_MAX) {
		close(fd);
		fatalx("op=protocol why=\"more than %d sockets before their "
		    "CONN_OPEN\"", HANDOFF_MAX);
	}
	h->fd[(h->head + h->n) % HANDOFF_MAX] = fd;
	h->n++;
}

/* Queue the descriptors of one control message; fatal past the queue. */
static void
handoff_queue(struct handoff *h, const struct cmsghdr *cm)
{
	size_t	 i, nfd;
	int	 fd;

	nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	for (i = 0; i < nfd; i++) {
		memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
		handoff_put(h, fd);
	}
}

ssize_t
handoff_recv(struct handoff *h, int link, void *buf, size_t cap)
{
	union {
		struct cmsghdr	 hdr;
		char		 space[CMSG_SPACE(HANDOFF_PER_READ *
				    sizeof(int))];
	} ctl;
	struct iovec	 iov = { buf, cap };
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	ssize_t		 n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	n = recvmsg(link, &msg, MSG_CMSG_CLOEXEC);
	if (n == -1)
		return -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS)
			handoff_queue(h, cm);
	/* The kernel closed what did not fit: more than a listener sends. */
	if (msg.msg_flags & MSG_CTRUNC)
		fatalx("op=protocol why=\"too many sockets in one message\"");
	return n;
}

int
handoff_take(struct handoff *h, const struct access *acc, struct wpeer *out)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);
	int		 fd;

	if (h->n == 0)
		return -1;
	fd = h->fd[h->head];
	h->head = (h->head + 1) % HANDOFF_MAX;
	h->n--;
	memset(out, 0, sizeof(*out));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0 &&
	    len == sizeof(uc) && uc.pid > 0) {
		out->known = true;
		out->uid = (uint32_t)uc.uid;
		out->gid = (uint32_t)uc.gid;
		out->pid = (uint32_t)uc.pid;
		out->level = (uint8_t)access_of(acc, out->uid, out->gid);
	} else
		out->level = ACCESS_NONE;
	close(fd);
	return 0;
}
