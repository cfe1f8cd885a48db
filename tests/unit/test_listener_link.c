/*
 * The worker link (docs/design.md 3, the process contract): REQUEST frames
 * byte for byte, ids from 1 up, chunked replies joined up to
 * WIRE_REPLY_TOTAL_MAX, and a worker that breaks the protocol is fatal.
 */
#include <criterion/criterion.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "test_listener_fixture.h"

static struct fx f;

static void
setup(void)
{
	log_init("privconf[listener]: ");
	fx_init(&f);
}

Test(listener_link, link_request_frame_is_exact, .init = setup)
{
	static const struct auth_cred who = { .pid = 4242, .uid = 1000,
	    .gid = 100 };
	struct wire_msg	 m = {
		.type = WIRE_REQUEST, .conn = WIRE_CONN_ID(3, 2), .id = 1,
		.uid = 1000, .gid = 100, .pid = 4242,
		.data = (const uint8_t *)" a\rb ", .data_len = 5,
	};
	struct buf	 want = BUF_INIT;
	struct conn_slot s = { 0 };

	link_request(&f.link, WIRE_CONN_ID(3, 2), &s, &who,
	    (const uint8_t *)" a\rb ", 5);
	cr_assert_eq(wire_encode(&want, &m), 0);
	cr_assert_eq(buf_unread(&f.link.out), buf_unread(&want));
	cr_assert(memcmp(buf_head(&f.link.out), buf_head(&want),
	    buf_unread(&want)) == 0);
	cr_assert_eq(s.id, 1);
	buf_free(&want);
}

Test(listener_link, link_ids_start_at_one_and_increase, .init = setup)
{
	uint64_t	 i;

	fx_feed(&f, "prompt i\n");
	for (i = 1; i <= 5; i++)
		fx_feed(&f, "x\n");
	for (i = 1; i <= 5; i++)
		fx_expect_request(&f, i, &fx_user, "x", 1);
}

Test(listener_link, link_requests_stay_whole_after_partial_writes,
    .init = setup)
{
	char	 line[101];
	uint64_t id;

	/*
	 * A partial send leaves consumed bytes at the front of link.out;
	 * later frames must still come out whole, whatever the buffer does
	 * to make room (here it has to move its bytes many times).
	 */
	memset(line, 'r', 100);
	line[100] = '\n';
	fx_feed(&f, "prompt i\n");
	fx_feedn(&f, line, 101);
	for (id = 1; id <= 500; id++) {
		fx_feedn(&f, line, 101);
		fx_expect_request(&f, id, &fx_user, line, 100);
		cr_assert_gt(f.link.out.off + buf_unread(&f.link.out), 0);
		cr_assert_eq(fx_reply(&f, id, "R\n"), 0);
		fx_expect_out(&f, "R\n");
	}
	fx_expect_request(&f, 501, &fx_user, line, 100);
	fx_expect_no_request(&f);
}

Test(listener_link, link_longest_line_fits_a_request, .init = setup)
{
	char	*l = fx_repeat('y', IPC_LINE_MAX - 1);

	l[IPC_LINE_MAX - 2] = '\n';
	fx_feedn(&f, l, IPC_LINE_MAX - 1);
	fx_expect_request(&f, 1, &fx_user, l, IPC_LINE_MAX - 2);
	free(l);
}

Test(listener_link, link_fatal_reply_ends_ipc, .init = setup)
{
	fx_feed(&f, "lock:on\n");
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_FATAL, NULL, 0), 1);
}

Test(listener_link, link_reply_chunks_join_up_to_the_total_max, .init = setup)
{
	char	*chunk = fx_repeat('z', WIRE_REPLY_CHUNK);
	uint64_t left = WIRE_REPLY_TOTAL_MAX;
	size_t	 n;

	/* Credit for all of it; the client reads every piece. */
	f.cfg.max_queue = OPT_MAX_QUEUE_MAX;
	fx_feed(&f, "stats\n");
	while (left > WIRE_REPLY_CHUNK) {
		cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, chunk,
		    WIRE_REPLY_CHUNK), 0);
		conn_sent(&f.c, buf_unread(&f.c.out));
		left -= WIRE_REPLY_CHUNK;
	}
	n = (size_t)left;
	cr_assert_eq(fx_replyn(&f, 1, 0, chunk, n), 0);
	cr_assert_eq(f.c.nwaiting, 0);
	free(chunk);
}

Test(listener_link, link_reply_past_the_total_max_is_fatal, .init = setup,
    .exit_code = 1)
{
	char	*chunk = fx_repeat('z', WIRE_REPLY_CHUNK);
	uint64_t left = WIRE_REPLY_TOTAL_MAX;

	f.cfg.max_queue = OPT_MAX_QUEUE_MAX;
	fx_feed(&f, "stats\n");
	while (left > WIRE_REPLY_CHUNK) {
		fx_replyn(&f, 1, WIRE_F_MORE, chunk, WIRE_REPLY_CHUNK);
		conn_sent(&f.c, buf_unread(&f.c.out));
		left -= WIRE_REPLY_CHUNK;
	}
	fx_replyn(&f, 1, WIRE_F_MORE, chunk, (size_t)left);
	fx_replyn(&f, 1, 0, "!", 1);
	cr_assert_fail("WIRE_REPLY_TOTAL_MAX + 1 bytes were accepted");
}

Test(listener_link, link_reply_for_other_id_is_fatal, .init = setup,
    .exit_code = 1)
{
	fx_feed(&f, "prompt i\na\nb\n");
	fx_reply(&f, 2, "B\n");
	cr_assert_fail("an out-of-order reply was accepted");
}

Test(listener_link, link_reply_with_nothing_outstanding_is_fatal,
    .init = setup, .exit_code = 1)
{
	fx_feed(&f, "prompt i\nping\na\n");
	fx_reply(&f, 1, "A\n");
	fx_reply(&f, 2, "B\n");
	cr_assert_fail("an unasked reply was accepted");
}

/* The worker may send a connection no more than it was granted. */
Test(listener_link, link_reply_past_its_credit_is_fatal, .init = setup,
    .exit_code = 1)
{
	char	*big = fx_repeat('c', 101);

	f.cfg.max_queue = 100;
	fx_feed(&f, "stats\n");
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, big, 100), 0);
	fx_replyn(&f, 1, WIRE_F_MORE, big, 1);
	cr_assert_fail("a byte past the credit was accepted");
}

Test(listener_link, link_reply_at_its_credit_is_taken, .init = setup)
{
	char	*big = fx_repeat('c', 100);

	f.cfg.max_queue = 100;
	fx_feed(&f, "stats\n");
	cr_assert_eq(fx_replyn(&f, 1, 0, big, 100), 0);
	fx_expect_outn(&f, big, 100);
	free(big);
}

/* A connection index past --max-conn was never handed out: a lie. */
Test(listener_link, link_reply_past_the_table_is_fatal, .init = setup,
    .exit_code = 1)
{
	fx_replyc(&f, WIRE_CONN_ID(1, FX_MAX_CONN), 1, 0, "A\n", 2);
	cr_assert_fail("a reply past the connection table was accepted");
}

/* Replies for a connection that closed, or never opened, go nowhere. */
Test(listener_link, link_reply_for_no_open_connection_is_dropped,
    .init = setup)
{
	cr_assert_eq(fx_replyc(&f, WIRE_CONN_ID(1, 0), 1, 0, "A\n", 2), 0);
	cr_assert_eq(fx_replyc(&f, WIRE_CONN_ID(7, 3), 9, 0, "B\n", 2), 0);
	fx_expect_out(&f, "");
}

Test(listener_link, link_reply_after_its_end_is_fatal, .init = setup,
    .exit_code = 1)
{
	fx_feed(&f, "a\n");
	fx_reply(&f, 1, "A\n");
	fx_reply(&f, 1, "again\n");
	cr_assert_fail("a second reply for one id was accepted");
}

Test(listener_link, link_other_frame_type_is_fatal, .init = setup,
    .exit_code = 1)
{
	struct wire_msg	 m = { .type = WIRE_READY };

	fx_feed(&f, "a\n");
	cr_assert_eq(wire_encode(&f.link.in, &m), 0);
	link_process(&f.link);
	cr_assert_fail("a READY frame was accepted from the worker");
}

Test(listener_link, link_fatal_with_a_body_is_fatal, .init = setup,
    .exit_code = 1)
{
	fx_feed(&f, "lock:on\n");
	fx_replyn(&f, 1, WIRE_F_FATAL, "x", 1);
	cr_assert_fail("a FATAL reply with a body was accepted");
}

Test(listener_link, link_malformed_frame_is_fatal, .init = setup,
    .exit_code = 1)
{
	/* Declared length over WIRE_BODY_MAX: refused from the header alone. */
	static const uint8_t bad[4] = { 0x7f, 0xff, 0xff, 0xff };

	fx_feed(&f, "a\n");
	buf_append(&f.link.in, bad, sizeof(bad));
	link_process(&f.link);
	cr_assert_fail("a frame over WIRE_BODY_MAX was accepted");
}

Test(listener_link, link_partial_frame_waits, .init = setup)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .id = 1,
	    .data = (const uint8_t *)"A\n", .data_len = 2 };
	struct buf	 b = BUF_INIT;
	size_t		 i;

	fx_feed(&f, "a\n");
	m.conn = f.c.cid;
	cr_assert_eq(wire_encode(&b, &m), 0);
	for (i = 0; i + 1 < buf_unread(&b); i++) {
		buf_append(&f.link.in, buf_head(&b) + i, 1);
		cr_assert_eq(link_process(&f.link), 0);
		fx_expect_out(&f, "");
	}
	buf_append(&f.link.in, buf_head(&b) + i, 1);
	cr_assert_eq(link_process(&f.link), 0);
	fx_expect_out(&f, "A\n");
	buf_free(&b);
}

Test(listener_link, link_write_sends_requests_and_read_takes_replies,
    .init = setup)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .id = 1,
	    .data = (const uint8_t *)"A\n", .data_len = 2 };
	struct buf	 b = BUF_INIT;
	uint8_t		 got[256];
	int		 sv[2];
	ssize_t		 n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f.link.fd = sv[0];
	fx_feed(&f, "a\n");
	m.conn = f.c.cid;
	cr_assert_gt(buf_unread(&f.link.out), 0);
	cr_assert_eq(buf_reserve(&b, 0), 0);
	cr_assert_eq(buf_append(&b, buf_head(&f.link.out),
	    buf_unread(&f.link.out)), 0);
	link_write(&f.link);
	cr_assert_eq(link_queued(&f.link), 0);
	n = read(sv[1], got, sizeof(got));
	cr_assert_eq((size_t)n, buf_unread(&b));
	cr_assert(memcmp(got, buf_head(&b), (size_t)n) == 0);
	buf_reset(&b);
	cr_assert_eq(wire_encode(&b, &m), 0);
	cr_assert_eq(write(sv[1], buf_head(&b), buf_unread(&b)),
	    (ssize_t)buf_unread(&b));
	cr_assert_eq(link_read(&f.link), 0);
	fx_expect_out(&f, "A\n");
	buf_free(&b);
	close(sv[1]);
	close(sv[0]);
}

Test(listener_link, link_worker_eof_is_fatal, .init = setup, .exit_code = 1)
{
	int	 sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f.link.fd = sv[0];
	close(sv[1]);
	link_read(&f.link);
	cr_assert_fail("EOF from the worker was accepted");
}

/*
 * The client sockets go to the worker in the order of their CONN_OPEN
 * frames, several per sendmsg (at most WIRE_FDS_PER_MSG), each in the
 * recvmsg that brings its frame's first byte or an earlier one.
 */
Test(listener_link, link_sockets_go_in_order_several_per_message)
{
	enum { NC = 20, NMSG = 64 };
	struct conn	 c[NC];
	int		 pair[NC][2], sv[2], got[NC], ngot = 0, fd, nmulti = 0;
	size_t		 mstart[NMSG], mend[NMSG], mfd0[NMSG], nmsg = 0, k, j;
	size_t		 off = 0, at;
	struct stat	 a, b;
	struct buf	 in = BUF_INIT;
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 n, r;

	log_init("privconf[listener]: ");
	fx_init(&f);
	link_free(&f.link);
	link_init(&f.link, -1, NC + 1);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f.link.fd = sv[0];
	for (k = 0; k < NC; k++) {
		cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair[k]), 0);
		conn_init(&c[k], &f.ctx, pair[k][0], &fx_user);
		conn_input(&c[k], (const uint8_t *)"x\n", 2, &fx_user, 1);
	}
	link_write(&f.link);
	cr_assert_eq(link_queued(&f.link), 0);
	shutdown(sv[0], SHUT_WR);
	/* The worker's side: every message, its bytes and its sockets. */
	cr_assert_eq(buf_reserve(&in, 1 << 16), 0);
	for (;;) {
		union {
			struct cmsghdr	 hdr;
			char		 space[CMSG_SPACE(2 * WIRE_FDS_PER_MSG *
					    sizeof(int))];
		} ctl;
		struct iovec	 iov = { in.data + in.len, in.cap - in.len };
		struct msghdr	 msg = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = ctl.space,
		    .msg_controllen = sizeof(ctl.space) };
		struct cmsghdr	*cm;
		size_t		 nfd = 0;

		n = recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC);
		cr_assert_geq(n, 0);
		if (n == 0)
			break;
		cr_assert_lt(nmsg, NMSG);
		cr_assert_eq(msg.msg_flags & MSG_CTRUNC, 0);
		mstart[nmsg] = in.len;
		mfd0[nmsg] = (size_t)ngot;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm))
			for (j = 0; j < (cm->cmsg_len - CMSG_LEN(0)) /
			    sizeof(int); j++) {
				memcpy(&fd, CMSG_DATA(cm) + j * sizeof(int),
				    sizeof(int));
				cr_assert_lt(ngot, NC);
				got[ngot++] = fd;
				nfd++;
			}
		cr_assert_leq(nfd, WIRE_FDS_PER_MSG);
		if (nfd > 1)
			nmulti++;
		in.len += (size_t)n;
		mend[nmsg++] = in.len;
	}
	cr_assert_eq(ngot, NC, "%d sockets for %d connections", ngot, NC);
	cr_assert_gt(nmulti, 0, "no message carried more than one socket");
	/* The k-th CONN_OPEN is the k-th socket, there by its first byte. */
	for (k = 0; off < in.len; off += (size_t)r) {
		r = wire_decode(in.data + off, in.len - off, &m, &why);
		cr_assert_gt(r, 0, "bad frame: %s", why ? why : "?");
		if (m.type != WIRE_CONN_OPEN)
			continue;
		for (at = 0; at < nmsg && !(mstart[at] <= off &&
		    off < mend[at]); at++)
			;
		cr_assert_lt(at, nmsg);
		cr_assert_lt(k, mfd0[at] + (at + 1 < nmsg ? mfd0[at + 1] -
		    mfd0[at] : (size_t)ngot - mfd0[at]),
		    "socket %zu came after its CONN_OPEN", k);
		cr_assert_eq(fstat(got[k], &a), 0);
		cr_assert_eq(fstat(pair[k][0], &b), 0);
		cr_assert_eq(a.st_ino, b.st_ino, "socket %zu is another's", k);
		k++;
	}
	cr_assert_eq(k, NC);
	for (k = 0; k < NC; k++) {
		close(got[k]);
		conn_release(&c[k]);
		close(pair[k][0]);
		close(pair[k][1]);
	}
	buf_free(&in);
	close(sv[1]);
}
