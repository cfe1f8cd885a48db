/*
 * The reader of cmdfile.h, for -f and the -i shell's plain loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "client/cmdfile.h"
#include "common/limits.h"
#include "listener/line.h"

/* Blank or a comment: only blanks before "#" or the end. */
static bool
skipped(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && line_isspace((uint8_t)s[i]); i++)
		;
	return i == len || s[i] == '#';
}

long
cmdfile_getline(FILE *fp, char buf[CTL_CMD_MAX + 1])
{
	size_t	 kept = 0;
	int	 c, any = 0;

	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (kept <= CTL_CMD_MAX)
			buf[kept++] = (char)c;
		any = 1;
	}
	if (c == EOF && !any)
		return -1;
	return (long)kept;
}

int
cmdfile_read(FILE *fp, const char *name, struct reqlist *l, char *why,
    size_t whylen)
{
	char	 buf[CTL_CMD_MAX + 1], reason[REQUEST_WHY_MAX];
	size_t	 kept, lineno = 0;
	long	 n;

	while ((n = cmdfile_getline(fp, buf)) != -1) {
		kept = (size_t)n;
		lineno++;
		if (skipped(buf, kept))
			continue;
		if (reqlist_add(l, buf, kept, reason, sizeof(reason)) == -1) {
			snprintf(why, whylen, "%s:%zu: %s", name, lineno,
			    reason);
			return -1;
		}
	}
	if (ferror(fp)) {
		snprintf(why, whylen, "%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}
