/*
 * libFuzzer target for the worker process as a hostile listener (and a
 * hostile privconfd) meet it: the whole frame loop of worker/session.c,
 * phases SETUP, HELLO and REQUEST with the connection frames, the
 * journal and its undo, fed arbitrary bytes on its link through
 * session_input(), the function session_serve() runs on every read.  One
 * session_input() is one batch, as one read is.
 *
 * Beside the worker runs a model written from docs/design.md 3 and 6
 * (and common/wire.h): it decodes the same stream, says which frame is a
 * protocol violation, and keeps a shadow policy on which every line runs
 * through cmd_exec(), the worker's own gate, so that the exact bytes of
 * every reply are known.  Checked after every batch:
 *  - everything the worker wrote is whole, well-formed frames of the
 *    types of its phase (READY, SETUP_ERROR, LOCKED during SETUP; REPLY
 *    after it);
 *  - a REPLY carries its connection's oldest outstanding request id, the
 *    reply's bytes in order, MORE on all frames but the last, never a
 *    byte past the credit the connection granted, and when the batch
 *    ends every connection that is owed bytes has used all its credit
 *    (nothing sendable is held back);
 *  - a request for a connection that is not open is answered EACCES at
 *    once, outside any credit; lock:on is answered by one FATAL frame,
 *    empty, after which nothing is written and the session is over;
 *  - a frame the model calls a violation (malformed, out of phase, a
 *    CONN_OPEN past --max-conn or of a slot in use, a CONN_CLOSE or
 *    CREDIT for no open connection, a request id not above the last,
 *    more than CONN_INFLIGHT_MAX requests of one connection, a CONN_OPEN
 *    that came without its client's socket, more than HANDOFF_MAX
 *    sockets waiting) ends the session in fatalx("op=protocol ...")
 *    while the worker handles that very frame (no reply after it);
 *    nothing else does;
 *  - a request runs at the lower of its credentials' level and its
 *    connection's (the socket's peer: this process, root, so admin; or
 *    a descriptor that is no socket, so none), as docs/protocol.md 9
 *    says: a read-level line runs as a query only, a line above its
 *    connection's level or with none is answered EACCES and not run;
 *  - the worker's policy renders the same stat as the shadow's;
 *  - with a journal (a memfd), a change is acknowledged only when its
 *    record was written: a journal made to fail (sealed against growth)
 *    turns every change of the batch into EIO and the policy back, a
 *    query after them answers from the policy without them; at the end
 *    the SETUP lines and the journal, replayed as privconfd replays
 *    them, rebuild the worker's stat.
 *
 * Input: a configuration byte (bits 0-1: no journal, or one synced
 * none, batch, always; bit 2: privconfd's SETUP_DONE and the listener's
 * HELLO are sent first; bit 3: the IPC user is checked, uid 1000), then
 * operations, one byte each (low nibble: what; high nibble: an
 * argument), with their own bytes; see the OP_ names.  Lines run up to
 * the next '\n'.
 */
#define _GNU_SOURCE	/* memfd_create, F_ADD_SEALS */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/access.h"
#include "common/buf.h"
#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/cmd.h"
#include "worker/policy.h"
#include "worker/session.h"
#include "tests/fuzz/fuzz_log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_worker: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define MAXC		4	/* --max-conn */
#define IPC_UID		1000	/* the admin level's uid */
#define READ_UID	2000	/* the read level's */
#define NONE_UID	3000	/* no level */
#define HANDOFF_MAX	64	/* worker/handoff.h */
#define NSETUP_MAX	64
#define FIFO_MAX	CONN_INFLIGHT_MAX

enum {
	OP_SETUP,	/* a SETUP line, its lineno the op's argument */
	OP_SETUP_DONE,
	OP_HELLO,	/* uid, gid, landlock, seccomp: a byte each */
	OP_OPEN,	/* arg: slot (bit 3: a generation byte follows); a byte:
			   credit (bits 0-2), its socket (bits 3-4: one of
			   this process, a descriptor that is no socket,
			   none, two sockets) */
	OP_CLOSE,	/* arg: slot (bit 3: a generation byte follows) */
	OP_CREDIT,	/* arg: slot (bit 3: generation); credit byte */
	OP_RAW,		/* a length byte, then those bytes as they are */
	OP_BATCH,	/* arg: 0 all the bytes so far, k all but k */
	OP_MARK,
	OP_SEAL,	/* the journal's disk is full (arg odd: and stuck) */
	OP_ID,		/* arg: slot (bit 3: generation); an id byte (below
			   0x80 added to the last id, else below it or far
			   above), a length byte, the line: any bytes */
	/*
	 * 11-15: a REQUEST of slot arg & 3 (generation: its own) from the
	 * admin uid (bit 2: the read uid; bit 3: a uid of no level), a line
	 */
};

/* One reply owed, as the shadow policy says it must be. */
struct exp_reply {
	uint64_t	 id;
	struct buf	 body;
	struct buf	 alt;		/* for stat, stats: EAGAIN instead */
	bool		 has_alt;
	int		 pick;		/* -1 either so far, 0 body, 1 alt */
	size_t		 off;
};

struct mconn {
	bool		 open;
	enum access_level level;	/* its socket's peer */
	uint64_t	 id;
	uint64_t	 granted;
	uint64_t	 received;
	struct exp_reply fifo[FIFO_MAX];
	unsigned	 head;
	unsigned	 n;
	uint32_t	 gen;		/* of the last open of this slot */
};

struct stray {
	uint64_t	 conn;
	uint64_t	 id;
};

/* A line that changed the shadow: the committed ones rebuild it. */
struct line {
	struct buf	 text;
	enum cmd_origin	 origin;
};

struct h {
	/* The worker. */
	struct session	*s;
	struct policy	*p;
	int		 jfd;		/* -1: no journal */
	bool		 sealed;
	bool		 done;		/* session_input said it is over */
	bool		 dead;		/* fatalx ended it */
	/* The link: bytes produced, bytes delivered. */
	struct buf	 stream;
	size_t		 sent;
	/* Sockets to hand over, each with the batch of a stream offset. */
	struct pass {
		size_t	 at;
		int	 fd;
		bool	 socket;	/* a socket (admin peer), or not one */
	}		*pass;
	size_t		 npass, cappass, passpos;
	/* The model's handoff queue: socket or not, in order. */
	bool		 handq[HANDOFF_MAX];
	size_t		 handhead, nhand;
	struct access	 access;
	uint64_t	 last_req;	/* the highest id sent so far */
	/* The model. */
	int		 phase;		/* 0 SETUP, 1 HELLO, 2 REQUEST, 3 DONE */
	size_t		 mpos;		/* the first byte it has not decoded */
	bool		 violation;	/* the frame that ends it was seen */
	bool		 stop;		/* lock:on: no frame after it runs */
	uint64_t	 last_id;
	struct mconn	 conns[MAXC];
	struct stray	*strays;
	size_t		 nstray, capstray, straypos;
	/* READY, SETUP_ERROR, LOCKED: the one expected, when any. */
	struct wire_msg	 setup_reply;
	bool		 setup_expected;
	uint8_t		 setup_src[16];
	bool		 setup_locked;
	uint32_t	 lock_lineno;
	bool		 fatal_expected;
	uint64_t	 fatal_conn, fatal_id;
	/* The shadow policy, and the lines that built it. */
	struct policy	*shadow;
	struct line	*lines;
	size_t		 nlines, caplines, committed;
	bool		 dirty;		/* sealed: changes to take back */
	bool		 hello;
	uint32_t	 hello_v[4];
	bool		 check_uid;
	struct buf	 tmp;
	/* The program. */
	const uint8_t	*in;
	size_t		 n;
};

static int	 out_fd = -1;

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

/* The input up to the next '\n' (not included), at most max bytes. */
static size_t
next_line(struct h *h, const uint8_t **p, size_t max)
{
	const uint8_t	*nl = memchr(h->in, '\n', h->n);
	size_t		 len = nl != NULL ? (size_t)(nl - h->in) : h->n;

	*p = h->in;
	h->in += len;
	h->n -= len;
	if (nl != NULL) {
		h->in++;
		h->n--;
	}
	return len > max ? max : len;
}

/* ---- The shadow policy. ---- */

static struct policy *
policy_fresh(const struct h *h)
{
	struct policy	*p;

	if ((p = policy_new()) == NULL)
		FAIL("policy_new");
	if (policy_set_ipc(p, "@fuzz", h->check_uid ? IPC_UID : -1, -1) != 0)
		FAIL("policy_set_ipc");
	policy_set_access(p, &h->access);
	return p;
}

/* The shadow as the journal left it: the committed lines, replayed. */
static void
shadow_rebuild(struct h *h)
{
	struct cmd_result res;
	size_t		 i;

	policy_free(h->shadow);
	h->shadow = policy_fresh(h);
	while (h->nlines > h->committed)
		buf_free(&h->lines[--h->nlines].text);
	for (i = 0; i < h->nlines; i++) {
		buf_reset(&h->tmp);
		if (cmd_exec(h->shadow, h->lines[i].text.data,
		    h->lines[i].text.len, h->lines[i].origin, &h->tmp,
		    &res) != 0 || !res.changed)
			FAIL("a committed line does not replay: \"%.*s\"",
			    (int)h->lines[i].text.len,
			    (const char *)h->lines[i].text.data);
	}
	if (h->hello)
		policy_set_confine(h->shadow, POLICY_PROC_LISTENER,
		    h->hello_v[0], h->hello_v[1], h->hello_v[2],
		    h->hello_v[3]);
	h->dirty = false;
}

static void
line_note(struct h *h, const uint8_t *p, size_t n, enum cmd_origin o)
{
	struct line	*l;

	if (h->nlines == h->caplines) {
		h->caplines = h->caplines ? h->caplines * 2 : 16;
		if ((h->lines = reallocarray(h->lines, h->caplines,
		    sizeof(*h->lines))) == NULL)
			FAIL("out of memory");
	}
	l = &h->lines[h->nlines++];
	l->text = (struct buf)BUF_INIT;
	put(&l->text, p, n);
	l->origin = o;
}

/* The journal took the batch: what the shadow holds now stays. */
static void
shadow_commit(struct h *h)
{
	h->committed = h->nlines;
	h->dirty = false;
}

static void
render(struct policy *p, struct buf *out)
{
	buf_reset(out);
	if (cmd_render(p, CMD_SHOW_STAT, out) != 0)
		FAIL("cmd_render");
}

/* ---- What the worker must answer. ---- */

static void
stray_expect(struct h *h, uint64_t conn, uint64_t id)
{
	if (h->nstray == h->capstray) {
		h->capstray = h->capstray ? h->capstray * 2 : 16;
		if ((h->strays = reallocarray(h->strays, h->capstray,
		    sizeof(*h->strays))) == NULL)
			FAIL("out of memory");
	}
	h->strays[h->nstray++] = (struct stray){ conn, id };
}

static struct mconn *
mconn_find(struct h *h, uint64_t id)
{
	uint32_t	 idx = WIRE_CONN_INDEX(id);

	if (idx >= MAXC || !h->conns[idx].open || h->conns[idx].id != id)
		return NULL;
	return &h->conns[idx];
}

static void
exp_clear(struct exp_reply *e)
{
	buf_free(&e->body);
	buf_free(&e->alt);
	memset(e, 0, sizeof(*e));
}

static void
mconn_drop(struct mconn *c)
{
	while (c->n > 0) {
		exp_clear(&c->fifo[c->head]);
		c->head = (c->head + 1) % FIFO_MAX;
		c->n--;
	}
	c->open = false;
}

/*
 * One REQUEST line on the shadow, as handle_request() and the journal's
 * rules (docs/design.md 6.3) say: with a journal that fails, a change is
 * answered EIO and taken back at the next commit (a query after it, a
 * lock:on, the batch's end, or at once with --journal-sync always).
 */
/* A place for the reply to request id of c, in order. */
static struct exp_reply *
exp_push(struct mconn *c, uint64_t id)
{
	struct exp_reply *e = &c->fifo[(c->head + c->n) % FIFO_MAX];

	c->n++;
	memset(e, 0, sizeof(*e));
	e->id = id;
	e->pick = -1;
	return e;
}

/* A request refused for its level: EACCES, nothing run or journaled. */
static void
shadow_refuse(struct h *h, struct mconn *c, uint64_t id)
{
	(void)h;
	if (errtab_reply(&exp_push(c, id)->body, EACCES) == -1)
		FAIL("errtab_reply");
}

static void
shadow_request(struct h *h, struct mconn *c, uint64_t id, const uint8_t *p,
    size_t n, enum cmd_origin origin, bool always)
{
	struct exp_reply *e;
	struct cmd_result res;

	buf_reset(&h->tmp);
	cmd_exec(h->shadow, p, n, origin, &h->tmp, &res);
	if (h->sealed && !res.changed && h->dirty) {
		shadow_rebuild(h);
		buf_reset(&h->tmp);
		cmd_exec(h->shadow, p, n, origin, &h->tmp, &res);
	}
	if (res.changed)
		line_note(h, p, n, origin);
	if (res.locked && !h->sealed) {
		shadow_commit(h);
		h->fatal_expected = true;
		h->fatal_conn = c->id;
		h->fatal_id = id;
		h->stop = true;
		return;
	}
	e = exp_push(c, id);
	if (h->sealed && res.changed) {
		/* Written to a full disk: EIO, and the change goes. */
		h->dirty = true;
		if (errtab_reply(&e->body, EIO) == -1)
			FAIL("errtab_reply");
		if (res.locked || always)
			shadow_rebuild(h);
		return;
	}
	if (!h->sealed && res.changed)
		shadow_commit(h);
	if (res.err != 0 || !res.output) {
		if (errtab_reply(&e->body, res.err) == -1)
			FAIL("errtab_reply");
		return;
	}
	put(&e->body, h->tmp.data, h->tmp.len);
	if (n == 4 || n == 5) {
		/* stat, stats: a rendering, or EAGAIN past RENDER_LIVE_MAX. */
		e->has_alt = true;
		if (errtab_reply(&e->alt, EAGAIN) == -1)
			FAIL("errtab_reply");
	}
}

/* ---- The model: one frame of the stream, as the worker must take it. */

static bool
frame_model(struct h *h, const struct wire_msg *m, bool always)
{
	struct cmd_result res;
	struct mconn	*c;
	enum access_level line;
	uint32_t	 idx;
	bool		 sock;

	switch (h->phase) {
	case 0:
		if (m->type == WIRE_SETUP) {
			buf_reset(&h->tmp);
			if (cmd_exec(h->shadow, m->data, m->data_len,
			    CMD_PROFILE, &h->tmp, &res) != 0) {
				h->setup_expected = true;
				h->setup_reply = (struct wire_msg){
				    .type = WIRE_SETUP_ERROR,
				    .lineno = m->lineno,
				    .err = (uint32_t)res.err };
				h->phase = 3;
				return true;
			}
			if (res.changed) {
				line_note(h, m->data, m->data_len,
				    CMD_PROFILE);
				shadow_commit(h);
			}
			if (res.locked) {
				h->setup_locked = true;
				h->lock_lineno = m->lineno;
			}
			return true;
		}
		if (m->type == WIRE_SETUP_DONE) {
			h->setup_expected = true;
			h->setup_reply = (struct wire_msg){ .type =
			    h->setup_locked ? WIRE_LOCKED : WIRE_READY,
			    .lineno = h->lock_lineno };
			h->phase = h->setup_locked ? 3 : 1;
			return true;
		}
		return false;
	case 1:
		if (m->type != WIRE_HELLO)
			return false;
		h->hello = true;
		h->hello_v[0] = m->uid;
		h->hello_v[1] = m->gid;
		h->hello_v[2] = m->landlock;
		h->hello_v[3] = m->seccomp;
		policy_set_confine(h->shadow, POLICY_PROC_LISTENER, m->uid,
		    m->gid, m->landlock, m->seccomp);
		h->phase = 2;
		return true;
	case 2:
		break;
	default:
		FAIL("a frame after the end");
	}
	idx = WIRE_CONN_INDEX(m->conn);
	switch (m->type) {
	case WIRE_CONN_OPEN:
		/* Its socket first, whether or not the rest holds. */
		if (h->nhand == 0)
			return false;
		sock = h->handq[h->handhead];
		h->handhead = (h->handhead + 1) % HANDOFF_MAX;
		h->nhand--;
		if (idx >= MAXC || h->conns[idx].open)
			return false;
		c = &h->conns[idx];
		c->open = true;
		c->level = sock ? ACCESS_ADMIN : ACCESS_NONE;
		c->id = m->conn;
		c->granted = m->credit;
		c->received = 0;
		c->head = c->n = 0;
		return true;
	case WIRE_CONN_CLOSE:
		if ((c = mconn_find(h, m->conn)) == NULL)
			return false;
		mconn_drop(c);
		return true;
	case WIRE_CREDIT:
		if ((c = mconn_find(h, m->conn)) == NULL)
			return false;
		c->granted = c->granted > UINT64_MAX - m->credit ?
		    UINT64_MAX : c->granted + m->credit;
		return true;
	case WIRE_REQUEST:
		if (m->id <= h->last_id)
			return false;
		h->last_id = m->id;
		if ((c = mconn_find(h, m->conn)) == NULL) {
			stray_expect(h, m->conn, m->id);
			return true;
		}
		if (c->n == CONN_INFLIGHT_MAX)
			return false;
		/* docs/protocol.md 9: the lower level; none, or above: EACCES. */
		line = access_of(&h->access, m->uid, m->gid);
		if (line == ACCESS_NONE || line > c->level) {
			shadow_refuse(h, c, m->id);
			return true;
		}
		shadow_request(h, c, m->id, m->data, m->data_len,
		    line == ACCESS_ADMIN ? CMD_IPC : CMD_IPC_READ, always);
		return true;
	default:
		return false;
	}
}

/*
 * The frames of stream[from..to) as the worker will see them; the index
 * of the first byte not yet decoded.  Sets h->violation at the first
 * frame that must end the session.
 */
static size_t
model_frames(struct h *h, size_t from, size_t to, bool always)
{
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 r;

	while (!h->violation && !h->stop && h->phase != 3) {
		r = wire_decode(h->stream.data + from, to - from, &m, &why);
		if (r == 0)
			break;
		if (r < 0 || !frame_model(h, &m, always)) {
			h->violation = true;
			break;
		}
		from += (size_t)r;
	}
	return from;
}

/* ---- Reading what the worker wrote. ---- */

static void
check_reply(struct h *h, const struct wire_msg *m)
{
	struct mconn	*c;
	struct exp_reply *e;
	const struct buf *want;
	struct buf	 eacces = BUF_INIT;
	int		 k;

	if (m->flags & WIRE_F_FATAL) {
		if (!h->fatal_expected || m->conn != h->fatal_conn ||
		    m->id != h->fatal_id || m->flags != WIRE_F_FATAL ||
		    m->data_len != 0)
			FAIL("a FATAL reply (conn %llu id %llu flags %u, %zu "
			    "bytes) the model does not expect",
			    (unsigned long long)m->conn,
			    (unsigned long long)m->id, m->flags, m->data_len);
		h->fatal_expected = false;
		h->phase = 3;
		return;
	}
	if (h->straypos < h->nstray &&
	    h->strays[h->straypos].conn == m->conn &&
	    h->strays[h->straypos].id == m->id) {
		h->straypos++;
		if (errtab_reply(&eacces, EACCES) == -1)
			FAIL("errtab_reply");
		if (m->flags != 0 || m->data_len != eacces.len ||
		    memcmp(m->data, eacces.data, eacces.len) != 0)
			FAIL("request %llu of a closed connection: not one "
			    "EACCES reply", (unsigned long long)m->id);
		buf_free(&eacces);
		return;
	}
	if ((c = mconn_find(h, m->conn)) == NULL)
		FAIL("a reply (id %llu) for connection %llu, which is not "
		    "open", (unsigned long long)m->id,
		    (unsigned long long)m->conn);
	if (c->n == 0)
		FAIL("a reply (id %llu) for connection %llu, which is owed "
		    "none", (unsigned long long)m->id,
		    (unsigned long long)m->conn);
	e = &c->fifo[c->head];
	if (m->id != e->id)
		FAIL("reply id %llu, connection %llu's oldest is %llu",
		    (unsigned long long)m->id, (unsigned long long)m->conn,
		    (unsigned long long)e->id);
	if (m->data_len == 0 || m->data_len > c->granted - c->received)
		FAIL("a reply frame of %zu bytes, %llu of credit left",
		    m->data_len,
		    (unsigned long long)(c->granted - c->received));
	c->received += m->data_len;
	/* Which of the two a stat reply is, once its bytes tell. */
	for (k = 0; k < 2; k++) {
		want = k == 0 ? &e->body : &e->alt;
		if ((e->pick != -1 && e->pick != k) || (k == 1 && !e->has_alt))
			continue;
		if (e->off + m->data_len <= want->len &&
		    memcmp(want->data + e->off, m->data, m->data_len) == 0)
			continue;
		if (e->pick == k || (k == 0 && !e->has_alt))
			FAIL("reply %llu differs from the shadow's at byte "
			    "%zu: \"%.*s\", want \"%.*s\"",
			    (unsigned long long)e->id, e->off,
			    (int)(m->data_len > 80 ? 80 : m->data_len),
			    (const char *)m->data,
			    (int)(want->len - e->off > 80 ? 80 :
			    want->len - e->off),
			    (const char *)want->data + e->off);
		e->pick = !k;
	}
	if (e->pick == -1 && e->has_alt && e->off + m->data_len ==
	    e->alt.len && e->off + m->data_len < e->body.len)
		e->pick = 1;
	want = e->pick == 1 ? &e->alt : &e->body;
	e->off += m->data_len;
	if (e->pick == -1 && e->off == e->body.len)
		e->pick = 0;
	if (((m->flags & WIRE_F_MORE) != 0) != (e->off < want->len) ||
	    (m->flags & ~WIRE_F_MORE) != 0)
		FAIL("reply %llu: flags %u after %zu of %zu bytes",
		    (unsigned long long)e->id, m->flags, e->off, want->len);
	if (e->off == want->len) {
		exp_clear(e);
		c->head = (c->head + 1) % FIFO_MAX;
		c->n--;
	}
}

/* Everything the worker wrote in one batch: whole frames, as expected. */
static void
check_output(struct h *h)
{
	struct buf	 out = BUF_INIT;
	struct wire_msg	 m;
	const char	*why;
	off_t		 end;
	size_t		 off = 0;
	ssize_t		 r;
	int		 k;

	if ((end = lseek(out_fd, 0, SEEK_CUR)) == -1)
		FAIL("lseek");
	if (buf_reserve(&out, (size_t)end + 1) == -1)
		FAIL("out of memory");
	if (pread(out_fd, out.data, (size_t)end, 0) != end)
		FAIL("pread");
	out.len = (size_t)end;
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) != 0)
		FAIL("ftruncate");
	while (off < out.len) {
		r = wire_decode(out.data + off, out.len - off, &m, &why);
		if (r <= 0)
			FAIL("the worker wrote %s at byte %zu of %zu",
			    r == 0 ? "part of a frame" : why, off, out.len);
		off += (size_t)r;
		if (h->phase == 3 && !h->setup_expected)
			FAIL("a %s frame after the end of the session",
			    wire_type_name(m.type));
		if (m.type == WIRE_REPLY) {
			check_reply(h, &m);
			continue;
		}
		if (!h->setup_expected || m.type != h->setup_reply.type ||
		    (m.type != WIRE_READY &&
		    (m.lineno != h->setup_reply.lineno ||
		    m.source_len != sizeof(h->setup_src) ||
		    memcmp(m.source, h->setup_src, m.source_len) != 0)) ||
		    (m.type == WIRE_SETUP_ERROR && m.err != h->setup_reply.err))
			FAIL("a %s frame the model does not expect (%s "
			    "expected)", wire_type_name(m.type),
			    h->setup_expected ?
			    wire_type_name(h->setup_reply.type) : "none");
		h->setup_expected = false;
	}
	buf_free(&out);
	if (h->setup_expected)
		FAIL("no %s", wire_type_name(h->setup_reply.type));
	if (h->fatal_expected)
		FAIL("lock:on (request %llu) got no FATAL reply",
		    (unsigned long long)h->fatal_id);
	if (h->straypos != h->nstray)
		FAIL("request %llu of a closed connection got no reply",
		    (unsigned long long)h->strays[h->straypos].id);
	/* Owed and granted: nothing sendable may wait for a later batch. */
	for (k = 0; k < MAXC && h->phase == 2; k++)
		if (h->conns[k].open && h->conns[k].n > 0 &&
		    h->conns[k].received < h->conns[k].granted)
			FAIL("connection %llu is owed %u replies and has %llu "
			    "bytes of credit, but nothing more was sent",
			    (unsigned long long)h->conns[k].id,
			    h->conns[k].n, (unsigned long long)
			    (h->conns[k].granted - h->conns[k].received));
}

/* ---- Driving the worker. ---- */

/* Deliver the stream but its last keep bytes: one read, one batch. */
static void
deliver(struct h *h, size_t keep, bool always)
{
	struct buf	 a = BUF_INIT, b = BUF_INIT;
	size_t		 to, k, nfd = 0, taken = SIZE_MAX;
	int		 fds[HANDOFF_MAX * 2];
	bool		 more;

	if (h->done || h->dead)
		return;
	to = h->stream.len > keep ? h->stream.len - keep : 0;
	if (to <= h->sent)
		return;
	/*
	 * The sockets of the CONN_OPENs that start in these bytes come with
	 * them (docs/protocol.md 9); the worker queues them first, and past
	 * HANDOFF_MAX waiting that is a violation, before any frame runs.
	 */
	while (h->passpos < h->npass && h->pass[h->passpos].at < to &&
	    nfd < sizeof(fds) / sizeof(fds[0])) {
		fds[nfd] = h->pass[h->passpos].fd;
		if (taken == SIZE_MAX && h->nhand == HANDOFF_MAX) {
			taken = nfd + 1;
			h->violation = true;
		} else if (taken == SIZE_MAX) {
			h->handq[(h->handhead + h->nhand) % HANDOFF_MAX] =
			    h->pass[h->passpos].socket;
			h->nhand++;
		}
		nfd++;
		h->passpos++;
	}
	/* The model reads the frames the worker will, from where it is. */
	if (!h->violation)
		h->mpos = model_frames(h, h->mpos, to, always);
	if (setjmp(fuzz_fatal_jmp) != 0) {
		if (!h->violation)
			FAIL("the worker ended the session (%s) on frames the "
			    "model takes", fuzz_fatal_msg);
		/* The sockets after the one that overflowed are still ours. */
		for (k = taken; k < nfd; k++)
			close(fds[k]);
		h->dead = true;
		return;
	}
	fuzz_fatal_expect = "op=protocol ";
	more = session_input(h->s, h->stream.data + h->sent, to - h->sent,
	    fds, nfd);
	fuzz_fatal_expect = NULL;
	if (h->violation)
		FAIL("the worker took a frame the model calls a violation");
	h->sent = to;
	if (h->sealed && h->dirty)
		shadow_rebuild(h);	/* the batch's end: taken back */
	check_output(h);
	if (more != (h->phase != 3))
		FAIL("session_input says %s, the model %s", more ? "more" :
		    "over", h->phase != 3 ? "more" : "over");
	h->done = !more;
	/* The worker's policy is the shadow's (lock:on's FATAL aside). */
	render(h->p, &a);
	render(h->shadow, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		FAIL("the worker's stat is not the shadow's:\n  %.*s\n  %.*s",
		    (int)(a.len > 300 ? 300 : a.len), (const char *)a.data,
		    (int)(b.len > 300 ? 300 : b.len), (const char *)b.data);
	buf_free(&a);
	buf_free(&b);
}

static void
frame(struct h *h, const struct wire_msg *m)
{
	if (wire_encode(&h->stream, m) == -1)
		FAIL("wire_encode of a %s", wire_type_name(m->type));
}

/*
 * A descriptor to hand over with the next frame: a socket of this
 * process (its peer is root, so admin), or one that is no socket (no
 * peer, no level).
 */
static void
pass_add(struct h *h, bool socket)
{
	int	 sv[2];

	if (h->npass == h->cappass) {
		h->cappass = h->cappass ? h->cappass * 2 : 8;
		if ((h->pass = reallocarray(h->pass, h->cappass,
		    sizeof(*h->pass))) == NULL)
			FAIL("out of memory");
	}
	if (socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
			FAIL("socketpair");
		close(sv[1]);
	} else if ((sv[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		FAIL("open /dev/null");
	h->pass[h->npass++] = (struct pass){ h->stream.len, sv[0], socket };
}

static const uint32_t credit_tab[8] = {
	1, 16, 64, 100, 1000, WIRE_REPLY_CHUNK, CONN_OUTQ_MAX,
	WIRE_CREDIT_MAX,
};

/* The id of a slot: its own generation unless the input names one. */
static uint64_t
conn_id(struct h *h, uint8_t arg, bool opening)
{
	uint32_t	 idx = arg & 7, gen;

	if (arg & 8)
		gen = next(h);
	else if (idx < MAXC)
		gen = h->conns[idx].gen + (opening ? 1 : 0);
	else
		gen = 1;
	if (gen == 0)
		gen = 1;
	if (opening && idx < MAXC && gen > h->conns[idx].gen)
		h->conns[idx].gen = gen;
	return WIRE_CONN_ID(gen, idx);
}

static void
step(struct h *h, bool always)
{
	struct wire_msg	 m;
	uint8_t		 op = next(h), arg = op >> 4, b;
	size_t		 len;

	memset(&m, 0, sizeof(m));
	switch (op & 0x0f) {
	case OP_SETUP:
		m.type = WIRE_SETUP;
		m.source = h->setup_src;
		m.source_len = sizeof(h->setup_src);
		m.lineno = arg;
		m.data_len = next_line(h, &m.data, IPC_LINE_MAX - 1);
		frame(h, &m);
		break;
	case OP_SETUP_DONE:
		m.type = WIRE_SETUP_DONE;
		frame(h, &m);
		break;
	case OP_HELLO:
		m.type = WIRE_HELLO;
		m.uid = next(h);
		m.gid = next(h);
		m.landlock = next(h);
		m.seccomp = next(h) % 3;
		frame(h, &m);
		break;
	case OP_OPEN:
		m.type = WIRE_CONN_OPEN;
		m.conn = conn_id(h, arg, true);
		b = next(h);
		m.credit = credit_tab[b & 7];
		/* Its socket: ours, no socket, none, or two of ours. */
		if (((b >> 3) & 3) != 2)
			pass_add(h, ((b >> 3) & 3) != 1);
		if (((b >> 3) & 3) == 3)
			pass_add(h, true);
		frame(h, &m);
		break;
	case OP_CLOSE:
		m.type = WIRE_CONN_CLOSE;
		m.conn = conn_id(h, arg, false);
		frame(h, &m);
		break;
	case OP_CREDIT:
		m.type = WIRE_CREDIT;
		m.conn = conn_id(h, arg, false);
		m.credit = credit_tab[next(h) & 7];
		frame(h, &m);
		break;
	case OP_RAW:
		len = next(h);
		if (len > h->n)
			len = h->n;
		put(&h->stream, h->in, len);
		h->in += len;
		h->n -= len;
		break;
	case OP_BATCH:
		deliver(h, arg, always);
		break;
	case OP_MARK:
		m.type = WIRE_MARK;
		frame(h, &m);
		break;
	case OP_SEAL:
		if (h->jfd == -1 || h->sealed)
			break;
		/*
		 * Takes effect at the next batch: deliver what came before
		 * as one, so that the model knows which batch fails.
		 */
		deliver(h, 0, always);
		if (h->done || h->dead)
			break;
		if (fcntl(h->jfd, F_ADD_SEALS, F_SEAL_GROW |
		    ((arg & 1) ? F_SEAL_SHRINK : 0)) == -1)
			FAIL("F_ADD_SEALS");
		h->sealed = true;
		break;
	default:
		/* OP_ID and 11-15: a REQUEST. */
		m.type = WIRE_REQUEST;
		if ((op & 0x0f) == OP_ID) {
			/* An id at, below or far above the last one. */
			m.conn = conn_id(h, arg, false);
			b = next(h);
			m.id = b < 0x80 ? h->last_req + b :
			    h->last_req > (b & 0x7f) ? h->last_req - (b & 0x7f) :
			    (uint64_t)1 << (b & 0x3f);
		} else {
			m.conn = conn_id(h, arg & 3, false);
			m.id = h->last_req + 1;
		}
		if (m.id == 0)
			m.id = 1;
		m.uid = m.gid = (op & 0x0f) == OP_ID ? IPC_UID : (arg & 8) ?
		    NONE_UID : (arg & 4) ? READ_UID : IPC_UID;
		m.pid = 4242;
		if ((op & 0x0f) == OP_ID) {
			/* A length byte: the line may hold any byte, '\n' too. */
			len = next(h);
			m.data_len = len < h->n ? len : h->n;
			m.data = h->in;
			h->in += m.data_len;
			h->n -= m.data_len;
		} else
			m.data_len = next_line(h, &m.data, IPC_LINE_MAX - 1);
		if (m.id > h->last_req)
			h->last_req = m.id;
		frame(h, &m);
		break;
	}
}

/*
 * The journal (docs/design.md 6): its commands are exactly the lines
 * committed over IPC, in order, and replayed after the SETUP lines as
 * privconfd replays them they rebuild the worker's stat.
 */
static void
check_journal(struct h *h)
{
	struct buf	 j = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	struct cmd_result res;
	struct policy	*r;
	const uint8_t	*p, *nl;
	size_t		 i, k = 0, len;
	off_t		 end;

	if ((end = lseek(h->jfd, 0, SEEK_END)) == -1)
		FAIL("lseek");
	if (buf_reserve(&j, (size_t)end + 1) == -1)
		FAIL("out of memory");
	if (pread(h->jfd, j.data, (size_t)end, 0) != end)
		FAIL("pread");
	j.len = (size_t)end;
	if (j.len > 0 && j.data[j.len - 1] != '\n')
		FAIL("the journal ends inside a record");
	r = policy_fresh(h);
	for (i = 0; i < h->committed; i++)
		if (h->lines[i].origin == CMD_PROFILE &&
		    cmd_exec(r, h->lines[i].text.data, h->lines[i].text.len,
		    CMD_PROFILE, &h->tmp, &res) != 0)
			FAIL("a SETUP line does not replay");
	for (p = j.data; p < j.data + j.len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(j.data + j.len - p));
		len = (size_t)(nl - p);
		if (len > 0 && p[0] == '#')
			continue;
		while (k < h->committed && h->lines[k].origin != CMD_IPC)
			k++;
		if (k == h->committed || len != h->lines[k].text.len ||
		    memcmp(p, h->lines[k].text.data, len) != 0)
			FAIL("the journal holds \"%.*s\", which no client "
			    "saw acknowledged", (int)(len > 200 ? 200 : len),
			    (const char *)p);
		k++;
		buf_reset(&h->tmp);
		if (cmd_exec(r, p, len, CMD_PROFILE, &h->tmp, &res) != 0)
			FAIL("the journal's \"%.*s\" does not replay: %d",
			    (int)(len > 200 ? 200 : len), (const char *)p,
			    res.err);
	}
	while (k < h->committed && h->lines[k].origin != CMD_IPC)
		k++;
	if (k != h->committed)
		FAIL("an acknowledged change is missing from the journal: "
		    "\"%.*s\"", (int)h->lines[k].text.len,
		    (const char *)h->lines[k].text.data);
	render(h->p, &a);
	render(r, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		FAIL("the journal does not rebuild the worker's policy");
	policy_free(r);
	buf_free(&a);
	buf_free(&b);
	buf_free(&j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t	 admin_uids[1] = { IPC_UID }, read_uids[1] = {
	    READ_UID };
	static const enum contract_sync syncs[4] = { CONTRACT_SYNC_NONE,
	    CONTRACT_SYNC_NONE, CONTRACT_SYNC_BATCH, CONTRACT_SYNC_ALWAYS };
	struct session_cfg cfg;
	struct wire_msg	 m;
	struct h	*h;
	uint8_t		 conf;
	bool		 always;
	size_t		 i;
	int		 k;

	if (size < 1)
		return 0;
	if (out_fd == -1 && (out_fd = memfd_create("fuzz_worker_link",
	    MFD_CLOEXEC)) == -1)
		FAIL("memfd_create");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		FAIL("out of memory");
	h->in = data;
	h->n = size;
	conf = next(h);
	h->check_uid = (conf & 8) != 0;
	h->jfd = -1;
	if (conf & 3) {
		if ((h->jfd = memfd_create("fuzz_worker_journal",
		    MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1)
			FAIL("memfd_create");
		/* O_APPEND, as privconfd opens it: a cut is where it ends. */
		if (fcntl(h->jfd, F_SETFL, O_APPEND) == -1)
			FAIL("fcntl");
	}
	always = (conf & 3) == 3;
	/* Admin: uid 1000; read: uid 2000; root is admin anyway. */
	h->access.admin = (struct access_rule){ .on = true,
	    .uids = { admin_uids, 1 } };
	h->access.read = (struct access_rule){ .on = true,
	    .uids = { read_uids, 1 } };
	memcpy(h->setup_src, "/etc/fuzz.conf\0\0", sizeof(h->setup_src));
	h->p = policy_fresh(h);
	h->shadow = policy_fresh(h);
	cfg = (struct session_cfg){ MAXC, h->jfd, syncs[conf & 3], NULL,
	    &h->access };
	h->s = session_new(out_fd, h->p, &cfg);
	if (conf & 4) {
		m = (struct wire_msg){ .type = WIRE_SETUP_DONE };
		frame(h, &m);
		m = (struct wire_msg){ .type = WIRE_HELLO, .uid = 65534,
		    .gid = 65534, .landlock = 3, .seccomp = 1 };
		frame(h, &m);
		deliver(h, 0, always);
	}
	while (h->n > 0 && !h->done && !h->dead)
		step(h, always);
	deliver(h, 0, always);
	if (h->jfd != -1 && !h->dead)
		check_journal(h);
	/* FUZZ_WORKER_SAY=1: how the session ended, to read a seed. */
	if (getenv("FUZZ_WORKER_SAY") != NULL)
		fprintf(stderr, "fuzz_worker: %s after %zu bytes, %zu lines "
		    "committed%s\n", h->dead ? fuzz_fatal_msg : h->done ? "over" :
		    "open", h->sent, h->committed, h->sealed ? ", sealed" : "");

	session_free(h->s);
	policy_free(h->p);
	policy_free(h->shadow);
	if (h->jfd != -1)
		close(h->jfd);
	/* A session that died keeps what it wrote: the next starts clean. */
	if (ftruncate(out_fd, 0) == -1 || lseek(out_fd, 0, SEEK_SET) != 0)
		FAIL("ftruncate");
	for (k = 0; k < MAXC; k++)
		mconn_drop(&h->conns[k]);
	/* Sockets never handed over are still ours. */
	for (i = h->passpos; i < h->npass; i++)
		close(h->pass[i].fd);
	free(h->pass);
	for (i = 0; i < h->nlines; i++)
		buf_free(&h->lines[i].text);
	free(h->lines);
	free(h->strays);
	buf_free(&h->stream);
	buf_free(&h->tmp);
	free(h);
	return 0;
}
