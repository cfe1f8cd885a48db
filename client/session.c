/*
 * The exchange of session.h: one poll loop that writes what may be sent
 * and frames what arrives, reply by reply, in order.  Every wait is
 * bounded by s->deadline and every buffer by CTL_SEND_CHUNK or
 * CTL_REPLY_MAX.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "client/frame.h"
#include "client/session.h"
#include "client/sock.h"
#include "common/limits.h"

#define RECV_CHUNK	(64 * 1024)

/* Where a run stands: rq[0..got) answered, rq[0..sent) queued. */
struct run {
	const struct request	*rq;
	size_t			 n;
	size_t			 sent;
	size_t			 got;
	struct frame		 fr;
	int			 status;
};

static int __attribute__((format(printf, 2, 3)))
lost(struct session *s, const char *fmt, ...)
{
	va_list	 ap;

	fflush(s->out);
	fprintf(s->err, "privconfctl: %s: ", s->addr);
	va_start(ap, fmt);
	vfprintf(s->err, fmt, ap);
	va_end(ap);
	putc('\n', s->err);
	fflush(s->err);
	return SESSION_LOST;
}

static enum frame_expect
expect_of(const struct request *rq)
{
	if (rq->kind == REQ_PROMPT)
		return FRAME_PROMPT;
	return rq->kind == REQ_STATS ? FRAME_TEXT : FRAME_OBJECT;
}

static bool
may_send(struct session *s, const struct run *r)
{
	const struct request	*rq = &r->rq[r->sent];

	if (rq->kind == REQ_LOCK)
		return r->got == r->sent;
	return s->keep_going || rq->query || r->got == r->sent;
}

static void
queue(struct session *s, struct run *r)
{
	const struct request	*rq;

	while (r->sent < r->n && buf_unread(&s->send) < CTL_SEND_CHUNK &&
	    may_send(s, r)) {
		rq = &r->rq[r->sent];
		if (buf_reserve(&s->send, rq->len + 1) == -1)
			return;	/* sent later, or the deadline ends it */
		buf_append(&s->send, rq->line, rq->len);
		buf_append(&s->send, "\n", 1);
		r->sent++;
	}
}

/* Write what the socket takes; -1 when the server is gone. */
static int
flush_send(struct session *s)
{
	ssize_t	 w;

	while (buf_unread(&s->send) > 0) {
		w = send(s->fd, buf_head(&s->send), buf_unread(&s->send),
		    MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return errno == EAGAIN ? 0 : -1;
		buf_consume(&s->send, (size_t)w);
	}
	return 0;
}

/* Read once: 1 bytes (or none yet), 0 EOF, -1 error (errno). */
static int
fill(struct session *s)
{
	ssize_t	 n;

	if (buf_reserve(&s->in, RECV_CHUNK) == -1)
		return -1;
	do
		n = recv(s->fd, s->in.data + s->in.len, RECV_CHUNK, 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN ? 1 : -1;
	s->in.len += (size_t)n;
	return n > 0;
}

/* Frame and print every whole reply in s->in: a status, or -1 for more. */
static int
take(struct session *s, struct run *r)
{
	const struct request	*rq;
	enum reply_status	 st;
	enum frame_result	 fr;

	while (r->got < r->n) {
		rq = &r->rq[r->got];
		fr = frame_scan(&r->fr, buf_head(&s->in), buf_unread(&s->in));
		if (fr == FRAME_MORE)
			return -1;
		if (fr == FRAME_BIG)
			return lost(s, "reply to %s longer than %u bytes",
			    rq->line, (unsigned)CTL_REPLY_MAX);
		st = fr == FRAME_BAD ? REPLY_BAD : reply_print(rq,
		    buf_head(&s->in), r->fr.body, &s->ropt, s->out, s->err);
		if (st == REPLY_BAD)
			return lost(s, "not a privconf server: no reply to %s",
			    rq->line);
		buf_consume(&s->in, frame_len(&r->fr));
		r->got++;
		if (st == REPLY_FAILED) {
			r->status = SESSION_FAILED;
			if (!s->keep_going)
				return SESSION_FAILED;
		}
		if (r->got < r->n)
			frame_begin(&r->fr, expect_of(&r->rq[r->got]));
	}
	if (buf_unread(&s->in) > 0)
		return lost(s, "not a privconf server: bytes after the "
		    "last reply");
	return r->status;
}

/* The server closed with rq[got] unanswered. */
static int
at_eof(struct session *s, struct run *r)
{
	const struct request	*rq = &r->rq[r->got];

	switch (frame_at_eof(&r->fr, buf_unread(&s->in))) {
	case FRAME_EOF_CLEAN:
		if (rq->kind == REQ_LOCK) {
			/* lock:on answers by ending IPC. */
			r->got++;
			return r->status;
		}
		break;
	case FRAME_EOF_LAST:
		/* AUTH, RATE, EAGAIN: the server's last word. */
		fflush(s->out);
		fprintf(s->err, "privconfctl: %s: ", s->addr);
		if (reply_last_word(buf_head(&s->in), buf_unread(&s->in),
		    s->err) == -1)
			fputs("connection closed by the server", s->err);
		putc('\n', s->err);
		fflush(s->err);
		return SESSION_LOST;
	case FRAME_EOF_CUT:
		break;
	}
	return lost(s, "connection closed by the server before the reply "
	    "to %s", rq->line);
}

static int
run(struct session *s, struct run *r)
{
	struct pollfd	 pfd;
	int		 ms, st;

	while (r->got < r->n) {
		queue(s, r);
		/* A server gone shows again as EOF or an error below. */
		if (!s->closed && flush_send(s) == -1)
			s->closed = true;
		if ((ms = sock_left_ms(s->deadline)) == 0)
			return lost(s, "no reply to %s within %d s",
			    r->rq[r->got].line, s->timeout_s);
		pfd.fd = s->fd;
		pfd.events = POLLIN;
		if (buf_unread(&s->send) > 0 && !s->closed)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
			return lost(s, "poll: %s", strerror(errno));
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		switch (fill(s)) {
		case -1:
			if (errno != ECONNRESET)
				return lost(s, "recv: %s", strerror(errno));
			/* FALLTHROUGH */
		case 0:
			s->closed = true;
			if ((st = take(s, r)) != -1)
				return st;
			return at_eof(s, r);
		}
		if ((st = take(s, r)) != -1)
			return st;
	}
	return r->status;
}

int
session_run(struct session *s, const struct request *rq, size_t n)
{
	struct run	 r;

	if (n == 0)
		return SESSION_OK;
	if (s->closed)
		return lost(s, "connection closed by the server");
	memset(&r, 0, sizeof(r));
	r.rq = rq;
	r.n = n;
	frame_begin(&r.fr, expect_of(&rq[0]));
	return run(s, &r);
}

int
session_open(struct session *s, int fd)
{
	static const struct request prompt = {
		"prompt p", 8, REQ_PROMPT, true
	};

	s->fd = fd;
	s->closed = false;
	memset(&s->in, 0, sizeof(s->in));
	memset(&s->send, 0, sizeof(s->send));
	return session_run(s, &prompt, 1);
}

void
session_close(struct session *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	buf_free(&s->in);
	buf_free(&s->send);
}
