/*
 * docs/protocol.md 2.1-2.2: a line holds at most IPC_LINE_MAX - 1 bytes with
 * its \n, counted per line (not per chunk), before authentication; EOF
 * drops an unterminated line.
 */
#include <criterion/criterion.h>

#include "listener/line.h"
#include "test_listener_fixture.h"

/* cmdlen bytes of 'x' and a \n: a line of cmdlen + 1 bytes. */
static char *
xline(size_t cmdlen)
{
	char	*p = fx_repeat('x', cmdlen + 1);

	p[cmdlen] = '\n';
	return p;
}

Test(listener_framing, size_rule_counts_the_newline)
{
	char	*ok = xline(IPC_LINE_MAX - 2), *bad = xline(IPC_LINE_MAX - 1);
	size_t	 good = 99;

	cr_assert_not(conn_size_exceeded(0, (uint8_t *)ok, IPC_LINE_MAX - 1,
	    &good));
	cr_assert(conn_size_exceeded(0, (uint8_t *)bad, IPC_LINE_MAX, &good));
	cr_assert_eq(good, 0);
	free(ok);
	free(bad);
}

Test(listener_framing, size_rule_adds_the_buffered_part)
{
	size_t	 good = 99;

	/* IPC_LINE_MAX - 2 buffered plus "\n" is the longest line. */
	cr_assert_not(conn_size_exceeded(IPC_LINE_MAX - 2,
	    (const uint8_t *)"\n", 1, &good));
	cr_assert(conn_size_exceeded(IPC_LINE_MAX - 1,
	    (const uint8_t *)"\n", 1, &good));
	cr_assert_eq(good, 0);
	/* Without a \n, IPC_LINE_MAX - 1 bytes may still wait for it. */
	cr_assert_not(conn_size_exceeded(IPC_LINE_MAX - 2,
	    (const uint8_t *)"x", 1, &good));
	cr_assert(conn_size_exceeded(IPC_LINE_MAX - 1,
	    (const uint8_t *)"x", 1, &good));
	/* Only the bytes up to the next \n belong to the current line. */
	cr_assert_not(conn_size_exceeded(IPC_LINE_MAX - 2,
	    (const uint8_t *)"\nabc\n", 5, &good));
}

Test(listener_framing, size_rule_reports_the_lines_before_the_long_one)
{
	char	*p = fx_repeat('y', 6 + IPC_LINE_MAX);
	size_t	 good = 0;

	memcpy(p, "a\nbcd\n", 6);
	cr_assert(conn_size_exceeded(0, (uint8_t *)p, 6 + IPC_LINE_MAX,
	    &good));
	cr_assert_eq(good, 6);
	free(p);
}

Test(listener_framing, size_rule_allows_many_short_lines_in_one_chunk)
{
	char	*p = fx_repeat('\n', IPC_LINE_MAX);
	size_t	 good;

	cr_assert_not(conn_size_exceeded(0, (uint8_t *)p, IPC_LINE_MAX, &good));
	cr_assert_not(conn_size_exceeded(IPC_LINE_MAX - 2, (uint8_t *)p,
	    IPC_LINE_MAX, &good));
	free(p);
}

Test(listener_framing, conn_line_of_max_minus_2_bytes_is_executed)
{
	struct fx	 f;
	char		*l = xline(IPC_LINE_MAX - 2);

	fx_init(&f);
	fx_feedn(&f, l, IPC_LINE_MAX - 1);
	fx_expect_request(&f, 1, &fx_user, l, IPC_LINE_MAX - 2);
	fx_expect_out(&f, "");
	cr_assert_eq(fx_reply(&f, 1,
	    "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n"), 0);
	fx_expect_out(&f,
	    "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	free(l);
}

Test(listener_framing, conn_line_of_max_minus_1_bytes_is_rate)
{
	struct fx	 f;
	char		*l = xline(IPC_LINE_MAX - 1);

	fx_init(&f);
	fx_feedn(&f, l, IPC_LINE_MAX);
	fx_expect_out(&f, LINE_REPLY_RATE);
	fx_expect_no_request(&f);
	cr_assert(f.c.closing);
	cr_assert_not(conn_wants_read(&f.c));
	cr_assert(conn_finished(&f.c));
	free(l);
}

Test(listener_framing, conn_unterminated_max_minus_1_waits_then_rate_on_newline)
{
	struct fx	 f;
	char		*l = fx_repeat('x', IPC_LINE_MAX - 1);

	fx_init(&f);
	fx_feedn(&f, l, IPC_LINE_MAX - 1);
	fx_expect_out(&f, "");
	cr_assert_not(f.c.closing);
	fx_feed(&f, "\n");
	fx_expect_out(&f, LINE_REPLY_RATE);
	fx_expect_no_request(&f);
	cr_assert(f.c.closing);
	free(l);
}

Test(listener_framing, conn_unterminated_chunk_of_max_bytes_is_rate)
{
	struct fx	 f;
	char		*l = fx_repeat('x', IPC_LINE_MAX);

	fx_init(&f);
	fx_feedn(&f, l, IPC_LINE_MAX);
	fx_expect_out(&f, LINE_REPLY_RATE);
	cr_assert(f.c.closing);
	free(l);
}

Test(listener_framing, conn_split_line_of_max_minus_2_is_executed)
{
	struct fx	 f;
	char		*l = xline(IPC_LINE_MAX - 2);
	size_t		 off, step = 1000, n;

	fx_init(&f);
	for (off = 0; off < IPC_LINE_MAX - 1; off += n) {
		n = IPC_LINE_MAX - 1 - off;
		if (n > step)
			n = step;
		fx_feedn(&f, l + off, n);
	}
	fx_expect_request(&f, 1, &fx_user, l, IPC_LINE_MAX - 2);
	fx_expect_out(&f, "");
	cr_assert(f.c.closing);	/* non-interactive, one reply due */
	free(l);
}

Test(listener_framing, conn_split_line_of_max_minus_1_is_rate)
{
	struct fx	 f;
	char		*l = xline(IPC_LINE_MAX - 1);
	size_t		 off;

	fx_init(&f);
	for (off = 0; off + 7 < IPC_LINE_MAX; off += 7) {
		fx_feedn(&f, l + off, 7);
		cr_assert_not(f.c.closing, "RATE too early at %zu", off + 7);
	}
	fx_feedn(&f, l + off, IPC_LINE_MAX - off);
	fx_expect_out(&f, LINE_REPLY_RATE);
	fx_expect_no_request(&f);
	free(l);
}

Test(listener_framing, conn_pipelined_short_lines_past_line_max_all_run)
{
	struct fx	 f;
	char		*chunk = malloc(IPC_LINE_MAX);
	size_t		 i, n = IPC_LINE_MAX / 5, got;

	cr_assert_not_null(chunk);
	fx_init(&f);
	fx_feed(&f, "prompt i\n");
	/* A full chunk of "ping\n" and the start of one more. */
	for (i = 0; i < n; i++)
		memcpy(chunk + i * 5, "ping\n", 5);
	memset(chunk + n * 5, 'p', IPC_LINE_MAX - n * 5);
	fx_feedn(&f, chunk, n * 5 + 1);
	fx_feed(&f, "ing\nping\n");
	got = buf_unread(&f.c.out);
	cr_assert_eq(got, (n + 2) * (sizeof(LINE_REPLY_PONG) - 1));
	for (i = 0; i < n + 2; i++)
		cr_assert(memcmp(buf_head(&f.c.out) + i *
		    (sizeof(LINE_REPLY_PONG) - 1), LINE_REPLY_PONG,
		    sizeof(LINE_REPLY_PONG) - 1) == 0);
	cr_assert_not(f.c.closing);
	free(chunk);
}

Test(listener_framing, conn_rate_follows_replies_of_lines_before_it)
{
	struct fx	 f;
	char		*p = fx_repeat('x', 14 + IPC_LINE_MAX);

	fx_init(&f);
	fx_feed(&f, "prompt i\n");
	memcpy(p, "ping\nversion\n", 13);
	fx_feedn(&f, p, 13 + IPC_LINE_MAX);
	fx_expect_out(&f, LINE_REPLY_PONG LINE_REPLY_VERSION LINE_REPLY_RATE);
	cr_assert(f.c.closing);
	free(p);
}

Test(listener_framing, conn_rate_waits_for_earlier_worker_replies)
{
	struct fx	 f;
	char		*l = xline(IPC_LINE_MAX - 1);

	fx_init(&f);
	fx_feed(&f, "prompt i\nstats\n");
	fx_feedn(&f, l, IPC_LINE_MAX);
	fx_expect_request(&f, 1, &fx_user, "stats", 5);
	fx_expect_no_request(&f);
	fx_expect_out(&f, "");
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "text\n"), 0);
	fx_expect_out(&f, "text\n" LINE_REPLY_RATE);
	cr_assert(conn_finished(&f.c));
	free(l);
}

Test(listener_framing, conn_size_rule_comes_before_authentication)
{
	struct fx	 f;
	struct auth_cred other = { .pid = 9, .uid = 1001, .gid = 1 };
	char		*l = fx_repeat('x', 5 + IPC_LINE_MAX);

	fx_init(&f);
	memcpy(l, "ping\n", 5);
	l[4 + IPC_LINE_MAX] = '\n';
	fx_feedc(&f, l, 5 + IPC_LINE_MAX, &other);
	/* The short line before does not run: the chunk is a stranger's. */
	fx_expect_out(&f, LINE_REPLY_RATE);
	fx_expect_no_request(&f);
	free(l);
}

Test(listener_framing, conn_eof_discards_unterminated_line)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\nallow/read+/x");
	conn_eof(&f.c);
	fx_expect_out(&f, LINE_REPLY_PONG);
	fx_expect_no_request(&f);
	cr_assert(conn_finished(&f.c));
}

Test(listener_framing, conn_eof_with_nothing_pending_finishes_at_once)
{
	struct fx	 f;

	fx_init(&f);
	conn_eof(&f.c);
	cr_assert(conn_finished(&f.c));
	cr_assert_not(conn_wants_read(&f.c));
}

Test(listener_framing, conn_eof_waits_for_outstanding_replies)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\na\nping\n");
	conn_eof(&f.c);
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	cr_assert_not(conn_finished(&f.c), "bytes not yet flushed");
	fx_expect_out(&f, "A\n" LINE_REPLY_PONG);
	cr_assert(conn_finished(&f.c));
}

Test(listener_framing, conn_reads_nothing_once_closing)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "ping\n");
	cr_assert(f.c.closing);
	fx_feed(&f, "ping\n");
	fx_expect_out(&f, LINE_REPLY_PONG);
}
