/* The growable buffer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "common/buf.h"

Test(buf, append_consume_compact)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(buf_appendstr(&b, "hello "), 0);
	cr_assert_eq(buf_printf(&b, "%d-%s", 42, "x"), 0);
	cr_assert_eq(buf_unread(&b), 10);
	cr_assert_arr_eq(buf_head(&b), "hello 42-x", 10);
	buf_consume(&b, 6);
	cr_assert_arr_eq(buf_head(&b), "42-x", 4);
	buf_compact(&b);
	cr_assert_eq(b.off, 0);
	cr_assert_arr_eq(b.data, "42-x", 4);
	buf_consume(&b, 100);
	cr_assert_eq(buf_unread(&b), 0);
	buf_free(&b);
}

Test(buf, printf_grows_past_capacity)
{
	struct buf b = BUF_INIT;
	char big[1000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(buf_printf(&b, "[%s]", big), 0);
	cr_assert_eq(b.len, 1001);
	cr_assert_eq(b.data[1000], ']');
	buf_free(&b);
}

Test(buf, overflowing_reserve_fails_cleanly)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(buf_appendstr(&b, "x"), 0);
	errno = 0;
	cr_assert_eq(buf_reserve(&b, SIZE_MAX), -1);
	cr_assert_eq(errno, ENOMEM);
	cr_assert_eq(b.len, 1);
	buf_free(&b);
}
