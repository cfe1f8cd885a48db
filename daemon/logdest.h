/*
 * Where privconfd's log goes (docs/design.md 5): standard error (-f), a
 * file (-l FILE, reopened on SIGHUP), or syslog (detached without -l).
 * Until privconfd serves, every line also goes to standard error, so
 * that whoever started it sees why a start failed; once it serves, the
 * destination takes the place of fd 2, the one descriptor privconfd's
 * seccomp filter lets it write to.
 */
#ifndef PRIVCONF_DAEMON_LOGDEST_H
#define PRIVCONF_DAEMON_LOGDEST_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The flags of every open of the log file, the only ones seccomp allows
 * once privconfd is confined.  O_NONBLOCK: a FIFO there must not hang
 * the start; a regular file ignores it.
 */
#define LOGDEST_FLAGS	(O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | \
			 O_NOCTTY | O_NONBLOCK | O_CLOEXEC)

enum logdest_kind {
	LOGDEST_STDERR,
	LOGDEST_FILE,
	LOGDEST_SYSLOG,
};

/*
 * Log to syslog too (LOG_DAEMON, ident "privconfd", privconfd's pid; a
 * child's line keeps its own prefix): a datagram socket connected to
 * /dev/log.  0, or -1 with a message in err (lines stay on stderr).
 */
int	logdest_syslog(char *err, size_t errlen);
/* Append to path too (created 0600).  0, or -1 with a message in err. */
int	logdest_file(const char *path, char *err, size_t errlen);
/* privconfd serves: lines go only to the destination from now on. */
void	logdest_serving(void);
/*
 * SIGHUP: reopen the log file (after a rotation renamed it).  1
 * reopened, 0 there is no file to reopen, -1 failed (errno set; the old
 * file stays in use).
 */
int	logdest_reopen(void);

enum logdest_kind logdest_kind(void);
/* The log file's directory (O_PATH) and name in it; -1 and NULL if none. */
int	logdest_dirfd(void);
const char *logdest_path(void);

#endif
