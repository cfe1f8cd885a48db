/*
 * docs/protocol.md section 3: one line, the table of first tokens, whitespace
 * and UTF-8, on a new connection (non-interactive) unless said otherwise.
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
setup(void)
{
	h_start(&d, NULL);
}

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(lines, .init = setup, .fini = teardown, .timeout = 120);

/* For string literals that may hold NUL bytes. */
#define TALK(send, want)						\
	h_expectn(d.addr, (send), sizeof(send) - 1, (want), sizeof(want) - 1)

Test(lines, ping_replies_pong_then_closes)
{
	TALK("ping\n", H_PONG);
}

Test(lines, ping_ignores_extra_tokens)
{
	TALK("ping a b\tc\n", H_PONG);
}

Test(lines, ping_after_leading_blanks)
{
	TALK(" \t\f\rping\n", H_PONG);
}

Test(lines, ping_with_crlf_is_ping)
{
	/* \r stays in the line but is a blank for the split. */
	TALK("ping\r\n", H_PONG);
}

Test(lines, vertical_tab_is_not_a_blank)
{
	/* "\vping" and "ping\v" are unknown commands for the worker. */
	TALK("\vping\n", H_EINVAL);
	TALK("ping\v\n", H_EINVAL);
}

Test(lines, ping_is_case_sensitive)
{
	TALK("PING\n", H_EINVAL);
}

Test(lines, pink_replies_its_text)
{
	TALK("pink\n", H_PINK);
}

Test(lines, version_reports_api_and_minor)
{
	TALK("version\n", H_VERSION);
	TALK("version extra\n", H_VERSION);
}

Test(lines, quit_closes_without_reply)
{
	TALK("quit\n", "");
}

Test(lines, exit_closes_without_reply)
{
	TALK("exit\n", "");
}

Test(lines, quit_with_tokens_still_quits)
{
	TALK("quit now\n", "");
	TALK("  exit\t1\n", "");
}

Test(lines, quit_flushes_earlier_replies_and_runs_nothing_after)
{
	TALK("prompt i\nping\nversion\nquit\nping\n",
	    H_PONG H_VERSION);
}

Test(lines, quit_after_worker_reply_waits_for_it)
{
	/* The worker's ACK is pending when quit is read: flush it first. */
	TALK("prompt i\nsandbox/read?\nquit\n", H_ACK);
}

Test(lines, quit_in_prompt_mode_writes_no_prompt)
{
	TALK("prompt p\nquit\n", H_PROMPT);
}

Test(lines, blank_lines_write_nothing_and_do_not_close)
{
	TALK("\n \n\t\r\n\f\nping\n", H_PONG);
}

Test(lines, blank_line_keeps_non_interactive_connection_open)
{
	int	fd;

	fd = h_connect(d.addr);
	h_sends(fd, "\n");
	/* A wrong close would show here or as a failed ping below. */
	cr_assert(h_quiet(fd, 300), "a blank line wrote or closed");
	h_sends(fd, "   \n");
	cr_assert(h_quiet(fd, 300), "a blank line wrote or closed");
	h_sends(fd, "ping\n");
	h_expect_closed(fd, H_PONG);
}

Test(lines, blank_lines_in_prompt_mode_write_prompts)
{
	TALK("prompt p\n\n \nquit\n", H_PROMPT H_PROMPT H_PROMPT);
}

Test(lines, nothing_sent_nothing_written)
{
	struct h_bytes	b;
	int		fd;

	fd = h_connect(d.addr);
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, "");
	close(fd);
}

Test(lines, unterminated_line_is_never_executed)
{
	struct h_bytes	b;
	int		fd;

	fd = h_connect(d.addr);
	h_sends(fd, "ping");
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, "");
	close(fd);

	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nping\nsandbox/read:off");
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, H_PONG);
	close(fd);
	/* The partial sandbox/read:off did not reach the worker. */
	TALK("sandbox/read?\n", H_ACK);
}

Test(lines, other_lines_go_to_the_worker)
{
	TALK("bogus\n", H_EINVAL);
	TALK("sandbox/read?\n", H_ACK);
}

Test(lines, worker_gets_the_whole_line_with_blanks)
{
	/* Leading and trailing blanks are kept, and commands refuse them. */
	TALK(" sandbox/read?\n", H_EINVAL);
	TALK("sandbox/read? \n", H_EINVAL);
	TALK("sandbox/read?\t\n", H_EINVAL);
	TALK("sandbox/read?\r\n", H_EINVAL);
}

Test(lines, hash_line_is_einval_over_ipc)
{
	TALK("# comment\n", H_EINVAL);
	TALK("#\n", H_EINVAL);
}

Test(lines, builtins_answer_under_lock_read)
{
	/* ping, pink and version never reach the worker. */
	h_expect(d.addr, "prompt i\nlock:read\nping\npink\nversion\n"
	    "sandbox/read:off\nsandbox/read?\nquit\n",
	    h_concat(H_ACK, H_PONG, H_PINK, H_VERSION, H_EPERM, H_ACK,
	    NULL));
}

Test(lines, invalid_utf8_gets_einval_and_closes)
{
	static const char *const bad[] = {
		"\xff",			/* never valid */
		"\x80",			/* lone continuation */
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong '/' */
		"\xc3",			/* truncated */
		"\xe2\x82",		/* truncated */
		"\xed\xa0\x80",		/* surrogate U+D800 */
		"\xf4\x90\x80\x80",	/* past U+10FFFF */
		"\xf8\x88\x80\x80\x80",	/* five bytes */
		"sandbox/read\xfe?",	/* in the middle */
	};
	size_t	i;
	char	*send;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* Interactive, so only the bad line can close it. */
		send = h_concat("prompt i\n", bad[i], "\nping\n", NULL);
		h_expect(d.addr, send, H_EINVAL);
		free(send);
	}
}

Test(lines, utf8_is_checked_before_builtins)
{
	TALK("prompt i\nping \xff\nping\n", H_EINVAL);
	TALK("prompt i\nquit \xc0\x80\nping\n", H_EINVAL);
}

Test(lines, invalid_utf8_after_good_lines_keeps_their_replies)
{
	TALK("prompt i\nping\npink\n\xff\nping\n", H_PONG H_PINK H_EINVAL);
}

Test(lines, valid_utf8_keeps_the_connection)
{
	/* Valid multi-byte text: the worker refuses it, the line is fine. */
	TALK("prompt i\n\xc3\xa9\n\xe2\x82\xac\n\xf0\x9d\x84\x9e\n"
	    "\xf4\x8f\xbf\xbf\nping \xc3\xa9\nquit\n",
	    H_EINVAL H_EINVAL H_EINVAL H_EINVAL H_PONG);
}

Test(lines, nul_bytes_are_valid_utf8)
{
	/* "ping\0" is one token, not ping: the worker refuses it. */
	TALK("prompt i\n\0\nping\0\nping \0\nquit\n",
	    H_EINVAL H_EINVAL H_PONG);
}

Test(lines, the_server_sends_nothing_on_connect)
{
	int	fd;

	fd = h_connect(d.addr);
	cr_assert(h_quiet(fd, 300), "bytes or a close before any line");
	h_sends(fd, "ping\n");
	h_expect_closed(fd, H_PONG);
}

/*
 * Wait until stat shows every rule of want, in order: a client that hung
 * up gets no reply to say when its lines ran.
 */
static void
wait_rules(const char *want)
{
	long long	 end = h_now_ms() + 10000;
	char		*s;

	for (;;) {
		s = h_stat(d.addr);
		if (strstr(s, want) != NULL)
			break;
		cr_assert(h_now_ms() < end, "rules %s never came: %s", want,
		    s);
		free(s);
		h_sleep_ms(10);
	}
	free(s);
}

/*
 * Lines sent before a hang-up still run (docs/protocol.md 7), whether
 * the listener hears the hang-up from epoll or from the send of the
 * first reply (EPIPE): a new connection is read before epoll watches it.
 */
Test(lines, lines_of_a_client_that_hung_up_still_run)
{
	int	 fd;

	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nallow/read+/gone/a\nallow/read+/gone/b\n"
	    "allow/read+/gone/c\n");
	close(fd);
	wait_rules("{\"act\":\"allow\",\"cap\":\"read\",\"pat\":\"/gone/a\"},"
	    "{\"act\":\"allow\",\"cap\":\"read\",\"pat\":\"/gone/b\"},"
	    "{\"act\":\"allow\",\"cap\":\"read\",\"pat\":\"/gone/c\"}");
	fd = h_connect(d.addr);
	h_sends(fd, "allow/read+/gone/d\n");
	close(fd);
	wait_rules("\"pat\":\"/gone/c\"},{\"act\":\"allow\",\"cap\":\"read\","
	    "\"pat\":\"/gone/d\"}");
	TALK("ping\n", H_PONG);
}
