/*
 * The frame codec between privconfd, the listener and the worker.  The
 * format is documented in wire.h, above the declarations.  msgpack-c packs;
 * our own bounded reader unpacks, because msgpack-c's unpacker allocates
 * from a container's declared length before reading it (msgpack-c issue
 * 1013): five hostile bytes could ask for gigabytes.  Here a declared
 * length is compared with the bytes left in the frame before anything
 * else is done with it, and nothing is allocated at all.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <msgpack.h>

#include "common/limits.h"
#include "common/wire.h"

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
 * The frame's room is reserved once, before packing (wire_encode), so
 * each of msgpack-c's writes is a copy: the hot path of both children.
 */
static int
wire_write_cb(void *data, const char *p, size_t n)
{
	struct buf	*b = data;

	/* An empty bin may come with p NULL: memcpy(d, NULL, 0) is undefined. */
	if (n == 0)
		return 0;
	if (b->cap - b->len < n)
		return buf_append(b, p, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* Bytes a frame's body takes at most: nine per number, five per bin. */
#define WIRE_PACK_SLACK	(1 + 7 * 9 + 2 * 5)

/* The range checks both sides make, so a sender cannot produce what a receiver refuses. */
static int
wire_valid(const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_REQUEST:
		return m->conn > 0 && m->id > 0 && m->pid > 0 &&
		    m->pid <= INT32_MAX && m->data_len < IPC_LINE_MAX;
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

int
wire_encode(struct buf *out, const struct wire_msg *m)
{
	msgpack_packer	 pk;
	size_t		 start, body;
	uint8_t		*h;
	int		 r = 0;

	if (!wire_valid(m)) {
		errno = EINVAL;
		return -1;
	}
	start = out->len;
	if (buf_reserve(out, WIRE_HDR_LEN + WIRE_PACK_SLACK + m->data_len +
	    m->source_len) == -1)
		return -1;
	out->len += WIRE_HDR_LEN;
	msgpack_packer_init(&pk, out, wire_write_cb);
	r |= msgpack_pack_array(&pk, wire_arity[m->type]);
	r |= msgpack_pack_uint8(&pk, (uint8_t)m->type);
	switch (m->type) {
	case WIRE_REQUEST:
		r |= msgpack_pack_uint64(&pk, m->conn);
		r |= msgpack_pack_uint64(&pk, m->id);
		r |= msgpack_pack_uint32(&pk, m->uid);
		r |= msgpack_pack_uint32(&pk, m->gid);
		r |= msgpack_pack_uint32(&pk, m->pid);
		r |= msgpack_pack_bin_with_body(&pk, m->data, m->data_len);
		break;
	case WIRE_REPLY:
		r |= msgpack_pack_uint64(&pk, m->conn);
		r |= msgpack_pack_uint64(&pk, m->id);
		r |= msgpack_pack_uint32(&pk, m->flags);
		r |= msgpack_pack_bin_with_body(&pk, m->data, m->data_len);
		break;
	case WIRE_DUMP:
		r |= msgpack_pack_uint32(&pk, m->flags);
		r |= msgpack_pack_bin_with_body(&pk, m->data, m->data_len);
		break;
	case WIRE_CONN_OPEN:
	case WIRE_CREDIT:
		r |= msgpack_pack_uint64(&pk, m->conn);
		r |= msgpack_pack_uint32(&pk, m->credit);
		break;
	case WIRE_CONN_CLOSE:
		r |= msgpack_pack_uint64(&pk, m->conn);
		break;
	case WIRE_LOCKED:
		r |= msgpack_pack_bin_with_body(&pk, m->source, m->source_len);
		r |= msgpack_pack_uint32(&pk, m->lineno);
		break;
	case WIRE_SETUP:
		r |= msgpack_pack_bin_with_body(&pk, m->source, m->source_len);
		r |= msgpack_pack_uint32(&pk, m->lineno);
		r |= msgpack_pack_bin_with_body(&pk, m->data, m->data_len);
		break;
	case WIRE_SETUP_ERROR:
		r |= msgpack_pack_bin_with_body(&pk, m->source, m->source_len);
		r |= msgpack_pack_uint32(&pk, m->lineno);
		r |= msgpack_pack_uint32(&pk, m->err);
		break;
	case WIRE_HELLO:
		r |= msgpack_pack_uint32(&pk, m->uid);
		r |= msgpack_pack_uint32(&pk, m->gid);
		r |= msgpack_pack_uint32(&pk, m->landlock);
		r |= msgpack_pack_uint32(&pk, m->seccomp);
		break;
	case WIRE_SETUP_DONE:
	case WIRE_READY:
	case WIRE_MARK:
		break;
	}
	body = out->len - start - WIRE_HDR_LEN;
	if (r != 0 || body > WIRE_BODY_MAX) {
		out->len = start;
		errno = r != 0 ? ENOMEM : EINVAL;
		return -1;
	}
	h = out->data + start;
	h[0] = (uint8_t)(body >> 24);
	h[1] = (uint8_t)(body >> 16);
	h[2] = (uint8_t)(body >> 8);
	h[3] = (uint8_t)body;
	return 0;
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

/* A big-endian number of n (1, 2, 4 or 8) bytes. */
static int
rd_be(struct rd *r, size_t n, uint64_t *v)
{
	uint32_t w;
	uint16_t h;

	if (r->left < n)
		return rd_fail(r, "truncated");
	switch (n) {
	case 1:
		*v = r->p[0];
		break;
	case 2:
		memcpy(&h, r->p, 2);
		*v = be16toh(h);
		break;
	case 4:
		memcpy(&w, r->p, 4);
		*v = be32toh(w);
		break;
	default:
		memcpy(v, r->p, 8);
		*v = be64toh(*v);
		break;
	}
	r->p += n;
	r->left -= n;
	return 0;
}

static int
rd_byte(struct rd *r, uint8_t *c)
{
	if (r->left < 1)
		return rd_fail(r, "truncated");
	*c = *r->p++;
	r->left--;
	return 0;
}

/* A msgpack non-negative integer, at most max. */
static int
rd_uint(struct rd *r, uint64_t max, uint64_t *v)
{
	uint8_t	 c;

	if (rd_byte(r, &c) == -1)
		return -1;
	if (c <= 0x7f)
		*v = c;
	else if (c >= 0xcc && c <= 0xcf) {
		if (rd_be(r, (size_t)1 << (c - 0xcc), v) == -1)
			return -1;
	} else
		return rd_fail(r, "wrong type: integer expected");
	if (*v > max)
		return rd_fail(r, "integer out of range");
	return 0;
}

static int
rd_u32(struct rd *r, uint32_t max, uint32_t *v)
{
	uint64_t x;

	if (rd_uint(r, max, &x) == -1)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A msgpack bin of at most max bytes; its declared length is checked first. */
static int
rd_bin(struct rd *r, size_t max, const uint8_t **p, size_t *n)
{
	uint8_t	 c;
	uint64_t len;

	if (rd_byte(r, &c) == -1)
		return -1;
	if (c < 0xc4 || c > 0xc6)
		return rd_fail(r, "wrong type: bin expected");
	if (rd_be(r, (size_t)1 << (c - 0xc4), &len) == -1)
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
static int
rd_conn(struct rd *r, uint64_t *conn)
{
	if (rd_uint(r, UINT64_MAX, conn) == -1)
		return -1;
	if (*conn == 0)
		return rd_fail(r, "zero connection id");
	return 0;
}

static int
rd_array(struct rd *r, uint64_t *n)
{
	uint8_t	 c;

	if (rd_byte(r, &c) == -1)
		return -1;
	if (c >= 0x90 && c <= 0x9f)
		*n = c & 0x0f;
	else if (c == 0xdc || c == 0xdd) {
		if (rd_be(r, c == 0xdc ? 2 : 4, n) == -1)
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
