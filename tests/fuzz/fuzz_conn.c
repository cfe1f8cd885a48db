/*
 * libFuzzer target for the listener's connection state machine
 * (listener/conn.c, auth.c, line.c, prompt.c) and its end of the worker
 * link (listener/link.c), driven without sockets as the event loop
 * drives them: chunks with the credentials the kernel attached go in,
 * the client reads what is queued, the worker answers every REQUEST with
 * REPLY frames through link_process() within the reply bytes each
 * connection granted it, time passes, clients hang up.
 *
 * Beside the code runs a model of docs/protocol.md sections 2-4 and 7-8 (and
 * of docs/protocol.md where the spec is silent), written here from the
 * text: it says which lines reach the worker, with which credentials,
 * and the exact bytes each client must receive.  Checked:
 *  - every REQUEST is one the model forwards, in order, with the
 *    credentials that passed authentication and its connection's id,
 *    and nothing else reaches the worker;
 *  - lines run only while the client's queue is under max_queue, and a
 *    line for the worker only while fewer than CONN_INFLIGHT_MAX wait;
 *    the rest wait, read but not run, as the model says;
 *  - a client that was closed normally received exactly the model's
 *    bytes, in line order; one cut short (hang-up, timeout, lock:on)
 *    received a prefix of them;
 *  - the connection's mode, its closing, back-pressure (max_queue) and
 *    timeouts agree with the model, and a connection that has nothing
 *    left to do is finished;
 *  - memory held for a connection stays bounded: its input buffer holds
 *    at most a partial line and one chunk (2 * IPC_LINE_MAX), its queue
 *    at most max_queue plus one frame and one built-in reply (the
 *    worker never sends past the credit), and the bytes already sent
 *    that its output buffer and the link's input buffer still hold do
 *    not outgrow what is live in them (or the per-connection queue
 *    limit / one link read);
 *  - nothing crashes, and everything is freed at the end.
 *
 * The input is a program: a configuration byte, then operations (see
 * the OP_ names and fuzz/README.md).  Bytes past the end read as 0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/wire.h"
#include "listener/conn.h"
#include "listener/link.h"
#include "tests/fuzz/fuzz_log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_conn: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define NSLOT		3	/* connections open at once, at most */
#define AUTH_MS		((uint64_t)PREAUTH_TIMEOUT_MS)
#define IDLE_MS		((uint64_t)DEFAULT_IDLE_TIMEOUT_S * 1000)
#define SMALL_QUEUE	64	/* a max_queue that back-pressure often meets */
#define NCRED_MAX	3
/*
 * What one input may feed in all: OP_REPEAT turns a few bytes into a
 * long stream, which is the point, but a run must stay fast.
 */
#define BUDGET_CHUNKS	1024
#define BUDGET_BYTES	(1024 * 1024)

/* The bytes of docs/protocol.md 2-5, written out again. */
#define R_PONG		"{\"err\":0,\"msg\":\"PONG\"}\n"
#define R_PINK		"{\"err\":0,\"msg\":\"Change return success. " \
			"Going and coming without error. Action brings " \
			"good fortune.\"}\n"
#define R_VERSION	"{\"major\":3,\"minor\":1,\"version\":\"3.1\"}\n"
#define R_RATE		"{\"err\":7,\"msg\":\"RATE\"}\n"
#define R_AUTH		"{\"err\":13,\"msg\":\"AUTH\"}\n"
#define R_EINVAL	"{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n"
#define R_PROMPT	"; "
#define R_UNKNOWN	"Unknown prompt mode!\n"

/* Operations: the low nibble of an operation byte; the high one picks
 * the connection. */
enum {
	OP_CHUNK,	/* len, creds, bytes: one recvmsg */
	OP_REPEAT = 5,	/* count: the last chunk again (a long stream) */
	OP_EOF,		/* the client shut down its writing side */
	OP_READ,	/* amount: the client reads */
	OP_ANSWER,	/* count, then per reply size and parts; deliver */
	OP_DELIVER = 9,	/* amount: worker bytes reach the listener */
	OP_HANGUP,	/* EPOLLHUP: the loop closes the connection */
	OP_TIME,	/* seconds / 4: time passes, timers run */
};

/* Credentials a chunk may carry (struct auth_cred: pid, uid, gid). */
static const struct auth_cred cred_tab[8] = {
	{ .pid = 4242, .uid = 1000, .gid = 1000 },	/* the IPC user */
	{ .pid = 4243, .uid = 1000, .gid = 2000 },	/* another group */
	{ .pid = 77, .uid = 1001, .gid = 1000 },	/* another user */
	{ .pid = 1, .uid = 0, .gid = 0 },		/* root */
	{ .pid = 0, .uid = 1000, .gid = 1000 },		/* pid unmapped */
	{ .pid = 9, .uid = 0, .gid = 5 },		/* uid 0 only */
	{ .pid = 0x7fffffff, .uid = 1000, .gid = 1000 },
	{ .pid = 5, .uid = 1000, .gid = 0 },
};

/*
 * One piece of what a client must receive: literal bytes or a reply,
 * which "; " follows once it is complete when prompt is set.
 */
struct seg {
	uint64_t	 id;		/* 0: lit[off..off + n) */
	size_t		 off;
	size_t		 n;
	bool		 prompt;
};

struct client {
	struct conn	*c;		/* NULL once the loop closed it */
	/* The model's state of the connection. */
	enum prompt_mode mode;
	bool		 closing;	/* reads no more */
	bool		 halted;	/* runs no later line */
	bool		 eof;
	bool		 rate;		/* RATE once the lines before ran */
	bool		 authed;	/* had a complete authenticated line */
	struct buf	 partial;	/* lines read but not run, and the
					   unterminated one */
	struct auth_cred who;		/* the last chunk's credentials */
	uint64_t	 t_accept;
	uint64_t	 t_last;	/* last byte moved, or last reply */
	size_t		 owed;		/* forwarded lines not answered */
	/* What it must receive, and what it did. */
	struct seg	*segs;
	size_t		 nseg;
	size_t		 capseg;
	struct buf	 lit;
	size_t		 queued;	/* of it, bytes the listener queued */
	struct buf	 got;
	bool		 exact;		/* closed normally */
	/* The last chunk, for OP_REPEAT. */
	struct buf	 last;
	struct auth_cred lastcred[NCRED_MAX];
	size_t		 nlastcred;
};

struct req {
	struct client	*cl;
	uint64_t	 cid;		/* its connection's id on the link */
	struct auth_cred who;
	struct buf	 line;
	struct buf	 body;		/* the whole reply the worker chose */
	size_t		 sent;		/* of it, framed by the worker */
	size_t		 delivered;	/* of it, processed by the listener */
	uint8_t		 parts;		/* how the worker splits it */
	bool		 chosen;	/* the worker chose its reply */
	bool		 prompt;	/* "; " follows it once complete */
	bool		 done;
};

/* What a connection granted the worker (CONN_OPEN, CREDIT). */
struct wconn {
	uint64_t	 cid;
	uint64_t	 credit;
};

/* A frame of the worker's stream, until the listener has it whole. */
struct wframe {
	size_t		 end;		/* absolute offset in the stream */
	uint64_t	 id;
	size_t		 n;		/* body bytes it carries */
	bool		 last;
	bool		 fatal;
};

/* Who may connect, as docs/protocol.md 2.3 words it for one level. */
struct spec_cfg {
	bool		 check_uid;
	uid_t		 uid;
	bool		 check_gid;
	gid_t		 gid;
};

struct h {
	struct spec_cfg	 spec;
	uint32_t	 uid1, gid1;	/* the ids of cfg.auth's lists */
	struct conn_cfg	 cfg;
	struct conn_ctx	 ctx;
	struct link	 link;
	uint64_t	 now;
	size_t		 nslot;
	struct client	*slot[NSLOT];
	struct client	**all;		/* every client, for the end */
	size_t		 nall;
	size_t		 capall;
	struct req	*reqs;		/* reqs[id - 1] */
	size_t		 nreq;
	size_t		 capreq;
	uint64_t	 seen;		/* REQUESTs taken from link.out */
	uint64_t	 answered;	/* requests the worker chose replies for */
	size_t		 pumpfrom;	/* replies before it are all sent */
	struct wconn	*wc;		/* connections the worker knows */
	size_t		 nwc;
	size_t		 capwc;
	struct buf	 wstream;	/* worker bytes not yet delivered */
	size_t		 wpos;		/* worker bytes delivered so far */
	size_t		 wend;		/* worker bytes produced so far */
	struct wframe	*wf;
	size_t		 nwf;
	size_t		 capwf;
	size_t		 wfhead;
	size_t		 nchunks;	/* chunks fed, for the budget */
	size_t		 nbytes;
	bool		 fatal_sent;
	bool		 over;		/* lock:on ended IPC */
	const uint8_t	*p;		/* the unread program */
	size_t		 n;
};

static void *
grow(void *v, size_t *cap, size_t need, size_t sz)
{
	size_t	 ncap;

	if (need <= *cap)
		return v;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	if ((v = reallocarray(v, ncap, sz)) == NULL)
		FAIL("out of memory");
	*cap = ncap;
	return v;
}

static void
put(struct buf *b, const void *p, size_t n)
{
	if (buf_append(b, p, n) == -1)
		FAIL("out of memory");
}

static uint8_t
next(struct h *h)
{
	if (h->n == 0)
		return 0;
	h->n--;
	return *h->p++;
}

/* ---- The model of docs/protocol.md. ---- */

/* Section 2.3, from the text. */
static bool
spec_auth(const struct spec_cfg *ap, const struct auth_cred *c)
{
	if (c->pid == 0)
		return false;
	if (c->uid == 0 && c->gid == 0)
		return true;
	return (!ap->check_uid || c->uid == ap->uid) &&
	    (!ap->check_gid || c->gid == ap->gid);
}

static void
emit(struct client *cl, const char *s, size_t n)
{
	struct seg	*g;

	if (cl->nseg > 0 && cl->segs[cl->nseg - 1].id == 0) {
		g = &cl->segs[cl->nseg - 1];
		g->n += n;
	} else {
		cl->segs = grow(cl->segs, &cl->capseg, cl->nseg + 1,
		    sizeof(*cl->segs));
		cl->segs[cl->nseg++] = (struct seg){ 0, cl->lit.len, n,
		    false };
	}
	put(&cl->lit, s, n);
	cl->queued += n;
}

#define EMIT(cl, s)	emit((cl), (s), sizeof(s) - 1)

static void
model_forward(struct h *h, struct client *cl, const uint8_t *line,
    size_t n, const struct auth_cred *who)
{
	struct req	*r;

	h->reqs = grow(h->reqs, &h->capreq, h->nreq + 1, sizeof(*h->reqs));
	r = &h->reqs[h->nreq++];
	memset(r, 0, sizeof(*r));
	r->cl = cl;
	r->who = *who;
	put(&r->line, line, n);
	cl->segs = grow(cl->segs, &cl->capseg, cl->nseg + 1,
	    sizeof(*cl->segs));
	cl->segs[cl->nseg++] = (struct seg){ h->nreq, 0, 0,
	    cl->mode == PROMPT_PROMPT };
	r->prompt = cl->mode == PROMPT_PROMPT;
	cl->owed++;
}

/* A complete line is read and waits to run. */
static bool
model_lines(const struct client *cl)
{
	return !cl->halted && cl->partial.len > 0 &&
	    memchr(cl->partial.data, '\n', cl->partial.len) != NULL;
}

static bool
is_space(uint8_t c)
{
	/* Section 3.2: not \v. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static size_t
token(const uint8_t *p, size_t n, size_t *pos, const uint8_t **tok)
{
	size_t	 s;

	while (*pos < n && is_space(p[*pos]))
		(*pos)++;
	s = *pos;
	while (*pos < n && !is_space(p[*pos]))
		(*pos)++;
	*tok = p + s;
	return *pos - s;
}

static bool
word(const uint8_t *t, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(t, w, n) == 0;
}

/* After a reply of ping, pink, version or the worker (section 3). */
static void
model_replied(struct client *cl, bool worker)
{
	/* A worker reply's prompt follows it once complete (its seg). */
	if (cl->mode == PROMPT_PROMPT && !worker)
		EMIT(cl, R_PROMPT);
	if (cl->mode == PROMPT_NONINTERACTIVE)
		cl->closing = true;
}

/*
 * The bytes queued for cl that it has not read: literal ones, reply
 * bytes delivered, the prompt of a complete reply (conn_queued()).
 */
static size_t
model_queued(const struct h *h, const struct client *cl)
{
	(void)h;
	return cl->queued - cl->got.len;
}

/* Section 3 and 4: one complete line; false when it must wait. */
static bool
model_line(struct h *h, struct client *cl, const uint8_t *p, size_t n,
    const struct auth_cred *who)
{
	const uint8_t	*t, *a;
	size_t		 pos = 0, tn, an;

	if (!utf8_valid(p, n)) {
		EMIT(cl, R_EINVAL);
		cl->halted = cl->closing = true;
		return true;
	}
	if ((tn = token(p, n, &pos, &t)) == 0) {
		if (cl->mode == PROMPT_PROMPT)
			EMIT(cl, R_PROMPT);
		return true;
	}
	if (word(t, tn, "prompt")) {
		an = token(p, n, &pos, &a);
		if (an == 0 && cl->mode == PROMPT_PROMPT)
			cl->mode = PROMPT_INTERACTIVE;
		else if (an == 0 || word(a, an, "p")) {
			cl->mode = PROMPT_PROMPT;
			EMIT(cl, R_PROMPT);
		} else if (word(a, an, "n"))
			cl->mode = PROMPT_NONINTERACTIVE;
		else if (word(a, an, "i"))
			cl->mode = PROMPT_INTERACTIVE;
		else {
			EMIT(cl, R_UNKNOWN);
			if (cl->mode == PROMPT_PROMPT)
				EMIT(cl, R_PROMPT);
		}
		return true;
	}
	if (word(t, tn, "quit") || word(t, tn, "exit")) {
		cl->halted = cl->closing = true;
		return true;
	}
	if (word(t, tn, "ping"))
		EMIT(cl, R_PONG);
	else if (word(t, tn, "pink"))
		EMIT(cl, R_PINK);
	else if (word(t, tn, "version"))
		EMIT(cl, R_VERSION);
	else if (cl->owed >= CONN_INFLIGHT_MAX)
		return false;
	else
		model_forward(h, cl, p, n, who);
	model_replied(cl, !word(t, tn, "ping") && !word(t, tn, "pink") &&
	    !word(t, tn, "version"));
	return true;
}

/*
 * The lines read and not yet run, as far as the bounds allow (conn.h):
 * none once the queue reaches max_queue, none for the worker while
 * CONN_INFLIGHT_MAX of its lines wait.  Then, once every line before has
 * run, what ended the input applies.
 */
static void
model_run(struct h *h, struct client *cl)
{
	const uint8_t	*nl = NULL;
	size_t		 i = 0, end;

	while (!cl->halted && i < cl->partial.len) {
		if ((nl = memchr(cl->partial.data + i, '\n',
		    cl->partial.len - i)) == NULL)
			break;
		if (model_queued(h, cl) >= h->cfg.max_queue)
			break;
		end = (size_t)(nl - cl->partial.data);
		if (!model_line(h, cl, cl->partial.data + i, end - i,
		    &cl->who))
			break;
		i = end + 1;
		nl = NULL;
	}
	if (i > 0) {
		memmove(cl->partial.data, cl->partial.data + i,
		    cl->partial.len - i);
		cl->partial.len -= i;
	}
	if (!cl->halted && !model_lines(cl)) {
		if (cl->rate) {
			EMIT(cl, R_RATE);
			cl->halted = cl->closing = true;
		} else if (cl->eof)
			cl->closing = true;
	}
	if (cl->halted || (cl->closing && !model_lines(cl)))
		buf_reset(&cl->partial);
}

/* Section 2: one chunk, in the order size, authentication, lines. */
static void
model_input(struct h *h, struct client *cl, const uint8_t *p, size_t n,
    const struct auth_cred *creds, size_t ncreds)
{
	const struct auth_cred *who = NULL;
	size_t		 i, cur = cl->partial.len, good = 0, take;
	bool		 over = false;

	cl->t_last = h->now;
	for (i = 0; i < n && !over; i++) {
		/* The bytes of the current line, its \n counted. */
		if (++cur >= IPC_LINE_MAX)
			over = true;
		else if (p[i] == '\n') {
			cur = 0;
			good = i + 1;
		}
	}
	for (i = 0; i < ncreds && who == NULL; i++)
		if (spec_auth(&h->spec, &creds[i]))
			who = &creds[i];
	if (!over && who == NULL) {
		EMIT(cl, R_AUTH);
		cl->halted = cl->closing = true;
		buf_reset(&cl->partial);
		return;
	}
	if (who != NULL) {
		/* Lines before an oversized one run (docs/protocol.md). */
		take = over ? good : n;
		put(&cl->partial, p, take);
		cl->who = *who;
		if (memchr(p, '\n', take) != NULL)
			cl->authed = true;
	}
	if (over)
		cl->rate = cl->closing = true;
	model_run(h, cl);
}

/* Has the model's connection passed a timeout (section 8)? */
static bool
model_expired(const struct h *h, const struct client *cl)
{
	if (!cl->authed && h->now - cl->t_accept >= AUTH_MS)
		return true;
	return h->cfg.idle_timeout_ms != 0 && cl->owed == 0 &&
	    h->now - cl->t_last >= h->cfg.idle_timeout_ms;
}

/* ---- Driving the listener as its event loop does. ---- */

static struct client *
client_new(struct h *h, size_t k)
{
	struct client	*cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL ||
	    (cl->c = malloc(sizeof(*cl->c))) == NULL)
		FAIL("out of memory");
	conn_init(cl->c, &h->ctx, 10 + (int)k, &cred_tab[k]);
	cl->mode = PROMPT_NONINTERACTIVE;
	cl->t_accept = cl->t_last = h->now;
	h->all = grow(h->all, &h->capall, h->nall + 1, sizeof(*h->all));
	h->all[h->nall++] = cl;
	h->slot[k] = cl;
	return cl;
}

/* loop_close(): out of the dirty list, released, freed. */
static void
client_close(struct h *h, size_t k, bool exact)
{
	struct client	*cl = h->slot[k];
	struct conn	*c = cl->c;

	c->dead = true;
	if (c->dirty) {
		TAILQ_REMOVE(&h->ctx.dirty, c, dentry);
		c->dirty = false;
	}
	conn_release(c);
	free(c);
	cl->c = NULL;
	cl->exact = exact;
	h->slot[k] = NULL;
}

/* The client reads up to n of the bytes queued for it. */
static void
client_read(struct h *h, struct client *cl, size_t n)
{
	size_t	 have = buf_unread(&cl->c->out);

	if (n > have)
		n = have;
	if (n == 0)
		return;
	put(&cl->got, buf_head(&cl->c->out), n);
	cl->t_last = h->now;
	/* Room again: the lines held back may run (conn_sent does). */
	model_run(h, cl);
	conn_sent(cl->c, n);
}

/*
 * FUZZ_CONN_SKIP=inbuf,outbuf,linkbuf turns the named bound checks off,
 * so that a long run can look past a bound already reported.
 */
static bool
skip(const char *what)
{
	const char	*e = getenv("FUZZ_CONN_SKIP");

	return e != NULL && strstr(e, what) != NULL;
}

static void
check_buffers(const struct h *h, const struct client *cl)
{
	static int	 on = -1;
	const struct conn *c = cl->c;
	size_t		 live;

	if (on == -1)
		on = (skip("inbuf") ? 0 : 1) | (skip("outbuf") ? 0 : 2) |
		    (skip("linkbuf") ? 0 : 4);
	if ((on & 1) && c->in.len > 2 * IPC_LINE_MAX)
		FAIL("a connection's input buffer holds %zu bytes (%zu "
		    "unread): more than a partial line and one chunk",
		    c->in.len, buf_unread(&c->in));
	live = buf_unread(&c->out);
	if ((on & 2) &&
	    c->out.off > (live > CONN_OUTQ_MAX ? live : CONN_OUTQ_MAX))
		FAIL("a connection's output buffer keeps %zu bytes already "
		    "sent, for %zu unsent", c->out.off, live);
	live = buf_unread(&h->link.in);
	if ((on & 4) &&
	    h->link.in.off > (live > LINK_READ_SIZE ? live : LINK_READ_SIZE))
		FAIL("the link's input buffer keeps %zu bytes already "
		    "handled, for %zu unhandled", h->link.in.off, live);
}

/* What the model and the connection must agree on after every step. */
static void
check_client(struct h *h, struct client *cl)
{
	const struct conn *c = cl->c;
	const struct conn_slot *s;
	size_t		 held = 0, waiting = 0;
	bool		 want;

	TAILQ_FOREACH(s, &c->slots, centry) {
		held += buf_unread(&s->body);
		if (s->waiting)
			waiting++;
	}
	if (held != c->held || waiting != c->nwaiting)
		FAIL("slots hold %zu bytes, %zu waiting; the connection says "
		    "%zu, %zu", held, waiting, c->held, c->nwaiting);
	if (c->nwaiting != cl->owed)
		FAIL("%zu replies owed, the model says %zu", c->nwaiting,
		    cl->owed);
	if (c->closing != cl->closing)
		FAIL("closing is %d, the model says %d", c->closing,
		    cl->closing);
	if (c->mode != cl->mode)
		FAIL("mode %s, the model says %s", prompt_mode_name(c->mode),
		    prompt_mode_name(cl->mode));
	if (conn_queued(c) != buf_unread(&c->out) + c->held)
		FAIL("conn_queued is not the bytes queued");
	if (conn_queued(c) != model_queued(h, cl))
		FAIL("%zu bytes queued, the model says %zu", conn_queued(c),
		    model_queued(h, cl));
	if (c->lines != model_lines(cl))
		FAIL("lines waiting %d, the model says %d", c->lines,
		    model_lines(cl));
	want = !cl->closing && !cl->eof && !model_lines(cl) &&
	    conn_queued(c) < h->cfg.max_queue;
	if (conn_wants_read(c) != want)
		FAIL("wants_read %d, the rules say %d (queued %zu of %zu)",
		    conn_wants_read(c), want, conn_queued(c),
		    h->cfg.max_queue);
	if (cl->closing && cl->owed == 0 && !model_lines(cl) &&
	    buf_unread(&c->out) == 0 && !conn_finished(c))
		FAIL("closing with nothing left, but not finished");
	/* The worker keeps to the credit: one frame and a reply over. */
	if (conn_queued(c) > h->cfg.max_queue + WIRE_REPLY_CHUNK + 256)
		FAIL("%zu bytes queued for one connection, max_queue %zu",
		    conn_queued(c), h->cfg.max_queue);
	check_buffers(h, cl);
}

static void	worker_pump(struct h *);

static struct wconn *
worker_conn(struct h *h, uint64_t cid)
{
	size_t	 i;

	for (i = 0; i < h->nwc; i++)
		if (h->wc[i].cid == cid)
			return &h->wc[i];
	FAIL("a frame for connection %llu, which is not open",
	    (unsigned long long)cid);
}

/* CONN_OPEN, CREDIT, CONN_CLOSE: what the worker may send whom. */
static void
worker_conn_frame(struct h *h, const struct wire_msg *m)
{
	struct wconn	*w;
	size_t		 i;

	switch (m->type) {
	case WIRE_CONN_OPEN:
		for (i = 0; i < h->nwc; i++)
			if (WIRE_CONN_INDEX(h->wc[i].cid) ==
			    WIRE_CONN_INDEX(m->conn))
				FAIL("connection %llu opened twice",
				    (unsigned long long)m->conn);
		if (m->credit != h->cfg.max_queue)
			FAIL("opened with %u bytes, max_queue is %zu",
			    m->credit, h->cfg.max_queue);
		h->wc = grow(h->wc, &h->capwc, h->nwc + 1, sizeof(*h->wc));
		h->wc[h->nwc++] = (struct wconn){ m->conn, m->credit };
		break;
	case WIRE_CREDIT:
		w = worker_conn(h, m->conn);
		w->credit += m->credit;
		break;
	default:
		w = worker_conn(h, m->conn);
		*w = h->wc[--h->nwc];
		break;
	}
}

/*
 * The frames queued for the worker: connection frames as they come, and
 * REQUESTs exactly the model's.
 */
static void
take_requests(struct h *h)
{
	struct wire_msg	 m;
	struct auth_cred cr;
	struct req	*r;
	const char	*why;
	ssize_t		 n;

	while (buf_unread(&h->link.out) > 0) {
		n = wire_decode(buf_head(&h->link.out),
		    buf_unread(&h->link.out), &m, &why);
		if (n <= 0)
			FAIL("no whole frame for the worker: %s",
			    why ? why : "short");
		if (m.type == WIRE_CONN_OPEN || m.type == WIRE_CREDIT ||
		    m.type == WIRE_CONN_CLOSE) {
			worker_conn_frame(h, &m);
			buf_consume(&h->link.out, (size_t)n);
			continue;
		}
		if (m.type != WIRE_REQUEST || m.id != h->seen + 1)
			FAIL("%s %llu for the worker, REQUEST %llu expected",
			    wire_type_name(m.type), (unsigned long long)m.id,
			    (unsigned long long)h->seen + 1);
		if (h->seen >= h->nreq)
			FAIL("a line the rules do not forward reached the "
			    "worker: \"%.*s\"", (int)m.data_len,
			    (const char *)m.data);
		r = &h->reqs[h->seen];
		cr = (struct auth_cred){ .pid = (pid_t)m.pid, .uid = m.uid,
		    .gid = m.gid };
		if (!spec_auth(&h->spec, &cr))
			FAIL("REQUEST %llu carries credentials that do not "
			    "pass: pid %u uid %u gid %u",
			    (unsigned long long)m.id, m.pid, m.uid, m.gid);
		if (cr.pid != r->who.pid || cr.uid != r->who.uid ||
		    cr.gid != r->who.gid)
			FAIL("REQUEST %llu: pid %u uid %u gid %u, the chunk's "
			    "were %d %u %u", (unsigned long long)m.id, m.pid,
			    m.uid, m.gid, (int)r->who.pid, r->who.uid,
			    r->who.gid);
		if (m.data_len != r->line.len || (m.data_len > 0 &&
		    memcmp(m.data, r->line.data, m.data_len) != 0))
			FAIL("REQUEST %llu: \"%.*s\", the line was \"%.*s\"",
			    (unsigned long long)m.id, (int)m.data_len,
			    (const char *)m.data, (int)r->line.len,
			    (const char *)r->line.data);
		if (m.data_len > IPC_LINE_MAX - 2 ||
		    memchr(m.data, '\n', m.data_len) != NULL)
			FAIL("REQUEST %llu: a line of %zu bytes",
			    (unsigned long long)m.id, m.data_len);
		if (r->cl->c != NULL && m.conn != r->cl->c->cid)
			FAIL("REQUEST %llu for connection %llu, not its "
			    "client's", (unsigned long long)m.id,
			    (unsigned long long)m.conn);
		(void)worker_conn(h, m.conn);
		r->cid = m.conn;
		h->seen++;
		buf_consume(&h->link.out, (size_t)n);
	}
	worker_pump(h);
	if (h->seen != h->nreq)
		FAIL("%zu lines forwarded by the rules never reached the "
		    "worker", h->nreq - (size_t)h->seen);
}

/* The end of a loop pass: requests out, finished connections closed. */
static void
settle(struct h *h)
{
	struct conn	*c;
	struct client	*cl;
	size_t		 k;

	take_requests(h);
	for (k = 0; k < h->nslot; k++) {
		if ((cl = h->slot[k]) == NULL)
			continue;
		check_client(h, cl);
		if (conn_finished(cl->c)) {
			if (!cl->closing || cl->owed != 0 || model_lines(cl))
				FAIL("finished, but the model is not done");
			client_close(h, k, true);
		}
	}
	while ((c = TAILQ_FIRST(&h->ctx.dirty)) != NULL) {
		TAILQ_REMOVE(&h->ctx.dirty, c, dentry);
		c->dirty = false;
	}
}

/* One recvmsg's worth, if the loop would read this connection now. */
static void
chunk(struct h *h, struct client *cl, const uint8_t *p, size_t n,
    const struct auth_cred *creds, size_t ncreds)
{
	if (n == 0 || h->nchunks >= BUDGET_CHUNKS ||
	    h->nbytes + n > BUDGET_BYTES)
		return;
	h->nchunks++;
	h->nbytes += n;
	if (!conn_wants_read(cl->c) && !cl->closing && !cl->eof) {
		/* Back-pressure: the client reads its replies first. */
		client_read(h, cl, SIZE_MAX);
		settle(h);
	}
	if (!conn_wants_read(cl->c))
		return;
	model_input(h, cl, p, n, creds, ncreds);
	conn_input(cl->c, p, n, creds, ncreds);
	check_buffers(h, cl);
}

/* The loop's timers: the same shortcut on next_deadline, then close. */
static void
timers(struct h *h)
{
	struct client	*cl;
	uint64_t	 d, nextd = UINT64_MAX;
	size_t		 k;

	if (h->now >= h->ctx.next_deadline) {
		for (k = 0; k < h->nslot; k++) {
			if ((cl = h->slot[k]) == NULL)
				continue;
			if ((d = conn_deadline(cl->c)) > h->now) {
				if (d < nextd)
					nextd = d;
				continue;
			}
			if (!model_expired(h, cl))
				FAIL("closed by a timeout it had not reached "
				    "(authed %d, owed %zu, %llu ms idle)",
				    cl->authed, cl->owed,
				    (unsigned long long)(h->now - cl->t_last));
			client_close(h, k, false);
		}
		h->ctx.next_deadline = nextd;
	}
	for (k = 0; k < h->nslot; k++)
		if ((cl = h->slot[k]) != NULL && model_expired(h, cl))
			FAIL("outlived its timeout (authed %d, owed %zu, "
			    "%llu ms idle)", cl->authed, cl->owed,
			    (unsigned long long)(h->now - cl->t_last));
}

/* loop_shutdown(): lock:on, every connection closed without more bytes. */
static void
shutdown_all(struct h *h)
{
	size_t	 k;

	for (k = 0; k < h->nslot; k++)
		if (h->slot[k] != NULL)
			client_close(h, k, false);
	h->over = true;
}

/* A body the worker might send, with its id in it to catch reordering. */
static void
make_body(struct buf *b, uint64_t id, size_t n)
{
	char	 head[32];
	size_t	 i, hn;
	int	 r;

	r = snprintf(head, sizeof(head), "<%llu>", (unsigned long long)id);
	hn = r > 0 ? (size_t)r : 0;
	if (buf_reserve(b, n) == -1)
		FAIL("out of memory");
	for (i = 0; i < n; i++)
		b->data[b->len + i] = i < hn ? (uint8_t)head[i] :
		    (uint8_t)('a' + (id + i) % 26);
	if (n > 0)
		b->data[b->len + n - 1] = '\n';
	b->len += n;
}

static void
worker_frame(struct h *h, uint64_t cid, uint64_t id, uint32_t flags,
    const uint8_t *p, size_t n)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .conn = cid, .id = id,
	    .flags = flags, .data = p, .data_len = n };
	size_t		 before = h->wstream.len;

	if (wire_encode(&h->wstream, &m) == -1)
		FAIL("wire_encode of a REPLY");
	h->wend += h->wstream.len - before;
	h->wf = grow(h->wf, &h->capwf, h->nwf + 1, sizeof(*h->wf));
	h->wf[h->nwf++] = (struct wframe){ h->wend, id, n,
	    !(flags & WIRE_F_MORE), (flags & WIRE_F_FATAL) != 0 };
}

/* A connection the worker still knows, or NULL once it closed. */
static struct wconn *
worker_find(struct h *h, uint64_t cid)
{
	size_t	 i;

	for (i = 0; i < h->nwc; i++)
		if (h->wc[i].cid == cid)
			return &h->wc[i];
	return NULL;
}

/*
 * Send what the worker owes, as the real one does: each connection's
 * replies in order, none past its credit, each in pieces of the size the
 * input chose (at most WIRE_REPLY_CHUNK).  A closed connection is owed
 * nothing more.
 */
static void
worker_pump(struct h *h)
{
	struct wconn	*w;
	struct req	*r;
	uint64_t	 busy[NSLOT];
	size_t		 i, j, n, piece, np, nbusy = 0;
	bool		 blocked;

	/* Every reply before pumpfrom is out: start there. */
	while (h->pumpfrom < h->answered &&
	    h->reqs[h->pumpfrom].sent == h->reqs[h->pumpfrom].body.len + 1)
		h->pumpfrom++;
	for (i = h->pumpfrom; i < h->answered && !h->fatal_sent; i++) {
		r = &h->reqs[i];
		if (r->sent == r->body.len + 1)
			continue;
		if ((w = worker_find(h, r->cid)) == NULL) {
			/* Closed: the worker forgets what it owed. */
			r->sent = r->body.len + 1;
			continue;
		}
		/* An earlier reply of the same connection goes first. */
		blocked = false;
		for (j = 0; j < nbusy && !blocked; j++)
			blocked = busy[j] == r->cid;
		if (blocked)
			continue;
		if (nbusy < NSLOT)
			busy[nbusy++] = r->cid;
		np = 1 + (r->parts & 3);
		piece = r->body.len / np;
		if (piece == 0)
			piece = 1;
		do {
			n = r->body.len - r->sent;
			if (n > piece)
				n = piece;
			if (n > WIRE_REPLY_CHUNK)
				n = WIRE_REPLY_CHUNK;
			if (n > w->credit)
				n = (size_t)w->credit;
			if (n == 0 && r->sent < r->body.len)
				break;
			worker_frame(h, r->cid, i + 1, r->sent + n <
			    r->body.len ? WIRE_F_MORE : 0, n > 0 ?
			    r->body.data + r->sent : (const uint8_t *)"", n);
			r->sent += n;
			w->credit -= n;
			/* sent == len + 1: the last frame is out. */
			if (r->sent == r->body.len)
				r->sent++;
		} while (r->sent <= r->body.len);
		/* Done: the connection's next reply may go in this pass. */
		if (r->sent == r->body.len + 1)
			nbusy--;
	}
}

/*
 * The worker chooses the reply of the oldest request it has not: lock:on
 * with FATAL and nothing after it (docs/commands.md 3.8), anything else
 * with a body of a size the input picks, split as the input picks.
 */
static void
worker_answer(struct h *h, uint8_t sz, uint8_t parts)
{
	struct req	*r;
	uint64_t	 id;
	size_t		 size;

	if (h->fatal_sent || h->answered >= h->seen)
		return;
	id = ++h->answered;
	r = &h->reqs[id - 1];
	if (word(r->line.data, r->line.len, "lock:on")) {
		worker_frame(h, r->cid, id, WIRE_F_FATAL, NULL, 0);
		h->fatal_sent = true;
		return;
	}
	size = sz < 0xf0 ? (size_t)sz * 4 : 20000 + (size_t)(sz & 0xf) * 5000;
	make_body(&r->body, id, size);
	r->parts = parts;
	r->chosen = true;
	worker_pump(h);
}

/* The model's side of frames now whole in the listener's buffer. */
static bool
frames_arrived(struct h *h)
{
	struct wframe	*f;
	struct req	*r;
	bool		 fin = false;

	for (; h->wfhead < h->nwf && h->wf[h->wfhead].end <= h->wpos;
	    h->wfhead++) {
		f = &h->wf[h->wfhead];
		r = &h->reqs[f->id - 1];
		if (f->fatal) {
			fin = true;
			continue;
		}
		r->delivered += f->n;
		r->cl->queued += f->n;
		if (!f->last)
			continue;
		r->done = true;
		if (r->prompt)
			r->cl->queued += 2;
		/* Idle time counts again from the last reply. */
		if (--r->cl->owed == 0)
			r->cl->t_last = h->now;
		/* One fewer in flight: the lines held back may run. */
		if (r->cl->c != NULL)
			model_run(h, r->cl);
	}
	return fin;
}

/* Up to n bytes of the worker's stream reach link_process, one read each. */
static void
deliver(struct h *h, size_t n)
{
	size_t	 k;
	bool	 fin;
	int	 r;

	while (n > 0 && buf_unread(&h->wstream) > 0 && !h->over) {
		k = buf_unread(&h->wstream);
		if (k > n)
			k = n;
		if (k > LINK_READ_SIZE)
			k = LINK_READ_SIZE;
		put(&h->link.in, buf_head(&h->wstream), k);
		buf_consume(&h->wstream, k);
		h->wpos += k;
		n -= k;
		fin = frames_arrived(h);
		r = link_process(&h->link);
		if (r != (fin ? 1 : 0))
			FAIL("link_process returned %d, the worker sent%s "
			    "FATAL", r, fin ? "" : " no");
		if (r == 1) {
			shutdown_all(h);
			return;
		}
		settle(h);
	}
}

static void
op_chunk(struct h *h, struct client *cl)
{
	uint8_t	 b;
	size_t	 len, i;

	b = next(h);
	len = b < 0xf0 ? (size_t)b + 1 :
	    ((size_t)(b & 0x0f) << 8 | next(h)) + 1;
	b = next(h);
	cl->nlastcred = b >> 6;
	for (i = 0; i < cl->nlastcred; i++)
		cl->lastcred[i] = cred_tab[i == 0 ? b & 7 : i == 1 ?
		    (b >> 3) & 7 : (b & 7) ^ 5];
	if (len > h->n)
		len = h->n;
	buf_reset(&cl->last);
	put(&cl->last, h->p, len);
	h->p += len;
	h->n -= len;
	chunk(h, cl, cl->last.data, cl->last.len, cl->lastcred,
	    cl->nlastcred);
}

static void
step(struct h *h)
{
	struct client	*cl;
	uint8_t		 op = next(h), a;
	size_t		 k = (size_t)(op >> 4) % h->nslot, i, cnt;

	if ((cl = h->slot[k]) == NULL)
		cl = client_new(h, k);	/* accept */
	switch (op & 0x0f) {
	case OP_REPEAT:
		cnt = (size_t)next(h) + 1;
		for (i = 0; i < cnt && h->slot[k] == cl; i++)
			chunk(h, cl, cl->last.data, cl->last.len,
			    cl->lastcred, cl->nlastcred);
		break;
	case OP_EOF:
		/* Seen only by a read, which the loop makes while it wants. */
		if (conn_wants_read(cl->c)) {
			cl->eof = true;
			model_run(h, cl);
			conn_eof(cl->c);
		}
		break;
	case OP_READ:
		/* 0: all; 1-127: that many 16-byte units; else all but some. */
		a = next(h);
		if (a == 0)
			client_read(h, cl, SIZE_MAX);
		else if (a < 0x80)
			client_read(h, cl, (size_t)a * 16);
		else if (buf_unread(&cl->c->out) > (size_t)(a & 0x7f))
			client_read(h, cl, buf_unread(&cl->c->out) -
			    (a & 0x7f));
		break;
	case OP_ANSWER:
		cnt = (size_t)(next(h) & 7) + 1;
		for (i = 0; i < cnt; i++) {
			a = next(h);
			worker_answer(h, a, next(h));
		}
		/* FALLTHROUGH */
	case OP_DELIVER:
		/* <0x80: everything produced; else that many 512-byte units. */
		a = next(h);
		deliver(h, a < 0x80 ? SIZE_MAX : (size_t)(a & 0x7f) * 512);
		break;
	case OP_HANGUP:
		client_close(h, k, false);
		break;
	case OP_TIME:
		h->now += (uint64_t)next(h) * 4000;
		h->ctx.now = h->now;
		timers(h);
		break;
	default:
		op_chunk(h, cl);
		break;
	}
	if (!h->over)
		settle(h);
}

/* What cl must have received: all of it, or as far as it is known. */
static void
expected(const struct h *h, const struct client *cl, struct buf *b,
    bool *whole)
{
	const struct seg *g;
	const struct req *r;
	size_t		 i;

	*whole = true;
	for (i = 0; i < cl->nseg; i++) {
		g = &cl->segs[i];
		if (g->id == 0) {
			put(b, cl->lit.data + g->off, g->n);
			continue;
		}
		r = &h->reqs[g->id - 1];
		put(b, r->body.data, r->delivered);
		if (!r->done) {
			*whole = false;
			return;
		}
		if (g->prompt)
			put(b, R_PROMPT, 2);
	}
}

static void
check_received(const struct h *h, const struct client *cl)
{
	struct buf	 want = BUF_INIT;
	size_t		 i;
	bool		 whole;

	expected(h, cl, &want, &whole);
	if (cl->exact && (!whole || want.len != cl->got.len))
		FAIL("closed normally after %zu bytes, the rules give %zu%s",
		    cl->got.len, want.len, whole ? "" : " and more");
	if (cl->got.len > want.len)
		FAIL("received %zu bytes, the rules allow %zu", cl->got.len,
		    want.len);
	for (i = 0; i < cl->got.len; i++)
		if (cl->got.data[i] != want.data[i])
			FAIL("received byte %zu differs: \"%.*s\", want "
			    "\"%.*s\"", i,
			    (int)(cl->got.len - i > 60 ? 60 : cl->got.len - i),
			    (const char *)cl->got.data + i,
			    (int)(want.len - i > 60 ? 60 : want.len - i),
			    (const char *)want.data + i);
	buf_free(&want);
}

/* The rest of the run: every reply arrives and is read, all is checked. */
static void
finish(struct h *h)
{
	struct client	*cl;
	size_t		 k, before;

	/*
	 * Answer, deliver and read until nothing moves: each reply freed
	 * may let a held line run, and each read grants more credit.
	 */
	for (;;) {
		before = h->nreq + h->answered + h->wend;
		while (!h->over && !h->fatal_sent && h->answered < h->seen)
			worker_answer(h, 3, 0);
		if (!h->over)
			deliver(h, SIZE_MAX);
		for (k = 0; k < h->nslot && !h->over; k++)
			if ((cl = h->slot[k]) != NULL) {
				client_read(h, cl, SIZE_MAX);
				settle(h);
			}
		if (h->over || h->nreq + h->answered + h->wend == before)
			break;
	}
	for (k = 0; k < h->nslot && !h->over; k++) {
		if ((cl = h->slot[k]) == NULL)
			continue;
		client_read(h, cl, SIZE_MAX);
		settle(h);
		/* Open with nothing owed: all it gets is there. */
		if (h->slot[k] != NULL)
			client_close(h, k, !cl->closing && cl->owed == 0);
	}
	if (!h->over && buf_unread(&h->link.in) != 0)
		FAIL("%zu bytes of replies left unhandled at the end",
		    buf_unread(&h->link.in));
	for (k = 0; k < h->nall; k++) {
		cl = h->all[k];
		check_received(h, cl);
		buf_free(&cl->partial);
		buf_free(&cl->lit);
		buf_free(&cl->got);
		buf_free(&cl->last);
		free(cl->segs);
		free(cl);
	}
	for (k = 0; k < h->nreq; k++) {
		buf_free(&h->reqs[k].line);
		buf_free(&h->reqs[k].body);
	}
	free(h->reqs);
	free(h->all);
	free(h->wf);
	free(h->wc);
	buf_free(&h->wstream);
	link_free(&h->link);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h	 h;
	uint8_t		 cfg;

	if (size < 1)
		return 0;
	memset(&h, 0, sizeof(h));
	h.p = data;
	h.n = size;
	/*
	 * The configuration byte: bit 0 check the uid (1000), bit 1 check
	 * the gid, bit 2 which gid (1000 or 2000), bit 3 a small max_queue,
	 * bit 4 no idle timeout, bits 5-6 the connections open at once.
	 */
	cfg = next(&h);
	h.spec.check_uid = (cfg & 0x01) != 0;
	h.spec.uid = 1000;
	h.spec.check_gid = (cfg & 0x02) != 0;
	h.spec.gid = (cfg & 0x04) ? 2000 : 1000;
	/* The same as the admin level of common/access.h. */
	h.uid1 = h.spec.uid;
	h.gid1 = h.spec.gid;
	h.cfg.auth.admin = (struct access_rule){ .on = true,
	    .any_uid = !h.spec.check_uid, .uids = { &h.uid1, 1 },
	    .check_gid = h.spec.check_gid, .gids = { &h.gid1, 1 } };
	h.cfg.max_queue = (cfg & 0x08) ? SMALL_QUEUE : CONN_OUTQ_MAX;
	h.cfg.auth_timeout_ms = AUTH_MS;
	h.cfg.idle_timeout_ms = (cfg & 0x10) ? 0 : IDLE_MS;
	/* The watchdog exits the process: unit tests pin it instead. */
	h.cfg.worker_timeout_ms = 0;
	h.nslot = 1 + (size_t)((cfg >> 5) & 3) % NSLOT;
	h.now = 1000000;
	link_init(&h.link, -1, NSLOT);
	conn_ctx_init(&h.ctx, &h.cfg, &h.link);
	h.ctx.now = h.now;

	while (h.n > 0 && !h.over)
		step(&h);
	finish(&h);
	return 0;
}
