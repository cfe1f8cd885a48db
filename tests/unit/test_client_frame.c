/*
 * client/frame.c: where a reply ends in prompt mode, whatever the pieces
 * the bytes arrive in, and what is not a reply.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "client/frame.h"
#include "common/limits.h"

/* Scan s whole; FRAME_DONE also checks the body and the length. */
static enum frame_result
scan_all(enum frame_expect ex, const char *s, struct frame *f)
{
	frame_begin(f, ex);
	return frame_scan(f, (const uint8_t *)s, strlen(s));
}

/* s is one reply of body bytes, then "; ", scanned in every split. */
static void
assert_reply(enum frame_expect ex, const char *s, size_t body)
{
	struct frame		 f;
	enum frame_result	 r;
	size_t			 n = strlen(s), cut, i;

	cr_assert_eq(scan_all(ex, s, &f), FRAME_DONE, "\"%s\"", s);
	cr_assert_eq(f.body, body, "\"%s\": body %zu", s, f.body);
	cr_assert_eq(frame_len(&f), n);
	/* One byte at a time, as a slow server sends it. */
	frame_begin(&f, ex);
	for (i = 1; i <= n; i++) {
		r = frame_scan(&f, (const uint8_t *)s, i);
		cr_assert_eq(r, i == n ? FRAME_DONE : FRAME_MORE,
		    "\"%s\" after %zu bytes: %d", s, i, r);
	}
	/* Two pieces, cut anywhere. */
	for (cut = 0; cut < n; cut++) {
		frame_begin(&f, ex);
		cr_assert_eq(frame_scan(&f, (const uint8_t *)s, cut),
		    FRAME_MORE);
		cr_assert_eq(frame_scan(&f, (const uint8_t *)s, n),
		    FRAME_DONE);
		cr_assert_eq(f.body, body);
	}
}

Test(client_frame, prompt_alone_answers_prompt_p)
{
	assert_reply(FRAME_PROMPT, "; ", 0);
}

Test(client_frame, object_then_newline_then_prompt)
{
	assert_reply(FRAME_OBJECT, "{\"err\":0,\"msg\":\"ACK\"}\n; ", 22);
	assert_reply(FRAME_OBJECT, "{\"major\":3,\"minor\":1,"
	    "\"version\":\"3.1\"}\n; ", 38);
}

Test(client_frame, stat_has_no_newline_before_its_prompt)
{
	assert_reply(FRAME_OBJECT, "{\"a\":{\"b\":[1,{}]}}; ", 18);
}

Test(client_frame, strings_hide_brackets_and_prompts)
{
	assert_reply(FRAME_OBJECT, "{\"pat\":\"}; \\\"{[\"}; ", 17);
	assert_reply(FRAME_OBJECT, "{\"pat\":\"\\\\\"}\n; ", 13);
}

Test(client_frame, stats_text_ends_at_a_line_that_is_a_prompt)
{
	assert_reply(FRAME_TEXT, "api: 3.1\nrule 1: allow/read+/a; b\n; ",
	    34);
	assert_reply(FRAME_TEXT, "a\n;x\n; ", 5);
	/* An error to stats is an object all the same. */
	assert_reply(FRAME_TEXT, "{\"err\":7,\"msg\":\"E2BIG\"}\n; ", 24);
}

Test(client_frame, only_the_current_reply_is_taken)
{
	struct frame	 f;
	const char	*s = "{\"err\":0,\"msg\":\"ACK\"}\n; {\"err\":0";

	cr_assert_eq(scan_all(FRAME_OBJECT, s, &f), FRAME_DONE);
	cr_assert_eq(frame_len(&f), 24);
}

Test(client_frame, what_our_server_never_sends_is_bad)
{
	struct frame	 f;

	cr_assert_eq(scan_all(FRAME_PROMPT, "SSH-2.0-OpenSSH\r\n", &f),
	    FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "HTTP/1.1 400\r\n", &f),
	    FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "; ", &f), FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_TEXT, "; ", &f), FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\"a\":1}x", &f), FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\"a\":1}\nx", &f), FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\"a\":1}\n;x", &f), FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\n\"a\":1}\n; ", &f),
	    FRAME_BAD);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\"a\n\":1}\n; ", &f),
	    FRAME_BAD);
}

Test(client_frame, nesting_is_bounded)
{
	struct frame	 f;
	char		 s[CTL_JSON_DEPTH_MAX + 2];

	memset(s, '[', sizeof(s) - 1);
	s[0] = '{';
	s[sizeof(s) - 1] = '\0';
	cr_assert_eq(scan_all(FRAME_OBJECT, s, &f), FRAME_BAD);
	s[sizeof(s) - 2] = '\0';
	cr_assert_eq(scan_all(FRAME_OBJECT, s, &f), FRAME_MORE);
}

Test(client_frame, a_reply_longer_than_any_of_ours_is_big)
{
	struct frame	 f;
	size_t		 n = CTL_REPLY_MAX + 1;
	uint8_t		*p;

	p = malloc(n);
	cr_assert(p != NULL);
	memset(p, 'a', n);
	frame_begin(&f, FRAME_TEXT);
	cr_assert_eq(frame_scan(&f, p, n - 1), FRAME_MORE);
	cr_assert_eq(frame_scan(&f, p, n), FRAME_BIG);
	p[0] = '{';
	p[1] = '"';
	frame_begin(&f, FRAME_OBJECT);
	cr_assert_eq(frame_scan(&f, p, n), FRAME_BIG);
	free(p);
}

Test(client_frame, how_the_stream_ended)
{
	struct frame	 f;
	const char	*last = "{\"err\":13,\"msg\":\"AUTH\"}\n";

	frame_begin(&f, FRAME_OBJECT);
	cr_assert_eq(frame_at_eof(&f, 0), FRAME_EOF_CLEAN);
	cr_assert_eq(scan_all(FRAME_PROMPT, last, &f), FRAME_MORE);
	cr_assert_eq(frame_at_eof(&f, strlen(last)), FRAME_EOF_LAST);
	cr_assert_eq(scan_all(FRAME_OBJECT, "{\"err\":0", &f), FRAME_MORE);
	cr_assert_eq(frame_at_eof(&f, 8), FRAME_EOF_CUT);
	cr_assert_eq(scan_all(FRAME_TEXT, "api: 3.1\n", &f), FRAME_MORE);
	cr_assert_eq(frame_at_eof(&f, 9), FRAME_EOF_CUT);
}
