/*
 * REQUEST [1, id, uid, gid, pid, line] out, REPLY [2, id, flags, body] in.
 * Ids start at 1 and increase; the worker answers in order, so a reply
 * always belongs to the oldest outstanding request, whose slot heads
 * l->fifo.  A slot whose connection closed stays in the fifo until its
 * reply has come, and the reply is then dropped: the ids stay in step.
 */
#include <sys/socket.h>
#include <errno.h>
#include <stdlib.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "listener/link.h"

void
link_init(struct link *l, int fd)
{
	l->fd = fd;
	l->out = (struct buf)BUF_INIT;
	l->in = (struct buf)BUF_INIT;
	l->next_id = 1;
	TAILQ_INIT(&l->fifo);
	l->nfifo = 0;
	l->joined = 0;
}

void
link_request(struct link *l, struct conn_slot *s, const struct auth_cred *who,
    const uint8_t *line, size_t len)
{
	struct wire_msg	 m = {
		.type = WIRE_REQUEST,
		.id = l->next_id,
		.uid = who->uid,
		.gid = who->gid,
		.pid = (uint32_t)who->pid,
		.data = line,
		.data_len = len,
	};

	if (wire_encode(&l->out, &m) == -1)
		fatal("op=link why=\"cannot encode request %llu\" pid=%d "
		    "len=%zu", (unsigned long long)m.id, (int)who->pid, len);
	s->id = l->next_id++;
	TAILQ_INSERT_TAIL(&l->fifo, s, lentry);
	l->nfifo++;
}

void
link_hello(struct link *l, uint32_t uid, uint32_t gid, uint32_t landlock,
    uint32_t seccomp)
{
	struct wire_msg	 m = { .type = WIRE_HELLO, .uid = uid, .gid = gid,
	    .landlock = landlock, .seccomp = seccomp };

	if (wire_encode(&l->out, &m) == -1)
		fatal("op=link why=\"cannot encode hello\"");
	link_write(l);
}

/* One REPLY frame; 1 when it ends the IPC server. */
static int
link_reply(struct link *l, const struct wire_msg *m)
{
	struct conn_slot *s;

	if (m->type != WIRE_REPLY)
		fatalx("op=link why=\"unexpected %s frame\"",
		    wire_type_name(m->type));
	if ((s = TAILQ_FIRST(&l->fifo)) == NULL)
		fatalx("op=link why=\"reply %llu with no request outstanding\"",
		    (unsigned long long)m->id);
	if (m->id != s->id)
		fatalx("op=link why=\"reply %llu, expected %llu\"",
		    (unsigned long long)m->id, (unsigned long long)s->id);
	if (m->flags & WIRE_F_FATAL) {
		if ((m->flags & WIRE_F_MORE) || m->data_len != 0 ||
		    l->joined != 0)
			fatalx("op=link why=\"malformed fatal reply %llu\"",
			    (unsigned long long)m->id);
		return 1;
	}
	if (m->data_len > WIRE_REPLY_TOTAL_MAX - l->joined)
		fatalx("op=link why=\"reply %llu longer than %u bytes\"",
		    (unsigned long long)m->id, WIRE_REPLY_TOTAL_MAX);
	l->joined += m->data_len;
	conn_slot_data(s, m->data, m->data_len);
	if (m->flags & WIRE_F_MORE)
		return 0;
	TAILQ_REMOVE(&l->fifo, s, lentry);
	l->nfifo--;
	l->joined = 0;
	conn_slot_done(s);
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

void
link_write(struct link *l)
{
	ssize_t	 n;

	if (buf_unread(&l->out) == 0)
		return;
	n = send(l->fd, buf_head(&l->out), buf_unread(&l->out),
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		fatal("op=link why=\"send\"");
	}
	buf_consume(&l->out, (size_t)n);
	/* A burst can leave megabytes allocated; give them back once idle. */
	if (buf_unread(&l->out) == 0 && l->out.cap > LINK_READ_SIZE)
		buf_free(&l->out);
}
