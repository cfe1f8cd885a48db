/*
 * The errno table of docs/protocol.md section 5: Rust nix's wording, not
 * glibc's.
 */
#include <errno.h>
#include <stddef.h>

#include "common/errtab.h"

static const struct {
	int		 err;
	const char	*name;
	const char	*text;
} errtab[] = {
	{ EPERM,	"EPERM",	"EPERM: Operation not permitted" },
	{ ENOENT,	"ENOENT",	"ENOENT: No such file or directory" },
	{ EIO,		"EIO",		"EIO: I/O error" },
	{ E2BIG,	"E2BIG",	"E2BIG: Argument list too long" },
	{ EAGAIN,	"EAGAIN",	"EAGAIN: Try again" },
	{ ENOMEM,	"ENOMEM",	"ENOMEM: Out of memory" },
	{ EACCES,	"EACCES",	"EACCES: Permission denied" },
	{ EBUSY,	"EBUSY",	"EBUSY: Device or resource busy" },
	{ EEXIST,	"EEXIST",	"EEXIST: File exists" },
	{ EINVAL,	"EINVAL",	"EINVAL: Invalid argument" },
	{ ENOSPC,	"ENOSPC",	"ENOSPC: No space left on device" },
	{ ERANGE,	"ERANGE",	"ERANGE: Math result not representable" },
	{ ENAMETOOLONG,	"ENAMETOOLONG",	"ENAMETOOLONG: File name too long" },
	{ ENOSYS,	"ENOSYS",	"ENOSYS: Function not implemented" },
	{ EOPNOTSUPP,	"EOPNOTSUPP",
	    "EOPNOTSUPP: Operation not supported on transport endpoint" },
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

int
errtab_reply(struct buf *b, int err)
{
	int	 i;

	if (err == 0)
		return buf_appendstr(b, "{\"err\":0,\"msg\":\"ACK\"}\n");
	if ((i = errtab_find(err)) < 0)
		i = errtab_find(EINVAL);
	return buf_printf(b, "{\"err\":%d,\"msg\":\"%s\"}\n", errtab[i].err,
	    errtab[i].text);
}
