/*
 * Replies leave in line order (docs/protocol.md 7), built-ins queue behind the
 * worker's, the queue limit stops reading (section 8), and the timers'
 * deadlines sit exactly at the configured limits.
 */
#include <criterion/criterion.h>

#include "listener/line.h"
#include "test_listener_fixture.h"

#define ACK	"{\"err\":0,\"msg\":\"ACK\"}\n"
#define PONG_LEN (sizeof(LINE_REPLY_PONG) - 1)

Test(listener_conn, conn_builtins_queue_behind_outstanding_worker_replies)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\na\nping\nb\nversion\n");
	fx_expect_request(&f, 1, &fx_user, "a", 1);
	fx_expect_request(&f, 2, &fx_user, "b", 1);
	fx_expect_out(&f, "");
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	fx_expect_out(&f, "A\n" LINE_REPLY_PONG);
	cr_assert_eq(fx_reply(&f, 2, "B\n"), 0);
	fx_expect_out(&f, "B\n" LINE_REPLY_VERSION);
	cr_assert(TAILQ_EMPTY(&f.c.slots));
	cr_assert_eq(f.c.held, 0);
}

Test(listener_conn, conn_builtin_goes_straight_out_when_nothing_is_due)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\n");
	fx_expect_out(&f, LINE_REPLY_PONG);
	cr_assert(TAILQ_EMPTY(&f.c.slots));
}

Test(listener_conn, conn_slot_keeps_the_mode_of_its_line)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\na\nprompt i\nb\nprompt x\n");
	fx_expect_out(&f, "; ");
	cr_assert_eq(fx_reply(&f, 1, "A"), 0);
	fx_expect_out(&f, "A; ");
	cr_assert_eq(fx_reply(&f, 2, "B"), 0);
	fx_expect_out(&f, "B" "Unknown prompt mode!\n");
}

Test(listener_conn, conn_joins_reply_chunks_in_order)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nstats\nstats\n");
	/* The second reply's chunks come only after the first: held back. */
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "one-", 4), 0);
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "two-", 4), 0);
	fx_expect_out(&f, "one-two-");
	cr_assert_eq(fx_replyn(&f, 1, 0, "end\n", 4), 0);
	fx_expect_out(&f, "end\n");
	cr_assert_eq(fx_replyn(&f, 2, WIRE_F_MORE, "x", 1), 0);
	cr_assert_eq(fx_replyn(&f, 2, 0, "y\n", 2), 0);
	fx_expect_out(&f, "xy\n");
	cr_assert_eq(f.link.nfifo, 0);
}

Test(listener_conn, conn_later_slot_is_held_until_earlier_completes)
{
	struct fx	 f;
	struct conn	*c2 = malloc(sizeof(*c2));
	static const struct auth_cred u2 = { .pid = 77, .uid = FX_UID,
	    .gid = 5 };

	cr_assert_not_null(c2);
	fx_init(&f);
	conn_init(c2, &f.ctx, 8, &u2);
	fx_feed(&f, "prompt i\na\nping\n");
	conn_input(c2, (const uint8_t *)"prompt i\nb\n", 11, &u2, 1);
	fx_expect_request(&f, 1, &fx_user, "a", 1);
	fx_expect_request(&f, 2, &u2, "b", 1);
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "A1", 2), 0);
	fx_expect_out(&f, "A1");
	cr_assert_eq(fx_reply(&f, 1, "A2\n"), 0);
	fx_expect_out(&f, "A2\n" LINE_REPLY_PONG);
	cr_assert_eq(fx_reply(&f, 2, "B\n"), 0);
	cr_assert_eq(buf_unread(&c2->out), 2);
	cr_assert(memcmp(buf_head(&c2->out), "B\n", 2) == 0);
	conn_release(c2);
	free(c2);
}

Test(listener_conn, conn_queued_counts_held_slots)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\na\nping\nping\n");
	cr_assert_eq(buf_unread(&f.c.out), 0);
	cr_assert_eq(conn_queued(&f.c), 2 * PONG_LEN);
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	cr_assert_eq(conn_queued(&f.c), 2 * PONG_LEN + 2);
	cr_assert_eq(f.c.held, 0);
}

Test(listener_conn, conn_stops_reading_at_max_queue_and_resumes_below)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.max_queue = 2 * PONG_LEN;
	fx_feed(&f, "prompt i\nping\n");
	cr_assert_eq(conn_queued(&f.c), PONG_LEN);
	cr_assert(conn_wants_read(&f.c), "one below the limit: read on");
	fx_feed(&f, "ping\n");
	cr_assert_eq(conn_queued(&f.c), 2 * PONG_LEN);
	cr_assert_not(conn_wants_read(&f.c), "at the limit: stop reading");
	conn_sent(&f.c, 1);
	cr_assert(conn_wants_read(&f.c), "drained below: read again");
}

Test(listener_conn, conn_keeps_every_reply_past_max_queue)
{
	struct fx	 f;
	size_t		 i;

	fx_init(&f);
	f.cfg.max_queue = 1;
	/* One chunk may overshoot the limit; nothing is dropped. */
	fx_feed(&f, "prompt i\nping\nping\nping\n");
	cr_assert_eq(buf_unread(&f.c.out), 3 * PONG_LEN);
	for (i = 0; i < 3; i++)
		cr_assert(memcmp(buf_head(&f.c.out) + i * PONG_LEN,
		    LINE_REPLY_PONG, PONG_LEN) == 0);
	cr_assert_not(conn_wants_read(&f.c));
}

Test(listener_conn, conn_reads_nothing_while_the_worker_queue_is_full)
{
	struct fx	 f;

	fx_init(&f);
	f.ctx.link_full = true;
	cr_assert_not(conn_wants_read(&f.c));
	f.ctx.link_full = false;
	cr_assert(conn_wants_read(&f.c));
}

Test(listener_conn, conn_auth_deadline_is_the_auth_timeout_after_accept)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.auth_timeout_ms = 1000;
	f.cfg.idle_timeout_ms = 600000;
	cr_assert_eq(conn_deadline(&f.c), 5000 + 1000);
	/* Bytes without a complete line do not authenticate. */
	f.ctx.now = 5999;
	fx_feed(&f, "pin");
	cr_assert_eq(conn_deadline(&f.c), 6000);
	f.ctx.now = 6000;
	fx_feed(&f, "g\n");
	cr_assert_eq(conn_deadline(&f.c), 6000 + 600000);
}

Test(listener_conn, conn_refused_chunk_does_not_authenticate)
{
	struct fx	 f;
	struct auth_cred other = { .pid = 9, .uid = 1001, .gid = 1000 };

	fx_init(&f);
	f.cfg.auth_timeout_ms = 1000;
	fx_feedc(&f, "ping\n", 5, &other);
	cr_assert_not(f.c.authed);
	cr_assert_eq(conn_deadline(&f.c), 5000 + 1000);
}

Test(listener_conn, conn_idle_deadline_moves_with_every_byte)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.idle_timeout_ms = 2000;
	f.cfg.auth_timeout_ms = 10000;
	fx_feed(&f, "prompt i\n");
	cr_assert_eq(conn_deadline(&f.c), 5000 + 2000);
	f.ctx.now = 6999;
	fx_feed(&f, "pi");
	cr_assert_eq(conn_deadline(&f.c), 6999 + 2000);
	f.ctx.now = 7500;
	fx_feed(&f, "ng\n");
	f.ctx.now = 7600;
	fx_expect_out(&f, LINE_REPLY_PONG);
	cr_assert_eq(conn_deadline(&f.c), 7600 + 2000);
}

Test(listener_conn, conn_waiting_for_replies_is_not_idle)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.idle_timeout_ms = 2000;
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(conn_deadline(&f.c), UINT64_MAX);
	f.ctx.now = 100000;
	f.ctx.next_deadline = UINT64_MAX;
	cr_assert_eq(fx_reply(&f, 1, "s\n"), 0);
	cr_assert_eq(conn_deadline(&f.c), 100000 + 2000);
	/* The loop learns of the new, earlier deadline. */
	cr_assert_eq(f.ctx.next_deadline, 100000 + 2000);
}

Test(listener_conn, conn_idle_timeout_zero_is_never)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.idle_timeout_ms = 0;
	fx_feed(&f, "prompt i\n");
	cr_assert_eq(conn_deadline(&f.c), UINT64_MAX);
}

Test(listener_conn, conn_new_connection_lowers_the_next_deadline)
{
	struct fx	 f;
	struct conn	 c2;

	fx_init(&f);
	cr_assert_eq(f.ctx.next_deadline, 5000 + PREAUTH_TIMEOUT_MS);
	f.ctx.next_deadline = UINT64_MAX;
	f.ctx.now = 9000;
	conn_init(&c2, &f.ctx, 9, &fx_user);
	cr_assert_eq(f.ctx.next_deadline, 9000 + PREAUTH_TIMEOUT_MS);
}

Test(listener_conn, conn_closed_with_requests_in_flight_keeps_ids_in_step)
{
	struct fx	 f;
	struct conn	*c2 = malloc(sizeof(*c2));

	cr_assert_not_null(c2);
	fx_init(&f);
	conn_init(c2, &f.ctx, 8, &fx_user);
	conn_input(c2, (const uint8_t *)"prompt i\nx\ny\n", 13, &fx_user, 1);
	fx_feed(&f, "prompt i\nz\n");
	fx_expect_request(&f, 1, &fx_user, "x", 1);
	fx_expect_request(&f, 2, &fx_user, "y", 1);
	fx_expect_request(&f, 3, &fx_user, "z", 1);
	conn_release(c2);
	free(c2);
	cr_assert_eq(f.link.nfifo, 3);
	/* The dead connection's replies, one in chunks, are dropped. */
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "x1", 2), 0);
	cr_assert_eq(fx_reply(&f, 1, "x2\n"), 0);
	cr_assert_eq(fx_reply(&f, 2, "Y\n"), 0);
	fx_expect_out(&f, "");
	cr_assert_eq(fx_reply(&f, 3, "Z\n"), 0);
	fx_expect_out(&f, "Z\n");
	cr_assert_eq(f.link.nfifo, 0);
	fx_feed(&f, "w\n");
	fx_expect_request(&f, 4, &fx_user, "w", 1);
}

Test(listener_conn, conn_closed_mid_reply_drops_the_rest)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "part", 4), 0);
	conn_release(&f.c);
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "more", 4), 0);
	cr_assert_eq(fx_reply(&f, 1, "end\n"), 0);
	cr_assert_eq(f.link.nfifo, 0);
	cr_assert_eq(buf_unread(&f.c.out), 0);
}

Test(listener_conn, conn_touch_lists_changed_connections_once)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\nping\n");
	cr_assert_eq(TAILQ_FIRST(&f.ctx.dirty), &f.c);
	cr_assert_null(TAILQ_NEXT(&f.c, dentry));
}
