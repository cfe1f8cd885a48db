/* Escaping of client and profile bytes in log lines. */
#include <criterion/criterion.h>

#include "common/log.h"

Test(log, escape_keeps_printable_ascii_only)
{
	char	 out[64];

	log_escape(out, sizeof(out), "a\"b\\c\n\x1b\xc3\xa9", 9, false);
	cr_assert_str_eq(out, "a\"b\\\\c\\x0a\\x1b\\xc3\\xa9");
	log_escape(out, sizeof(out), "a\"b", 3, true);
	cr_assert_str_eq(out, "a\\\"b");
}

Test(log, escape_cuts_at_a_whole_escape)
{
	char	 out[64];

	log_escape(out, 6, "abc\ndef", 7, false);
	cr_assert_str_eq(out, "abc");
	log_escape(out, 5, "abc\\d", 5, false);
	cr_assert_str_eq(out, "abc");
	log_escape(out, 1, "abc", 3, false);
	cr_assert_str_eq(out, "");
}
