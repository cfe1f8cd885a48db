/* The journal's records and their commit; see journal.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/writeall.h"
#include "worker/journal.h"

/* A batch buffer grown past this is freed once written. */
#define JOURNAL_BATCH_KEEP	(256 * 1024)

void
journal_init(struct journal *j, int fd, enum contract_sync sync)
{
	off_t	 end;

	memset(j, 0, sizeof(*j));
	j->fd = fd;
	j->sync = sync;
	j->batch = (struct buf)BUF_INIT;
	if (fd == -1)
		return;
	/* O_APPEND writes at the end; the end is where a cut goes back to. */
	if ((end = lseek(fd, 0, SEEK_END)) == -1)
		fatal("op=journal why=\"lseek\"");
	j->size = (uint64_t)end;
}

void
journal_free(struct journal *j)
{
	buf_free(&j->batch);
}

bool
journal_on(const struct journal *j)
{
	return j->fd != -1;
}

bool
journal_pending(const struct journal *j)
{
	return buf_unread(&j->batch) > 0;
}

/* "2026-11-28T10:15:02Z": UTC, so no time zone file is read. */
static void
journal_time(time_t now, char out[21])
{
	struct tm	 tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, 21, "1970-01-01T00:00:00Z");
}

static void
journal_put(struct journal *j, const void *p, size_t n)
{
	if (buf_append(&j->batch, p, n) == -1)
		fatal("op=journal why=\"record\"");
}

void
journal_change(struct journal *j, time_t now, const struct journal_who *w,
    const uint8_t *line, size_t len)
{
	char	 t[21];

	if (j->fd == -1)
		return;
	journal_time(now, t);
	if (buf_printf(&j->batch, "# %s uid=%u gid=%u pid=%u\n", t, w->uid,
	    w->gid, w->pid) == -1)
		fatal("op=journal why=\"record\"");
	journal_put(j, line, len);
	journal_put(j, "\n", 1);
}

void
journal_refusal(struct journal *j, time_t now, const struct journal_who *w,
    int err, const uint8_t *line, size_t len)
{
	const char	*name = errtab_name(err);
	const uint8_t	*nl;
	char		 t[21];

	if (j->fd == -1)
		return;
	journal_time(now, t);
	if (buf_printf(&j->batch, "#! %s uid=%u gid=%u pid=%u err=%s ", t,
	    w->uid, w->gid, w->pid, name != NULL ? name : "EINVAL") == -1)
		fatal("op=journal why=\"record\"");
	/*
	 * A line holding '\n' is refused (only a listener gone bad sends
	 * one), but its record must stay one line: what followed the '\n'
	 * would replay as a command nobody was acknowledged.
	 */
	while ((nl = memchr(line, '\n', len)) != NULL) {
		journal_put(j, line, (size_t)(nl - line));
		journal_put(j, "\\x0a", 4);
		len -= (size_t)(nl - line) + 1;
		line = nl + 1;
	}
	journal_put(j, line, len);
	journal_put(j, "\n", 1);
}

/* Cut the file back to j->size after a failed write or sync. */
static void
journal_cut(struct journal *j, int err)
{
	if (ftruncate(j->fd, (off_t)j->size) == -1) {
		j->broken = true;
		log_warn("op=journal why=\"cannot cut back after %s: every "
		    "change is refused until a restart\"", errtab_name(err) ?
		    errtab_name(err) : "an error");
	}
}

int
journal_commit(struct journal *j)
{
	size_t		 left = buf_unread(&j->batch);
	int		 err = 0;

	if (j->fd == -1 || left == 0)
		return 0;
	if (j->broken)
		err = EIO;
	/*
	 * privconfd replays at most JOURNAL_SIZE_MAX bytes: a journal past it
	 * would not start again.  Full is full, as a disk: compact it.
	 */
	else if (j->size > JOURNAL_SIZE_MAX ||
	    left > JOURNAL_SIZE_MAX - j->size) {
		buf_reset(&j->batch);
		log_warnx("op=journal why=\"full: %u bytes, the most privconfd "
		    "replays; compact it\"", JOURNAL_SIZE_MAX);
		return ENOSPC;
	}
	if (err == 0 && write_all(j->fd, buf_head(&j->batch), left) == -1)
		err = errno;
	if (err == 0 && j->sync != CONTRACT_SYNC_NONE &&
	    fdatasync(j->fd) == -1)
		err = errno;
	if (err == 0)
		j->size += buf_unread(&j->batch);
	else if (!j->broken)
		journal_cut(j, err);
	buf_reset(&j->batch);
	if (j->batch.cap > JOURNAL_BATCH_KEEP)
		buf_free(&j->batch);
	/* What a client is told: the disk is full, or it failed. */
	return err == 0 ? 0 : err == ENOSPC || err == EDQUOT || err == EFBIG ?
	    ENOSPC : EIO;
}
