/* Writing the compacted journal; see compact.h. */
#define _GNU_SOURCE	/* asprintf, mkostemp */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/writeall.h"
#include "daemon/compact.h"

static int
compact_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

/* "# compacted by privconfd at TIME from FILE (N bytes, M commands)". */
static int
compact_header(struct buf *b, const char *path, time_t now, size_t bytes,
    size_t lines, const char *const *profiles, size_t nprofiles)
{
	struct tm	 tm;
	char		 t[21];
	size_t		 i;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(t, sizeof(t), "1970-01-01T00:00:00Z");
	if (buf_printf(b, "# compacted by privconfd at %s from %s (%zu bytes, "
	    "%zu commands)\n# replays after ", t, path, bytes, lines) == -1 ||
	    buf_appendstr(b, nprofiles == 0 ? "no profile" : "the profiles") ==
	    -1)
		return -1;
	for (i = 0; i < nprofiles; i++)
		if (buf_printf(b, " %s", profiles[i]) == -1)
			return -1;
	return buf_appendstr(b, "\n");
}

int
compact_begin(struct compact_file *c, const char *path, time_t now,
    size_t journal_bytes, size_t journal_lines,
    const char *const *profiles, size_t nprofiles, char *err, size_t errlen)
{
	struct buf	 h = BUF_INIT;
	int		 r;

	c->path = path;
	c->fd = -1;
	c->tmp = NULL;
	/* A newline in a name would end the header's comment early. */
	if (strchr(path, '\n') != NULL)
		return compact_fail(err, errlen, "a journal name with a "
		    "newline");
	for (size_t i = 0; i < nprofiles; i++)
		if (strchr(profiles[i], '\n') != NULL)
			return compact_fail(err, errlen, "a profile name with "
			    "a newline");
	/* Next to the journal: rename(2) must not cross file systems. */
	if (asprintf(&c->tmp, "%s.compact.XXXXXX", path) == -1) {
		c->tmp = NULL;
		return compact_fail(err, errlen, "%s: out of memory", path);
	}
	if ((c->fd = mkostemp(c->tmp, O_CLOEXEC)) == -1) {
		r = compact_fail(err, errlen, "%s: %s", c->tmp,
		    strerror(errno));
		free(c->tmp);
		c->tmp = NULL;
		return r;
	}
	if (compact_header(&h, path, now, journal_bytes, journal_lines,
	    profiles, nprofiles) == -1) {
		buf_free(&h);
		compact_abort(c);
		return compact_fail(err, errlen, "%s: out of memory", path);
	}
	r = write_all(c->fd, buf_head(&h), buf_unread(&h));
	buf_free(&h);
	if (r == -1) {
		r = compact_fail(err, errlen, "%s: %s", c->tmp,
		    strerror(errno));
		compact_abort(c);
	}
	return r;
}

/* fsync the directory that holds path, so the rename itself is durable. */
static int
compact_sync_dir(const char *path)
{
	char	*copy, *dir;
	int	 fd, r;

	if ((copy = strdup(path)) == NULL)
		return -1;
	dir = dirname(copy);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
compact_commit(struct compact_file *c, char *err, size_t errlen)
{
	if (fsync(c->fd) == -1) {
		compact_fail(err, errlen, "%s: fsync: %s", c->tmp,
		    strerror(errno));
		compact_abort(c);
		return -1;
	}
	if (rename(c->tmp, c->path) == -1) {
		compact_fail(err, errlen, "rename %s to %s: %s", c->tmp,
		    c->path, strerror(errno));
		compact_abort(c);
		return -1;
	}
	close(c->fd);
	c->fd = -1;
	free(c->tmp);
	c->tmp = NULL;
	if (compact_sync_dir(c->path) == -1)
		return compact_fail(err, errlen, "%s: fsync of its directory: "
		    "%s", c->path, strerror(errno));
	return 0;
}

void
compact_abort(struct compact_file *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	if (c->tmp != NULL)
		unlink(c->tmp);
	free(c->tmp);
	c->tmp = NULL;
}
