/*
 * Opening and replaying the journal.  Its commands run as root's own
 * profile at the next start, so a journal someone else could write to
 * would let them rewrite the policy: it must be a regular file owned by
 * the user privconfd runs as and writable by nobody else, checked on the
 * descriptor that is then used, never by path.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "daemon/journal.h"

static int
journal_fail(int fd, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * What the daemon requires of the file it opened: regular, ours, not
 * writable by group or others.  0, or -1 with the fd closed.
 */
static int
journal_fit(int fd, const char *path, char *err, size_t errlen)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1)
		return journal_fail(fd, err, errlen, "%s: %s", path,
		    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return journal_fail(fd, err, errlen, "%s: not a regular file",
		    path);
	if (st.st_uid != geteuid())
		return journal_fail(fd, err, errlen, "%s: owned by uid %lu, "
		    "not by uid %lu", path, (unsigned long)st.st_uid,
		    (unsigned long)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return journal_fail(fd, err, errlen, "%s: writable by group or "
		    "others (mode %04o)", path,
		    (unsigned)(st.st_mode & 07777));
	return 0;
}

int
journal_open(const char *path, char *err, size_t errlen)
{
	int		 fd, fl;

	/* Non-blocking, as a profile: a FIFO there must not hang us. */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd == -1)
		return journal_fail(-1, err, errlen, "%s: %s", path,
		    strerror(errno));
	if (journal_fit(fd, path, err, errlen) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		return journal_fail(fd, err, errlen, "%s: %s", path,
		    errno == EWOULDBLOCK ? "in use by another privconfd" :
		    strerror(errno));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		return journal_fail(fd, err, errlen, "%s: %s", path,
		    strerror(errno));
	return fd;
}

int
journal_check(const char *path, struct profile *p, char *err, size_t errlen)
{
	struct profile_tail tail;
	int		 fd;

	/*
	 * Read only: the daemon it checks for may be running on this very
	 * journal, so no create, no lock (a lock would make that daemon's
	 * restart fail meanwhile) and no cut of a torn line.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW |
	    O_NONBLOCK);
	if (fd == -1 && errno == ENOENT) {
		log_info("op=journal path=\"%s\" why=\"does not exist yet: "
		    "the daemon will create it\"", path);
		return 0;
	}
	if (fd == -1)
		return journal_fail(-1, err, errlen, "%s: %s", path,
		    strerror(errno));
	if (journal_fit(fd, path, err, errlen) == -1)
		return -1;
	if (profile_read_limited(p, fd, path, JOURNAL_SIZE_MAX, &tail, err,
	    errlen) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	if (tail.size > JOURNAL_SIZE_MAX / 2)
		log_warnx("op=journal path=\"%s\" size=%zu why=\"over half "
		    "the limit of %u bytes: compact it\"", path, tail.size,
		    JOURNAL_SIZE_MAX);
	if (tail.len > 0)
		log_warnx("%s:%lu: torn last line (%zu bytes): the daemon "
		    "will cut it", path, (unsigned long)tail.lineno, tail.len);
	return 0;
}

int
journal_replay(int fd, const char *path, struct profile *p, char *err,
    size_t errlen)
{
	struct profile_tail tail;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return journal_fail(-1, err, errlen, "%s: %s", path,
		    strerror(errno));
	if (profile_read_limited(p, fd, path, JOURNAL_SIZE_MAX, &tail, err,
	    errlen) == -1)
		return -1;
	if (tail.size > JOURNAL_SIZE_MAX / 2)
		log_warnx("op=journal path=\"%s\" size=%zu why=\"over half "
		    "the limit of %u bytes: compact it\"", path, tail.size,
		    JOURNAL_SIZE_MAX);
	if (tail.len == 0)
		return 0;
	/*
	 * No reply was sent for a record that never reached its newline:
	 * drop it, so that the journal and what clients were told agree.
	 */
	log_warnx("%s:%lu: torn last line ignored (%zu bytes)", path,
	    (unsigned long)tail.lineno, tail.len);
	if (ftruncate(fd, (off_t)(tail.size - tail.len)) == -1 ||
	    fdatasync(fd) == -1)
		return journal_fail(-1, err, errlen, "%s: cutting the torn "
		    "line: %s", path, strerror(errno));
	return 0;
}
