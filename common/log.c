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
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"

static const char	*log_prefix = "privconf: ";
static int		 log_verb;

void
log_init(const char *prefix)
{
	log_prefix = prefix;
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

/* Format and write one line; errno is the same afterwards. */
static void
log_emit(int errnum, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];
	size_t	 n;
	int	 r, saved = errno;
	ssize_t	 w;

	r = snprintf(line, sizeof(line), "%s", log_prefix);
	n = r < 0 ? 0 : (size_t)r;
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
	do
		w = write(STDERR_FILENO, line, n);
	while (w == -1 && errno == EINTR);
	errno = saved;
}

/* One variadic wrapper: log_emit(errnum, fmt, ...) from a function. */
#define LOG_VA(errnum, fmt) do {			\
	va_list	 ap;					\
							\
	va_start(ap, fmt);				\
	log_emit((errnum), (fmt), ap);			\
	va_end(ap);					\
} while (0)

void
log_info(const char *fmt, ...)
{
	LOG_VA(0, fmt);
}

void
log_debug(const char *fmt, ...)
{
	if (log_verb)
		LOG_VA(0, fmt);
}

void
log_warn(const char *fmt, ...)
{
	LOG_VA(errno, fmt);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_VA(0, fmt);
}

void
fatal(const char *fmt, ...)
{
	LOG_VA(errno, fmt);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_VA(0, fmt);
	exit(1);
}

void
log_escape(char *dst, size_t n, const char *s, size_t len, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, o = 0;
	unsigned char c;

	if (n == 0)
		return;
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
}
