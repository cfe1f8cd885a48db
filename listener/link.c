/*
 * The frames of docs/design.md 3 on the listener's side.  Request ids
 * start at 1 and increase over all connections; the worker answers each
 * connection's requests in order, so a reply always belongs to its
 * connection's oldest waiting slot.  Connection ids are table slots with
 * a generation (WIRE_CONN_ID): a reply for a closed connection names a
 * generation the slot no longer has and is dropped.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "listener/link.h"

void
link_init(struct link *l, int fd, size_t max)
{
	size_t	 i;

	l->fd = fd;
	l->out = (struct buf)BUF_INIT;
	l->in = (struct buf)BUF_INIT;
	l->next_id = 1;
	l->max = max;
	l->sent = 0;
	l->pass_head = l->npass = l->nheld = 0;
	if ((l->conns = calloc(max, sizeof(*l->conns))) == NULL ||
	    (l->gen = calloc(max, sizeof(*l->gen))) == NULL ||
	    (l->freeidx = calloc(max, sizeof(*l->freeidx))) == NULL ||
	    (l->pass = calloc(max, sizeof(*l->pass))) == NULL)
		fatal("op=link why=\"connection table\"");
	/* Lowest slots first: popped from the top of the stack. */
	for (i = 0; i < max; i++)
		l->freeidx[i] = (uint32_t)(max - 1 - i);
	l->nfree = max;
}

void
link_free(struct link *l)
{
	struct link_pass *p;

	for (; l->npass > 0; l->npass--) {
		p = &l->pass[l->pass_head];
		if (p->held)
			close(p->fd);
		l->pass_head = (l->pass_head + 1) % l->max;
	}
	free(l->pass);
	l->pass = NULL;
	buf_free(&l->in);
	buf_free(&l->out);
	free(l->conns);
	free(l->gen);
	free(l->freeidx);
	l->conns = NULL;
	l->gen = l->freeidx = NULL;
}

static void
link_send(struct link *l, const struct wire_msg *m)
{
	if (wire_encode(&l->out, m) == -1)
		fatal("op=link why=\"cannot encode %s\"",
		    wire_type_name(m->type));
}

uint64_t
link_open(struct link *l, struct conn *c, uint32_t credit, int cfd)
{
	struct wire_msg	 m = { .type = WIRE_CONN_OPEN, .credit = credit };
	struct link_pass *p;
	uint32_t	 idx;

	if (l->nfree == 0)
		fatalx("op=link why=\"connection table full\"");
	idx = l->freeidx[--l->nfree];
	if (++l->gen[idx] == 0)
		l->gen[idx] = 1;
	l->conns[idx] = c;
	m.conn = WIRE_CONN_ID(l->gen[idx], idx);
	/* One open per connection: the ring of max cannot overflow. */
	if (cfd >= 0) {
		p = &l->pass[(l->pass_head + l->npass++) % l->max];
		p->at = l->sent + buf_unread(&l->out);
		p->fd = cfd;
		p->held = false;
	}
	link_send(l, &m);
	return m.conn;
}

bool
link_hold(struct link *l, int cfd)
{
	size_t	 i;

	for (i = 0; i < l->npass; i++) {
		struct link_pass *p = &l->pass[(l->pass_head + i) % l->max];

		if (p->fd == cfd && !p->held) {
			p->held = true;
			l->nheld++;
			return true;
		}
	}
	return false;
}

void
link_close(struct link *l, uint64_t conn)
{
	struct wire_msg	 m = { .type = WIRE_CONN_CLOSE, .conn = conn };
	uint32_t	 idx = WIRE_CONN_INDEX(conn);

	l->conns[idx] = NULL;
	l->freeidx[l->nfree++] = idx;
	link_send(l, &m);
}

void
link_credit(struct link *l, uint64_t conn, uint32_t credit)
{
	struct wire_msg	 m = { .type = WIRE_CREDIT, .conn = conn,
	    .credit = credit };

	link_send(l, &m);
}

void
link_request(struct link *l, uint64_t conn, struct conn_slot *s,
    const struct auth_cred *who, const uint8_t *line, size_t len)
{
	if (wire_encode_request(&l->out, conn, l->next_id, who->uid, who->gid,
	    (uint32_t)who->pid, line, len) == -1)
		fatal("op=link why=\"cannot encode REQUEST\"");
	s->id = l->next_id++;
}

void
link_hello(struct link *l, uint32_t uid, uint32_t gid, uint32_t landlock,
    uint32_t seccomp)
{
	struct wire_msg	 m = { .type = WIRE_HELLO, .uid = uid, .gid = gid,
	    .landlock = landlock, .seccomp = seccomp };

	link_send(l, &m);
	link_write(l);
}

/* The open connection a REPLY names; NULL when it has closed. */
static struct conn *
link_conn(struct link *l, uint64_t conn)
{
	uint32_t idx = WIRE_CONN_INDEX(conn);

	if (idx >= l->max)
		fatalx("op=link why=\"reply for connection %llu, past the "
		    "table\"", (unsigned long long)conn);
	if (l->conns[idx] == NULL || l->gen[idx] != (uint32_t)(conn >> 32))
		return NULL;
	return l->conns[idx];
}

/* One REPLY frame; 1 when it ends the IPC server. */
static int
link_reply(struct link *l, const struct wire_msg *m)
{
	struct conn_slot *s;
	struct conn	*c;

	if (m->type != WIRE_REPLY)
		fatalx("op=link why=\"unexpected %s frame\"",
		    wire_type_name(m->type));
	if (m->flags & WIRE_F_FATAL) {
		/* Whatever its connection became: everything ends now. */
		if ((m->flags & WIRE_F_MORE) || m->data_len != 0)
			fatalx("op=link why=\"malformed fatal reply %llu\"",
			    (unsigned long long)m->id);
		return 1;
	}
	if ((c = link_conn(l, m->conn)) == NULL) {
		log_debug("op=link why=\"reply %llu for closed connection "
		    "%llu dropped\"", (unsigned long long)m->id,
		    (unsigned long long)m->conn);
		return 0;
	}
	if ((s = conn_oldest_waiting(c)) == NULL)
		fatalx("op=link why=\"reply %llu with no request outstanding\"",
		    (unsigned long long)m->id);
	if (m->id != s->id)
		fatalx("op=link why=\"reply %llu, expected %llu\"",
		    (unsigned long long)m->id, (unsigned long long)s->id);
	if (m->data_len > WIRE_REPLY_TOTAL_MAX - s->joined)
		fatalx("op=link why=\"reply %llu longer than %u bytes\"",
		    (unsigned long long)m->id, WIRE_REPLY_TOTAL_MAX);
	if (conn_take_credit(c, m->data_len) == -1)
		fatalx("op=link why=\"reply %llu past its connection's "
		    "credit\"", (unsigned long long)m->id);
	s->joined += m->data_len;
	conn_slot_data(c, s, m->data, m->data_len,
	    (m->flags & WIRE_F_MORE) != 0);
	if (!(m->flags & WIRE_F_MORE))
		conn_slot_done(c, s);
	return 0;
}

int
link_process(struct link *l)
{
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 r;
	int		 fin;

	for (;;) {
		r = wire_decode(buf_head(&l->in), buf_unread(&l->in), &m, &why);
		if (r == 0)
			return 0;
		if (r < 0)
			fatalx("op=link why=\"bad frame from the worker: %s\"",
			    why ? why : "unknown");
		/* m points into l->in: consume only once it has been copied. */
		fin = link_reply(l, &m);
		buf_consume(&l->in, (size_t)r);
		if (fin)
			return 1;
	}
}

int
link_read(struct link *l)
{
	ssize_t	 n;

	if (buf_reserve(&l->in, LINK_READ_SIZE) == -1)
		fatal("op=link why=\"read buffer\"");
	n = recv(l->fd, l->in.data + l->in.len, l->in.cap - l->in.len,
	    MSG_DONTWAIT);
	if (n == 0)
		fatalx("op=link why=\"the worker closed the link\"");
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		fatal("op=link why=\"recv\"");
	}
	l->in.len += (size_t)n;
	return link_process(l);
}

/*
 * Send n bytes from the head with fds[0..nfd) attached: -1 (EAGAIN,
 * EINTR: try later), or what was sent.
 */
static ssize_t
link_sendmsg(struct link *l, size_t n, const int *fds, size_t nfd)
{
	ssize_t	 w;

	w = fdpass_sendv(l->fd, buf_head(&l->out), n, fds, nfd,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR)
		fatal("op=link why=\"send\"");
	return w;
}

/* The socket of the head pass went with its frame's first byte. */
static void
link_passed(struct link *l)
{
	struct link_pass *p = &l->pass[l->pass_head];

	if (p->held) {
		close(p->fd);
		l->nheld--;
	}
	l->pass_head = (l->pass_head + 1) % l->max;
	l->npass--;
}

/*
 * The sockets whose CONN_OPEN starts within the next *n bytes, in order,
 * at most WIRE_FDS_PER_MSG, into fds; *n shrinks so that the sockets of
 * the frames it leaves out go with a later sendmsg, and so that bytes
 * before the first socket's frame go alone.  How many.
 */
static size_t
link_fds(const struct link *l, size_t *n, int *fds)
{
	const struct link_pass *p;
	size_t		 k, nfd = 0;

	for (k = 0; k < l->npass; k++) {
		p = &l->pass[(l->pass_head + k) % l->max];
		if (p->at - l->sent >= *n)
			break;
		if (k == 0 && p->at > l->sent) {
			*n = (size_t)(p->at - l->sent);
			break;
		}
		if (nfd == WIRE_FDS_PER_MSG) {
			*n = (size_t)(p->at - l->sent);
			break;
		}
		fds[nfd++] = p->fd;
	}
	return nfd;
}

void
link_write(struct link *l)
{
	int	 fds[WIRE_FDS_PER_MSG];
	size_t	 n, nfd, k;
	ssize_t	 w;

	/*
	 * Each socket goes with the sendmsg that carries the first byte of
	 * its CONN_OPEN, up to WIRE_FDS_PER_MSG of them in order, so the
	 * worker meets them in the order of their frames; a short write may
	 * send a socket ahead of its frame, never after it.
	 */
	while ((n = buf_unread(&l->out)) > 0) {
		nfd = link_fds(l, &n, fds);
		if ((w = link_sendmsg(l, n, fds, nfd)) <= 0)
			break;
		for (k = 0; k < nfd; k++)
			link_passed(l);
		buf_consume(&l->out, (size_t)w);
		l->sent += (uint64_t)w;
	}
	/* A burst can leave megabytes allocated; give them back once idle. */
	if (buf_unread(&l->out) == 0 && l->out.cap > LINK_READ_SIZE)
		buf_free(&l->out);
}
