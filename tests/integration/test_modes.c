/*
 * docs/protocol.md section 4: every cell of the mode table, and what "closes
 * after the next reply" means for each kind of reply.
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

TestSuite(modes, .init = setup, .fini = teardown, .timeout = 120);

#define TALK(send, want)						\
	h_expectn(d.addr, (send), sizeof(send) - 1, (want), sizeof(want) - 1)

/* Send, half-close, and expect these bytes and then the close. */
static void
talk_shut(const char *send, const char *want)
{
	struct h_bytes	b;
	int		fd;

	fd = h_connect(d.addr);
	h_sends(fd, send);
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, want);
	h_bytes_free(&b);
	close(fd);
}

#define CLOSES	1	/* the server closes after the last step */
#define STAYS	0	/* it stays open: "quit" ends it without a byte */

/*
 * One line per write, each followed by exactly the bytes it must produce:
 * {send, want, send, want, ..., NULL}.  Lines of one chunk are all run
 * (docs/protocol.md 2.4), so the mode is only visible one write at a time.  A
 * step that must write nothing is checked by the exact bytes of the next.
 */
static void
script(const char *const *steps, int closes)
{
	int	fd, i;

	fd = h_connect(d.addr);
	for (i = 0; steps[i] != NULL; i += 2) {
		h_sends(fd, steps[i]);
		if (*steps[i + 1] != '\0')
			h_expect_read(fd, steps[i + 1]);
	}
	if (closes) {
		h_expect_closed(fd, "");
		return;
	}
	/* Still open, and waiting in its mode. */
	cr_assert(h_quiet(fd, 100), "bytes or a close after the last step");
	h_sends(fd, "quit\n");
	h_expect_closed(fd, "");
}

#define SCRIPT(closes, ...)						\
	script((const char *const []){ __VA_ARGS__, NULL }, (closes))

/* A new connection is non-interactive. */

Test(modes, new_connection_closes_after_first_reply)
{
	SCRIPT(CLOSES, "ping\n", H_PONG);
	SCRIPT(CLOSES, "pink\n", H_PINK);
	SCRIPT(CLOSES, "sandbox/read?\n", H_ACK);
	SCRIPT(CLOSES, "bogus\n", H_EINVAL);
}

Test(modes, new_connection_sees_its_reply_before_the_close)
{
	struct h_bytes	b;
	int		fd, r;

	fd = h_connect(d.addr);
	h_sends(fd, "ping\n");
	h_expect_read(fd, H_PONG);
	/* Closed now: a later line is not answered. */
	h_try_send(fd, "ping\n", 5);
	r = h_try_read_all(fd, &b, H_IO_MS);
	cr_assert_eq(r, 0, "still open after its first reply");
	h_assert_str(&b, "");
	h_bytes_free(&b);
	close(fd);
}

Test(modes, non_interactive_runs_every_line_of_one_chunk)
{
	/* docs/protocol.md 2.4: "several lines in one chunk all run". */
	TALK("ping\npink\n", H_PONG H_PINK);
}

/* Column "from non-interactive". */

Test(modes, non_interactive_prompt_n_stays_non_interactive)
{
	SCRIPT(CLOSES, "prompt n\n", "", "ping\n", H_PONG);
}

Test(modes, non_interactive_prompt_i_writes_nothing_and_stays_open)
{
	SCRIPT(STAYS, "prompt i\n", "", "ping\n", H_PONG, "ping\n", H_PONG,
	    "sandbox/read?\n", H_ACK);
}

Test(modes, non_interactive_prompt_p_writes_prompt)
{
	SCRIPT(STAYS, "prompt p\n", H_PROMPT, "ping\n", H_PONG H_PROMPT,
	    "sandbox/read?\n", H_ACK H_PROMPT);
}

Test(modes, non_interactive_prompt_toggles_to_prompt)
{
	SCRIPT(STAYS, "prompt\n", H_PROMPT, "ping\n", H_PONG H_PROMPT,
	    "ping\n", H_PONG H_PROMPT);
}

Test(modes, non_interactive_unknown_mode_keeps_mode_and_connection)
{
	/* Not a reply: the connection stays; ping then closes it. */
	SCRIPT(CLOSES, "prompt x\n", H_UNKNOWN_MODE, "ping\n", H_PONG);
	SCRIPT(CLOSES, "prompt pp\n", H_UNKNOWN_MODE, "prompt I\n",
	    H_UNKNOWN_MODE, "prompt n\n", "", "pink\n", H_PINK);
}

/* Column "from interactive". */

Test(modes, interactive_prompt_n_closes_after_next_reply)
{
	SCRIPT(CLOSES, "prompt i\n", "", "ping\n", H_PONG, "prompt n\n", "",
	    "\n", "", "ping\n", H_PONG);
}

Test(modes, interactive_prompt_i_stays_interactive)
{
	SCRIPT(STAYS, "prompt i\n", "", "prompt i\n", "", "ping\n", H_PONG,
	    "ping\n", H_PONG);
}

Test(modes, interactive_prompt_p_writes_prompt)
{
	SCRIPT(STAYS, "prompt i\n", "", "ping\n", H_PONG, "prompt p\n",
	    H_PROMPT, "ping\n", H_PONG H_PROMPT);
}

Test(modes, interactive_prompt_toggles_to_prompt)
{
	SCRIPT(STAYS, "prompt i\n", "", "prompt\n", H_PROMPT, "ping\n",
	    H_PONG H_PROMPT);
}

Test(modes, interactive_unknown_mode_keeps_interactive)
{
	SCRIPT(STAYS, "prompt i\n", "", "prompt x\n", H_UNKNOWN_MODE,
	    "ping\n", H_PONG, "ping\n", H_PONG);
}

/* Column "from prompt". */

Test(modes, prompt_prompt_n_closes_after_next_reply_without_prompt)
{
	SCRIPT(CLOSES, "prompt p\n", H_PROMPT, "prompt n\n", "", "\n", "",
	    "ping\n", H_PONG);
}

Test(modes, prompt_prompt_i_goes_interactive_silently)
{
	SCRIPT(STAYS, "prompt p\n", H_PROMPT, "prompt i\n", "", "ping\n",
	    H_PONG, "\n", "", "ping\n", H_PONG);
}

Test(modes, prompt_prompt_p_writes_prompt_again)
{
	SCRIPT(STAYS, "prompt p\n", H_PROMPT, "prompt p\n", H_PROMPT,
	    "ping\n", H_PONG H_PROMPT);
}

Test(modes, prompt_toggle_goes_interactive_silently)
{
	SCRIPT(STAYS, "prompt p\n", H_PROMPT, "prompt\n", "", "ping\n",
	    H_PONG, "ping\n", H_PONG);
}

Test(modes, prompt_unknown_mode_then_prompt)
{
	SCRIPT(STAYS, "prompt p\n", H_PROMPT, "prompt x\n",
	    H_UNKNOWN_MODE H_PROMPT, "ping\n", H_PONG H_PROMPT);
}

Test(modes, whole_table_in_one_chunk)
{
	/* The same transitions pipelined: every line of the chunk runs. */
	talk_shut("prompt i\nping\nprompt p\nping\nprompt\nping\n"
	    "prompt x\nprompt\nprompt x\nping\nprompt i\nping\n",
	    H_PONG H_PROMPT H_PONG H_PROMPT H_PONG H_UNKNOWN_MODE H_PROMPT
	    H_UNKNOWN_MODE H_PROMPT H_PONG H_PROMPT H_PONG);
}

/* Replies in prompt mode. */

Test(modes, prompt_follows_every_kind_of_reply)
{
	TALK("prompt p\npink\nversion\nsandbox/read?\nbogus\nquit\n",
	    H_PROMPT H_PINK H_PROMPT
	    H_VERSION H_PROMPT
	    H_ACK H_PROMPT H_EINVAL H_PROMPT);
}

Test(modes, prompt_follows_stat_brace_directly)
{
	struct h_bytes	 b;
	char		*stat, *want;

	stat = h_stat(d.addr);
	want = h_concat(H_PROMPT, stat, H_PROMPT, NULL);
	h_request(d.addr, "prompt p\nstat\nquit\n", 19, &b);
	h_assert_str(&b, want);
	h_bytes_free(&b);
}

Test(modes, prompt_blank_line_writes_prompt_only)
{
	TALK("prompt p\n\n\t\nquit\n", H_PROMPT H_PROMPT H_PROMPT);
}

Test(modes, prompt_word_splits_on_any_blank)
{
	TALK("prompt\tp\nquit\n", H_PROMPT);
	TALK("  prompt   i  \nping\nquit\n", H_PONG);
}

Test(modes, modes_belong_to_one_connection)
{
	int	a, b;

	a = h_connect(d.addr);
	h_sends(a, "prompt p\n");
	h_expect_read(a, H_PROMPT);
	/* A second connection starts non-interactive all the same. */
	b = h_connect(d.addr);
	h_sends(b, "ping\n");
	h_expect_closed(b, H_PONG);
	h_sends(a, "ping\nquit\n");
	h_expect_closed(a, H_PONG H_PROMPT);
}
