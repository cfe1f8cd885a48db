/* docs/protocol.md 4: every cell of the mode table, pure and on a conn. */
#include <criterion/criterion.h>

#include "listener/line.h"
#include "listener/prompt.h"
#include "test_listener_fixture.h"

static void
cell(enum prompt_mode from, const char *arg, enum prompt_mode to,
    const char *out)
{
	struct prompt_step st;

	prompt_apply(from, (const uint8_t *)arg, arg ? strlen(arg) : 0, &st);
	cr_assert_eq(st.mode, to, "prompt %s from %s: mode %s, want %s",
	    arg ? arg : "(toggle)", prompt_mode_name(from),
	    prompt_mode_name(st.mode), prompt_mode_name(to));
	cr_assert_eq(st.outlen, strlen(out));
	cr_assert(memcmp(st.out, out, st.outlen) == 0,
	    "prompt %s from %s wrote \"%.*s\"", arg ? arg : "(toggle)",
	    prompt_mode_name(from), (int)st.outlen, st.out);
}

#define NI	PROMPT_NONINTERACTIVE
#define IN	PROMPT_INTERACTIVE
#define PR	PROMPT_PROMPT
#define UNK	"Unknown prompt mode!\n"

Test(listener_prompt, prompt_n_is_noninteractive_from_every_mode)
{
	cell(NI, "n", NI, "");
	cell(IN, "n", NI, "");
	cell(PR, "n", NI, "");
}

Test(listener_prompt, prompt_i_is_interactive_silently_from_every_mode)
{
	cell(NI, "i", IN, "");
	cell(IN, "i", IN, "");
	cell(PR, "i", IN, "");
}

Test(listener_prompt, prompt_p_is_prompt_and_writes_prompt_from_every_mode)
{
	cell(NI, "p", PR, "; ");
	cell(IN, "p", PR, "; ");
	cell(PR, "p", PR, "; ");
}

Test(listener_prompt, prompt_toggle_cells)
{
	cell(NI, NULL, PR, "; ");
	cell(IN, NULL, PR, "; ");
	cell(PR, NULL, IN, "");
}

Test(listener_prompt, prompt_other_keeps_mode_and_says_unknown)
{
	cell(NI, "x", NI, UNK);
	cell(IN, "x", IN, UNK);
	cell(PR, "x", PR, UNK "; ");
	/* Only exact one-letter words count. */
	cell(IN, "pp", IN, UNK);
	cell(IN, "P", IN, UNK);
	cell(IN, "N", IN, UNK);
	cell(PR, "i2", PR, UNK "; ");
}

Test(listener_prompt, prompt_replies_show_and_close_by_mode)
{
	cr_assert(prompt_closes(NI));
	cr_assert_not(prompt_closes(IN));
	cr_assert_not(prompt_closes(PR));
	cr_assert_not(prompt_shows(NI));
	cr_assert_not(prompt_shows(IN));
	cr_assert(prompt_shows(PR));
}

Test(listener_prompt, conn_prompt_p_then_ping_writes_prompts_around_pong)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\nping\n");
	fx_expect_out(&f, "; " LINE_REPLY_PONG "; ");
	cr_assert_not(f.c.closing);
}

Test(listener_prompt, conn_unknown_mode_does_not_close_noninteractive)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt x\n");
	fx_expect_out(&f, UNK);
	cr_assert_not(f.c.closing);
	cr_assert(conn_wants_read(&f.c));
	cr_assert_eq(f.c.mode, NI);
	fx_feed(&f, "ping\n");
	fx_expect_out(&f, LINE_REPLY_PONG);
	cr_assert(f.c.closing);
}

Test(listener_prompt, conn_unknown_mode_in_prompt_mode_adds_prompt)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt\nprompt zz\n");
	fx_expect_out(&f, "; " UNK "; ");
}

Test(listener_prompt, conn_prompt_n_closes_after_the_next_reply)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\nprompt n\n");
	fx_expect_out(&f, "; ");
	cr_assert_not(f.c.closing);
	fx_feed(&f, "\n");
	cr_assert_not(f.c.closing, "a blank line is no reply");
	fx_feed(&f, "version\n");
	fx_expect_out(&f, LINE_REPLY_VERSION);
	cr_assert(f.c.closing);
	cr_assert(conn_finished(&f.c));
}

Test(listener_prompt, conn_toggle_from_prompt_is_interactive)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt\nping\nprompt\nping\n");
	fx_expect_out(&f, "; " LINE_REPLY_PONG "; " LINE_REPLY_PONG);
	cr_assert_eq(f.c.mode, IN);
	cr_assert_not(f.c.closing);
}

Test(listener_prompt, conn_prompt_i_from_prompt_writes_nothing)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\nprompt i\nping\n");
	fx_expect_out(&f, "; " LINE_REPLY_PONG);
}

Test(listener_prompt, conn_blank_line_in_prompt_mode_writes_prompt)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\n\n \t\r\n");
	fx_expect_out(&f, "; ; ; ");
	cr_assert_not(f.c.closing);
}

Test(listener_prompt, conn_blank_lines_keep_noninteractive_open)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "\n\n   \n");
	fx_expect_out(&f, "");
	cr_assert_not(f.c.closing);
	cr_assert(conn_wants_read(&f.c));
}

Test(listener_prompt, conn_prompt_argument_is_the_second_token_only)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt\tp extra words\n");
	fx_expect_out(&f, "; ");
	cr_assert_eq(f.c.mode, PR);
}

Test(listener_prompt, conn_prompt_mode_applies_to_worker_replies)
{
	struct fx	 f;

	fx_init(&f);
	fx_feed(&f, "prompt p\nstat\n");
	fx_expect_out(&f, "; ");
	fx_expect_request(&f, 1, &fx_user, "stat", 4);
	cr_assert_eq(fx_reply(&f, 1, "{\"api\":3}"), 0);
	/* stat has no newline: the prompt follows the brace directly. */
	fx_expect_out(&f, "{\"api\":3}; ");
}
