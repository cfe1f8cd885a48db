/*
 * docs/protocol.md 3: UTF-8, tokens on ASCII whitespace, dispatch on the first
 * token, the built-in replies byte for byte, quit and forwarding.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "listener/line.h"
#include "test_listener_fixture.h"

static enum line_kind
kind_of(const void *p, size_t n)
{
	struct line_cmd	 cmd;

	line_parse(p, n, &cmd);
	return cmd.kind;
}

#define KIND(s)	kind_of((s), sizeof(s) - 1)

Test(listener_line, line_whitespace_is_space_tab_newline_formfeed_cr)
{
	unsigned	 c;

	for (c = 0; c < 256; c++)
		cr_assert_eq(line_isspace((uint8_t)c),
		    c == ' ' || c == '\t' || c == '\n' || c == '\f' ||
		    c == '\r', "byte 0x%02x", c);
	cr_assert_not(line_isspace('\v'));
}

Test(listener_line, line_tokens_split_on_runs_of_whitespace)
{
	const uint8_t	*p = (const uint8_t *)" \tab\f\rcd  e\r", *tok;
	size_t		 pos = 0, n = 12, len;

	len = line_token(p, n, &pos, &tok);
	cr_assert_eq(len, 2);
	cr_assert(memcmp(tok, "ab", 2) == 0);
	len = line_token(p, n, &pos, &tok);
	cr_assert_eq(len, 2);
	cr_assert(memcmp(tok, "cd", 2) == 0);
	len = line_token(p, n, &pos, &tok);
	cr_assert_eq(len, 1);
	cr_assert_eq(*tok, 'e');
	cr_assert_eq(line_token(p, n, &pos, &tok), 0);
}

Test(listener_line, line_dispatch_on_first_token)
{
	cr_assert_eq(KIND("ping"), LINE_PING);
	cr_assert_eq(KIND("  ping extra tokens  "), LINE_PING);
	cr_assert_eq(KIND("\tping\r"), LINE_PING);
	cr_assert_eq(KIND("pink"), LINE_PINK);
	cr_assert_eq(KIND("version"), LINE_VERSION);
	cr_assert_eq(KIND("quit"), LINE_QUIT);
	cr_assert_eq(KIND("exit now"), LINE_QUIT);
	cr_assert_eq(KIND("prompt"), LINE_PROMPT);
	cr_assert_eq(KIND("prompt p"), LINE_PROMPT);
	cr_assert_eq(KIND(""), LINE_BLANK);
	cr_assert_eq(KIND(" \t\f\r "), LINE_BLANK);
}

Test(listener_line, line_anything_else_is_forwarded)
{
	cr_assert_eq(KIND("PING"), LINE_FORWARD);
	cr_assert_eq(KIND("pingx"), LINE_FORWARD);
	cr_assert_eq(KIND("ping\0"), LINE_FORWARD);
	cr_assert_eq(KIND("\vping"), LINE_FORWARD);
	cr_assert_eq(KIND("\v"), LINE_FORWARD);
	cr_assert_eq(KIND("\0"), LINE_FORWARD);
	cr_assert_eq(KIND("stat"), LINE_FORWARD);
	cr_assert_eq(KIND("x ping"), LINE_FORWARD);
	cr_assert_eq(KIND("prompts"), LINE_FORWARD);
}

Test(listener_line, line_not_utf8_is_refused)
{
	cr_assert_eq(KIND("\xff"), LINE_BADUTF8);
	cr_assert_eq(KIND("ping \xc0\xaf"), LINE_BADUTF8);
	cr_assert_eq(KIND("\xed\xa0\x80"), LINE_BADUTF8);
	cr_assert_eq(KIND("caf\xc3\xa9"), LINE_FORWARD);
}

Test(listener_line, line_prompt_argument_is_the_second_token)
{
	struct line_cmd	 cmd;

	line_parse((const uint8_t *)" prompt  \tp  q", 14, &cmd);
	cr_assert_eq(cmd.kind, LINE_PROMPT);
	cr_assert_eq(cmd.arglen, 1);
	cr_assert_eq(cmd.arg[0], 'p');
	line_parse((const uint8_t *)"prompt \t", 8, &cmd);
	cr_assert_eq(cmd.kind, LINE_PROMPT);
	cr_assert_null(cmd.arg);
}

Test(listener_line, line_builtin_replies_are_exact)
{
	char	 v[128];

	cr_assert_str_eq(LINE_REPLY_PONG, "{\"err\":0,\"msg\":\"PONG\"}\n");
	cr_assert_str_eq(LINE_REPLY_PINK, "{\"err\":0,\"msg\":\"Change return "
	    "success. Going and coming without error. Action brings good "
	    "fortune.\"}\n");
	snprintf(v, sizeof(v), "{\"major\":%d,\"minor\":%d,\"version\":"
	    "\"%d.%d\"}\n", IPC_API_MAJOR, IPC_API_MINOR, IPC_API_MAJOR,
	    IPC_API_MINOR);
	cr_assert_str_eq(LINE_REPLY_VERSION, v);
	cr_assert_str_eq(LINE_REPLY_RATE, "{\"err\":7,\"msg\":\"RATE\"}\n");
}

Test(listener_line, conn_builtins_answer_without_the_worker)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\npink\nversion\nping a b c\n");
	fx_expect_out(&f, LINE_REPLY_PONG LINE_REPLY_PINK LINE_REPLY_VERSION
	    LINE_REPLY_PONG);
	fx_expect_no_request(&f);
}

Test(listener_line, conn_forwards_whole_line_with_blanks_and_cr)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\n  allow/read+/x \r\n stat\n\x0bping\n");
	fx_expect_request(&f, 1, &fx_user, "  allow/read+/x \r", 17);
	fx_expect_request(&f, 2, &fx_user, " stat", 5);
	fx_expect_request(&f, 3, &fx_user, "\x0bping", 5);
	fx_expect_no_request(&f);
}

Test(listener_line, conn_forwards_nul_bytes)
{
	struct fx	 f;

	fx_init(&f);
	fx_feedn(&f, "a\0b\n", 4);
	fx_expect_request(&f, 1, &fx_user, "a\0b", 3);
}

Test(listener_line, conn_bad_utf8_replies_einval_and_runs_no_later_line)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\nping\n\xff\xfe\nping\nallow/x\n");
	fx_expect_out(&f, "; " LINE_REPLY_PONG "; "
	    "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	fx_expect_no_request(&f);
	cr_assert(f.c.closing);
	cr_assert(f.c.halted);
	cr_assert(conn_finished(&f.c));
}

Test(listener_line, conn_bad_utf8_reply_waits_for_earlier_worker_reply)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\nsandbox/read?\n\xc3\n");
	fx_expect_request(&f, 1, &fx_user, "sandbox/read?", 13);
	fx_expect_out(&f, "");
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "{\"err\":0,\"msg\":\"ACK\"}\n"), 0);
	fx_expect_out(&f, "{\"err\":0,\"msg\":\"ACK\"}\n"
	    "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	cr_assert(conn_finished(&f.c));
}

Test(listener_line, conn_quit_and_exit_run_no_later_line)
{
	const char	*words[] = { "quit", "exit", " quit now" };
	struct fx	 f;
	char		 in[64];
	size_t		 i;

	for (i = 0; i < 3; i++) {
		fx_init(&f);
		snprintf(in, sizeof(in), "prompt p\nping\n%s\nping\nx\n",
		    words[i]);
		fx_feed(&f, in);
		/* No reply and no prompt for quit itself. */
		fx_expect_out(&f, "; " LINE_REPLY_PONG "; ");
		fx_expect_no_request(&f);
		cr_assert(f.c.closing);
		cr_assert(conn_finished(&f.c));
	}
}

Test(listener_line, conn_quit_waits_for_outstanding_worker_replies)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt i\na\nb\nquit\n");
	fx_expect_request(&f, 1, &fx_user, "a", 1);
	fx_expect_request(&f, 2, &fx_user, "b", 1);
	cr_assert(f.c.closing);
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "A\n"), 0);
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 2, "B\n"), 0);
	fx_expect_out(&f, "A\nB\n");
	cr_assert(conn_finished(&f.c));
}

Test(listener_line, conn_noninteractive_runs_every_line_of_the_chunk)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "ping\nversion\nx\n");
	fx_expect_out(&f, LINE_REPLY_PONG LINE_REPLY_VERSION);
	fx_expect_request(&f, 1, &fx_user, "x", 1);
	cr_assert(f.c.closing);
	cr_assert_not(conn_wants_read(&f.c));
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "X\n"), 0);
	fx_expect_out(&f, "X\n");
	cr_assert(conn_finished(&f.c));
}

Test(listener_line, conn_noninteractive_closes_after_worker_reply)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "sandbox/read:off\n");
	fx_expect_request(&f, 1, &fx_user, "sandbox/read:off", 16);
	cr_assert(f.c.closing);
	cr_assert_eq(fx_reply(&f, 1, "{\"err\":0,\"msg\":\"ACK\"}\n"), 0);
	fx_expect_out(&f, "{\"err\":0,\"msg\":\"ACK\"}\n");
	cr_assert(conn_finished(&f.c));
}

/*
 * The first token is read only as far as the longest built-in (7
 * bytes): a word of 7 bytes is still dispatched, 8 are forwarded, and
 * a long first token is forwarded whatever follows it.
 */
Test(listener_line, first_token_read_to_the_longest_builtin)
{
	cr_assert_eq(KIND("version"), LINE_VERSION);
	cr_assert_eq(KIND("version\t"), LINE_VERSION);
	cr_assert_eq(KIND("  version x"), LINE_VERSION);
	cr_assert_eq(KIND("versions"), LINE_FORWARD);
	cr_assert_eq(KIND("versionx ping"), LINE_FORWARD);
	cr_assert_eq(KIND("sandbox/read?"), LINE_FORWARD);
	cr_assert_eq(KIND("promptly p"), LINE_FORWARD);
	cr_assert_eq(KIND("pin"), LINE_FORWARD);
	cr_assert_eq(KIND("p"), LINE_FORWARD);
	/* The prompt argument is the token after "prompt". */
	{
		struct line_cmd	 cmd;

		line_parse((const uint8_t *)"prompt \t i  x", 13, &cmd);
		cr_assert_eq(cmd.kind, LINE_PROMPT);
		cr_assert_eq(cmd.arglen, 1);
		cr_assert_eq(cmd.arg[0], 'i');
		line_parse((const uint8_t *)"prompt  ", 8, &cmd);
		cr_assert_eq(cmd.kind, LINE_PROMPT);
		cr_assert_null(cmd.arg);
		/* A long forwarded line still has its UTF-8 checked first. */
		line_parse((const uint8_t *)"sandbox/read? \xff", 15, &cmd);
		cr_assert_eq(cmd.kind, LINE_BADUTF8);
	}
}

/* The first token's kind the slow way: line_token, then the words. */
static enum line_kind
kind_by_tokens(const uint8_t *p, size_t n)
{
	static const struct {
		const char	*w;
		enum line_kind	 k;
	} words[] = { { "ping", LINE_PING }, { "pink", LINE_PINK },
	    { "quit", LINE_QUIT }, { "exit", LINE_QUIT },
	    { "prompt", LINE_PROMPT }, { "version", LINE_VERSION } };
	const uint8_t	*tok;
	size_t		 pos = 0, len, i;

	if ((len = line_token(p, n, &pos, &tok)) == 0)
		return LINE_BLANK;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len == strlen(words[i].w) && memcmp(tok, words[i].w,
		    len) == 0)
			return words[i].k;
	return LINE_FORWARD;
}

/*
 * The 8-byte step against the slow way: every byte up to 0x21 at every
 * place of lines made of the built-in words, with leading blanks.
 */
Test(listener_line, word_step_agrees_with_the_tokens)
{
	static const char *const base[] = { "pingpong", "version", "ping",
	    "prompt i", "exit", "quit now", " versions", "\tpink", "xxxxxxxxxxxx" };
	uint8_t		 line[32];
	struct line_cmd	 cmd;
	size_t		 b, n, at;
	unsigned	 c;

	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		n = strlen(base[b]);
		for (c = 0; c <= 0x21; c++)
			for (at = 0; at < n + 4 && at < sizeof(line); at++) {
				memset(line, 'z', sizeof(line));
				memcpy(line, base[b], n);
				line[at] = (uint8_t)c;
				for (size_t len = at + 1; len <= at + 9 &&
				    len <= sizeof(line); len++) {
					line_parse(line, len, &cmd);
					cr_assert_eq(cmd.kind,
					    kind_by_tokens(line, len),
					    "base %zu c %u at %zu len %zu", b,
					    c, at, len);
				}
			}
	}
	/* Non-ASCII in the first word: one step, forwarded. */
	line_parse((const uint8_t *)"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 ping", 13,
	    &cmd);
	cr_assert_eq(cmd.kind, LINE_FORWARD);
}
