/*
 * The frame codec between privconfd, the listener and the worker.  The
 * format is documented in wire.h, above the declarations.  Both ways are
 * ours: a packer of msgpack's shortest forms, and a bounded reader,
 * because msgpack-c's unpacker allocates from a container's declared
 * length before reading it (msgpack-c issue 1013): five hostile bytes
 * could ask for gigabytes.  Here a declared
 * length is compared with the bytes left in the frame before anything
 * else is done with it, and nothing is allocated at all.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "common/limits.h"
#include "common/wire.h"

/*
 * Inlined into wire_body and the encoders: each is a few compares or
 * stores, and a call per field or frame step was most of a frame's cost.
 */
#define RD_INLINE	inline __attribute__((always_inline))

/* Elements of each message type's array, type included; 0: no such type. */
static const unsigned wire_arity[] = {
	[WIRE_REQUEST] = 7,
	[WIRE_REPLY] = 5,
	[WIRE_SETUP] = 4,
	[WIRE_SETUP_DONE] = 1,
	[WIRE_READY] = 1,
	[WIRE_SETUP_ERROR] = 4,
	[WIRE_HELLO] = 5,
	[WIRE_CONN_OPEN] = 3,
	[WIRE_CONN_CLOSE] = 2,
	[WIRE_CREDIT] = 3,
	[WIRE_LOCKED] = 3,
	[WIRE_MARK] = 1,
	[WIRE_DUMP] = 3,
};
#define WIRE_TYPE_MAX	WIRE_DUMP

const char *
wire_type_name(enum wire_type t)
{
	static const char *const names[] = {
		[WIRE_REQUEST] = "REQUEST",
		[WIRE_REPLY] = "REPLY",
		[WIRE_SETUP] = "SETUP",
		[WIRE_SETUP_DONE] = "SETUP_DONE",
		[WIRE_READY] = "READY",
		[WIRE_SETUP_ERROR] = "SETUP_ERROR",
		[WIRE_HELLO] = "HELLO",
		[WIRE_CONN_OPEN] = "CONN_OPEN",
		[WIRE_CONN_CLOSE] = "CONN_CLOSE",
		[WIRE_CREDIT] = "CREDIT",
		[WIRE_LOCKED] = "LOCKED",
		[WIRE_MARK] = "MARK",
		[WIRE_DUMP] = "DUMP",
	};

	if ((unsigned)t == 0 || (unsigned)t > WIRE_TYPE_MAX)
		return "UNKNOWN";
	return names[t];
}

/*
 * The packer: msgpack's shortest form of each element, written straight
 * into room reserved once per frame (wire_encode).  These are the bytes
 * msgpack-c's packer makes (tests/unit/test_wire.c compares them, and
 * reads every frame type back with msgpack-c's unpacker), without a
 * callback per element: the hot path of both children.
 */
static RD_INLINE uint8_t *
put_be16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, 2);
	return p + 2;
}

static RD_INLINE uint8_t *
put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

/* A non-negative integer: fixint, else uint 8, 16, 32 or 64. */
static RD_INLINE uint8_t *
put_uint(uint8_t *p, uint64_t v)
{
	if (v <= 0x7f) {
		*p = (uint8_t)v;
		return p + 1;
	}
	if (v <= UINT8_MAX) {
		p[0] = 0xcc;
		p[1] = (uint8_t)v;
		return p + 2;
	}
	if (v <= UINT16_MAX) {
		*p = 0xcd;
		return put_be16(p + 1, (uint16_t)v);
	}
	if (v <= UINT32_MAX) {
		*p = 0xce;
		return put_be32(p + 1, (uint32_t)v);
	}
	*p = 0xcf;
	v = htobe64(v);
	memcpy(p + 1, &v, 8);
	return p + 9;
}

/* A bin: bin 8, 16 or 32 and the bytes (none: d may be NULL). */
static RD_INLINE uint8_t *
put_bin(uint8_t *p, const uint8_t *d, size_t n)
{
	if (n <= UINT8_MAX) {
		p[0] = 0xc4;
		p[1] = (uint8_t)n;
		p += 2;
	} else if (n <= UINT16_MAX) {
		*p = 0xc5;
		p = put_be16(p + 1, (uint16_t)n);
	} else {
		*p = 0xc6;
		p = put_be32(p + 1, (uint32_t)n);
	}
	if (n > 0)
		memcpy(p, d, n);
	return p + n;
}

/* Bytes a frame's body takes at most: nine per number, five per bin. */
#define WIRE_PACK_SLACK	(1 + 7 * 9 + 2 * 5)

static int
request_valid(uint64_t conn, uint64_t id, uint32_t pid, size_t len)
{
	return conn > 0 && id > 0 && pid > 0 && pid <= INT32_MAX &&
	    len < IPC_LINE_MAX;
}

/* The range checks both sides make, so a sender cannot produce what a receiver refuses. */
static int
wire_valid(const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_REQUEST:
		return request_valid(m->conn, m->id, m->pid, m->data_len);
	case WIRE_REPLY:
		return m->conn > 0 && m->id > 0 &&
		    (m->flags & ~WIRE_F_ALL) == 0 &&
		    m->data_len <= WIRE_REPLY_CHUNK;
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		return m->conn > 0 && m->credit > 0 &&
		    m->credit <= WIRE_CREDIT_MAX;
	case WIRE_CONN_CLOSE:
		return m->conn > 0;
	case WIRE_LOCKED:
		return m->source_len <= WIRE_SOURCE_MAX;
	case WIRE_SETUP:
		return m->source_len <= WIRE_SOURCE_MAX &&
		    m->data_len < IPC_LINE_MAX;
	case WIRE_DUMP:
		return (m->flags & ~WIRE_F_MORE) == 0 &&
		    m->data_len <= WIRE_REPLY_CHUNK;
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		return 1;
	case WIRE_HELLO:
		return m->landlock <= WIRE_LANDLOCK_MAX &&
		    m->seccomp <= WIRE_SECCOMP_TRAP;
	case WIRE_SETUP_ERROR:
		return m->source_len <= WIRE_SOURCE_MAX && m->err > 0 &&
		    m->err < 4096;
	}
	return 0;
}

/*
 * Room for a frame of at most extra body bytes, and its array header and
 * type written: where the fields go.  NULL (ENOMEM) when out cannot grow.
 */
static RD_INLINE uint8_t *
frame_begin(struct buf *out, size_t extra, enum wire_type t)
{
	uint8_t	*p;

	if (buf_reserve(out, WIRE_HDR_LEN + WIRE_PACK_SLACK + extra) == -1)
		return NULL;
	p = out->data + out->len + WIRE_HDR_LEN;
	/* Every arity is below 16: a fixarray. */
	*p++ = (uint8_t)(0x90 | wire_arity[t]);
	*p++ = (uint8_t)t;
	return p;
}

/* The frame's length before its body, which ends at end. */
static RD_INLINE int
frame_end(struct buf *out, const uint8_t *end)
{
	uint8_t	*h = out->data + out->len;
	size_t	 body = (size_t)(end - h) - WIRE_HDR_LEN;

	if (body > WIRE_BODY_MAX) {
		errno = EINVAL;
		return -1;
	}
	_Static_assert(WIRE_HDR_LEN == 4, "a 32-bit length");
	put_be32(h, (uint32_t)body);
	out->len += WIRE_HDR_LEN + body;
	return 0;
}

static RD_INLINE uint8_t *
put_request(uint8_t *p, uint64_t conn, uint64_t id, uint32_t uid,
    uint32_t gid, uint32_t pid, const uint8_t *line, size_t len)
{
	p = put_uint(p, conn);
	p = put_uint(p, id);
	p = put_uint(p, uid);
	p = put_uint(p, gid);
	p = put_uint(p, pid);
	return put_bin(p, line, len);
}

int
wire_encode_request(struct buf *out, uint64_t conn, uint64_t id,
    uint32_t uid, uint32_t gid, uint32_t pid, const uint8_t *line,
    size_t len)
{
	uint8_t	*p;

	if (!request_valid(conn, id, pid, len)) {
		errno = EINVAL;
		return -1;
	}
	if ((p = frame_begin(out, len, WIRE_REQUEST)) == NULL)
		return -1;
	return frame_end(out, put_request(p, conn, id, uid, gid, pid, line,
	    len));
}

int
wire_encode(struct buf *out, const struct wire_msg *m)
{
	uint8_t		*p;

	if (!wire_valid(m)) {
		errno = EINVAL;
		return -1;
	}
	if ((p = frame_begin(out, m->data_len + m->source_len, m->type)) ==
	    NULL)
		return -1;
	switch (m->type) {
	case WIRE_REQUEST:
		p = put_request(p, m->conn, m->id, m->uid, m->gid, m->pid,
		    m->data, m->data_len);
		break;
	case WIRE_REPLY:
		p = put_uint(p, m->conn);
		p = put_uint(p, m->id);
		p = put_uint(p, m->flags);
		p = put_bin(p, m->data, m->data_len);
		break;
	case WIRE_DUMP:
		p = put_uint(p, m->flags);
		p = put_bin(p, m->data, m->data_len);
		break;
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		p = put_uint(p, m->conn);
		p = put_uint(p, m->credit);
		break;
	case WIRE_CONN_CLOSE:
		p = put_uint(p, m->conn);
		break;
	case WIRE_LOCKED:
		p = put_bin(p, m->source, m->source_len);
		p = put_uint(p, m->lineno);
		break;
	case WIRE_SETUP:
		p = put_bin(p, m->source, m->source_len);
		p = put_uint(p, m->lineno);
		p = put_bin(p, m->data, m->data_len);
		break;
	case WIRE_SETUP_ERROR:
		p = put_bin(p, m->source, m->source_len);
		p = put_uint(p, m->lineno);
		p = put_uint(p, m->err);
		break;
	case WIRE_HELLO:
		p = put_uint(p, m->uid);
		p = put_uint(p, m->gid);
		p = put_uint(p, m->landlock);
		p = put_uint(p, m->seccomp);
		break;
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		break;
	}
	return frame_end(out, p);
}


/* A bounded cursor over one frame body. */
struct rd {
	const uint8_t	*p;
	size_t		 left;
	const char	*why;
};

static int
rd_fail(struct rd *r, const char *why)
{
	if (r->why == NULL)
		r->why = why;
	return -1;
}

/* A big-endian number of n (1, 2, 4 or 8) bytes, all there. */
static RD_INLINE uint64_t
be_load(const uint8_t *p, size_t n)
{
	uint64_t q;
	uint32_t w;
	uint16_t h;

	switch (n) {
	case 1:
		return p[0];
	case 2:
		memcpy(&h, p, 2);
		return be16toh(h);
	case 4:
		memcpy(&w, p, 4);
		return be32toh(w);
	default:
		memcpy(&q, p, 8);
		return be64toh(q);
	}
}

/* A msgpack non-negative integer, at most max. */
static RD_INLINE int
rd_uint(struct rd *r, uint64_t max, uint64_t *v)
{
	size_t	 n;
	uint8_t	 c;

	if (r->left == 0)
		return rd_fail(r, "truncated");
	c = r->p[0];
	if (c <= 0x7f) {
		*v = c;
		n = 1;
	} else if (c >= 0xcc && c <= 0xcf) {
		n = 1 + ((size_t)1 << (c - 0xcc));
		if (r->left < n)
			return rd_fail(r, "truncated");
		*v = be_load(r->p + 1, n - 1);
	} else
		return rd_fail(r, "wrong type: integer expected");
	if (*v > max)
		return rd_fail(r, "integer out of range");
	r->p += n;
	r->left -= n;
	return 0;
}

static RD_INLINE int
rd_u32(struct rd *r, uint32_t max, uint32_t *v)
{
	uint64_t x;

	if (rd_uint(r, max, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A type byte c, then an n-byte big-endian length: both there. */
static RD_INLINE int
rd_len(struct rd *r, size_t n, uint64_t *v)
{
	if (r->left < 1 + n)
		return rd_fail(r, "truncated");
	*v = be_load(r->p + 1, n);
	r->p += 1 + n;
	r->left -= 1 + n;
	return 0;
}

/* A msgpack bin of at most max bytes; its declared length is checked first. */
static RD_INLINE int
rd_bin(struct rd *r, size_t max, const uint8_t **p, size_t *n)
{
	uint64_t len;
	uint8_t	 c;

	if (r->left == 0)
		return rd_fail(r, "truncated");
	c = r->p[0];
	if (c < 0xc4 || c > 0xc6)
		return rd_fail(r, "wrong type: bin expected");
	if (rd_len(r, (size_t)1 << (c - 0xc4), &len) == -1)
		return -1;
	if (len > r->left)
		return rd_fail(r, "bin length past the end of the frame");
	if (len > max)
		return rd_fail(r, "bin too long");
	*p = r->p;
	*n = (size_t)len;
	r->p += len;
	r->left -= len;
	return 0;
}

/* A connection id: a non-zero 64-bit number. */
static RD_INLINE int
rd_conn(struct rd *r, uint64_t *conn)
{
	if (rd_uint(r, UINT64_MAX, conn) == -1)
		return -1;
	if (*conn == 0)
		return rd_fail(r, "zero connection id");
	return 0;
}

static RD_INLINE int
rd_array(struct rd *r, uint64_t *n)
{
	uint8_t	 c;

	if (r->left == 0)
		return rd_fail(r, "truncated");
	c = r->p[0];
	if (c >= 0x90 && c <= 0x9f) {
		*n = c & 0x0f;
		r->p++;
		r->left--;
	} else if (c == 0xdc || c == 0xdd) {
		if (rd_len(r, c == 0xdc ? 2 : 4, n) == -1)
			return -1;
	} else
		return rd_fail(r, "wrong type: array expected");
	/* Every element takes at least one byte. */
	if (*n > r->left)
		return rd_fail(r, "array length past the end of the frame");
	return 0;
}

static int
wire_body(struct rd *r, struct wire_msg *m)
{
	uint64_t n, t;

	if (rd_array(r, &n) == -1 || rd_uint(r, WIRE_TYPE_MAX, &t) == -1)
		return -1;
	if (t == 0)
		return rd_fail(r, "unknown message type");
	m->type = (enum wire_type)t;
	if (n != wire_arity[t])
		return rd_fail(r, "wrong number of fields");
	switch (m->type) {
	case WIRE_REQUEST:
		if (rd_conn(r, &m->conn) == -1 ||
		    rd_uint(r, UINT64_MAX, &m->id) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->uid) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->gid) == -1 ||
		    rd_u32(r, INT32_MAX, &m->pid) == -1 ||
		    rd_bin(r, IPC_LINE_MAX - 1, &m->data, &m->data_len) == -1)
			return -1;
		if (m->id == 0 || m->pid == 0)
			return rd_fail(r, "zero id or pid");
		break;
	case WIRE_REPLY:
		if (rd_conn(r, &m->conn) == -1 ||
		    rd_uint(r, UINT64_MAX, &m->id) == -1 ||
		    rd_u32(r, WIRE_F_ALL, &m->flags) == -1 ||
		    rd_bin(r, WIRE_REPLY_CHUNK, &m->data, &m->data_len) == -1)
			return -1;
		if (m->id == 0)
			return rd_fail(r, "zero id");
		if ((m->flags & ~WIRE_F_ALL) != 0)
			return rd_fail(r, "unknown flags");
		break;
	case WIRE_DUMP:
		if (rd_u32(r, WIRE_F_MORE, &m->flags) == -1 ||
		    rd_bin(r, WIRE_REPLY_CHUNK, &m->data, &m->data_len) == -1)
			return -1;
		if ((m->flags & ~WIRE_F_MORE) != 0)
			return rd_fail(r, "unknown flags");
		break;
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		if (rd_conn(r, &m->conn) == -1 ||
		    rd_u32(r, WIRE_CREDIT_MAX, &m->credit) == -1)
			return -1;
		if (m->credit == 0)
			return rd_fail(r, "zero credit");
		break;
	case WIRE_CONN_CLOSE:
		if (rd_conn(r, &m->conn) == -1)
			return -1;
		break;
	case WIRE_LOCKED:
		if (rd_bin(r, WIRE_SOURCE_MAX, &m->source, &m->source_len) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->lineno) == -1)
			return -1;
		break;
	case WIRE_SETUP:
		if (rd_bin(r, WIRE_SOURCE_MAX, &m->source, &m->source_len) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->lineno) == -1 ||
		    rd_bin(r, IPC_LINE_MAX - 1, &m->data, &m->data_len) == -1)
			return -1;
		break;
	case WIRE_SETUP_ERROR:
		if (rd_bin(r, WIRE_SOURCE_MAX, &m->source, &m->source_len) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->lineno) == -1 ||
		    rd_u32(r, 4095, &m->err) == -1)
			return -1;
		if (m->err == 0)
			return rd_fail(r, "zero errno");
		break;
	case WIRE_HELLO:
		if (rd_u32(r, UINT32_MAX, &m->uid) == -1 ||
		    rd_u32(r, UINT32_MAX, &m->gid) == -1 ||
		    rd_u32(r, WIRE_LANDLOCK_MAX, &m->landlock) == -1 ||
		    rd_u32(r, WIRE_SECCOMP_TRAP, &m->seccomp) == -1)
			return -1;
		break;
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		break;
	}
	if (r->left != 0)
		return rd_fail(r, "trailing bytes after the message");
	return 0;
}

ssize_t
wire_decode(const uint8_t *p, size_t n, struct wire_msg *m, const char **why)
{
	struct rd r;
	size_t	 body;

	*why = NULL;
	if (n < WIRE_HDR_LEN)
		return 0;
	body = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	if (body > WIRE_BODY_MAX) {
		*why = "declared frame length over the maximum";
		return -1;
	}
	if (body == 0) {
		*why = "empty frame";
		return -1;
	}
	if (n - WIRE_HDR_LEN < body)
		return 0;
	memset(m, 0, sizeof(*m));
	r.p = p + WIRE_HDR_LEN;
	r.left = body;
	r.why = NULL;
	if (wire_body(&r, m) == -1) {
		*why = r.why;
		return -1;
	}
	return (ssize_t)(WIRE_HDR_LEN + body);
}
