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
	cr_assert_eq(f.c.nwaiting, 0);
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
	cr_assert_eq(fx_replyc(&f, c2->cid, 2, 0, "B\n", 2), 0);
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

/*
 * Past --max-queue no further line runs: the lines already read wait in
 * c->in (and no more is read) until the client drains; nothing is lost.
 */
Test(listener_conn, conn_runs_no_line_past_max_queue)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.max_queue = 1;
	fx_feed(&f, "prompt i\nping\nping\nping\n");
	cr_assert_eq(conn_queued(&f.c), PONG_LEN);
	cr_assert(f.c.lines);
	cr_assert_not(conn_wants_read(&f.c));
	fx_expect_out(&f, LINE_REPLY_PONG);
	fx_expect_out(&f, LINE_REPLY_PONG);
	fx_expect_out(&f, LINE_REPLY_PONG);
	cr_assert_not(f.c.lines);
	cr_assert(conn_wants_read(&f.c));
}

static void
fill_link(struct fx *f)
{
	char	*junk = fx_repeat('j', WIRE_WORKER_OUTQ_MAX + 1);

	cr_assert_eq(buf_append(&f->link.out, junk, WIRE_WORKER_OUTQ_MAX + 1),
	    0);
	free(junk);
	cr_assert(link_full(&f->link));
}

/*
 * A full link holds back lines for the worker only: a connection with
 * nothing in flight still answers its built-ins, and one whose next line
 * waits is resumed, in order, once the link drains.
 */
Test(listener_conn, conn_full_link_holds_back_forwards_only)
{
	struct fx	 f;

	fx_init(&f);
	fill_link(&f);
	fx_feed(&f, "prompt i\nping\na\nping\n");
	fx_expect_out(&f, LINE_REPLY_PONG);
	cr_assert(f.c.lines, "a and the ping after it wait");
	cr_assert_not(conn_wants_read(&f.c));
	cr_assert_eq(TAILQ_FIRST(&f.ctx.linkwait), &f.c);
	buf_reset(&f.link.out);
	conn_link_drained(&f.ctx);
	cr_assert(TAILQ_EMPTY(&f.ctx.linkwait));
	fx_expect_request(&f, 1, &fx_user, "a", 1);
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	fx_expect_out(&f, "A\n" LINE_REPLY_PONG);
	cr_assert(conn_wants_read(&f.c));
}

/* Connections waiting for the link are resumed oldest first. */
Test(listener_conn, conn_link_waiters_resume_round_robin)
{
	struct fx	 f;
	struct conn	*c2 = malloc(sizeof(*c2));

	cr_assert_not_null(c2);
	fx_init(&f);
	conn_init(c2, &f.ctx, 8, &fx_user);
	fill_link(&f);
	conn_input(c2, (const uint8_t *)"prompt i\nb\n", 11, &fx_user, 1);
	fx_feed(&f, "prompt i\na\n");
	cr_assert_eq(TAILQ_FIRST(&f.ctx.linkwait), c2);
	buf_reset(&f.link.out);
	conn_link_drained(&f.ctx);
	fx_expect_request(&f, 1, &fx_user, "b", 1);
	fx_expect_request(&f, 2, &fx_user, "a", 1);
	conn_release(c2);
	free(c2);
}

/* At most CONN_INFLIGHT_MAX lines of one connection wait for the worker. */
Test(listener_conn, conn_bounds_its_lines_in_flight)
{
	struct fx	 f;
	uint64_t	 i;

	fx_init(&f);
	fx_feed(&f, "prompt i\n");
	for (i = 1; i <= CONN_INFLIGHT_MAX + 2; i++)
		if (conn_wants_read(&f.c))
			fx_feed(&f, "x\n");
	for (i = 1; i <= CONN_INFLIGHT_MAX; i++)
		fx_expect_request(&f, i, &fx_user, "x", 1);
	fx_expect_no_request(&f);
	cr_assert_eq(f.c.nwaiting, CONN_INFLIGHT_MAX);
	cr_assert_not(conn_wants_read(&f.c));
	/* One reply: the held line goes, and reading goes on. */
	cr_assert_eq(fx_reply(&f, 1, "X\n"), 0);
	fx_expect_request(&f, CONN_INFLIGHT_MAX + 1, &fx_user, "x", 1);
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
	f.cfg.worker_timeout_ms = 0;
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(conn_deadline(&f.c), UINT64_MAX);
	f.ctx.now = 100000;
	f.ctx.next_deadline = UINT64_MAX;
	cr_assert_eq(fx_reply(&f, 1, "s\n"), 0);
	cr_assert_eq(conn_deadline(&f.c), 100000 + 2000);
	/* The loop learns of the new, earlier deadline. */
	cr_assert_eq(f.ctx.next_deadline, 100000 + 2000);
}

/*
 * --worker-timeout: a line the worker owes and may answer (credit left)
 * starts the clock; every reply frame restarts it; a client that leaves
 * no room for a reply stops it.
 */
Test(listener_conn, conn_worker_owes_an_answer_within_the_timeout)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.idle_timeout_ms = 0;
	f.cfg.worker_timeout_ms = 30000;
	f.c.authed = true;
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(f.c.t_owed, 5000);
	cr_assert_eq(conn_deadline(&f.c), 5000 + 30000);
	f.ctx.now = 5000 + 29999;
	cr_assert_not(conn_worker_stalled(&f.c));
	f.ctx.now = 5000 + 30000;
	cr_assert(conn_worker_stalled(&f.c));
	f.ctx.now = 20000;
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "s", 1), 0);
	cr_assert_eq(conn_deadline(&f.c), 20000 + 30000);
	cr_assert_eq(fx_reply(&f, 1, "\n"), 0);
	cr_assert_eq(f.c.t_owed, 0);
	cr_assert_eq(conn_deadline(&f.c), UINT64_MAX);
}

Test(listener_conn, conn_without_credit_is_not_owed)
{
	struct fx	 f;

	fx_init(&f);
	f.cfg.max_queue = 4;
	f.cfg.worker_timeout_ms = 30000;
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "abcd", 4), 0);
	/* The client reads nothing: the worker may send no more. */
	cr_assert_eq(f.c.t_owed, 0);
	cr_assert_not(conn_worker_stalled(&f.c));
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
	uint64_t	 cid2;

	cr_assert_not_null(c2);
	fx_init(&f);
	conn_init(c2, &f.ctx, 8, &fx_user);
	conn_input(c2, (const uint8_t *)"prompt i\nx\ny\n", 13, &fx_user, 1);
	fx_feed(&f, "prompt i\nz\n");
	fx_expect_request(&f, 1, &fx_user, "x", 1);
	fx_expect_request(&f, 2, &fx_user, "y", 1);
	fx_expect_request(&f, 3, &fx_user, "z", 1);
	cid2 = c2->cid;
	conn_release(c2);
	free(c2);
	/* The dead connection's replies, one in chunks, are dropped. */
	cr_assert_eq(fx_replyc(&f, cid2, 1, WIRE_F_MORE, "x1", 2), 0);
	cr_assert_eq(fx_replyc(&f, cid2, 1, 0, "x2\n", 3), 0);
	cr_assert_eq(fx_replyc(&f, cid2, 2, 0, "Y\n", 2), 0);
	fx_expect_out(&f, "");
	cr_assert_eq(fx_reply(&f, 3, "Z\n"), 0);
	fx_expect_out(&f, "Z\n");
	cr_assert_eq(f.c.nwaiting, 0);
	fx_feed(&f, "w\n");
	fx_expect_request(&f, 4, &fx_user, "w", 1);
	/* Its slot is free again, under a new generation. */
	c2 = malloc(sizeof(*c2));
	cr_assert_not_null(c2);
	conn_init(c2, &f.ctx, 8, &fx_user);
	conn_input(c2, (const uint8_t *)"v\n", 2, &fx_user, 1);
	cr_assert_eq(WIRE_CONN_INDEX(c2->cid), WIRE_CONN_INDEX(cid2));
	cr_assert_neq(c2->cid, cid2);
	conn_release(c2);
	free(c2);
}

Test(listener_conn, conn_closed_mid_reply_drops_the_rest)
{
	struct fx	 f;
	uint64_t	 cid;

	fx_init(&f);
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, "part", 4), 0);
	cid = f.c.cid;
	conn_release(&f.c);
	cr_assert_eq(fx_replyc(&f, cid, 1, WIRE_F_MORE, "more", 4), 0);
	cr_assert_eq(fx_replyc(&f, cid, 1, 0, "end\n", 4), 0);
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

/* The next CONN_OPEN or CREDIT frame queued for the worker. */
static uint32_t
next_grant(struct fx *f, enum wire_type t)
{
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 r;

	for (;;) {
		r = wire_decode(buf_head(&f->link.out),
		    buf_unread(&f->link.out), &m, &why);
		cr_assert_gt(r, 0, "no %s frame queued", wire_type_name(t));
		buf_consume(&f->link.out, (size_t)r);
		if (m.type == t) {
			cr_assert_eq(m.conn, f->c.cid);
			return m.credit;
		}
	}
}

/*
 * The worker may send a connection only --max-queue bytes at first, and
 * more as the client reads them: queued bytes plus credit never pass it.
 */
Test(listener_conn, conn_grants_reply_bytes_as_the_client_reads)
{
	struct fx	 f;
	char		*big = fx_repeat('r', 900);

	fx_init(&f);
	f.cfg.max_queue = 1000;
	fx_feed(&f, "prompt i\nstats\n");
	cr_assert_eq(next_grant(&f, WIRE_CONN_OPEN), 1000);
	cr_assert_eq(fx_replyn(&f, 1, WIRE_F_MORE, big, 900), 0);
	cr_assert_eq(f.c.granted - f.c.received, 100);
	/* Nothing granted while the client holds its 900 bytes. */
	fx_expect_request(&f, 1, &fx_user, "stats", 5);
	cr_assert_eq(buf_unread(&f.link.out), 0);
	fx_expect_outn(&f, big, 900);
	cr_assert_eq(next_grant(&f, WIRE_CREDIT), 900);
	cr_assert_eq(f.c.granted - f.c.received, 1000);
	free(big);
}

/* The worker hears of a connection only once it forwards a line. */
Test(listener_conn, conn_opens_on_the_worker_lazily)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\nversion\n");
	cr_assert_eq(f.c.cid, 0);
	cr_assert_eq(buf_unread(&f.link.out), 0);
	fx_feed(&f, "a\n");
	cr_assert_neq(f.c.cid, 0);
	fx_expect_request(&f, 1, &fx_user, "a", 1);
}

/*
 * A client that hung up: the lines it sent still run, in order and
 * within the bounds; their replies go nowhere.
 */
Test(listener_conn, conn_gone_runs_its_lines_and_drops_replies)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\na\nping\nb\n");
	conn_gone(&f.c);
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	cr_assert_eq(fx_reply(&f, 2, "B\n"), 0);
	fx_expect_request(&f, 1, &fx_user, "a", 1);
	fx_expect_request(&f, 2, &fx_user, "b", 1);
	cr_assert_eq(buf_unread(&f.c.out), 0);
	cr_assert(TAILQ_EMPTY(&f.c.slots));
	conn_eof(&f.c);
	cr_assert(conn_finished(&f.c));
}
