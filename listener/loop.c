/*
 * One pass of the loop: wait, handle every event (reads run the clients'
 * lines at once, which queues REQUEST frames and client bytes), expire
 * timers, write the worker's queue in one write, then flush and re-arm
 * each connection that changed.  Connections closed during a pass are
 * freed only at its end, because later events of the same batch may still
 * point at them.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/limits.h"
#include "common/log.h"
#include "listener/loop.h"
#include "listener/peer.h"

/* Chunks drained from a client that hung up, or before closing one. */
#define LOOP_DRAIN_MAX	16

static void
loop_nonblock(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("op=start why=\"fcntl fd %d\"", fd);
}

/* Open fds now: /proc when it is there, else a bounded probe. */
static size_t
loop_count_fds(uint64_t nofile)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0;
	int		 fd, top;

	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				n++;
		closedir(d);
		/* The directory's own fd was counted. */
		return n > 0 ? n - 1 : 0;
	}
	top = nofile > 65536 ? 65536 : (int)nofile;
	for (fd = 0; fd < top; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

static void
loop_add(struct loop *l, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
		fatal("op=start why=\"epoll_ctl fd %d\"", fd);
}

struct loop *
loop_new(const struct contract_args *o, int link_fd, int listen_fd)
{
	struct loop	*l;
	struct rlimit	 rl;
	int		 one = 1;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		fatal("op=start why=\"calloc\"");
	/* First fd created: CONTRACT_FD_EPOLL in the real listener. */
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("op=start why=\"epoll_create1\"");
	l->lfd = listen_fd;
	loop_nonblock(link_fd);
	loop_nonblock(listen_fd);
	/*
	 * privconfd sets it already; without it no chunk would carry
	 * credentials and every client would get AUTH.  Accepted sockets
	 * inherit it.
	 */
	if (setsockopt(listen_fd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1)
		fatal("op=start why=\"SO_PASSCRED on fd %d\"", listen_fd);
	if (contract_access(o, &l->cfg.auth) == -1)
		fatal("op=start why=\"access levels\"");
	l->cfg.max_queue = (size_t)o->max_queue;
	/* The contract bounds them below INT_MAX milliseconds. */
	l->cfg.auth_timeout_ms = o->auth_timeout * 1000;
	l->cfg.idle_timeout_ms = o->idle_timeout * 1000;
	l->cfg.worker_timeout_ms = o->worker_timeout * 1000;
	l->max_conn = o->max_conn;
	l->max_per_uid = o->max_conn_per_uid;
	uidcount_init(&l->peruid, (size_t)o->max_conn);
	l->fd_reserve = o->fd_reserve;
	link_init(&l->link, link_fd, (size_t)o->max_conn);
	conn_ctx_init(&l->ctx, &l->cfg, &l->link);
	l->ctx.now = clock_ms();
	TAILQ_INIT(&l->conns);
	TAILQ_INIT(&l->graveyard);
	/*
	 * Read once, before confinement forbids it; confinement keeps the
	 * soft limit, and EMFILE is still handled if it is lower after all.
	 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("op=start why=\"getrlimit\"");
	l->nofile = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
	    (uint64_t)rl.rlim_cur;
	l->nfds_base = loop_count_fds(l->nofile);
	l->link_events = EPOLLIN;
	loop_add(l, link_fd, l->link_events, &l->tag_link);
	l->listen_on = true;
	loop_add(l, listen_fd, EPOLLIN, &l->tag_listen);
	log_debug("op=start max_conn=%lu max_conn_per_uid=%lu "
	    "auth_timeout=%llu idle_timeout=%llu max_queue=%zu "
	    "fd_reserve=%lu nofile=%llu fds=%zu", l->max_conn,
	    l->max_per_uid, (unsigned long long)o->auth_timeout,
	    (unsigned long long)o->idle_timeout, l->cfg.max_queue,
	    l->fd_reserve, (unsigned long long)l->nofile, l->nfds_base);
	return l;
}

int
loop_epoll_fd(const struct loop *l)
{
	return l->epfd;
}

void
loop_close(struct loop *l, struct conn *c, const char *why)
{
	struct auth_cred creds[PEER_CREDS_MAX];
	uint8_t		 junk[IPC_LINE_MAX];
	size_t		 ncreds, nfds;
	int		 i;

	if (c->dead)
		return;
	c->dead = true;
	if (c->dirty) {
		TAILQ_REMOVE(&l->ctx.dirty, c, dentry);
		c->dirty = false;
	}
	/*
	 * Out of epoll before close: the worker may hold the socket after
	 * our close, and a watched one would report events for a freed conn.
	 */
	if (c->registered &&
	    epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL) == -1)
		log_warn("op=close fd=%d why=\"epoll_ctl\"", c->fd);
	/*
	 * Bytes left unread would make the client see ECONNRESET instead
	 * of its replies and EOF; they are discarded, never executed.
	 */
	for (i = 0; i < LOOP_DRAIN_MAX; i++)
		if (peer_recv(c->fd, junk, sizeof(junk), creds, &ncreds,
		    &nfds) <= 0)
			break;
	/* Its socket may still wait to go to the worker: the link keeps it. */
	if (!link_hold(&l->link, c->fd))
		close(c->fd);
	log_debug("op=close fd=%d uid=%u gid=%u pid=%d why=%s", c->fd,
	    c->peer.uid, c->peer.gid, (int)c->peer.pid, why);
	conn_release(c);
	TAILQ_REMOVE(&l->conns, c, entry);
	l->nconns--;
	uidcount_dec(&l->peruid, c->peer.uid);
	TAILQ_INSERT_TAIL(&l->graveyard, c, entry);
	/* A free slot: accept may go on (EMFILE included). */
	l->accept_blocked = false;
}

/* Read up to max chunks while the connection still wants them. */
static void
loop_read(struct loop *l, struct conn *c, int max)
{
	struct auth_cred creds[PEER_CREDS_MAX];
	uint8_t		 chunk[IPC_LINE_MAX];
	size_t		 ncreds, nfds;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < max && conn_wants_read(c); i++) {
		/* Something happens to it: the loop looks at it again. */
		conn_touch(c);
		n = peer_recv(c->fd, chunk, sizeof(chunk), creds, &ncreds,
		    &nfds);
		if (nfds > 0)
			log_info("op=fds fd=%d uid=%u closed=%zu", c->fd,
			    c->peer.uid, nfds);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				loop_close(l, c, "recv");
			return;
		}
		if (n == 0) {
			conn_eof(c);
			return;
		}
		if (c->gone && ++c->drained >= LOOP_DRAIN_MAX) {
			/* What it sent beyond that is discarded, not run. */
			conn_input(c, chunk, (size_t)n, creds, ncreds);
			conn_eof(c);
			return;
		}
		conn_input(c, chunk, (size_t)n, creds, ncreds);
	}
}

/* loop_read marks c changed, EAGAIN too: loop_settle then arms it. */
void
loop_read_new(struct loop *l, struct conn *c)
{
	loop_read(l, c, 1);
}

/*
 * A client that hung up completely cannot read replies, but the lines it
 * sent before still run, as in Syd: the connection leaves epoll (a hung
 * up socket would be reported forever) and is read from loop_settle as
 * its lines run, LOOP_DRAIN_MAX chunks at most.
 */
static void
loop_hangup(struct loop *l, struct conn *c)
{
	if (c->registered &&
	    epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL) == -1) {
		loop_close(l, c, "epoll");
		return;
	}
	c->registered = false;
	c->events = 0;
	conn_gone(c);
}

static void
loop_client(struct loop *l, struct conn *c, uint32_t ev)
{
	if (c->dead)
		return;
	if (ev & EPOLLERR) {
		loop_close(l, c, "error");
		return;
	}
	if (ev & EPOLLHUP) {
		loop_hangup(l, c);
		return;
	}
	/* One chunk per pass, so that no client starves the others. */
	if (ev & EPOLLIN)
		loop_read(l, c, 1);
	if (ev & EPOLLOUT)
		conn_touch(c);
}

/* Close the connections whose auth or idle time is up. */
static void
loop_timers(struct loop *l)
{
	struct conn	*c, *t;
	uint64_t	 d, next = UINT64_MAX, now = l->ctx.now;

	if (now < l->ctx.next_deadline)
		return;
	TAILQ_FOREACH_SAFE(c, &l->conns, entry, t) {
		d = conn_deadline(c);
		if (d > now) {
			if (d < next)
				next = d;
			continue;
		}
		if (conn_worker_stalled(c)) {
			/* privconfd fails closed on this exit status. */
			log_warnx("op=worker why=\"stalled\" fd=%d "
			    "timeout_ms=%llu", c->fd,
			    (unsigned long long)l->cfg.worker_timeout_ms);
			exit(CONTRACT_EXIT_STALLED);
		}
		log_info("op=timeout fd=%d uid=%u gid=%u pid=%d kind=%s",
		    c->fd, c->peer.uid, c->peer.gid, (int)c->peer.pid,
		    !c->authed && l->cfg.auth_timeout_ms != 0 &&
		    now - c->t_accept >= l->cfg.auth_timeout_ms ?
		    "auth" : "idle");
		loop_close(l, c, "timeout");
	}
	l->ctx.next_deadline = next;
}

/* Send what is queued for c, as much as the socket takes. */
static void
loop_flush(struct loop *l, struct conn *c)
{
	ssize_t	 n;

	while (buf_unread(&c->out) > 0) {
		n = peer_send(c->fd, buf_head(&c->out), buf_unread(&c->out));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/*
			 * It hung up (unwatched, it could not say so): its
			 * lines still run, as after EPOLLHUP.
			 */
			if (errno == EPIPE || errno == ECONNRESET)
				loop_hangup(l, c);
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
				loop_close(l, c, "send");
			return;
		}
		conn_sent(c, (size_t)n);
	}
}

/*
 * Watch what c waits for.  One that waits for nothing (its replies are
 * due from the worker) and is not watched yet stays so: a hang-up then
 * shows as EPIPE when its reply is sent.
 */
static void
loop_arm(struct loop *l, struct conn *c)
{
	struct epoll_event ev = { .events = 0 };

	if (conn_wants_read(c))
		ev.events |= EPOLLIN;
	if (buf_unread(&c->out) > 0)
		ev.events |= EPOLLOUT;
	if (ev.events == c->events && (c->registered || ev.events == 0))
		return;
	ev.data.ptr = c;
	if (epoll_ctl(l->epfd, c->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
	    c->fd, &ev) == -1) {
		/* Out of epoll watches: this client fails, not us. */
		log_warn("op=close fd=%d why=epoll_ctl", c->fd);
		loop_close(l, c, "epoll");
		return;
	}
	c->events = ev.events;
	c->registered = true;
}

/* The one write to the worker of this pass; EPOLLOUT while bytes wait. */
static void
loop_link(struct loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN };

	link_write(&l->link);
	if (link_full(&l->link) != l->link_was_full) {
		l->link_was_full = !l->link_was_full;
		log_debug("op=link state=%s queued=%zu", l->link_was_full ?
		    "full" : "drained", link_queued(&l->link));
	}
	if (link_queued(&l->link) > 0)
		ev.events |= EPOLLOUT;
	if (ev.events != l->link_events) {
		ev.data.ptr = &l->tag_link;
		if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, l->link.fd, &ev) == -1)
			fatal("op=loop why=\"epoll_ctl link\"");
		l->link_events = ev.events;
	}
}

static void
loop_settle(struct loop *l)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&l->ctx.dirty)) != NULL) {
		TAILQ_REMOVE(&l->ctx.dirty, c, dentry);
		c->dirty = false;
		if (c->gone)
			loop_read(l, c, LOOP_DRAIN_MAX);
		else
			loop_flush(l, c);
		if (c->dead)
			continue;
		if (conn_finished(c)) {
			loop_close(l, c, c->why ? c->why : "done");
			continue;
		}
		if (!c->gone)
			loop_arm(l, c);
	}
	while ((c = TAILQ_FIRST(&l->graveyard)) != NULL) {
		TAILQ_REMOVE(&l->graveyard, c, entry);
		free(c);
	}
}

/* WIRE_F_FATAL: the policy is locked and IPC is over. */
static int
loop_shutdown(struct loop *l)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&l->conns)) != NULL)
		loop_close(l, c, "locked");
	while ((c = TAILQ_FIRST(&l->graveyard)) != NULL) {
		TAILQ_REMOVE(&l->graveyard, c, entry);
		free(c);
	}
	close(l->lfd);
	l->lfd = -1;
	log_info("op=locked why=\"policy locked, IPC closed\"");
	return 0;
}

void
loop_free(struct loop *l)
{
	struct conn	*c;

	while ((c = TAILQ_FIRST(&l->conns)) != NULL)
		loop_close(l, c, "exit");
	while ((c = TAILQ_FIRST(&l->graveyard)) != NULL) {
		TAILQ_REMOVE(&l->graveyard, c, entry);
		free(c);
	}
	link_free(&l->link);
	/* The epoll fd stays: seccomp allows no close of it; exit will. */
	free(l);
}

static int
loop_timeout(const struct loop *l)
{
	uint64_t	 t = l->ctx.next_deadline, now;

	if (l->accept_blocked && l->accept_retry < t)
		t = l->accept_retry;
	/* Connections wait for a link that has room again: no sleep. */
	if (!TAILQ_EMPTY(&l->ctx.linkwait) && !link_full(&l->link))
		return 0;
	if (t == UINT64_MAX)
		return -1;
	now = clock_ms();
	if (t <= now)
		return 0;
	return t - now > INT_MAX ? INT_MAX : (int)(t - now);
}

int
loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];
	int		 i, n;
	void		*p;

	for (;;) {
		n = epoll_wait(l->epfd, evs, LOOP_EVENTS, loop_timeout(l));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("op=loop why=\"epoll_wait\"");
		}
		l->ctx.now = clock_ms();
		for (i = 0; i < n; i++) {
			p = evs[i].data.ptr;
			if (p == &l->tag_link) {
				if ((evs[i].events & (EPOLLIN | EPOLLHUP |
				    EPOLLERR)) && link_read(&l->link) == 1)
					return loop_shutdown(l);
			} else if (p == &l->tag_listen)
				accept_clients(l);
			else
				loop_client(l, p, evs[i].events);
		}
		loop_timers(l);
		if (!link_full(&l->link))
			conn_link_drained(&l->ctx);
		loop_settle(l);
		loop_link(l);
		accept_update(l);
	}
}
