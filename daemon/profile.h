/*
 * Profiles (-P FILE, repeatable): every line that is not a comment is a
 * command for the worker (SETUP), sent with its source and line number.
 * The ipc lines of docs/commands.md 3.7 also tell privconfd how to bind the
 * socket when the command line did not.
 */
#ifndef PRIVCONF_DAEMON_PROFILE_H
#define PRIVCONF_DAEMON_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "daemon/options.h"

struct profile_line {
	const char	*source;	/* the -P argument, as given */
	char		*text;		/* len bytes and a NUL, in a block */
	uint32_t	 lineno;	/* from 1 */
	uint32_t	 len;		/* at most PROFILE_LINE_MAX */
};

/*
 * The texts live in blocks (4 KiB doubling up to 1 MiB), not one malloc
 * each: a journal of millions of short commands would pay malloc's
 * header and rounding on every one.
 */
struct profile_block;

struct profile {
	struct profile_line	*lines;
	size_t			 n;
	size_t			 cap;
	struct profile_block	*blocks;	/* newest first */
};

#define PROFILE_INIT	{ NULL, 0, 0, NULL }

/* What the ipc lines ask for; the last line of each kind wins. */
struct profile_ipc {
	const char	*addr;		/* NULL: no ipc: line */
	struct contract_id	 uid;		/* CONTRACT_ID_UNSET: no such line */
	struct contract_id	 gid;
};

/*
 * Append the commands of the regular file at path (kept by pointer: it
 * must outlive p) to p, at most PROFILE_SIZE_MAX bytes of it.  Lines
 * starting with "#" and blank lines (only space, \t, \r, \f: the IPC
 * blanks) are skipped; the last line may lack its newline.  0, or -1
 * with a message in err: "FILE:LINE: line too long", "FILE: not a
 * regular file", "FILE: larger than N bytes".
 */
int	profile_read(struct profile *p, const char *path, char *err,
	    size_t errlen);
/* The same, reading fd (not closed) as source. */
int	profile_read_fd(struct profile *p, int fd, const char *source,
	    char *err, size_t errlen);

/* What follows the last newline of a journal, and the bytes read. */
struct profile_tail {
	uint32_t	 lineno;	/* the torn line's number */
	size_t		 len;		/* its bytes; 0: none */
	size_t		 size;		/* of the whole file */
};
/*
 * The same, at most max bytes; with tail, an unterminated last line is
 * not a line but reported in *tail (the journal's torn record).
 */
int	profile_read_limited(struct profile *p, int fd, const char *source,
	    size_t max, struct profile_tail *tail, char *err, size_t errlen);
/*
 * Collect the ipc lines of p.  A malformed value is refused as the worker
 * would: -1 with err "FILE:LINE: COMMAND: EINVAL: Invalid argument".
 */
int	profile_ipc(const struct profile *p, struct profile_ipc *ipc,
	    char *err, size_t errlen);
/* Find the line the worker names in a SETUP_ERROR; NULL if none. */
const struct profile_line *profile_find(const struct profile *p,
	    const uint8_t *source, size_t source_len, uint32_t lineno);
void	profile_free(struct profile *p);

#endif
