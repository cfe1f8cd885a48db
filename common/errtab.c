/*
 * The errno table of docs/protocol.md section 5: Rust nix's wording, not
 * glibc's.
 */
#include <errno.h>
#include <stddef.h>

#include "common/errtab.h"

/*
 * Each row with its whole client reply, written out at compile time from
 * the same number and words (tests/unit/test_errtab.c checks every byte):
 * a reply costs no formatting and no allocation.
 */
#define ROW(e, num, name, text)	{ (e), name, name ": " text,	\
	"{\"err\":" #num ",\"msg\":\"" name ": " text "\"}\n",		\
	sizeof("{\"err\":" #num ",\"msg\":\"" name ": " text "\"}\n") - 1 }

static const struct {
	int		 err;
	const char	*name;
	const char	*text;
	const char	*reply;
	size_t		 replylen;
} errtab[] = {
	ROW(EPERM, 1, "EPERM", "Operation not permitted"),
	ROW(ENOENT, 2, "ENOENT", "No such file or directory"),
	ROW(EIO, 5, "EIO", "I/O error"),
	ROW(E2BIG, 7, "E2BIG", "Argument list too long"),
	ROW(EAGAIN, 11, "EAGAIN", "Try again"),
	ROW(ENOMEM, 12, "ENOMEM", "Out of memory"),
	ROW(EACCES, 13, "EACCES", "Permission denied"),
	ROW(EBUSY, 16, "EBUSY", "Device or resource busy"),
	ROW(EEXIST, 17, "EEXIST", "File exists"),
	ROW(EINVAL, 22, "EINVAL", "Invalid argument"),
	ROW(ENOSPC, 28, "ENOSPC", "No space left on device"),
	ROW(ERANGE, 34, "ERANGE", "Math result not representable"),
	ROW(ENAMETOOLONG, 36, "ENAMETOOLONG", "File name too long"),
	ROW(ENOSYS, 38, "ENOSYS", "Function not implemented"),
	ROW(EOPNOTSUPP, 95, "EOPNOTSUPP",
	    "Operation not supported on transport endpoint"),
};

static int
errtab_find(int err)
{
	size_t	 i;

	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].err == err)
			return (int)i;
	return -1;
}

const char *
errtab_text(int err)
{
	int	 i = errtab_find(err);

	return i < 0 ? NULL : errtab[i].text;
}

const char *
errtab_name(int err)
{
	int	 i = errtab_find(err);

	return i < 0 ? NULL : errtab[i].name;
}

const char *
errtab_reply_text(int err, size_t *len)
{
	static const char ack[] = "{\"err\":0,\"msg\":\"ACK\"}\n";
	int	 i;

	if (err == 0) {
		*len = sizeof(ack) - 1;
		return ack;
	}
	if ((i = errtab_find(err)) < 0)
		i = errtab_find(EINVAL);
	*len = errtab[i].replylen;
	return errtab[i].reply;
}

int
errtab_reply(struct buf *b, int err)
{
	const char	*r;
	size_t		 len;

	r = errtab_reply_text(err, &len);
	return buf_append(b, r, len);
}
