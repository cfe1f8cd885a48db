/* The one strict decimal parser. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/decimal.h"

static int
p(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	return decimal_parse(s, strlen(s), min, max, v);
}

Test(decimal, accepts_plain_digits_in_range)
{
	uint64_t v = 7;

	cr_assert_eq(p("0", 0, 10, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(p("0010", 0, 10, &v), 0);
	cr_assert_eq(v, 10);
	cr_assert_eq(p("18446744073709551615", 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, UINT64_MAX);
}

Test(decimal, refuses_everything_else_and_keeps_out)
{
	uint64_t v = 7;

	cr_assert_eq(p("", 0, 10, &v), -1);
	cr_assert_eq(p("11", 0, 10, &v), -1);		/* one past max */
	cr_assert_eq(p("4", 5, 10, &v), -1);		/* below min */
	cr_assert_eq(p("18446744073709551616", 0, UINT64_MAX, &v), -1);
	cr_assert_eq(p("+1", 0, 10, &v), -1);
	cr_assert_eq(p("-1", 0, 10, &v), -1);
	cr_assert_eq(p(" 1", 0, 10, &v), -1);
	cr_assert_eq(p("1 ", 0, 10, &v), -1);
	cr_assert_eq(p("0x1", 0, 10, &v), -1);
	cr_assert_eq(decimal_parse("1\0", 2, 0, 10, &v), -1);
	cr_assert_eq(v, 7);
}
