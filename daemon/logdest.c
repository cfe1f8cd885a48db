/*
 * privconfd's log destinations.  common/log.c formats every line and
 * hands it to fd 2 and to the hook set here; this file only decides
 * where that is.  Once privconfd serves, the destination is dup'ed onto
 * fd 2 so that its seccomp filter, which lets it write to fd 2 only,
 * needs no row per destination: a syslog socket is a datagram socket
 * connected to /dev/log, one write(2) per line; a log file is reopened
 * on SIGHUP through an O_PATH descriptor of its directory, with the one
 * set of flags that filter allows.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/writeall.h"
#include "daemon/logdest.h"

static enum logdest_kind kind = LOGDEST_STDERR;
/* The destination while starting; fd 2 once serving. */
static int	 dest_fd = -1;
static bool	 serving;
/* The log file: its directory and its name in it, for the reopen. */
static int	 dir_fd = -1;
static char	 file_path[PATH_MAX];
static const char *file_base;

static int
logdest_fail(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -1;
}

/* Connect (again: syslogd restarted) the datagram socket fd to /dev/log. */
static int
logdest_connect(int fd)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, _PATH_LOG, sizeof(sun.sun_path));
	return connect(fd, (struct sockaddr *)&sun, sizeof(sun));
}

/*
 * One datagram per line, in the format syslog(3) writes to /dev/log:
 * "<PRI>Mmm dd hh:mm:ss privconfd[PID]: " and the line without its
 * prefix and newline.  privconfd's own lines lose "privconfd: " (the
 * ident says it); a child's line keeps "privconf[worker]: ".
 */
static int
logdest_syslog_put(int pri, const char *line, size_t n, size_t skip)
{
	char		 msg[LOG_LINE_MAX + 128], stamp[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	size_t		 h;
	ssize_t		 w;
	int		 fd = serving ? STDERR_FILENO : dest_fd, r, again = 1;

	if (skip > n)
		skip = n;
	line += skip;
	n -= skip;
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		strlcpy(stamp, "Jan  1 00:00:00", sizeof(stamp));
	r = snprintf(msg, sizeof(msg), "<%d>%s privconfd[%ld]: ",
	    LOG_DAEMON | pri, stamp, (long)getpid());
	if (r <= 0 || (size_t)r >= sizeof(msg))
		return -1;
	h = (size_t)r;
	if (n > sizeof(msg) - h)
		n = sizeof(msg) - h;
	memcpy(msg + h, line, n);
	for (;;) {
		/* Non-blocking: a syslogd that reads nothing drops lines. */
		if ((w = write(fd, msg, h + n)) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (again-- > 0 && (errno == ECONNREFUSED ||
		    errno == ENOTCONN) && logdest_connect(fd) == 0)
			continue;
		return -1;
	}
}

/* Before serving only: afterwards the file is fd 2 itself. */
static int
logdest_file_put(int pri, const char *line, size_t n, size_t skip)
{
	(void)pri;
	(void)skip;
	return write_all(dest_fd, line, n);
}

int
logdest_syslog(char *err, size_t errlen)
{
	int	 fd;

	/* localtime_r reads the zone once; confined, it could not. */
	tzset();
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return logdest_fail(err, errlen, "syslog socket", errno);
	if (logdest_connect(fd) == -1) {
		close(fd);
		return logdest_fail(err, errlen, "cannot reach syslog at "
		    _PATH_LOG, errno);
	}
	dest_fd = fd;
	kind = LOGDEST_SYSLOG;
	log_route(logdest_syslog_put, true);
	return 0;
}

/* Open the log file in dir_fd; the fd, or -1 with errno. */
static int
logdest_open(void)
{
	struct stat	 st;
	int		 fd;

	if ((fd = openat(dir_fd, file_base, LOGDEST_FLAGS, 0600)) == -1)
		return -1;
	/* Confined, fstat is refused: the first open is the one checked. */
	if (!serving && (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
logdest_file(const char *path, char *err, size_t errlen)
{
	char	 dir[PATH_MAX];
	char	*slash;

	if (strlcpy(file_path, path, sizeof(file_path)) >= sizeof(file_path))
		return logdest_fail(err, errlen, path, ENAMETOOLONG);
	strlcpy(dir, path, sizeof(dir));
	if ((slash = strrchr(dir, '/')) == NULL) {
		strlcpy(dir, ".", sizeof(dir));
		file_base = file_path;
	} else {
		file_base = file_path + (slash - dir) + 1;
		slash[slash == dir] = '\0';	/* "/x.log": the directory "/" */
	}
	if (*file_base == '\0')
		return logdest_fail(err, errlen, path, EISDIR);
	if ((dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return logdest_fail(err, errlen, dir, errno);
	if ((dest_fd = logdest_open()) == -1) {
		snprintf(err, errlen, "%s: %s", path, errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		close(dir_fd);
		dir_fd = -1;
		return -1;
	}
	kind = LOGDEST_FILE;
	log_route(logdest_file_put, true);
	return 0;
}

void
logdest_serving(void)
{
	if (kind == LOGDEST_STDERR || serving)
		return;
	if (dup2(dest_fd, STDERR_FILENO) == -1)
		fatal("op=log why=\"dup2\"");
	close(dest_fd);
	dest_fd = STDERR_FILENO;
	serving = true;
	/* fd 2 is now the file, as it is with -f; or the syslog socket. */
	if (kind == LOGDEST_FILE)
		log_route(NULL, true);
	else
		log_route(logdest_syslog_put, false);
}

int
logdest_reopen(void)
{
	int	 fd, e;

	if (kind != LOGDEST_FILE)
		return 0;
	if ((fd = logdest_open()) == -1)
		return -1;
	if (!serving) {
		close(dest_fd);
		dest_fd = fd;
		return 1;
	}
	if (dup2(fd, STDERR_FILENO) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 1;
}

enum logdest_kind
logdest_kind(void)
{
	return kind;
}

int
logdest_dirfd(void)
{
	return dir_fd;
}

const char *
logdest_path(void)
{
	return kind == LOGDEST_FILE ? file_path : NULL;
}
