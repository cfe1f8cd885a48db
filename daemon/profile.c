/*
 * Reading profiles.  Bytes come from files the operator named, but a
 * profile may be a journal that clients' commands were appended to, so
 * every line is bounded where it is read and kept as bytes, not as a C
 * string: the worker judges the command, privconfd only splits lines.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "daemon/options.h"
#include "daemon/profile.h"

#define PROFILE_READ_CHUNK	8192

static int
profile_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Comments and blank lines never reach the worker (docs/commands.md 1). */
static bool
profile_skip(const char *s, size_t len)
{
	size_t	 i;

	if (len > 0 && s[0] == '#')
		return true;
	for (i = 0; i < len; i++)
		if (strchr(" \t\r\f", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

/*
 * Blocks double from the first size to the last: a short profile stays
 * small, a long journal gets big blocks.
 */
#define PROFILE_BLOCK_FIRST	4096
#define PROFILE_BLOCK		(1024 * 1024)

struct profile_block {
	struct profile_block	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

/* Room for n bytes of text that stay put until profile_free; NULL: ENOMEM. */
static char *
profile_room(struct profile *p, size_t n)
{
	struct profile_block	*b = p->blocks;
	size_t			 size;

	if (b == NULL || b->size - b->used < n) {
		size = p->blocks == NULL ? PROFILE_BLOCK_FIRST :
		    p->blocks->size < PROFILE_BLOCK ? 2 * p->blocks->size :
		    PROFILE_BLOCK;
		if (size < n)
			size = n;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->used = 0;
		b->size = size;
		b->next = p->blocks;
		p->blocks = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

static int
profile_add(struct profile *p, const char *source, uint32_t lineno,
    const char *s, size_t len)
{
	struct profile_line	*l;
	size_t			 cap;
	char			*text;

	if (profile_skip(s, len))
		return 0;
	if (p->n == p->cap) {
		cap = p->cap == 0 ? 64 : p->cap * 2;
		if (cap < p->cap)
			return -1;
		l = reallocarray(p->lines, cap, sizeof(*l));
		if (l == NULL)
			return -1;
		p->lines = l;
		p->cap = cap;
	}
	/* len <= PROFILE_LINE_MAX, so len + 1 cannot wrap. */
	if ((text = profile_room(p, len + 1)) == NULL)
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	l = &p->lines[p->n++];
	l->source = source;
	l->lineno = lineno;
	l->text = text;
	l->len = (uint32_t)len;
	return 0;
}

int
profile_read_fd(struct profile *p, int fd, const char *source, char *err,
    size_t errlen)
{
	return profile_read_limited(p, fd, source, PROFILE_SIZE_MAX, NULL,
	    err, errlen);
}

int
profile_read_limited(struct profile *p, int fd, const char *source,
    size_t max, struct profile_tail *tail, char *err, size_t errlen)
{
	char		 chunk[PROFILE_READ_CHUNK];
	char		 line[PROFILE_LINE_MAX];
	size_t		 ll = 0, i, total = 0, curlen = 0;
	uint64_t	 lineno = 1;
	ssize_t		 n;
	bool		 comment = false;

	if (strlen(source) > WIRE_SOURCE_MAX)
		return profile_fail(err, errlen,
		    "profile name longer than %d bytes", WIRE_SOURCE_MAX);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return profile_fail(err, errlen, "%s: %s", source,
			    strerror(errno));
		if (n == 0)
			break;
		/* Counted as read: a file may grow while it is read. */
		if ((total += (size_t)n) > max)
			return profile_fail(err, errlen, "%s: larger than %zu "
			    "bytes", source, max);
		for (i = 0; i < (size_t)n; i++) {
			if (chunk[i] != '\n') {
				curlen++;
				/* A comment is skipped, however long. */
				if (comment || (ll == 0 && chunk[i] == '#')) {
					comment = true;
					continue;
				}
				if (ll == sizeof(line))
					return profile_fail(err, errlen,
					    "%s:%llu: line longer than %d "
					    "bytes", source,
					    (unsigned long long)lineno,
					    PROFILE_LINE_MAX);
				line[ll++] = chunk[i];
				continue;
			}
			if (!comment && profile_add(p, source,
			    (uint32_t)lineno, line, ll) == -1)
				return profile_fail(err, errlen, "%s: %s",
				    source, strerror(ENOMEM));
			ll = curlen = 0;
			comment = false;
			if (++lineno > UINT32_MAX)
				return profile_fail(err, errlen,
				    "%s: more than %lu lines", source,
				    (unsigned long)UINT32_MAX);
		}
	}
	/*
	 * A last line without its newline: in a profile still a line; in a
	 * journal the torn end of a write that never finished.
	 */
	if (tail != NULL) {
		tail->lineno = (uint32_t)lineno;
		tail->len = curlen;
		tail->size = total;
		return 0;
	}
	if (ll > 0 && !comment &&
	    profile_add(p, source, (uint32_t)lineno, line, ll) == -1)
		return profile_fail(err, errlen, "%s: %s", source,
		    strerror(ENOMEM));
	return 0;
}

int
profile_read(struct profile *p, const char *path, char *err, size_t errlen)
{
	struct stat	 st;
	int		 fd, r;

	/*
	 * Non-blocking: opening a FIFO with no writer would wait forever.
	 * Only a regular file is read; a FIFO, a device or a socket is
	 * refused before a byte is taken from it.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1)
		return profile_fail(err, errlen, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		r = errno;
		close(fd);
		return profile_fail(err, errlen, "%s: %s", path, strerror(r));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return profile_fail(err, errlen, "%s: %s", path,
		    S_ISDIR(st.st_mode) ? strerror(EISDIR) :
		    "not a regular file");
	}
	r = profile_read_fd(p, fd, path, err, errlen);
	close(fd);
	return r;
}

static int
profile_bad(const struct profile_line *l, char *err, size_t errlen)
{
	char	 cmd[PROFILE_LINE_MAX * 4 + 1];

	log_escape(cmd, sizeof(cmd), l->text, l->len, false);
	return profile_fail(err, errlen, "%s:%lu: %s: %s", l->source,
	    (unsigned long)l->lineno, cmd, errtab_text(EINVAL));
}

/* The value after prefix when l is "prefix<value>", else NULL. */
static const char *
profile_value(const struct profile_line *l, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (l->len < n || memcmp(l->text, prefix, n) != 0)
		return NULL;
	return l->text + n;
}

int
profile_ipc(const struct profile *p, struct profile_ipc *ipc, char *err,
    size_t errlen)
{
	const struct profile_line *l;
	const char	*v;
	uint64_t	 gid;
	size_t		 i;

	memset(ipc, 0, sizeof(*ipc));
	ipc->uid.kind = ipc->gid.kind = CONTRACT_ID_UNSET;
	for (i = 0; i < p->n; i++) {
		l = &p->lines[i];
		/* A NUL inside the line would cut the value short: refuse. */
		if ((v = profile_value(l, "ipc:")) != NULL) {
			if (*v == '\0' || strlen(l->text) != l->len)
				return profile_bad(l, err, errlen);
			ipc->addr = v;
		} else if ((v = profile_value(l, "ipc/uid:")) != NULL) {
			if (strlen(l->text) != l->len ||
			    options_id(v, "any", &ipc->uid) == -1)
				return profile_bad(l, err, errlen);
		} else if ((v = profile_value(l, "ipc/gid:")) != NULL) {
			/* docs/commands.md 3.7: a number only, no "none". */
			if (strlen(l->text) != l->len ||
			    options_number(v, 0, OPT_ID_MAX, &gid) == -1)
				return profile_bad(l, err, errlen);
			ipc->gid.kind = CONTRACT_ID_NUM;
			ipc->gid.id = (uint32_t)gid;
		}
	}
	return 0;
}

const struct profile_line *
profile_find(const struct profile *p, const uint8_t *source,
    size_t source_len, uint32_t lineno)
{
	const struct profile_line *l;
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		l = &p->lines[i];
		if (l->lineno == lineno && strlen(l->source) == source_len &&
		    memcmp(l->source, source, source_len) == 0)
			return l;
	}
	return NULL;
}

void
profile_free(struct profile *p)
{
	struct profile_block	*b;

	while ((b = p->blocks) != NULL) {
		p->blocks = b->next;
		free(b);
	}
	free(p->lines);
	p->lines = NULL;
	p->n = p->cap = 0;
}
