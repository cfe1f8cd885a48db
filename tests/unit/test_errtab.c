/* The errno table of docs/protocol.md section 5, every entry. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "common/errtab.h"

static const struct {
	int		 err;
	const char	*reply;
} rows[] = {
	{ 0, "{\"err\":0,\"msg\":\"ACK\"}\n" },
	{ EPERM, "{\"err\":1,\"msg\":\"EPERM: Operation not permitted\"}\n" },
	{ ENOENT, "{\"err\":2,\"msg\":\"ENOENT: No such file or directory\"}\n" },
	{ E2BIG, "{\"err\":7,\"msg\":\"E2BIG: Argument list too long\"}\n" },
	{ EAGAIN, "{\"err\":11,\"msg\":\"EAGAIN: Try again\"}\n" },
	{ ENOMEM, "{\"err\":12,\"msg\":\"ENOMEM: Out of memory\"}\n" },
	{ EACCES, "{\"err\":13,\"msg\":\"EACCES: Permission denied\"}\n" },
	{ EBUSY, "{\"err\":16,\"msg\":\"EBUSY: Device or resource busy\"}\n" },
	{ EIO, "{\"err\":5,\"msg\":\"EIO: I/O error\"}\n" },
	{ EEXIST, "{\"err\":17,\"msg\":\"EEXIST: File exists\"}\n" },
	{ EINVAL, "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n" },
	{ ENOSPC, "{\"err\":28,\"msg\":\"ENOSPC: No space left on device\"}\n" },
	{ ERANGE, "{\"err\":34,\"msg\":\"ERANGE: Math result not representable\"}\n" },
	{ ENAMETOOLONG, "{\"err\":36,\"msg\":\"ENAMETOOLONG: File name too long\"}\n" },
	{ ENOSYS, "{\"err\":38,\"msg\":\"ENOSYS: Function not implemented\"}\n" },
	{ EOPNOTSUPP, "{\"err\":95,\"msg\":\"EOPNOTSUPP: Operation not supported on transport endpoint\"}\n" },
};

Test(errtab, every_reply_is_exact)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = BUF_INIT;

		cr_assert_eq(errtab_reply(&b, rows[i].err), 0);
		cr_assert_eq(b.len, strlen(rows[i].reply), "errno %d", rows[i].err);
		cr_assert_arr_eq(b.data, rows[i].reply, b.len, "errno %d",
		    rows[i].err);
		buf_free(&b);
	}
}

Test(errtab, unknown_errno_is_reported_as_einval)
{
	struct buf b = BUF_INIT;

	cr_assert_null(errtab_text(EROFS));
	cr_assert_null(errtab_name(EROFS));
	cr_assert_eq(errtab_reply(&b, EROFS), 0);
	cr_assert_arr_eq(b.data, "{\"err\":22,", 10);
	buf_free(&b);
}

Test(errtab, names_and_texts)
{
	cr_assert_str_eq(errtab_name(EBUSY), "EBUSY");
	cr_assert_str_eq(errtab_text(EINVAL), "EINVAL: Invalid argument");
}
