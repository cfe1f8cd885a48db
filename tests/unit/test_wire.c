/* The frame codec: round trips, and hostile frames refused without allocation. */
#include <criterion/criterion.h>
#include <malloc.h>
#include <string.h>

#include "common/limits.h"
#include "common/wire.h"

#include <msgpack.h>

static struct wire_msg
roundtrip(const struct wire_msg *in, struct buf *b)
{
	struct wire_msg out;
	const char	*why;
	ssize_t		 n;

	buf_reset(b);
	cr_assert_eq(wire_encode(b, in), 0);
	/* Every proper prefix asks for more bytes. */
	for (size_t k = 0; k < b->len; k++)
		cr_assert_eq(wire_decode(b->data, k, &out, &why), 0,
		    "prefix %zu", k);
	n = wire_decode(b->data, b->len, &out, &why);
	cr_assert_eq(n, (ssize_t)b->len, "why: %s", why ? why : "");
	cr_assert_eq(out.type, in->type);
	return out;
}

Test(wire, request_roundtrip)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = UINT64_MAX,
	    .id = UINT64_MAX, .uid = UINT32_MAX, .gid = 7, .pid = INT32_MAX,
	    .data = (const uint8_t *)" sandbox/read:on ", .data_len = 17 };
	struct wire_msg o = roundtrip(&m, &b);

	cr_assert_eq(o.conn, UINT64_MAX);
	cr_assert_eq(o.id, UINT64_MAX);
	cr_assert_eq(o.uid, UINT32_MAX);
	cr_assert_eq(o.gid, 7);
	cr_assert_eq(o.pid, INT32_MAX);
	cr_assert_eq(o.data_len, 17);
	cr_assert_arr_eq(o.data, " sandbox/read:on ", 17);
	buf_free(&b);
}

Test(wire, request_line_at_limit)
{
	struct buf b = BUF_INIT;
	static uint8_t line[IPC_LINE_MAX];
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = 1, .id = 1,
	    .pid = 1, .data = line, .data_len = IPC_LINE_MAX - 1 };

	memset(line, 'x', sizeof(line));
	cr_assert_eq(roundtrip(&m, &b).data_len, IPC_LINE_MAX - 1);
	m.data_len = IPC_LINE_MAX;
	cr_assert_eq(wire_encode(&b, &m), -1);
	buf_free(&b);
}

Test(wire, reply_roundtrip_and_chunk_limit)
{
	struct buf b = BUF_INIT;
	static uint8_t body[WIRE_REPLY_CHUNK + 1];
	struct wire_msg m = { .type = WIRE_REPLY, .conn = 5, .id = 42,
	    .flags = WIRE_F_MORE, .data = body, .data_len = WIRE_REPLY_CHUNK };
	struct wire_msg o;

	memset(body, '{', sizeof(body));
	o = roundtrip(&m, &b);
	cr_assert_eq(o.id, 42);
	cr_assert_eq(o.flags, WIRE_F_MORE);
	cr_assert_eq(o.data_len, WIRE_REPLY_CHUNK);
	m.data_len = WIRE_REPLY_CHUNK + 1;
	cr_assert_eq(wire_encode(&b, &m), -1);
	m.data_len = 0;
	m.flags = WIRE_F_FATAL;
	cr_assert_eq(roundtrip(&m, &b).flags, WIRE_F_FATAL);
	m.flags = 4;
	cr_assert_eq(wire_encode(&b, &m), -1);
	buf_free(&b);
}

Test(wire, setup_messages_roundtrip)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_SETUP,
	    .source = (const uint8_t *)"/etc/p.syd", .source_len = 10,
	    .lineno = 12, .data = (const uint8_t *)"lock:on", .data_len = 7 };
	struct wire_msg o = roundtrip(&m, &b);

	cr_assert_eq(o.lineno, 12);
	cr_assert_arr_eq(o.source, "/etc/p.syd", 10);
	cr_assert_arr_eq(o.data, "lock:on", 7);

	m = (struct wire_msg){ .type = WIRE_SETUP_ERROR,
	    .source = (const uint8_t *)"p", .source_len = 1, .lineno = 2,
	    .err = 22 };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.err, 22);
	cr_assert_eq(o.lineno, 2);

	m = (struct wire_msg){ .type = WIRE_HELLO, .uid = 65534, .gid = 7,
	    .landlock = WIRE_LANDLOCK_MAX, .seccomp = WIRE_SECCOMP_TRAP };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.uid, 65534);
	cr_assert_eq(o.gid, 7);
	cr_assert_eq(o.landlock, WIRE_LANDLOCK_MAX);
	cr_assert_eq(o.seccomp, WIRE_SECCOMP_TRAP);
	m.landlock = WIRE_LANDLOCK_MAX + 1;
	cr_assert_eq(wire_encode(&b, &m), -1);
	m.landlock = 1;
	m.seccomp = WIRE_SECCOMP_TRAP + 1;
	cr_assert_eq(wire_encode(&b, &m), -1);

	m = (struct wire_msg){ .type = WIRE_SETUP_DONE };
	roundtrip(&m, &b);
	m = (struct wire_msg){ .type = WIRE_READY };
	roundtrip(&m, &b);
	buf_free(&b);
}

Test(wire, encode_refuses_zero_id_and_pid)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = 1, .id = 0,
	    .pid = 1 };

	cr_assert_eq(wire_encode(&b, &m), -1);
	m.id = 1;
	m.pid = 0;
	cr_assert_eq(wire_encode(&b, &m), -1);
	m.pid = 1;
	m.conn = 0;
	cr_assert_eq(wire_encode(&b, &m), -1);
	cr_assert_eq(b.len, 0);
	buf_free(&b);
}

/* Decode raw bytes (header added) and expect a refusal without allocation. */
static void
expect_bad(const uint8_t *body, size_t n, const char *what)
{
	uint8_t		 frame[64];
	struct wire_msg	 m;
	const char	*why;
	struct mallinfo2 before, after;

	cr_assert(n + 4 <= sizeof(frame));
	frame[0] = (uint8_t)(n >> 24);
	frame[1] = (uint8_t)(n >> 16);
	frame[2] = (uint8_t)(n >> 8);
	frame[3] = (uint8_t)n;
	memcpy(frame + 4, body, n);
	before = mallinfo2();
	cr_assert_eq(wire_decode(frame, n + 4, &m, &why), -1, "%s", what);
	after = mallinfo2();
	cr_assert_not_null(why, "%s", what);
	cr_assert_eq(before.uordblks, after.uordblks, "%s allocated", what);
}

Test(wire, declared_lengths_past_the_end_are_refused)
{
	/* REQUEST whose line is a bin32 claiming 4 GiB. */
	static const uint8_t bin32[] = { 0x97, 1, 1, 1, 0, 0, 1,
	    0xc6, 0xff, 0xff, 0xff, 0xff, 'x' };
	static const uint8_t bin16[] = { 0x97, 1, 1, 1, 0, 0, 1,
	    0xc5, 0x01, 0x00, 'x' };
	static const uint8_t bin8[] = { 0x97, 1, 1, 1, 0, 0, 1, 0xc4, 5, 'x' };
	/* array32 of 2^32-1 elements: the 5 bytes of msgpack-c issue 1013. */
	static const uint8_t arr32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t arr16[] = { 0xdc, 0xff, 0xff, 1 };

	expect_bad(bin32, sizeof(bin32), "bin32");
	expect_bad(bin16, sizeof(bin16), "bin16");
	expect_bad(bin8, sizeof(bin8), "bin8");
	expect_bad(arr32, sizeof(arr32), "array32");
	expect_bad(arr16, sizeof(arr16), "array16");
}

Test(wire, header_over_maximum_is_refused_at_once)
{
	uint32_t	 len = WIRE_BODY_MAX + 1;
	uint8_t		 h[4] = { len >> 24, len >> 16, len >> 8, len };
	struct wire_msg	 m;
	const char	*why;

	cr_assert_eq(wire_decode(h, 4, &m, &why), -1);
	len = WIRE_BODY_MAX;
	uint8_t ok[4] = { len >> 24, len >> 16, len >> 8, len };
	cr_assert_eq(wire_decode(ok, 4, &m, &why), 0, "at the limit: need more");
	static const uint8_t zero[4] = { 0 };
	cr_assert_eq(wire_decode(zero, 4, &m, &why), -1);
}

Test(wire, wrong_types_are_refused)
{
	/* REQUEST with a bin where the uid belongs. */
	static const uint8_t str_uid[] = { 0x97, 1, 1, 1, 0xc4, 1, 'a', 0, 1,
	    0xc4, 0 };
	/* REQUEST with a msgpack str (not bin) as the line. */
	static const uint8_t str_line[] = { 0x97, 1, 1, 1, 0, 0, 1, 0xa1,
	    'a' };
	/* Negative fixint as id. */
	static const uint8_t neg_id[] = { 0x97, 1, 1, 0xff, 0, 0, 1, 0xc4, 0 };
	/* Unknown type 14, type 0, map instead of array. */
	static const uint8_t type7[] = { 0x91, 14 };
	static const uint8_t type0[] = { 0x91, 0 };
	static const uint8_t map[] = { 0x81, 1, 1 };
	/* READY with an extra field; REPLY with too few. */
	static const uint8_t ready2[] = { 0x92, 5, 0 };
	static const uint8_t reply3[] = { 0x94, 2, 1, 1, 0 };
	/* Trailing byte after a complete READY. */
	static const uint8_t trailing[] = { 0x91, 5, 0 };
	/* REPLY with unknown flag bits; id 0; pid 0; pid over INT32_MAX. */
	static const uint8_t flags[] = { 0x95, 2, 1, 1, 0x08, 0xc4, 0 };
	static const uint8_t id0[] = { 0x95, 2, 1, 0, 0, 0xc4, 0 };
	static const uint8_t pid0[] = { 0x97, 1, 1, 1, 0, 0, 0, 0xc4, 0 };
	static const uint8_t pidbig[] = { 0x97, 1, 1, 1, 0, 0,
	    0xce, 0x80, 0, 0, 0, 0xc4, 0 };
	/* Connection id 0 in a REQUEST, a REPLY, a CONN_OPEN, a CONN_CLOSE. */
	static const uint8_t rq_conn0[] = { 0x97, 1, 0, 1, 0, 0, 1, 0xc4, 0 };
	static const uint8_t rp_conn0[] = { 0x95, 2, 0, 1, 0, 0xc4, 0 };
	static const uint8_t open0[] = { 0x93, 8, 0, 5 };
	static const uint8_t close0[] = { 0x92, 9, 0 };
	/* CREDIT of 0 and of WIRE_CREDIT_MAX + 1; CONN_CLOSE arity. */
	static const uint8_t credit0[] = { 0x93, 10, 1, 0 };
	static const uint8_t creditbig[] = { 0x93, 10, 1, 0xce,
	    (WIRE_CREDIT_MAX + 1) >> 24, ((WIRE_CREDIT_MAX + 1) >> 16) & 0xff,
	    ((WIRE_CREDIT_MAX + 1) >> 8) & 0xff, (WIRE_CREDIT_MAX + 1) & 0xff };
	static const uint8_t close3[] = { 0x93, 9, 1, 1 };
	/* SETUP_ERROR with errno 0 and with errno 4096. */
	static const uint8_t err0[] = { 0x94, 6, 0xc4, 0, 1, 0 };
	static const uint8_t errbig[] = { 0x94, 6, 0xc4, 0, 1, 0xcd, 0x10, 0 };
	/* HELLO with a Landlock ABI of 256 and a seccomp state of 3. */
	static const uint8_t hello_abi[] = { 0x95, 7, 1, 1, 0xcd, 1, 0, 1 };
	static const uint8_t hello_sc[] = { 0x95, 7, 1, 1, 7, 3 };
	/* Truncated inside a declared body. */
	static const uint8_t trunc[] = { 0x97, 1, 1, 0xcf, 0, 0 };

	expect_bad(str_uid, sizeof(str_uid), "bin uid");
	expect_bad(str_line, sizeof(str_line), "str line");
	expect_bad(neg_id, sizeof(neg_id), "negative id");
	expect_bad(type7, sizeof(type7), "type 8");
	expect_bad(type0, sizeof(type0), "type 0");
	expect_bad(map, sizeof(map), "map");
	expect_bad(ready2, sizeof(ready2), "READY arity");
	expect_bad(reply3, sizeof(reply3), "REPLY arity");
	expect_bad(trailing, sizeof(trailing), "trailing");
	expect_bad(flags, sizeof(flags), "flags");
	expect_bad(id0, sizeof(id0), "id 0");
	expect_bad(pid0, sizeof(pid0), "pid 0");
	expect_bad(pidbig, sizeof(pidbig), "pid > INT32_MAX");
	expect_bad(err0, sizeof(err0), "errno 0");
	expect_bad(errbig, sizeof(errbig), "errno 4096");
	expect_bad(hello_abi, sizeof(hello_abi), "HELLO landlock 256");
	expect_bad(hello_sc, sizeof(hello_sc), "HELLO seccomp 3");
	expect_bad(trunc, sizeof(trunc), "truncated");
	expect_bad(rq_conn0, sizeof(rq_conn0), "REQUEST conn 0");
	expect_bad(rp_conn0, sizeof(rp_conn0), "REPLY conn 0");
	expect_bad(open0, sizeof(open0), "CONN_OPEN conn 0");
	expect_bad(close0, sizeof(close0), "CONN_CLOSE conn 0");
	expect_bad(credit0, sizeof(credit0), "CREDIT 0");
	expect_bad(creditbig, sizeof(creditbig), "CREDIT past the max");
	expect_bad(close3, sizeof(close3), "CONN_CLOSE arity");
}

Test(wire, request_line_over_limit_is_refused)
{
	static uint8_t frame[IPC_LINE_MAX + 32];
	size_t		 n = 0, body;
	struct wire_msg	 m;
	const char	*why;

	frame[4 + n++] = 0x97;
	frame[4 + n++] = 1;
	frame[4 + n++] = 1;
	frame[4 + n++] = 1;
	frame[4 + n++] = 0;
	frame[4 + n++] = 0;
	frame[4 + n++] = 1;
	frame[4 + n++] = 0xc5;
	frame[4 + n++] = IPC_LINE_MAX >> 8;
	frame[4 + n++] = IPC_LINE_MAX & 0xff;
	memset(frame + 4 + n, 'a', IPC_LINE_MAX);
	body = n + IPC_LINE_MAX;
	frame[0] = 0;
	frame[1] = (uint8_t)(body >> 16);
	frame[2] = (uint8_t)(body >> 8);
	frame[3] = (uint8_t)body;
	cr_assert_eq(wire_decode(frame, body + 4, &m, &why), -1);
}

Test(wire, two_frames_back_to_back)
{
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m = { .type = WIRE_READY }, o;
	const char	*why;
	ssize_t		 n;

	cr_assert_eq(wire_encode(&b, &m), 0);
	m = (struct wire_msg){ .type = WIRE_REPLY, .conn = 1, .id = 9,
	    .data = (const uint8_t *)"x", .data_len = 1 };
	cr_assert_eq(wire_encode(&b, &m), 0);
	n = wire_decode(b.data, b.len, &o, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(o.type, WIRE_READY);
	cr_assert_eq(wire_decode(b.data + n, b.len - (size_t)n, &o, &why),
	    (ssize_t)b.len - n);
	cr_assert_eq(o.id, 9);
	buf_free(&b);
}

/* Offsets into a partly consumed buffer survive the growth of encoding. */
Test(wire, encode_into_partly_consumed_buffer)
{
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m = { .type = WIRE_READY }, o;
	const char	*why;
	static uint8_t	 body[200], junk[4000];

	/* A buffer nearly full of consumed bytes: growth must not slide them. */
	memset(junk, '.', sizeof(junk));
	cr_assert_eq(buf_append(&b, junk, sizeof(junk)), 0);
	cr_assert_eq(buf_append(&b, "0123456789", 10), 0);
	buf_consume(&b, sizeof(junk) + 7);
	m = (struct wire_msg){ .type = WIRE_REPLY, .conn = 1, .id = 3,
	    .data = body, .data_len = sizeof(body) };
	cr_assert_eq(wire_encode(&b, &m), 0);
	cr_assert_arr_eq(buf_head(&b), "789", 3);
	cr_assert_eq(wire_decode(buf_head(&b) + 3, buf_unread(&b) - 3, &o,
	    &why), (ssize_t)buf_unread(&b) - 3);
	cr_assert_eq(o.data_len, sizeof(body));
	buf_free(&b);
}

/* The connection frames, LOCKED, MARK and DUMP, field for field. */
Test(wire, connection_frames_roundtrip)
{
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m, o;

	m = (struct wire_msg){ .type = WIRE_CONN_OPEN,
	    .conn = WIRE_CONN_ID(UINT32_MAX, 7), .credit = WIRE_CREDIT_MAX };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.conn, WIRE_CONN_ID(UINT32_MAX, 7));
	cr_assert_eq(WIRE_CONN_INDEX(o.conn), 7);
	cr_assert_eq(o.credit, WIRE_CREDIT_MAX);
	m = (struct wire_msg){ .type = WIRE_CREDIT, .conn = 2, .credit = 1 };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.conn, 2);
	cr_assert_eq(o.credit, 1);
	m = (struct wire_msg){ .type = WIRE_CONN_CLOSE, .conn = 3 };
	cr_assert_eq(roundtrip(&m, &b).conn, 3);
	m = (struct wire_msg){ .type = WIRE_LOCKED,
	    .source = (const uint8_t *)"p.syd", .source_len = 5,
	    .lineno = 9 };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.lineno, 9);
	cr_assert_arr_eq(o.source, "p.syd", 5);
	/* Compaction's frames. */
	m = (struct wire_msg){ .type = WIRE_MARK };
	cr_assert_eq(roundtrip(&m, &b).type, WIRE_MARK);
	m = (struct wire_msg){ .type = WIRE_DUMP, .flags = WIRE_F_MORE,
	    .data = (const uint8_t *)"reset\n", .data_len = 6 };
	o = roundtrip(&m, &b);
	cr_assert_eq(o.flags, WIRE_F_MORE);
	cr_assert_arr_eq(o.data, "reset\n", 6);
	m.flags = WIRE_F_FATAL;
	cr_assert_eq(wire_encode(&b, &m), -1, "FATAL is for REPLY only");
	m.flags = 0;
	m.data_len = WIRE_REPLY_CHUNK + 1;
	cr_assert_eq(wire_encode(&b, &m), -1);
	/* What the decoder refuses, the encoder refuses to write. */
	m = (struct wire_msg){ .type = WIRE_CREDIT, .conn = 2, .credit = 0 };
	cr_assert_eq(wire_encode(&b, &m), -1);
	m.credit = WIRE_CREDIT_MAX + 1u;
	cr_assert_eq(wire_encode(&b, &m), -1);
	buf_free(&b);
}

/*
 * fuzz_worker's finding after the copy-only packer: lock:on's FATAL
 * reply has no body (data NULL, length 0), and wire_write_cb passed the
 * NULL to memcpy, undefined even for 0 bytes (UBSan stops there, under
 * SANITIZE=1).  An empty bin encodes and decodes as empty.
 */
Test(wire, empty_bin_without_a_pointer)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .conn = 1, .id = 7,
	    .flags = WIRE_F_FATAL, .data = NULL, .data_len = 0 }, d;
	struct buf	 b = BUF_INIT;
	const char	*why;

	cr_assert_eq(wire_encode(&b, &m), 0);
	cr_assert_eq(wire_decode(b.data, b.len, &d, &why), (ssize_t)b.len);
	cr_assert_eq(d.type, WIRE_REPLY);
	cr_assert_eq(d.flags, WIRE_F_FATAL);
	cr_assert_eq(d.data_len, 0);
	buf_free(&b);
}

/*
 * Our packer against msgpack-c's: every number at each width boundary
 * and bins at each length boundary pack to the bytes msgpack-c packs
 * (its shortest forms), and msgpack-c's unpacker reads our frames back.
 */
static void
msgpack_reference(struct buf *ref, const struct wire_msg *m)
{
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
	uint8_t		 h[4];

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, m->type == WIRE_REQUEST ? 7 : 5);
	msgpack_pack_uint8(&pk, (uint8_t)m->type);
	msgpack_pack_uint64(&pk, m->conn);
	msgpack_pack_uint64(&pk, m->id);
	if (m->type == WIRE_REQUEST) {
		msgpack_pack_uint32(&pk, m->uid);
		msgpack_pack_uint32(&pk, m->gid);
		msgpack_pack_uint32(&pk, m->pid);
	} else
		msgpack_pack_uint32(&pk, m->flags);
	msgpack_pack_bin_with_body(&pk, m->data, m->data_len);
	h[0] = (uint8_t)(sb.size >> 24);
	h[1] = (uint8_t)(sb.size >> 16);
	h[2] = (uint8_t)(sb.size >> 8);
	h[3] = (uint8_t)sb.size;
	buf_reset(ref);
	cr_assert_eq(buf_append(ref, h, 4), 0);
	cr_assert_eq(buf_append(ref, sb.data, sb.size), 0);
	msgpack_sbuffer_destroy(&sb);
}

Test(wire, packs_as_msgpack_c_does)
{
	static const uint64_t nums[] = { 1, 0x7f, 0x80, 0xff, 0x100, 0xffff,
	    0x10000, 0x7fffffff, 0xffffffff, 0x100000000, UINT64_MAX };
	static const size_t lens[] = { 0, 1, 0xff, 0x100, 0xffff, 0x10000 };
	static uint8_t	 body[0x10000];
	struct buf	 ours = BUF_INIT, ref = BUF_INIT;
	struct wire_msg	 m;
	msgpack_unpacked u;
	size_t		 i, j, off;

	memset(body, 'b', sizeof(body));
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			uint64_t v = nums[i];
			uint32_t v32 = v > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)v;

			m = (struct wire_msg){ .type = WIRE_REQUEST,
			    .conn = v, .id = v, .uid = v32, .gid = v32,
			    .pid = v32 > INT32_MAX ? INT32_MAX : v32,
			    .data = body, .data_len = lens[j] };
			if (lens[j] >= IPC_LINE_MAX) {
				m.type = WIRE_REPLY;
				m.flags = WIRE_F_MORE;
				m.data_len = WIRE_REPLY_CHUNK;
			}
			buf_reset(&ours);
			cr_assert_eq(wire_encode(&ours, &m), 0);
			msgpack_reference(&ref, &m);
			cr_assert_eq(ours.len, ref.len, "num %#llx len %zu",
			    (unsigned long long)v, m.data_len);
			cr_assert_arr_eq(ours.data, ref.data, ref.len);
			msgpack_unpacked_init(&u);
			off = 0;
			cr_assert_eq(msgpack_unpack_next(&u,
			    (const char *)ours.data + 4, ours.len - 4, &off),
			    MSGPACK_UNPACK_SUCCESS);
			cr_assert_eq(off, ours.len - 4);
			cr_assert_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
			cr_assert_eq(u.data.via.array.ptr[1].via.u64, v);
			msgpack_unpacked_destroy(&u);
		}
	buf_free(&ours);
	buf_free(&ref);
}

/* Every frame type we pack is one msgpack array msgpack-c reads whole. */
Test(wire, every_type_reads_back_with_msgpack_c)
{
	static const uint8_t src[] = "profile.syd-3";
	const struct wire_msg msgs[] = {
		{ .type = WIRE_REQUEST, .conn = 1ull << 32 | 5, .id = 300,
		    .uid = 1000, .gid = 70000, .pid = 4242, .data = src,
		    .data_len = 4 },
		{ .type = WIRE_REPLY, .conn = 9, .id = 1, .flags = WIRE_F_MORE,
		    .data = src, .data_len = 3 },
		{ .type = WIRE_SETUP, .source = src, .source_len = 13,
		    .lineno = 65536, .data = src, .data_len = 7 },
		{ .type = WIRE_SETUP_DONE },
		{ .type = WIRE_READY },
		{ .type = WIRE_SETUP_ERROR, .source = src, .source_len = 13,
		    .lineno = 2, .err = 22 },
		{ .type = WIRE_HELLO, .uid = 65534, .gid = 65534, .landlock = 7,
		    .seccomp = WIRE_SECCOMP_KILL },
		{ .type = WIRE_CONN_OPEN, .conn = 3, .credit = 262144 },
		{ .type = WIRE_CONN_CLOSE, .conn = 3 },
		{ .type = WIRE_CREDIT, .conn = 3, .credit = 1 },
		{ .type = WIRE_LOCKED, .source = src, .source_len = 13,
		    .lineno = 9 },
		{ .type = WIRE_MARK },
		{ .type = WIRE_DUMP, .flags = 0, .data = src, .data_len = 13 },
	};
	static const unsigned arity[] = { 7, 5, 4, 1, 1, 4, 5, 3, 2, 3, 3, 1,
	    3 };
	struct buf	 b = BUF_INIT;
	msgpack_unpacked u;
	size_t		 i, off;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		buf_reset(&b);
		cr_assert_eq(wire_encode(&b, &msgs[i]), 0, "type %d",
		    msgs[i].type);
		msgpack_unpacked_init(&u);
		off = 0;
		cr_assert_eq(msgpack_unpack_next(&u, (const char *)b.data + 4,
		    b.len - 4, &off), MSGPACK_UNPACK_SUCCESS);
		cr_assert_eq(off, b.len - 4, "type %d", msgs[i].type);
		cr_assert_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
		cr_assert_eq(u.data.via.array.size, arity[i]);
		cr_assert_eq(u.data.via.array.ptr[0].via.u64,
		    (uint64_t)msgs[i].type);
		msgpack_unpacked_destroy(&u);
	}
	buf_free(&b);
}

/* The listener's REQUEST encoder: wire_encode's bytes and its refusals. */
Test(wire, encode_request_is_wire_encode)
{
	static uint8_t	 line[IPC_LINE_MAX];
	static const struct { uint64_t conn, id; uint32_t pid; size_t len; }
	    cases[] = {
		{ 1, 1, 1, 0 }, { 1ull << 32 | 7, 300, 4242, 13 },
		{ UINT64_MAX, UINT64_MAX, INT32_MAX, IPC_LINE_MAX - 1 },
		/* refused by both */
		{ 0, 1, 1, 1 }, { 1, 0, 1, 1 }, { 1, 1, 0, 1 },
		{ 1, 1, (uint32_t)INT32_MAX + 1, 1 }, { 1, 1, 1, IPC_LINE_MAX },
	};
	struct buf	 a = BUF_INIT, b = BUF_INIT;
	size_t		 i;
	int		 ra, rb;

	memset(line, 'l', sizeof(line));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wire_msg m = { .type = WIRE_REQUEST,
		    .conn = cases[i].conn, .id = cases[i].id, .uid = 1000,
		    .gid = 70000, .pid = cases[i].pid, .data = line,
		    .data_len = cases[i].len };

		buf_reset(&a);
		buf_reset(&b);
		ra = wire_encode(&a, &m);
		rb = wire_encode_request(&b, m.conn, m.id, m.uid, m.gid, m.pid,
		    line, m.data_len);
		cr_assert_eq(ra, rb, "case %zu", i);
		cr_assert_eq(a.len, b.len, "case %zu", i);
		if (a.len > 0)
			cr_assert_arr_eq(a.data, b.data, a.len, "case %zu", i);
	}
	buf_free(&a);
	buf_free(&b);
}
