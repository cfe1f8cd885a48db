/* UTF-8 validation of client lines. */
#include <criterion/criterion.h>

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
