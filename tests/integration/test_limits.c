/*
 * docs/protocol.md section 8: connection limits and timeouts, each at the limit
 * and one past it.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

#define NOBODY	65534

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(limits, .fini = teardown, .timeout = 180);

/* An interactive connection that the listener has certainly accepted. */
static int
open_interactive(void)
{
	int	fd;

	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nping\n");
	h_expect_read(fd, H_PONG);
	return fd;
}

static void
ping_and_quit(int fd)
{
	h_sends(fd, "ping\nquit\n");
	h_expect_closed(fd, H_PONG);
}

/* A connection past the per-uid limit gets EAGAIN whether it talks or not. */
static void
expect_eagain(void)
{
	struct h_bytes	b;
	int		fd;

	fd = h_connect(d.addr);
	/* The listener may refuse before it reads: ignore EPIPE. */
	h_try_send(fd, "ping\n", 5);
	h_read_all(fd, &b);
	h_assert_str(&b, H_EAGAIN);
	h_bytes_free(&b);
	close(fd);
}

static void
per_uid(int limit)
{
	int	*fds, i;

	fds = calloc((size_t)limit, sizeof(*fds));
	cr_assert(fds != NULL);
	for (i = 0; i < limit; i++)
		fds[i] = open_interactive();
	expect_eagain();
	expect_eagain();
	/* The refused ones did not disturb those within the limit. */
	for (i = 0; i < limit; i++)
		ping_and_quit(fds[i]);
	free(fds);
}

Test(limits, per_uid_limit_3_allows_3_refuses_4th)
{
	h_start(&d, "--max-conn-per-uid", "3", NULL);
	per_uid(3);
}

Test(limits, per_uid_default_allows_64_refuses_65th)
{
	cr_assert_eq(DEFAULT_MAX_CONN_PER_UID, 64);
	h_start(&d, NULL);
	per_uid(DEFAULT_MAX_CONN_PER_UID);
}

Test(limits, per_uid_slot_comes_back_after_close)
{
	struct h_bytes	 b;
	long long	 end;
	int		 fds[3], fd, i;

	h_start(&d, "--max-conn-per-uid", "3", NULL);
	for (i = 0; i < 3; i++)
		fds[i] = open_interactive();
	expect_eagain();
	close(fds[0]);
	/*
	 * The listener sees the close some time after close(2) returns; until
	 * then EAGAIN is right.  Retry until it is served, with a deadline.
	 */
	end = h_now_ms() + H_IO_MS;
	for (;;) {
		fd = h_connect(d.addr);
		h_try_send(fd, "ping\n", 5);
		h_read_all(fd, &b);
		close(fd);
		if (b.len == strlen(H_PONG) && memcmp(b.p, H_PONG, b.len) == 0)
			break;
		h_assert_str(&b, H_EAGAIN);
		h_bytes_free(&b);
		cr_assert(h_now_ms() < end, "the closed connection's slot "
		    "never came back");
		h_sleep_ms(20);
	}
	h_bytes_free(&b);
	ping_and_quit(fds[1]);
	ping_and_quit(fds[2]);
}

Test(limits, per_uid_limit_counts_each_uid_apart)
{
	struct h_bytes	b;
	int		fd;

	if (!h_is_root())
		cr_skip_test("needs root: two client uids at once");
	/* Abstract: no file permission keeps nobody out. */
	h_start_abstract(&d, "--ipc-uid", "any", "--max-conn-per-uid", "1",
	    NULL);
	fd = open_interactive();
	expect_eagain();
	cr_assert(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5, &b) == 0);
	h_assert_str(&b, H_PONG);
	h_bytes_free(&b);
	ping_and_quit(fd);
}

Test(limits, total_limit_3_serves_3_and_holds_the_4th)
{
	int	fds[3], fd, i;

	h_start(&d, "--max-conn", "3", NULL);
	for (i = 0; i < 3; i++)
		fds[i] = open_interactive();
	/* The kernel's backlog takes the 4th; the listener must not. */
	fd = h_connect(d.addr);
	h_sends(fd, "ping\n");
	/* Round trips on the others give the listener every chance to err. */
	for (i = 0; i < 3; i++) {
		h_sends(fds[i], "ping\n");
		h_expect_read(fds[i], H_PONG);
	}
	cr_assert(h_quiet(fd, 500), "the 4th connection got bytes or a close "
	    "while 3 were open");
	ping_and_quit(fds[0]);
	/* Once one closes, the 4th is accepted and served. */
	h_expect_closed(fd, H_PONG);
	ping_and_quit(fds[1]);
	ping_and_quit(fds[2]);
}

Test(limits, total_limit_holds_several_and_serves_them_in_turn)
{
	int	fds[2], wait[3], i;

	h_start(&d, "--max-conn", "2", NULL);
	for (i = 0; i < 2; i++)
		fds[i] = open_interactive();
	for (i = 0; i < 3; i++) {
		wait[i] = h_connect(d.addr);
		h_sends(wait[i], "ping\n");
	}
	for (i = 0; i < 3; i++)
		cr_assert(h_quiet(wait[i], 200), "held connection %d served",
		    i);
	ping_and_quit(fds[0]);
	ping_and_quit(fds[1]);
	/* Each served one closes (non-interactive): room for the next. */
	for (i = 0; i < 3; i++)
		h_expect_closed(wait[i], H_PONG);
}

Test(limits, total_default_serves_1024_and_holds_the_1025th)
{
	struct rlimit	 rl;
	int		*fds, fd, i;

	cr_assert_eq(DEFAULT_MAX_CONN, 1024);
	/* Room for our own end of every connection. */
	cr_assert(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	if (rl.rlim_cur < DEFAULT_MAX_CONN + 64) {
		if (rl.rlim_max < DEFAULT_MAX_CONN + 64)
			cr_skip_test("hard RLIMIT_NOFILE %llu is too low for "
			    "%d connections", (unsigned long long)rl.rlim_max,
			    DEFAULT_MAX_CONN);
		rl.rlim_cur = rl.rlim_max;
		cr_assert(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	}
	h_start(&d, "--max-conn-per-uid", "2000", NULL);
	fds = calloc(DEFAULT_MAX_CONN, sizeof(*fds));
	cr_assert(fds != NULL);
	for (i = 0; i < DEFAULT_MAX_CONN; i++)
		fds[i] = open_interactive();
	fd = h_connect(d.addr);
	h_sends(fd, "ping\n");
	h_sends(fds[0], "ping\n");
	h_expect_read(fds[0], H_PONG);
	cr_assert(h_quiet(fd, 500), "connection %d was served",
	    DEFAULT_MAX_CONN + 1);
	ping_and_quit(fds[DEFAULT_MAX_CONN - 1]);
	h_expect_closed(fd, H_PONG);
	for (i = 0; i < DEFAULT_MAX_CONN - 1; i++)
		ping_and_quit(fds[i]);
	free(fds);
}

Test(limits, idle_timeout_closes_idle_connection_silently)
{
	struct h_bytes	b;
	int		fd;

	h_start(&d, "--idle-timeout", "1", NULL);
	fd = open_interactive();
	h_read_all(fd, &b);
	h_assert_str(&b, "");
	close(fd);
}

Test(limits, idle_timeout_in_prompt_mode_writes_no_prompt)
{
	struct h_bytes	b;
	int		fd;

	h_start(&d, "--idle-timeout", "1", NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt p\nping\n");
	h_expect_read(fd, H_PROMPT H_PONG H_PROMPT);
	h_read_all(fd, &b);
	h_assert_str(&b, "");
	close(fd);
}

/*
 * A connection that talks every 100 ms outlives several idle timeouts.
 * Should this process be descheduled for so long that the gap itself
 * passed half the timeout, a close proves nothing: try again.
 */
Test(limits, talking_connection_survives_idle_timeout)
{
	long long	 start, last, gap, maxgap;
	int		 fd, attempt, ok = 0, r;
	struct h_bytes	 b;

	h_start(&d, "--idle-timeout", "2", NULL);
	for (attempt = 0; attempt < 5 && !ok; attempt++) {
		fd = open_interactive();
		start = last = h_now_ms();
		maxgap = 0;
		ok = 1;
		while (h_now_ms() - start < 6000) {
			h_sleep_ms(100);
			gap = h_now_ms() - last;
			if (gap > maxgap)
				maxgap = gap;
			if (h_try_send(fd, "ping\n", 5) != 0) {
				ok = 0;
				break;
			}
			r = h_try_read_n(fd, strlen(H_PONG), &b, H_IO_MS);
			if (r != 0) {
				h_bytes_free(&b);
				ok = 0;
				break;
			}
			h_assert_str(&b, H_PONG);
			h_bytes_free(&b);
			last = h_now_ms();
		}
		if (ok) {
			ping_and_quit(fd);
			break;
		}
		close(fd);
		cr_assert(maxgap >= 1000, "closed although it talked every "
		    "%lld ms at most", maxgap);
	}
	cr_assert(ok, "the machine was too slow five times in a row");
}

Test(limits, idle_timeout_zero_never_closes)
{
	int	fd;

	h_start(&d, "--idle-timeout", "0", "--auth-timeout", "1", NULL);
	fd = open_interactive();
	cr_assert(h_quiet(fd, 2500), "closed with --idle-timeout 0");
	ping_and_quit(fd);
}

Test(limits, auth_timeout_closes_silent_connection)
{
	struct h_bytes	b;
	long long	t0;
	int		fd, r;

	h_start(&d, "--auth-timeout", "1", NULL);
	t0 = h_now_ms();
	fd = h_connect(d.addr);
	/* Well before the default (10 s) could be the one that acts. */
	r = h_try_read_all(fd, &b, PREAUTH_TIMEOUT_MS - 2000);
	cr_assert(r == 0, "not closed %lld ms after connect with "
	    "--auth-timeout 1", h_now_ms() - t0);
	h_assert_str(&b, "");
	close(fd);
}

Test(limits, auth_timeout_closes_partial_line)
{
	struct h_bytes	b;
	int		fd, r;

	h_start(&d, "--auth-timeout", "1", NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "pin");
	r = h_try_read_all(fd, &b, PREAUTH_TIMEOUT_MS - 2000);
	cr_assert(r == 0, "a partial line kept the connection past the "
	    "auth timeout");
	h_assert_str(&b, "");
	close(fd);
}

Test(limits, authenticated_line_outlives_auth_timeout)
{
	int	fd;

	h_start(&d, "--auth-timeout", "1", NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\n");
	cr_assert(h_quiet(fd, 2500), "closed after an authenticated line");
	ping_and_quit(fd);
}

Test(limits, default_auth_timeout_is_preauth_timeout)
{
	struct h_bytes	b;
	long long	t0, dt;
	int		fd;

	h_start(&d, NULL);
	t0 = h_now_ms();
	fd = h_connect(d.addr);
	h_read_all(fd, &b);
	dt = h_now_ms() - t0;
	h_assert_str(&b, "");
	/* A second of slack for timers of one-second granularity. */
	cr_assert(dt >= PREAUTH_TIMEOUT_MS - 1000, "closed after %lld ms, "
	    "before the %d ms of the default", dt, PREAUTH_TIMEOUT_MS);
	close(fd);
}
