/*
 * The per-connection rules of docs/protocol.md 2-4 and 7: for every chunk the
 * size rule, then authentication, then every complete line in order; the
 * replies leave in line order whoever produced them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "listener/conn.h"
#include "listener/line.h"
#include "listener/link.h"

/* An output buffer that grew past this is freed once it has drained. */
#define CONN_KEEP_BUF	(64 * 1024)

void
conn_ctx_init(struct conn_ctx *ctx, const struct conn_cfg *cfg,
    struct link *link)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->link = link;
	ctx->next_deadline = UINT64_MAX;
	TAILQ_INIT(&ctx->dirty);
}

void
conn_init(struct conn *c, struct conn_ctx *ctx, int fd,
    const struct auth_cred *peer)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->fd = fd;
	c->peer = *peer;
	c->mode = PROMPT_NONINTERACTIVE;
	c->in = (struct buf)BUF_INIT;
	c->out = (struct buf)BUF_INIT;
	TAILQ_INIT(&c->slots);
	c->t_accept = c->t_active = ctx->now;
	if (conn_deadline(c) < ctx->next_deadline)
		ctx->next_deadline = conn_deadline(c);
}

void
conn_touch(struct conn *c)
{
	if (c->dirty || c->dead)
		return;
	c->dirty = true;
	TAILQ_INSERT_TAIL(&c->ctx->dirty, c, dentry);
}

static void
conn_append(struct buf *b, const void *p, size_t n)
{
	if (buf_append(b, p, n) == -1)
		fatal("op=conn why=\"output buffer\"");
}

void
conn_slot_free(struct conn_slot *s)
{
	buf_free(&s->body);
	free(s);
}

static struct conn_slot *
conn_slot_new(struct conn *c, bool waiting, bool prompt)
{
	struct conn_slot *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("op=conn why=\"reply slot\"");
	s->conn = c;
	s->waiting = waiting;
	s->prompt = prompt;
	s->body = (struct buf)BUF_INIT;
	TAILQ_INSERT_TAIL(&c->slots, s, centry);
	if (waiting)
		c->nwaiting++;
	return s;
}

/*
 * Queue bytes for the client in line order: straight out when nothing is
 * due before them, else in a slot of their own.
 */
static void
conn_emit(struct conn *c, const char *p, size_t n, bool prompt)
{
	struct conn_slot *s;

	if (TAILQ_EMPTY(&c->slots)) {
		conn_append(&c->out, p, n);
		if (prompt)
			conn_append(&c->out, PROMPT_STR, PROMPT_LEN);
	} else {
		s = conn_slot_new(c, false, prompt);
		conn_append(&s->body, p, n);
		c->held += n;
	}
	conn_touch(c);
}

/* Move every slot at the head that is complete, in order, to c->out. */
static void
conn_flush_slots(struct conn *c)
{
	struct conn_slot *s;
	size_t		 n;

	while ((s = TAILQ_FIRST(&c->slots)) != NULL) {
		if ((n = buf_unread(&s->body)) > 0) {
			conn_append(&c->out, buf_head(&s->body), n);
			c->held -= n;
			buf_free(&s->body);
		}
		if (s->waiting)
			break;
		if (s->prompt)
			conn_append(&c->out, PROMPT_STR, PROMPT_LEN);
		TAILQ_REMOVE(&c->slots, s, centry);
		conn_slot_free(s);
	}
	conn_touch(c);
}

void
conn_slot_data(struct conn_slot *s, const uint8_t *p, size_t n)
{
	struct conn *c = s->conn;

	if (c == NULL || n == 0)
		return;
	/* The oldest slot streams straight out; a later one must wait. */
	if (s == TAILQ_FIRST(&c->slots))
		conn_append(&c->out, p, n);
	else {
		conn_append(&s->body, p, n);
		c->held += n;
	}
	conn_touch(c);
}

void
conn_slot_done(struct conn_slot *s)
{
	struct conn *c = s->conn;

	if (c == NULL) {
		conn_slot_free(s);
		return;
	}
	s->waiting = false;
	if (--c->nwaiting == 0) {
		/* Idle time counts again from the last reply. */
		c->t_active = c->ctx->now;
		if (conn_deadline(c) < c->ctx->next_deadline)
			c->ctx->next_deadline = conn_deadline(c);
	}
	conn_flush_slots(c);
}

void
conn_release(struct conn *c)
{
	struct conn_slot *s;

	while ((s = TAILQ_FIRST(&c->slots)) != NULL) {
		TAILQ_REMOVE(&c->slots, s, centry);
		if (s->waiting) {
			/* The link still expects its reply: orphan it. */
			s->conn = NULL;
			buf_free(&s->body);
		} else
			conn_slot_free(s);
	}
	c->nwaiting = 0;
	c->held = 0;
	buf_free(&c->in);
	buf_free(&c->out);
}

/* Stop reading; close once everything due before is flushed. */
static void
conn_close_after(struct conn *c, const char *why)
{
	if (!c->closing) {
		c->closing = true;
		c->why = why;
	}
	conn_touch(c);
}

/* As conn_close_after, and no later line runs. */
static void
conn_halt(struct conn *c, const char *why)
{
	c->halted = true;
	conn_close_after(c, why);
}

/* A reply of ping, pink, version: the mode decides what follows it. */
static void
conn_reply(struct conn *c, const char *s, size_t n)
{
	conn_emit(c, s, n, prompt_shows(c->mode));
	if (prompt_closes(c->mode))
		conn_close_after(c, "reply");
}

static void
conn_line(struct conn *c, const uint8_t *p, size_t n,
    const struct auth_cred *who)
{
	struct line_cmd	 cmd;
	struct prompt_step st;
	struct conn_slot *s;
	struct buf	 b = BUF_INIT;

	line_parse(p, n, &cmd);
	switch (cmd.kind) {
	case LINE_BADUTF8:
		if (errtab_reply(&b, EINVAL) == -1)
			fatal("op=conn why=\"reply\"");
		conn_emit(c, (const char *)buf_head(&b), buf_unread(&b), false);
		buf_free(&b);
		log_info("op=reject fd=%d uid=%u gid=%u pid=%d why=utf8 "
		    "len=%zu", c->fd, who->uid, who->gid, (int)who->pid, n);
		conn_halt(c, "utf8");
		break;
	case LINE_BLANK:
		if (prompt_shows(c->mode))
			conn_emit(c, PROMPT_STR, PROMPT_LEN, false);
		break;
	case LINE_PROMPT:
		prompt_apply(c->mode, cmd.arg, cmd.arglen, &st);
		c->mode = st.mode;
		if (st.outlen > 0)
			conn_emit(c, st.out, st.outlen, false);
		break;
	case LINE_QUIT:
		conn_halt(c, "quit");
		break;
	case LINE_PING:
		conn_reply(c, LINE_REPLY_PONG, sizeof(LINE_REPLY_PONG) - 1);
		break;
	case LINE_PINK:
		conn_reply(c, LINE_REPLY_PINK, sizeof(LINE_REPLY_PINK) - 1);
		break;
	case LINE_VERSION:
		conn_reply(c, LINE_REPLY_VERSION,
		    sizeof(LINE_REPLY_VERSION) - 1);
		break;
	case LINE_FORWARD:
		s = conn_slot_new(c, true, prompt_shows(c->mode));
		link_request(c->ctx->link, s, who, p, n);
		if (prompt_closes(c->mode))
			conn_close_after(c, "reply");
		break;
	}
}

bool
conn_size_exceeded(size_t partial, const uint8_t *p, size_t n, size_t *good)
{
	const uint8_t	*nl;
	size_t		 pos = 0, end, cur = partial;

	*good = 0;
	while (pos < n) {
		nl = memchr(p + pos, '\n', n - pos);
		end = nl != NULL ? (size_t)(nl - p) + 1 : n;
		cur += end - pos;
		if (cur >= IPC_LINE_MAX) {
			*good = pos;
			return true;
		}
		if (nl == NULL)
			break;
		cur = 0;
		pos = end;
	}
	return false;
}

/* Execute every complete line buffered, in order, as who. */
static void
conn_lines(struct conn *c, const struct auth_cred *who)
{
	const uint8_t	*head, *nl;
	size_t		 len;

	while (!c->halted) {
		head = buf_head(&c->in);
		len = buf_unread(&c->in);
		if (len == 0 || (nl = memchr(head, '\n', len)) == NULL)
			break;
		c->authed = true;
		conn_line(c, head, (size_t)(nl - head), who);
		buf_consume(&c->in, (size_t)(nl - head) + 1);
	}
}

void
conn_input(struct conn *c, const uint8_t *p, size_t n,
    const struct auth_cred *creds, size_t ncreds)
{
	const struct conn_cfg *cfg = c->ctx->cfg;
	struct auth_cred who;
	size_t		 good;
	bool		 over, ok;

	if (c->closing || c->dead || n == 0)
		return;
	c->t_active = c->ctx->now;
	over = conn_size_exceeded(buf_unread(&c->in), p, n, &good);
	ok = auth_check(&cfg->auth, creds, ncreds, &who);
	if (!over) {
		if (!ok) {
			conn_emit(c, LINE_REPLY_AUTH,
			    sizeof(LINE_REPLY_AUTH) - 1, false);
			log_info("op=auth fd=%d uid=%u gid=%u pid=%d "
			    "creds=%zu err=AUTH", c->fd, ncreds ? creds[0].uid :
			    c->peer.uid, ncreds ? creds[0].gid : c->peer.gid,
			    ncreds ? (int)creds[0].pid : (int)c->peer.pid,
			    ncreds);
			conn_halt(c, "auth");
			buf_reset(&c->in);
			return;
		}
		good = n;
	}
	/* The lines before an oversized one run if the chunk is good. */
	if (ok && good > 0) {
		conn_append(&c->in, p, good);
		conn_lines(c, &who);
	}
	if (over && !c->halted) {
		conn_emit(c, LINE_REPLY_RATE, sizeof(LINE_REPLY_RATE) - 1,
		    false);
		log_info("op=rate fd=%d uid=%u gid=%u pid=%d",
		    c->fd, c->peer.uid, c->peer.gid, (int)c->peer.pid);
		conn_halt(c, "rate");
	}
	/* A connection that reads no more never completes its partial line. */
	if (c->closing)
		buf_reset(&c->in);
	else if (buf_unread(&c->in) == 0 && c->in.cap > IPC_LINE_MAX)
		buf_free(&c->in);
}

void
conn_eof(struct conn *c)
{
	/* An unterminated line is discarded, never executed. */
	buf_reset(&c->in);
	c->eof = true;
	conn_close_after(c, "eof");
}

void
conn_sent(struct conn *c, size_t n)
{
	buf_consume(&c->out, n);
	c->t_active = c->ctx->now;
	if (buf_unread(&c->out) == 0 && c->out.cap > CONN_KEEP_BUF)
		buf_free(&c->out);
}

size_t
conn_queued(const struct conn *c)
{
	return buf_unread(&c->out) + c->held;
}

bool
conn_wants_read(const struct conn *c)
{
	return !c->closing && !c->dead && !c->eof && !c->ctx->link_full &&
	    conn_queued(c) < c->ctx->cfg->max_queue;
}

bool
conn_finished(const struct conn *c)
{
	return c->closing && TAILQ_EMPTY(&c->slots) &&
	    buf_unread(&c->out) == 0;
}

uint64_t
conn_deadline(const struct conn *c)
{
	const struct conn_cfg *cfg = c->ctx->cfg;
	uint64_t	 d = UINT64_MAX, t;

	if (!c->authed && cfg->auth_timeout_ms != 0)
		d = c->t_accept + cfg->auth_timeout_ms;
	/* Waiting for its own replies is not idleness. */
	if (cfg->idle_timeout_ms != 0 && c->nwaiting == 0) {
		t = c->t_active + cfg->idle_timeout_ms;
		if (t < d)
			d = t;
	}
	return d;
}
