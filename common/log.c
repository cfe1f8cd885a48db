/*
 * One line per event on stderr.  Each line is formatted into a fixed
 * buffer and written with a single write(2), so lines of concurrent
 * processes never interleave, and a line that does not fit is cut, not
 * split.  privconfd gives its children a non-blocking pipe as stderr: a
 * full pipe makes write fail with EAGAIN and the line is dropped, which
 * is what "never block the event loop" costs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "common/writeall.h"

static const char	*log_prefix = "privconf: ";
static int		 log_verb;
/* Lines a full pipe refused since the last one that got through. */
static unsigned long	 log_dropped;
/* privconfd's other destination (log_route), and whether fd 2 gets lines. */
static log_put_fn	 log_hook;
static bool		 log_stderr = true;
/* "<N>" before each line: the level, for privconfd (log_line). */
static bool		 log_marks;
/* What a child's line starts with, after its mark. */
#define LOG_CHILD_PREFIX	"privconf["

void
log_init(const char *prefix)
{
	log_prefix = prefix;
}

void
log_mark_levels(bool on)
{
	log_marks = on;
}

/* "<N>" into dst (room for 4): its length, 0 when lines are not marked. */
static size_t
log_mark(char *dst, int pri)
{
	if (!log_marks)
		return 0;
	dst[0] = '<';
	dst[1] = (char)('0' + (pri & 7));
	dst[2] = '>';
	return 3;
}

void
log_set_verbose(int v)
{
	log_verb = v;
}

int
log_verbose(void)
{
	return log_verb;
}

void
log_route(log_put_fn put, bool to_stderr)
{
	log_hook = put;
	log_stderr = to_stderr;
}

/*
 * One whole line in one write(2): 0, or -1 when it was not written.  A
 * line of at most PIPE_BUF bytes goes into a pipe whole or not at all;
 * a short write elsewhere (a file, a terminal) is finished, not dropped.
 */
static int
log_write(const char *line, size_t n)
{
	return write_all(STDERR_FILENO, line, n);
}

/*
 * One line to every destination: fd 2 and the hook.  skip is the length
 * of this process's own prefix, which a syslog line replaces by its
 * ident.  0, or -1 when a destination did not take it.
 */
static int
log_put(int pri, const char *line, size_t n, size_t skip)
{
	int	 r = 0;

	if (log_stderr && log_write(line, n) == -1)
		r = -1;
	if (log_hook != NULL && log_hook(pri, line, n, skip) == -1)
		r = -1;
	return r;
}

/*
 * The count of lines dropped, in a line of its own, before the next line
 * that gets through: what was lost is never lost silently.
 */
static int
log_flush_dropped(void)
{
	char	 line[128];
	size_t	 m;
	int	 r;

	if (log_dropped == 0)
		return 0;
	m = log_mark(line, LOG_WARNING);
	r = snprintf(line + m, sizeof(line) - m, "%sop=log dropped=%lu\n",
	    log_prefix, log_dropped);
	if (r <= 0 || (size_t)r >= sizeof(line) - m ||
	    log_put(LOG_WARNING, line, m + (size_t)r,
	    m + strlen(log_prefix)) == -1)
		return -1;
	log_dropped = 0;
	return 0;
}

unsigned long
log_dropped_count(void)
{
	return log_dropped;
}

static void	log_out(int, const char *, size_t, size_t);

/* Format and write one line; errno is the same afterwards. */
static void
log_emit(int pri, int errnum, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];
	size_t	 n, m;
	int	 r, saved = errno;

	m = log_mark(line, pri);
	r = snprintf(line + m, sizeof(line) - m, "%s", log_prefix);
	n = m + (r < 0 ? 0 : (size_t)r);
	if (n < sizeof(line)) {
		r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		if (r > 0)
			n += (size_t)r;
	}
	if (errnum && n < sizeof(line)) {
		r = snprintf(line + n, sizeof(line) - n, " err=\"%s\"",
		    strerror(errnum));
		if (r > 0)
			n += (size_t)r;
	}
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	line[n++] = '\n';
	log_out(pri, line, n, m + strlen(log_prefix));
	errno = saved;
}

static void
log_out(int pri, const char *line, size_t n, size_t skip)
{
	int	 saved = errno;

	if (log_flush_dropped() == -1 || log_put(pri, line, n, skip) == -1)
		log_dropped++;
	errno = saved;
}

void
log_line(const char *line, size_t n)
{
	const size_t	 pl = sizeof(LOG_CHILD_PREFIX) - 1;
	int		 pri = LOG_INFO;

	/* A child's line keeps its prefix; its mark, if any, goes. */
	if (n >= 3 + pl && line[0] == '<' && line[1] >= '0' &&
	    line[1] <= '7' && line[2] == '>' &&
	    memcmp(line + 3, LOG_CHILD_PREFIX, pl) == 0) {
		pri = line[1] - '0';
		if (pri < LOG_ERR)
			pri = LOG_ERR;
		line += 3;
		n -= 3;
	}
	log_out(pri, line, n, 0);
}

/* One variadic wrapper: log_emit(pri, errnum, fmt, ...) from a function. */
#define LOG_VA(pri, errnum, fmt) do {			\
	va_list	 ap;					\
							\
	va_start(ap, fmt);				\
	log_emit((pri), (errnum), (fmt), ap);		\
	va_end(ap);					\
} while (0)

void
log_info(const char *fmt, ...)
{
	LOG_VA(LOG_INFO, 0, fmt);
}

void
log_debug(const char *fmt, ...)
{
	if (log_verb)
		LOG_VA(LOG_DEBUG, 0, fmt);
}

void
log_warn(const char *fmt, ...)
{
	LOG_VA(LOG_WARNING, errno, fmt);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_VA(LOG_WARNING, 0, fmt);
}

void
fatal(const char *fmt, ...)
{
	LOG_VA(LOG_ERR, errno, fmt);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_VA(LOG_ERR, 0, fmt);
	exit(1);
}

bool
log_escape(char *dst, size_t n, const char *s, size_t len, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;
	unsigned char c;

	if (n == 0)
		return len > 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\\' || (quoted && c == '"')) {
			if (o + 2 >= n)
				break;
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= n)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= n)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xf];
		}
	}
	dst[o] = '\0';
	return i < len;
}
