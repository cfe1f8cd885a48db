/*
 * The journal on privconfd's side (docs/design.md 6): opened once, safely,
 * replayed after the profiles, its torn last record cut off, locked for
 * as long as a worker appends to it, then handed to the worker as fd 4.
 */
#ifndef PRIVCONF_DAEMON_JOURNAL_H
#define PRIVCONF_DAEMON_JOURNAL_H

#include <stddef.h>

#include "daemon/profile.h"

/*
 * Open or create path (mode 0600, O_APPEND): a regular file of this user,
 * writable by nobody else, and not locked by another privconfd.  The
 * lock (flock) stays with the open file, and so with the worker.  The fd,
 * or -1 with a message in err.
 */
int	journal_open(const char *path, char *err, size_t errlen);

/*
 * privconfd -n: the same checks as journal_open() but the lock, on a
 * descriptor opened read-only, and the commands appended to p.  A
 * missing journal is fine (the daemon creates it); a torn last line is
 * reported, not cut.  Nothing is written, created or locked.  0, or -1
 * with a message in err.
 */
int	journal_check(const char *path, struct profile *p, char *err,
	    size_t errlen);

/*
 * Append the journal's commands to p (its comments are skipped).  An
 * unterminated last line is the torn end of a write a crash cut short:
 * it is logged, named by its line, and cut off the file, so that the
 * next record starts on a fresh line.  0, or -1 with a message in err.
 */
int	journal_replay(int fd, const char *path, struct profile *p, char *err,
	    size_t errlen);

#endif
