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

/* A buffer never quite emptied stays bounded by what it holds. */
Test(buf, never_empty_buffer_stays_bounded)
{
	struct buf b = BUF_INIT;
	char	 chunk[101];
	int	 i;

	memset(chunk, '\n', 100);
	chunk[100] = ' ';
	for (i = 0; i < 1000; i++) {
		cr_assert_eq(buf_append(&b, chunk, sizeof(chunk)), 0);
		/* Consume all but the last byte, as a line reader does. */
		buf_consume(&b, buf_unread(&b) - 1);
		cr_assert_eq(buf_unread(&b), 1);
	}
	cr_assert_leq(b.len, 2 * sizeof(chunk), "len %zu", b.len);
	cr_assert_leq(b.cap, 4 * sizeof(chunk) + 256, "cap %zu", b.cap);
	cr_assert_eq(*buf_head(&b), ' ');
	buf_free(&b);
}

/*
 * fuzz_worker's first finding: journal_commit() took the head of its
 * empty batch, NULL + 0, undefined in C (UBSan stops there).  The head of
 * a buffer that never held a byte is NULL itself.
 */
Test(buf, head_of_a_never_used_buffer_is_null)
{
	struct buf b = BUF_INIT;

	cr_assert_null(buf_head(&b));
	cr_assert_eq(buf_unread(&b), 0);
	cr_assert_eq(buf_append(&b, "x", 1), 0);
	cr_assert_not_null(buf_head(&b));
	buf_consume(&b, 1);
	cr_assert_eq(buf_unread(&b), 0);
	buf_free(&b);
	cr_assert_null(buf_head(&b));
}
