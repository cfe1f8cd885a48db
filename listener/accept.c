/*
 * Accepting clients within the limits of docs/protocol.md 8.  Past the total or
 * the fd reserve the listening socket is disarmed (EPOLLIN off), so the
 * kernel backlog holds the newcomers: no accept/close storm.  Past the
 * per-uid limit the newcomer is told EAGAIN and closed, since waiting
 * would let one user hold the backlog against everyone.
 */
#define _GNU_SOURCE	/* accept4 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/errtab.h"
#include "common/log.h"
#include "listener/loop.h"
#include "listener/peer.h"

/* Room for one more client with fd_reserve fds still free after it? */
static bool
accept_fd_room(const struct loop *l)
{
	uint64_t	 used;

	if (l->nofile == UINT64_MAX)
		return true;
	used = (uint64_t)l->nfds_base + l->nconns + l->link.nheld + 1;
	return used <= l->nofile && l->nofile - used >= l->fd_reserve;
}

static bool
accept_allowed(const struct loop *l)
{
	return l->nconns < l->max_conn && accept_fd_room(l) &&
	    !l->accept_blocked;
}

void
accept_update(struct loop *l)
{
	struct epoll_event ev = { .events = 0 };
	bool		 on;

	if (l->accept_blocked && l->ctx.now >= l->accept_retry)
		l->accept_blocked = false;
	on = accept_allowed(l);
	if (on == l->listen_on)
		return;
	ev.events = on ? EPOLLIN : 0;
	ev.data.ptr = &l->tag_listen;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, l->lfd, &ev) == -1)
		fatal("op=accept why=\"epoll_ctl\"");
	l->listen_on = on;
	log_debug("op=accept state=%s conns=%zu", on ? "on" : "paused",
	    l->nconns);
}

/* Over the per-uid limit: one EAGAIN reply, then close. */
static void
accept_refuse(struct loop *l, int fd, const struct auth_cred *pc)
{
	struct buf	 b = BUF_INIT;
	struct auth_cred creds[PEER_CREDS_MAX];
	uint8_t		 junk[512];
	size_t		 ncreds, nfds;
	int		 i;

	if (errtab_reply(&b, EAGAIN) == -1)
		fatal("op=accept why=\"reply\"");
	/* A fresh socket's send buffer is empty: this cannot block. */
	(void)peer_send(fd, buf_head(&b), buf_unread(&b));
	buf_free(&b);
	/* Unread bytes would turn the client's EOF into ECONNRESET. */
	for (i = 0; i < 8; i++)
		if (peer_recv(fd, junk, sizeof(junk), creds, &ncreds,
		    &nfds) <= 0)
			break;
	close(fd);
	log_info("op=refuse fd=%d uid=%u gid=%u pid=%d why=per-uid max=%lu",
	    fd, pc->uid, pc->gid, (int)pc->pid, l->max_per_uid);
}

void
accept_clients(struct loop *l)
{
	struct auth_cred pc;
	struct conn	*c;
	int		 fd, i;

	for (i = 0; i < LOOP_ACCEPT_BATCH && accept_allowed(l); i++) {
		fd = accept4(l->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			switch (errno) {
			case EAGAIN:
#if EAGAIN != EWOULDBLOCK
			case EWOULDBLOCK:
#endif
				return;
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
				continue;
			default:
				/* EMFILE, ENFILE, ENOBUFS, ENOMEM: wait. */
				log_warn("op=accept state=paused");
				l->accept_blocked = true;
				l->accept_retry = l->ctx.now +
				    LOOP_ACCEPT_RETRY_MS;
				return;
			}
		}
		if (peer_cred(fd, &pc) == -1) {
			log_warn("op=accept fd=%d why=peercred", fd);
			close(fd);
			continue;
		}
		if (uidcount_get(&l->peruid, pc.uid) >= l->max_per_uid) {
			accept_refuse(l, fd, &pc);
			continue;
		}
		if ((c = malloc(sizeof(*c))) == NULL)
			fatal("op=accept why=\"connection\"");
		conn_init(c, &l->ctx, fd, &pc);
		TAILQ_INSERT_TAIL(&l->conns, c, entry);
		l->nconns++;
		uidcount_inc(&l->peruid, pc.uid);
		log_debug("op=accept fd=%d uid=%u gid=%u pid=%d", fd, pc.uid,
		    pc.gid, (int)pc.pid);
		loop_read_new(l, c);
	}
}
