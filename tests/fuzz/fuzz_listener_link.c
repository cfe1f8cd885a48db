/*
 * libFuzzer target for the listener as a hostile worker meets it: the
 * bytes of the worker's end of the link (REPLY frames, their chunks,
 * ids, flags, lengths, anything else) reach listener/link.c's
 * link_process() while client connections (listener/conn.c) have lines
 * in flight, driven without sockets as the event loop drives them.
 *
 * Beside it runs a model written from docs/design.md 3 and listener/link.h:
 * it reads the frames the listener queues for the worker (CONN_OPEN,
 * CREDIT, CONN_CLOSE, REQUEST) to know each connection's requests and
 * credit, and judges each frame of the worker as the text says: a
 * REPLY for a connection that has closed is dropped; a malformed frame,
 * another type, a reply past the table, with no request outstanding, for
 * another id than the connection's oldest, past the credit granted, or
 * longer than WIRE_REPLY_TOTAL_MAX in all is fatal, and so is a FATAL
 * reply that carries bytes or MORE; an empty FATAL reply ends IPC.
 * Checked:
 *  - the listener ends (fatalx, caught here) on exactly the model's bad
 *    frames, and returns 1 on exactly its FATAL;
 *  - every client has been given exactly the replies to its own lines,
 *    in line order, each whole, then at most the part received so far
 *    of the oldest reply still coming: never a byte of another
 *    connection's reply, of a dropped or refused frame, or of a later
 *    reply before the earlier ones are complete;
 *  - everything is freed at the end, whichever way it ended.
 *
 * Input: a configuration byte (bits 0-1: clients, 1 to 3; bit 2: a
 * max_queue of 300 bytes instead of CONN_OUTQ_MAX), then operations, one
 * byte each (low nibble what, high nibble which client), with their own
 * bytes: see the OP_ names.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "listener/conn.h"
#include "listener/link.h"
#include "tests/fuzz/fuzz_log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_listener_link: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define NCLIENT		3
#define MAXC		4	/* --max-conn: the link's table */
#define SMALL_QUEUE	300
#define NREQ_MAX	4096

enum {
	OP_LINES,	/* count: the client sends that many lines */
	OP_READ,	/* the client reads everything queued for it */
	OP_HANGUP,	/* the client is closed (a new one takes its place) */
	OP_REPLY,	/* flags, size: the worker answers the oldest line */
	OP_FORGE,	/* conn, id, flags, size: a REPLY of any fields */
	OP_RAW,		/* a length byte, then those bytes */
	OP_DELIVER,	/* amount: worker bytes reach the listener */
	OP_OTHER,	/* type: another frame than REPLY */
	/* 8-15: as OP_REPLY */
};

static const struct auth_cred cred = { .pid = 4242, .uid = 1000,
    .gid = 1000 };

/* A request the listener forwarded, as the model follows it. */
struct req {
	size_t		 owner;		/* index in h->all */
	struct buf	 got;		/* reply bytes the listener took */
	bool		 done;
};

/* One client connection, from its accept to its close. */
struct client {
	struct conn	*c;		/* NULL once closed */
	struct buf	 got;		/* what it read */
	uint64_t	 cid;		/* its id on the link, 0 before */
	uint64_t	 granted;	/* CONN_OPEN and CREDIT */
	uint64_t	 received;
	uint64_t	*ids;		/* its requests, in order */
	size_t		 nids, capids;
	size_t		 oldest;	/* ids before it are answered */
	size_t		 seq;
};

struct h {
	struct conn_cfg	 cfg;
	struct conn_ctx	 ctx;
	struct link	 link;
	size_t		 nslot;
	size_t		 slot[NCLIENT];	/* index in all, or SIZE_MAX */
	struct client	*all;
	size_t		 nall, capall;
	struct req	*reqs;		/* by id - 1 */
	size_t		 nreq, capreq;
	struct buf	 wstream;	/* the worker's bytes */
	size_t		 delivered;
	size_t		 mpos;		/* the model has judged up to here */
	bool		 over;		/* FATAL: IPC ended */
	bool		 dead;		/* fatalx */
	const uint8_t	*in;
	size_t		 n;
};

static void *
grow(void *v, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	if (*cap < need)
		*cap = need;
	if ((v = reallocarray(v, *cap, sz)) == NULL)
		FAIL("out of memory");
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
	return *h->in++;
}

/* ---- The model. ---- */

/* The open connection of cid, or NULL. */
static struct client *
client_of(struct h *h, uint64_t cid)
{
	size_t	 k;

	for (k = 0; k < h->nslot; k++)
		if (h->slot[k] != SIZE_MAX && h->all[h->slot[k]].cid == cid &&
		    cid != 0)
			return &h->all[h->slot[k]];
	return NULL;
}

/* What the listener queued for the worker: the model's account. */
static void
take_frames(struct h *h)
{
	struct wire_msg	 m;
	struct client	*cl;
	const char	*why;
	ssize_t		 r;

	while (buf_unread(&h->link.out) > 0) {
		r = wire_decode(buf_head(&h->link.out),
		    buf_unread(&h->link.out), &m, &why);
		if (r <= 0)
			FAIL("the listener queued a bad frame: %s",
			    why ? why : "short");
		if (WIRE_CONN_INDEX(m.conn) >= MAXC)
			FAIL("connection %llu past the table",
			    (unsigned long long)m.conn);
		cl = client_of(h, m.conn);
		switch (m.type) {
		case WIRE_CONN_OPEN:
			if (cl == NULL || cl->granted != 0)
				FAIL("CONN_OPEN of an unknown connection");
			cl->granted = m.credit;
			break;
		case WIRE_CONN_CLOSE:
			/* Its client record is gone already (hang-up). */
			break;
		case WIRE_CREDIT:
			if (cl == NULL)
				FAIL("CREDIT for no open connection");
			cl->granted += m.credit;
			break;
		case WIRE_REQUEST:
			if (cl == NULL)
				FAIL("a REQUEST for no open connection");
			if (m.id != h->nreq + 1)
				FAIL("REQUEST id %llu, %zu expected",
				    (unsigned long long)m.id, h->nreq + 1);
			h->reqs = grow(h->reqs, &h->capreq, h->nreq + 1,
			    sizeof(*h->reqs));
			h->reqs[h->nreq++] = (struct req){
			    (size_t)(cl - h->all), BUF_INIT, false };
			cl->ids = grow(cl->ids, &cl->capids, cl->nids + 1,
			    sizeof(*cl->ids));
			cl->ids[cl->nids++] = m.id;
			break;
		default:
			FAIL("the listener queued a %s frame",
			    wire_type_name(m.type));
		}
		buf_consume(&h->link.out, (size_t)r);
	}
}

/*
 * One frame of the worker, as docs/design.md 3 and link.h say the
 * listener must take it: 0 taken or dropped, 1 the end of IPC, -1 fatal.
 */
static int
judge(struct h *h, const struct wire_msg *m)
{
	struct client	*cl;
	struct req	*r;

	if (m->type != WIRE_REPLY)
		return -1;
	if (m->flags & WIRE_F_FATAL)
		return (m->flags & WIRE_F_MORE) || m->data_len != 0 ? -1 : 1;
	if (WIRE_CONN_INDEX(m->conn) >= MAXC)
		return -1;
	if ((cl = client_of(h, m->conn)) == NULL)
		return 0;	/* closed: dropped */
	if (cl->oldest == cl->nids)
		return -1;
	r = &h->reqs[cl->ids[cl->oldest] - 1];
	if (m->id != cl->ids[cl->oldest] ||
	    m->data_len > WIRE_REPLY_TOTAL_MAX - r->got.len ||
	    m->data_len > cl->granted - cl->received)
		return -1;
	cl->received += m->data_len;
	put(&r->got, m->data, m->data_len);
	if (!(m->flags & WIRE_F_MORE)) {
		r->done = true;
		cl->oldest++;
	}
	return 0;
}

/* Client cl, given everything queued for it: exactly the model's. */
static void
client_check(struct h *h, struct client *cl)
{
	struct buf	 all = BUF_INIT, want = BUF_INIT;
	struct req	*r;
	size_t		 i;

	put(&all, cl->got.data, cl->got.len);
	if (cl->c != NULL)
		put(&all, buf_head(&cl->c->out), buf_unread(&cl->c->out));
	for (i = 0; i < cl->nids; i++) {
		r = &h->reqs[cl->ids[i] - 1];
		put(&want, r->got.data, r->got.len);
		if (!r->done)
			break;
	}
	/* Closed: what it got is all it will, a prefix of the replies. */
	if (cl->c == NULL ? all.len > want.len : all.len != want.len)
		FAIL("client given %zu bytes, the replies in line order are "
		    "%zu", all.len, want.len);
	if (all.len > 0 && memcmp(all.data, want.data, all.len) != 0)
		FAIL("client given \"%.*s\", the replies in line order are "
		    "\"%.*s\"", (int)(all.len > 80 ? 80 : all.len),
		    (const char *)all.data,
		    (int)(want.len > 80 ? 80 : want.len),
		    (const char *)want.data);
	buf_free(&all);
	buf_free(&want);
}

/* ---- Driving the listener as its loop does. ---- */

static void
settle(struct h *h)
{
	struct conn	*c;
	size_t		 k;

	take_frames(h);
	for (k = 0; k < h->nslot; k++)
		if (h->slot[k] != SIZE_MAX)
			client_check(h, &h->all[h->slot[k]]);
	while ((c = TAILQ_FIRST(&h->ctx.dirty)) != NULL) {
		TAILQ_REMOVE(&h->ctx.dirty, c, dentry);
		c->dirty = false;
	}
}

static struct client *
client_get(struct h *h, size_t k)
{
	struct client	*cl;

	if (h->slot[k] != SIZE_MAX)
		return &h->all[h->slot[k]];
	h->all = grow(h->all, &h->capall, h->nall + 1, sizeof(*h->all));
	cl = &h->all[h->nall];
	memset(cl, 0, sizeof(*cl));
	if ((cl->c = malloc(sizeof(*cl->c))) == NULL)
		FAIL("out of memory");
	/* No socket: the link hands none to the worker (link_open). */
	conn_init(cl->c, &h->ctx, -1, &cred);
	h->slot[k] = h->nall++;
	/* Interactive: no prompt, no close after a reply. */
	conn_input(cl->c, (const uint8_t *)"prompt i\n", 9, &cred, 1);
	return cl;
}

static void
client_close(struct h *h, size_t k)
{
	struct client	*cl = &h->all[h->slot[k]];
	struct conn	*c = cl->c;

	/* The last bytes it could read, then gone: loop_close(). */
	if (buf_unread(&c->out) > 0)
		put(&cl->got, buf_head(&c->out), buf_unread(&c->out));
	c->dead = true;
	if (c->dirty) {
		TAILQ_REMOVE(&h->ctx.dirty, c, dentry);
		c->dirty = false;
	}
	conn_release(c);
	free(c);
	cl->c = NULL;
	cl->cid = 0;
	h->slot[k] = SIZE_MAX;
}

/* The client sends cnt lines, as far as the listener reads them. */
static void
client_lines(struct h *h, size_t k, size_t cnt)
{
	struct client	*cl = client_get(h, k);
	char		 line[32];
	size_t		 i;
	int		 n;

	for (i = 0; i < cnt; i++) {
		if (!conn_wants_read(cl->c))
			break;
		n = snprintf(line, sizeof(line), "q%zu.%zu\n", k, cl->seq++);
		conn_input(cl->c, (const uint8_t *)line, (size_t)n, &cred, 1);
		if (cl->cid == 0)
			cl->cid = cl->c->cid;
		take_frames(h);
	}
}

static void
client_read(struct h *h, size_t k)
{
	struct client	*cl = &h->all[h->slot[k]];
	size_t		 have = buf_unread(&cl->c->out);

	if (have == 0)
		return;
	put(&cl->got, buf_head(&cl->c->out), have);
	conn_sent(cl->c, have);
}

/* Everything dies with the listener: what loop_shutdown, exit do. */
static void
shutdown_all(struct h *h)
{
	size_t	 k;

	for (k = 0; k < h->nslot; k++)
		if (h->slot[k] != SIZE_MAX)
			client_close(h, k);
}

/* Up to n more bytes of the worker reach the listener in one read. */
static void
deliver(struct h *h, size_t n)
{
	struct wire_msg	 m;
	const char	*why;
	size_t		 to;
	ssize_t		 r;
	int		 verdict = 0, got;

	if (h->over || h->dead)
		return;
	to = h->wstream.len - h->delivered > n ? h->delivered + n :
	    h->wstream.len;
	if (to == h->delivered)
		return;
	/* The model first, on the frames this read completes. */
	while (verdict == 0) {
		r = wire_decode(h->wstream.data + h->mpos, to - h->mpos, &m,
		    &why);
		if (r == 0)
			break;
		verdict = r < 0 ? -1 : judge(h, &m);
		if (r > 0)
			h->mpos += (size_t)r;
	}
	put(&h->link.in, h->wstream.data + h->delivered, to - h->delivered);
	h->delivered = to;
	if (setjmp(fuzz_fatal_jmp) != 0) {
		if (verdict != -1)
			FAIL("the listener ended on a frame the rules take: %s",
			    fuzz_fatal_msg);
		h->dead = true;
		shutdown_all(h);
		return;
	}
	fuzz_fatal_expect = "op=link ";
	got = link_process(&h->link);
	fuzz_fatal_expect = NULL;
	if (verdict == -1)
		FAIL("the listener took a frame the rules call fatal");
	if (got != verdict)
		FAIL("link_process returned %d, the rules say %d", got,
		    verdict);
	if (got == 1) {
		h->over = true;
		shutdown_all(h);
		return;
	}
	settle(h);
}

static void
wframe(struct h *h, const struct wire_msg *m)
{
	if (wire_encode(&h->wstream, m) == -1)
		FAIL("wire_encode of a %s", wire_type_name(m->type));
}

/* A body the worker might send: its id and offset in it, to see order. */
static void
body(struct buf *b, uint64_t id, size_t n)
{
	size_t	 i;

	buf_reset(b);
	if (buf_reserve(b, n) == -1)
		FAIL("out of memory");
	for (i = 0; i < n; i++)
		b->data[i] = (uint8_t)('A' + (id * 7 + i) % 26);
	b->len = n;
}

static size_t
size_of(uint8_t b)
{
	/* Small mostly; 0xfN: N * 4 KiB + 1, a whole chunk at most. */
	return b < 0xf0 ? b : b == 0xff ? WIRE_REPLY_CHUNK :
	    (size_t)(b & 0x0f) * 4096 + 1;
}

static void
step(struct h *h)
{
	struct wire_msg	 m;
	struct client	*cl;
	struct buf	 b = BUF_INIT;
	uint8_t		 op = next(h), a;
	size_t		 k = (size_t)(op >> 4) % h->nslot, len;

	memset(&m, 0, sizeof(m));
	switch (op & 0x0f) {
	case OP_LINES:
		client_lines(h, k, (next(h) & 31) + 1);
		break;
	case OP_READ:
		if (h->slot[k] != SIZE_MAX)
			client_read(h, k);
		break;
	case OP_HANGUP:
		if (h->slot[k] != SIZE_MAX)
			client_close(h, k);
		break;
	case OP_FORGE:
		/* conn: this client's, a slot's other generation, past it. */
		a = next(h);
		cl = h->slot[k] != SIZE_MAX ? &h->all[h->slot[k]] : NULL;
		m.conn = (a & 3) == 0 && cl != NULL ? cl->cid :
		    WIRE_CONN_ID((a >> 2) & 7, (a >> 5) & 7);
		if (m.conn == 0)
			m.conn = 1;
		a = next(h);
		m.id = cl != NULL && cl->oldest < cl->nids ?
		    cl->ids[cl->oldest] + (int8_t)a : (uint64_t)a + 1;
		if (m.id == 0)
			m.id = 1;
		m.flags = next(h) & WIRE_F_ALL;
		len = size_of(next(h));
		body(&b, m.id, len);
		m.type = WIRE_REPLY;
		m.data = b.data;
		m.data_len = b.len;
		wframe(h, &m);
		break;
	case OP_RAW:
		len = next(h);
		if (len > h->n)
			len = h->n;
		put(&h->wstream, h->in, len);
		h->in += len;
		h->n -= len;
		break;
	case OP_DELIVER:
		a = next(h);
		deliver(h, a == 0 ? SIZE_MAX : (size_t)a * 64);
		break;
	case OP_OTHER:
		/* Any type but REPLY, with fields that encode. */
		m.type = (enum wire_type)(next(h) % 13 + 1);
		if (m.type == WIRE_REPLY)
			m.type = WIRE_READY;
		m.conn = m.id = m.pid = m.credit = m.err = 1;
		wframe(h, &m);
		break;
	default:
		/* The worker answers this client's oldest line, in a part. */
		a = next(h);
		len = size_of(next(h));
		if (h->slot[k] == SIZE_MAX)
			break;
		cl = &h->all[h->slot[k]];
		if (cl->oldest == cl->nids)
			break;
		m.type = WIRE_REPLY;
		m.conn = cl->cid;
		m.id = cl->ids[cl->oldest];
		m.flags = a & WIRE_F_ALL;
		if (m.flags & WIRE_F_FATAL)
			len = 0;
		body(&b, m.id, len);
		m.data = b.data;
		m.data_len = b.len;
		wframe(h, &m);
		break;
	}
	buf_free(&b);
	if (!h->over && !h->dead)
		settle(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h	*h;
	uint8_t		 conf;
	size_t		 k;

	if (size < 1)
		return 0;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		FAIL("out of memory");
	h->in = data;
	h->n = size;
	conf = next(h);
	h->nslot = 1 + (size_t)(conf & 3) % NCLIENT;
	for (k = 0; k < NCLIENT; k++)
		h->slot[k] = SIZE_MAX;
	/* Everyone is admin: this target is about the worker's bytes. */
	h->cfg.auth.admin = (struct access_rule){ .on = true,
	    .any_uid = true };
	h->cfg.max_queue = (conf & 4) ? SMALL_QUEUE : CONN_OUTQ_MAX;
	/* No timers: time never passes here; the watchdog exits. */
	h->cfg.auth_timeout_ms = h->cfg.idle_timeout_ms = 0;
	h->cfg.worker_timeout_ms = 0;
	h->ctx.now = 1000;
	link_init(&h->link, -1, MAXC);
	conn_ctx_init(&h->ctx, &h->cfg, &h->link);
	while (h->n > 0 && !h->over && !h->dead)
		step(h);
	deliver(h, SIZE_MAX);
	/* FUZZ_LINK_SAY=1: how the listener ended, to read a seed. */
	if (getenv("FUZZ_LINK_SAY") != NULL)
		fprintf(stderr, "fuzz_listener_link: %s, %zu requests, %zu "
		    "worker bytes\n", h->dead ? fuzz_fatal_msg : h->over ? "FATAL" :
		    "open", h->nreq, h->delivered);
	if (!h->over && !h->dead)
		shutdown_all(h);
	for (k = 0; k < h->nall; k++) {
		client_check(h, &h->all[k]);
		buf_free(&h->all[k].got);
		free(h->all[k].ids);
	}
	for (k = 0; k < h->nreq; k++)
		buf_free(&h->reqs[k].got);
	free(h->reqs);
	free(h->all);
	buf_free(&h->wstream);
	link_free(&h->link);
	free(h);
	return 0;
}
