/*
 * The per-connection rules of docs/protocol.md 2-4 and 7: for every chunk
 * the size rule, then authentication, then every complete line in order
 * as far as the bounds of conn.h let it run; the replies leave in line
 * order whoever produced them.
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

static void	conn_grant(struct conn *);

void
conn_ctx_init(struct conn_ctx *ctx, const struct conn_cfg *cfg,
    struct link *link)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->link = link;
	ctx->next_deadline = UINT64_MAX;
	TAILQ_INIT(&ctx->dirty);
	TAILQ_INIT(&ctx->linkwait);
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
	TAILQ_INIT(&c->waitq);
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

static void
conn_deadline_changed(struct conn *c)
{
	if (conn_deadline(c) < c->ctx->next_deadline)
		c->ctx->next_deadline = conn_deadline(c);
}

/* The link's interface (listener/slot.h). */

/*
 * Freed slots kept for the next lines, with a small body's buffer, so
 * that a pipelined line costs no malloc: at most SLOT_SPARE_MAX of them
 * (about 100 KiB), whatever the clients do.
 */
#define SLOT_SPARE_MAX	256
#define SLOT_BODY_KEEP	256
static struct conn_slot	*slot_spare[SLOT_SPARE_MAX];
static size_t		 slot_nspare;

void
conn_slot_free(struct conn_slot *s)
{
	if (slot_nspare == SLOT_SPARE_MAX || s->body.cap > SLOT_BODY_KEEP) {
		buf_free(&s->body);
		free(s);
		return;
	}
	buf_reset(&s->body);
	slot_spare[slot_nspare++] = s;
}

struct conn_slot *
conn_oldest_waiting(struct conn *c)
{
	return TAILQ_FIRST(&c->waitq);
}

/*
 * The worker owes c progress while a line waits for it and c granted it
 * room to send: then the clock of --worker-timeout runs, restarted by
 * every reply frame.  A client that does not read stops the clock.
 */
static void
conn_owed(struct conn *c, bool progress)
{
	bool	 owed = c->nwaiting > 0 && c->granted > c->received;

	if (!owed)
		c->t_owed = 0;
	else if (c->t_owed == 0) {
		c->t_owed = c->ctx->now;
		conn_deadline_changed(c);
	} else if (progress)
		/*
		 * A later deadline: ctx->next_deadline stays a lower bound,
		 * and loop_timers recomputes it when it comes.
		 */
		c->t_owed = c->ctx->now;
}

int
conn_take_credit(struct conn *c, size_t n)
{
	if (n > c->granted - c->received)
		return -1;
	c->received += n;
	return 0;
}

void
conn_slot_data(struct conn *c, struct conn_slot *s, const uint8_t *p,
    size_t n, bool more)
{
	if (n > 0 && !c->gone) {
		/* The oldest slot streams straight out; a later one waits. */
		if (s == TAILQ_FIRST(&c->slots))
			conn_append(&c->out, p, n);
		else {
			conn_append(&s->body, p, n);
			c->held += n;
		}
	}
	/* The last part: conn_slot_done, next, does both. */
	if (more) {
		conn_owed(c, true);
		conn_touch(c);
	}
}

static struct conn_slot *
conn_slot_new(struct conn *c, bool waiting, bool prompt)
{
	struct conn_slot *s;
	struct buf	 body = BUF_INIT;

	if (slot_nspare > 0) {
		s = slot_spare[--slot_nspare];
		body = s->body;
	} else if ((s = malloc(sizeof(*s))) == NULL)
		fatal("op=conn why=\"reply slot\"");
	/* Every field but the queue entries, which the inserts set. */
	s->id = 0;
	s->joined = 0;
	s->waiting = waiting;
	s->prompt = prompt;
	s->body = body;
	TAILQ_INSERT_TAIL(&c->slots, s, centry);
	if (waiting) {
		TAILQ_INSERT_TAIL(&c->waitq, s, wentry);
		c->nwaiting++;
	}
	return s;
}

/* Move every slot at the head that is complete, in order, to c->out. */
static void
conn_flush_slots(struct conn *c)
{
	struct conn_slot *s;
	size_t		 n;

	while ((s = TAILQ_FIRST(&c->slots)) != NULL) {
		if ((n = buf_unread(&s->body)) > 0) {
			if (!c->gone)
				conn_append(&c->out, buf_head(&s->body), n);
			c->held -= n;
			buf_free(&s->body);
		}
		if (s->waiting)
			break;
		if (s->prompt && !c->gone)
			conn_append(&c->out, PROMPT_STR, PROMPT_LEN);
		TAILQ_REMOVE(&c->slots, s, centry);
		conn_slot_free(s);
	}
	conn_touch(c);
}

void
conn_slot_done(struct conn *c, struct conn_slot *s)
{
	s->waiting = false;
	TAILQ_REMOVE(&c->waitq, s, wentry);
	if (--c->nwaiting == 0) {
		/* Idle time counts again from the last reply. */
		c->t_active = c->ctx->now;
		conn_deadline_changed(c);
	}
	conn_owed(c, true);
	conn_flush_slots(c);
	/*
	 * One fewer in flight: a line held back for that may run now.  With
	 * no complete line left, what ended the input was dealt with when
	 * the last line ran; only the credit may have to move.
	 */
	if (c->lines)
		conn_run(c);
	else
		conn_grant(c);
}

/*
 * Queue bytes for the client in line order: straight out when nothing is
 * due before them, else in a built-in slot, shared with the built-in
 * bytes just before (so slots stay fewer than twice the lines in
 * flight).  prompt: "; " follows them.
 */
static void
conn_emit(struct conn *c, const char *p, size_t n, bool prompt)
{
	struct conn_slot *s;
	struct buf	*b;

	if (c->gone)
		return;
	if (TAILQ_EMPTY(&c->slots))
		b = &c->out;
	else {
		s = TAILQ_LAST(&c->slots, conn_slotq);
		if (s->waiting)
			s = conn_slot_new(c, false, false);
		b = &s->body;
		c->held += n + (prompt ? PROMPT_LEN : 0);
	}
	conn_append(b, p, n);
	if (prompt)
		conn_append(b, PROMPT_STR, PROMPT_LEN);
	conn_touch(c);
}

void
conn_release(struct conn *c)
{
	struct conn_slot *s;

	while ((s = TAILQ_FIRST(&c->slots)) != NULL) {
		TAILQ_REMOVE(&c->slots, s, centry);
		conn_slot_free(s);
	}
	TAILQ_INIT(&c->waitq);
	c->nwaiting = 0;
	c->held = 0;
	if (c->linkwaiting) {
		TAILQ_REMOVE(&c->ctx->linkwait, c, lwentry);
		c->linkwaiting = false;
	}
	if (c->cid != 0)
		link_close(c->ctx->link, c->cid);
	c->cid = 0;
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

/*
 * Grant the worker more reply bytes when what it may still send has
 * fallen under half of --max-queue, so that queued bytes plus credit
 * stay under --max-queue and a reading client is never kept waiting.
 * One case needs more: built-in replies held behind the oldest slot
 * (pings after a stat) may fill the queue by themselves, and only that
 * slot's reply can free them.  When the client has read everything it
 * can, the worker gets one frame's worth for that slot, so a connection
 * holds at most --max-queue plus one frame.
 */
static void
conn_grant(struct conn *c)
{
	uint64_t	 max = c->ctx->cfg->max_queue, room = 0, outstanding;
	struct conn_slot *head = TAILQ_FIRST(&c->slots);

	if (c->cid == 0)
		return;
	outstanding = c->granted - c->received;
	if (outstanding <= max / 2 && conn_queued(c) + outstanding < max) {
		room = max - conn_queued(c) - outstanding;
		if (room < max / 4 && room < WIRE_REPLY_CHUNK)
			room = 0;
	} else if (outstanding == 0 && buf_unread(&c->out) == 0 &&
	    head != NULL && head->waiting)
		room = WIRE_REPLY_CHUNK;
	if (room == 0)
		return;
	link_credit(c->ctx->link, c->cid, (uint32_t)room);
	c->granted += room;
	conn_owed(c, false);
}

/* The link is full: wait for it, in order. */
static void
conn_wait_link(struct conn *c)
{
	if (!c->linkwaiting) {
		c->linkwaiting = true;
		TAILQ_INSERT_TAIL(&c->ctx->linkwait, c, lwentry);
	}
}

static void
conn_forward(struct conn *c, const uint8_t *p, size_t n)
{
	struct conn_slot *s;

	if (c->cid == 0) {
		/* The worker hears of a connection only when it has to. */
		c->cid = link_open(c->ctx->link, c,
		    (uint32_t)c->ctx->cfg->max_queue, c->fd);
		c->granted = c->ctx->cfg->max_queue;
	}
	s = conn_slot_new(c, true, prompt_shows(c->mode));
	link_request(c->ctx->link, c->cid, s, &c->who, p, n);
	conn_owed(c, false);
	if (prompt_closes(c->mode))
		conn_close_after(c, "reply");
}

/* Run one line (without its \n); false when it must wait instead. */
static bool
conn_line(struct conn *c, const uint8_t *p, size_t n)
{
	struct line_cmd	 cmd;
	struct prompt_step st;
	struct buf	 b = BUF_INIT;

	line_parse(p, n, &cmd);
	switch (cmd.kind) {
	case LINE_BADUTF8:
		if (errtab_reply(&b, EINVAL) == -1)
			fatal("op=conn why=\"reply\"");
		conn_emit(c, (const char *)buf_head(&b), buf_unread(&b), false);
		buf_free(&b);
		log_info("op=reject fd=%d uid=%u gid=%u pid=%d why=utf8 "
		    "len=%zu", c->fd, c->who.uid, c->who.gid, (int)c->who.pid,
		    n);
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
		if (c->nwaiting >= CONN_INFLIGHT_MAX)
			return false;
		if (link_full(c->ctx->link)) {
			conn_wait_link(c);
			return false;
		}
		conn_forward(c, p, n);
		break;
	}
	return true;
}

void
conn_run(struct conn *c)
{
	const uint8_t	*head, *nl = NULL;
	size_t		 len;

	while (!c->halted && !c->dead) {
		if ((len = buf_unread(&c->in)) == 0)
			break;
		head = buf_head(&c->in);
		if ((nl = memchr(head, '\n', len)) == NULL)
			break;
		/* Back-pressure: the client reads its replies first. */
		if (conn_queued(c) >= c->ctx->cfg->max_queue)
			break;
		if (!conn_line(c, head, (size_t)(nl - head)))
			break;
		buf_consume(&c->in, (size_t)(nl - head) + 1);
		nl = NULL;
	}
	c->lines = nl != NULL && !c->halted;
	if (!c->lines && !c->halted) {
		/* Everything before has run: what ended the input applies. */
		if (c->rate) {
			conn_emit(c, LINE_REPLY_RATE,
			    sizeof(LINE_REPLY_RATE) - 1, false);
			log_info("op=rate fd=%d uid=%u gid=%u pid=%d", c->fd,
			    c->peer.uid, c->peer.gid, (int)c->peer.pid);
			conn_halt(c, "rate");
		} else if (c->eof)
			/* An unterminated line is discarded, never run. */
			conn_close_after(c, "eof");
	}
	/* A connection that reads no more never completes its partial line. */
	if (c->halted || (c->closing && !c->lines))
		buf_reset(&c->in);
	if (buf_unread(&c->in) == 0 && c->in.cap > 2 * IPC_LINE_MAX)
		buf_free(&c->in);
	conn_grant(c);
	conn_touch(c);
}

void
conn_link_drained(struct conn_ctx *ctx)
{
	struct conn	*c;

	while (!link_full(ctx->link) &&
	    (c = TAILQ_FIRST(&ctx->linkwait)) != NULL) {
		TAILQ_REMOVE(&ctx->linkwait, c, lwentry);
		c->linkwaiting = false;
		conn_run(c);
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
		c->who = who;
		if (memchr(p, '\n', good) != NULL)
			c->authed = true;
	}
	if (over) {
		/* Read no more; RATE once the lines before it have run. */
		c->rate = true;
		conn_close_after(c, "rate");
	}
	conn_run(c);
}

void
conn_eof(struct conn *c)
{
	c->eof = true;
	conn_run(c);
}

void
conn_gone(struct conn *c)
{
	c->gone = true;
	buf_reset(&c->out);
	conn_run(c);
}

void
conn_sent(struct conn *c, size_t n)
{
	buf_consume(&c->out, n);
	c->t_active = c->ctx->now;
	if (buf_unread(&c->out) == 0 && c->out.cap > CONN_KEEP_BUF)
		buf_free(&c->out);
	/* Room again: lines held back may run, the worker may send more. */
	conn_run(c);
}

size_t
conn_queued(const struct conn *c)
{
	return buf_unread(&c->out) + c->held;
}

bool
conn_wants_read(const struct conn *c)
{
	return !c->closing && !c->dead && !c->eof && !c->lines &&
	    conn_queued(c) < c->ctx->cfg->max_queue;
}

bool
conn_finished(const struct conn *c)
{
	return c->closing && !c->lines && TAILQ_EMPTY(&c->slots) &&
	    buf_unread(&c->out) == 0;
}

bool
conn_worker_stalled(const struct conn *c)
{
	const struct conn_cfg *cfg = c->ctx->cfg;

	return c->t_owed != 0 && cfg->worker_timeout_ms != 0 &&
	    c->ctx->now - c->t_owed >= cfg->worker_timeout_ms;
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
	if (c->t_owed != 0 && cfg->worker_timeout_ms != 0) {
		t = c->t_owed + cfg->worker_timeout_ms;
		if (t < d)
			d = t;
	}
	return d;
}
