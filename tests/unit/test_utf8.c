/* UTF-8 validation of client lines. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/utf8.h"

#define OK(s)	cr_assert(utf8_valid((const uint8_t *)(s), sizeof(s) - 1), "%s", #s)
#define BAD(s)	cr_assert_not(utf8_valid((const uint8_t *)(s), sizeof(s) - 1), "%s", #s)

Test(utf8, accepts_valid_text)
{
	OK("");
	OK("ping");
	OK("a\0b");		/* NUL is valid UTF-8 */
	OK("\xc3\xa9");		/* é */
	OK("\xe2\x82\xac");	/* € */
	OK("\xf0\x9f\x98\x80");	/* U+1F600 */
	OK("\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	OK("\xed\x9f\xbf");	/* U+D7FF */
}

Test(utf8, refuses_invalid_text)
{
	BAD("\xff");
	BAD("\x80");
	BAD("\xc3");		/* truncated */
	BAD("\xc0\xaf");	/* overlong / */
	BAD("\xc1\xbf");
	BAD("\xe0\x80\xaf");	/* overlong */
	BAD("\xed\xa0\x80");	/* surrogate U+D800 */
	BAD("\xf4\x90\x80\x80");	/* past U+10FFFF */
	BAD("\xf5\x80\x80\x80");
	BAD("\xe2\x82");	/* truncated at the end */
	BAD("a\xe2(\xac");	/* bad continuation */
}

/*
 * The word-at-a-time ASCII skip: every sequence above, placed at every
 * offset of a run of ASCII (so before, inside and after each 8-byte
 * step, and in the tail shorter than a step), decides as it does alone.
 */
Test(utf8, same_answer_at_every_offset)
{
	static const struct {
		const char *s;
		bool	    ok;
	} seq[] = {
		{ "\xc3\xa9", true }, { "\xe2\x82\xac", true },
		{ "\xf0\x9f\x98\x80", true }, { "\xff", false },
		{ "\x80", false }, { "\xc3", false }, { "\xc0\xaf", false },
		{ "\xed\xa0\x80", false }, { "\xf4\x90\x80\x80", false },
		{ "\xe2\x82", false },
	};
	uint8_t	 buf[64];
	size_t	 i, pre, post, len;

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		len = strlen(seq[i].s);
		for (pre = 0; pre <= 20; pre++)
			for (post = 0; post <= 20; post++) {
				memset(buf, 'a', sizeof(buf));
				memcpy(buf + pre, seq[i].s, len);
				cr_assert_eq(utf8_valid(buf, pre + len + post),
				    seq[i].ok, "seq %zu pre %zu post %zu", i,
				    pre, post);
			}
	}
	/* An ASCII run of every length up to 64 is valid. */
	memset(buf, 'a', sizeof(buf));
	for (len = 0; len <= sizeof(buf); len++)
		cr_assert(utf8_valid(buf, len));
	/* A high byte past n is not read. */
	buf[9] = 0xff;
	cr_assert(utf8_valid(buf, 9));
	cr_assert_not(utf8_valid(buf, 10));
}
