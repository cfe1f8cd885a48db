/* The replaced log of a fuzzed process; see fuzz_log.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "tests/fuzz/fuzz_log.h"

jmp_buf		 fuzz_fatal_jmp;
char		 fuzz_fatal_msg[256];
const char	*fuzz_fatal_expect;

void
log_info(const char *fmt, ...)
{
	(void)fmt;
}

void
log_debug(const char *fmt, ...)
{
	(void)fmt;
}

void
log_warn(const char *fmt, ...)
{
	(void)fmt;
}

void
log_warnx(const char *fmt, ...)
{
	(void)fmt;
}

int
log_verbose(void)
{
	return 0;
}

/* Enough of common/log.c's for the worker's log_command (never shown). */
bool
log_escape(char *dst, size_t n, const char *s, size_t len, bool quoted)
{
	size_t	 i, o = 0;

	(void)quoted;
	for (i = 0; i < len && o + 1 < n; i++)
		dst[o++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '.';
	if (n > 0)
		dst[o] = '\0';
	return i < len;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz: fatal in the fuzzed process: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	const char	*expect = fuzz_fatal_expect;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(fuzz_fatal_msg, sizeof(fuzz_fatal_msg), fmt, ap);
	va_end(ap);
	if (expect == NULL ||
	    strncmp(fuzz_fatal_msg, expect, strlen(expect)) != 0) {
		fprintf(stderr, "fuzz: fatalx in the fuzzed process: %s\n",
		    fuzz_fatal_msg);
		abort();
	}
	fuzz_fatal_expect = NULL;
	longjmp(fuzz_fatal_jmp, 1);
}
