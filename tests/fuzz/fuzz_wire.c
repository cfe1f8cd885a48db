/*
 * libFuzzer target for the frame codec (common/wire.c), the parser that
 * each process runs over the bytes of the other (docs/design.md 3).
 *
 * The input is a byte stream as a receiver's buffer holds it: frames are
 * decoded one after the other, as link_process() and the worker's session
 * do, until one is incomplete or refused.  For every accepted frame:
 *  - the frame size and every pointer stay inside the bytes given, and
 *    every field is in the range wire.h documents;
 *  - no shorter prefix of the frame was already final (a receiver that
 *    reads in pieces decides the same as one that reads it whole);
 *  - wire_encode() accepts the decoded message (a receiver never accepts
 *    what no sender may send), and decoding the new frame gives back the
 *    same message, which encodes to the same bytes again.
 * What follows the last whole frame is then read as a message to encode
 * (see encode_tail()), so that the sender's side is fuzzed as well: what
 * wire_encode() accepts must decode to itself, and what it refuses must
 * break a rule of wire.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_wire: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* Backing bytes for the bins of encode_tail(): zeroes, long enough. */
static uint8_t	 zeroes[WIRE_BODY_MAX + 16];

/* Pointer p[0..n) inside frame f[0..len)? */
static bool
inside(const uint8_t *p, size_t n, const uint8_t *f, size_t len)
{
	if (n == 0)
		return true;
	return p != NULL && p >= f && n <= len && (size_t)(p - f) <= len - n;
}

/*
 * The ranges of wire.h, written out again from its comment rather than
 * taken from wire.c: ids and connection ids from 1 (docs/design.md),
 * pid 1..2^31-1, errno 1..4095, credit 1..WIRE_CREDIT_MAX, the flags
 * defined, the bin limits of limits.h.
 */
static bool
spec_valid(const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_REQUEST:
		return m->conn >= 1 && m->id >= 1 && m->pid >= 1 &&
		    m->pid <= 0x7fffffffu && m->data_len <= IPC_LINE_MAX - 1;
	case WIRE_REPLY:
		return m->conn >= 1 && m->id >= 1 &&
		    (m->flags & ~WIRE_F_ALL) == 0 &&
		    m->data_len <= WIRE_REPLY_CHUNK;
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		return m->conn >= 1 && m->credit >= 1 &&
		    m->credit <= WIRE_CREDIT_MAX;
	case WIRE_CONN_CLOSE:
		return m->conn >= 1;
	case WIRE_LOCKED:
		return m->source_len <= WIRE_SOURCE_MAX;
	case WIRE_SETUP:
		return m->source_len <= WIRE_SOURCE_MAX &&
		    m->data_len <= IPC_LINE_MAX - 1;
	case WIRE_DUMP:
		return (m->flags & ~WIRE_F_MORE) == 0 &&
		    m->data_len <= WIRE_REPLY_CHUNK;
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		return true;
	case WIRE_SETUP_ERROR:
		return m->source_len <= WIRE_SOURCE_MAX && m->err >= 1 &&
		    m->err <= 4095;
	case WIRE_HELLO:
		return m->landlock <= WIRE_LANDLOCK_MAX &&
		    m->seccomp <= WIRE_SECCOMP_TRAP;
	}
	return false;
}

static bool
bytes_eq(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

/* The fields each type carries; the others stay 0 after a decode. */
static bool
msg_eq(const struct wire_msg *a, const struct wire_msg *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case WIRE_REQUEST:
		return a->conn == b->conn && a->id == b->id &&
		    a->uid == b->uid && a->gid == b->gid && a->pid == b->pid &&
		    bytes_eq(a->data, a->data_len, b->data, b->data_len);
	case WIRE_REPLY:
		return a->conn == b->conn && a->id == b->id &&
		    a->flags == b->flags &&
		    bytes_eq(a->data, a->data_len, b->data, b->data_len);
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		return a->conn == b->conn && a->credit == b->credit;
	case WIRE_CONN_CLOSE:
		return a->conn == b->conn;
	case WIRE_LOCKED:
		return a->lineno == b->lineno &&
		    bytes_eq(a->source, a->source_len, b->source,
		    b->source_len);
	case WIRE_SETUP:
		return a->lineno == b->lineno &&
		    bytes_eq(a->source, a->source_len, b->source,
		    b->source_len) &&
		    bytes_eq(a->data, a->data_len, b->data, b->data_len);
	case WIRE_SETUP_ERROR:
		return a->lineno == b->lineno && a->err == b->err &&
		    bytes_eq(a->source, a->source_len, b->source,
		    b->source_len);
	case WIRE_HELLO:
		return a->uid == b->uid && a->gid == b->gid &&
		    a->landlock == b->landlock && a->seccomp == b->seccomp;
	case WIRE_DUMP:
		return a->flags == b->flags &&
		    bytes_eq(a->data, a->data_len, b->data, b->data_len);
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		return true;
	}
	return false;
}

/* Decode a frame made by wire_encode(): it must be exactly one valid frame. */
static void
decode_own(const struct buf *b, struct wire_msg *m, const char *what)
{
	const char	*why;
	ssize_t		 r;

	r = wire_decode(b->data, b->len, m, &why);
	if (r != (ssize_t)b->len)
		FAIL("%s: wire_decode of its own %zu-byte frame returned %zd "
		    "(%s)", what, b->len, r, why ? why : "-");
	if (b->len > WIRE_HDR_LEN + WIRE_BODY_MAX)
		FAIL("%s: encoded frame of %zu bytes", what, b->len);
}

/* One accepted frame f[0..len) decoded as m: the checks of the header. */
static void
check_frame(const uint8_t *f, size_t len, const struct wire_msg *m)
{
	struct buf	 b1 = BUF_INIT, b2 = BUF_INIT;
	struct wire_msg	 m1, m2, tmp;
	const char	*why;
	size_t		 k;

	if (len <= WIRE_HDR_LEN || len > WIRE_HDR_LEN + WIRE_BODY_MAX)
		FAIL("accepted a frame of %zu bytes", len);
	if (m->type < WIRE_REQUEST || m->type > WIRE_DUMP)
		FAIL("accepted type %d", (int)m->type);
	if (!inside(m->data, m->data_len, f + WIRE_HDR_LEN,
	    len - WIRE_HDR_LEN) || !inside(m->source, m->source_len,
	    f + WIRE_HDR_LEN, len - WIRE_HDR_LEN))
		FAIL("a decoded pointer leaves the frame");
	if (!spec_valid(m))
		FAIL("accepted a %s that breaks wire.h's ranges",
		    wire_type_name(m->type));
	/* Every prefix is "need more": the last byte and the header. */
	if (wire_decode(f, len - 1, &tmp, &why) != 0)
		FAIL("a prefix of an accepted frame was already final");
	for (k = 0; k <= WIRE_HDR_LEN; k++)
		if (wire_decode(f, k, &tmp, &why) != 0)
			FAIL("the first %zu bytes of an accepted frame were "
			    "final", k);

	if (wire_encode(&b1, m) != 0)
		FAIL("wire_encode refused a decoded %s: errno %d",
		    wire_type_name(m->type), errno);
	decode_own(&b1, &m1, "round trip");
	if (!msg_eq(m, &m1))
		FAIL("round trip of a %s changed it", wire_type_name(m->type));
	/* Packing is a function of the message: the same bytes again. */
	if (wire_encode(&b2, &m1) != 0)
		FAIL("wire_encode refused its own %s", wire_type_name(m->type));
	decode_own(&b2, &m2, "second round trip");
	if (!bytes_eq(b1.data, b1.len, b2.data, b2.len) || !msg_eq(m, &m2))
		FAIL("encoding a %s twice gave different frames",
		    wire_type_name(m->type));
	buf_free(&b1);
	buf_free(&b2);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/*
 * The sender's side: the bytes after the last whole frame name a message
 * (type, then id, uid, gid, pid, flags, lineno, err, landlock, seccomp,
 * two bin lengths, conn and credit, big-endian), bins read from the rest
 * of the input or zeroes.  Values are often small so that both sides of each limit
 * are met.
 */
static void
encode_tail(const uint8_t *p, size_t n)
{
	struct wire_msg	 m, d;
	struct buf	 b = BUF_INIT;
	uint8_t		 t[54];
	size_t		 dl, sl;
	int		 r, saved;

	if (n < 1)
		return;
	memset(t, 0, sizeof(t));
	memcpy(t, p, n < sizeof(t) ? n : sizeof(t));
	p += n < sizeof(t) ? n : sizeof(t);
	n -= n < sizeof(t) ? n : sizeof(t);
	memset(&m, 0, sizeof(m));
	m.type = (enum wire_type)(t[0] % 13);
	m.id = (t[1] & 0x80) ? get64(t + 2) : t[1];
	m.uid = get32(t + 10);
	m.gid = get32(t + 14);
	m.pid = (t[18] & 0x80) ? get32(t + 18) : t[18];
	m.flags = (t[22] & 0x80) ? get32(t + 22) : t[22] & 7;
	m.lineno = get32(t + 26);
	m.err = (t[30] & 0x80) ? get32(t + 30) & 0xffff : t[30];
	m.landlock = (t[34] & 0x80) ? get32(t + 34) & 0xffff : t[34];
	m.seccomp = t[38] & 0x0f;
	m.conn = (t[42] & 0x80) ? get64(t + 42) : t[42];
	m.credit = (t[50] & 0x80) ? get32(t + 50) : t[50];
	dl = (size_t)t[39] << 9 | (size_t)t[40] << 1;
	sl = (size_t)t[41] << 5;
	if (dl > WIRE_BODY_MAX + 8)
		dl = WIRE_BODY_MAX + 8;
	m.data = dl <= n ? p : zeroes;
	m.data_len = dl;
	m.source = sl <= n ? p : zeroes;
	m.source_len = sl;

	r = wire_encode(&b, &m);
	saved = errno;
	if (r == 0) {
		if (!spec_valid(&m))
			FAIL("wire_encode accepted a %s that breaks wire.h's "
			    "ranges", wire_type_name(m.type));
		decode_own(&b, &d, "encode then decode");
		if (!msg_eq(&m, &d))
			FAIL("a %s did not survive encode and decode",
			    wire_type_name(m.type));
	} else {
		if (saved != EINVAL && saved != ENOMEM)
			FAIL("wire_encode failed with errno %d", saved);
		if (b.len != 0)
			FAIL("a refused wire_encode left %zu bytes", b.len);
		/*
		 * Refused although in range: only a body over the frame
		 * maximum may be, and no valid message is that large.
		 */
		if (saved == EINVAL && spec_valid(&m))
			FAIL("wire_encode refused a valid %s",
			    wire_type_name(m.type));
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_msg	 m;
	const char	*why;
	size_t		 off = 0, body;
	ssize_t		 r;

	for (;;) {
		r = wire_decode(data + off, size - off, &m, &why);
		if (r > 0) {
			if ((size_t)r > size - off)
				FAIL("frame of %zd bytes, %zu given", r,
				    size - off);
			check_frame(data + off, (size_t)r, &m);
			off += (size_t)r;
			continue;
		}
		if (r == 0) {
			/*
			 * Need more: only a short header, or a header under
			 * the maximum whose body has not all arrived.
			 */
			if (size - off >= WIRE_HDR_LEN) {
				body = get32(data + off);
				if (body == 0 || body > WIRE_BODY_MAX ||
				    size - off - WIRE_HDR_LEN >= body)
					FAIL("wire_decode waits on a frame it "
					    "could decide (length %zu)", body);
			}
		} else if (r != -1 || why == NULL)
			FAIL("wire_decode returned %zd, why %s", r,
			    why ? why : "NULL");
		break;
	}
	encode_tail(data + off, size - off);
	return 0;
}
