/*
 * The worker's journal writer (worker/journal.c): the exact records, a
 * commit that writes them, and a commit that fails and leaves the file as
 * it was before the batch.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "worker/journal.h"

static const struct journal_who who = { .uid = 1000, .gid = 100,
    .pid = 4242 };

/* An empty journal file, opened as privconfd opens it. */
static int
tmp_journal(char *path, size_t n)
{
	int	 fd;

	snprintf(path, n, "/tmp/privconf-jt.XXXXXX");
	cr_assert_neq(fd = mkstemp(path), -1);
	close(fd);
	fd = open(path, O_RDWR | O_APPEND);
	cr_assert_neq(fd, -1);
	return fd;
}

static char *
slurp(const char *path)
{
	static char	 s[4096];
	ssize_t		 n;
	int		 fd;

	cr_assert_neq(fd = open(path, O_RDONLY), -1);
	n = read(fd, s, sizeof(s) - 1);
	cr_assert_geq(n, 0);
	s[n] = '\0';
	close(fd);
	return s;
}

#define L(s)	(const uint8_t *)(s), strlen(s)

Test(worker_journal, records_are_exact_and_wait_for_the_commit)
{
	struct journal	 j;
	char		 path[64];
	int		 fd = tmp_journal(path, sizeof(path));

	journal_init(&j, fd, CONTRACT_SYNC_BATCH);
	cr_assert(journal_on(&j));
	cr_assert(!journal_pending(&j));
	/* 2026-11-28T10:15:02Z */
	journal_change(&j, 1795860902, &who, L("allow/read+/usr/lib"));
	journal_refusal(&j, 1795860903, &who, EPERM, L("lock:off"));
	journal_refusal(&j, 0, &who, EINVAL, L("#bogus"));
	cr_assert(journal_pending(&j));
	cr_assert_str_eq(slurp(path), "", "nothing written before commit");
	cr_assert_eq(journal_commit(&j), 0);
	cr_assert(!journal_pending(&j));
	cr_assert_str_eq(slurp(path),
	    "# 2026-11-28T10:15:02Z uid=1000 gid=100 pid=4242\n"
	    "allow/read+/usr/lib\n"
	    "#! 2026-11-28T10:15:03Z uid=1000 gid=100 pid=4242 err=EPERM "
	    "lock:off\n"
	    "#! 1970-01-01T00:00:00Z uid=1000 gid=100 pid=4242 err=EINVAL "
	    "#bogus\n");
	/* Nothing pending: a commit writes nothing, and succeeds. */
	cr_assert_eq(journal_commit(&j), 0);
	journal_free(&j);
	close(fd);
	unlink(path);
}

Test(worker_journal, no_journal_does_nothing)
{
	struct journal	 j;

	journal_init(&j, -1, CONTRACT_SYNC_ALWAYS);
	cr_assert(!journal_on(&j));
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert(!journal_pending(&j));
	cr_assert_eq(journal_commit(&j), 0);
	journal_free(&j);
}

/*
 * A write past RLIMIT_FSIZE fails with EFBIG, which a client hears as
 * ENOSPC; the half-written batch is cut off and the next one starts
 * where the last good one ended.
 */
Test(worker_journal, a_failed_write_is_cut_back_and_says_enospc)
{
	struct journal	 j;
	struct rlimit	 rl;
	struct stat	 st;
	char		 path[64], big[3000];
	int		 fd = tmp_journal(path, sizeof(path));

	signal(SIGXFSZ, SIG_IGN);
	journal_init(&j, fd, CONTRACT_SYNC_BATCH);
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 65);

	rl.rlim_cur = rl.rlim_max = 4096;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	memset(big, 'a', sizeof(big));
	memcpy(big, "allow/read+/", 12);
	journal_change(&j, 0, &who, (const uint8_t *)big, sizeof(big));
	journal_change(&j, 0, &who, (const uint8_t *)big, sizeof(big));
	cr_assert_eq(journal_commit(&j), ENOSPC);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, 65, "cut back to the last good record");
	cr_assert(!journal_pending(&j));

	/* Room again: the next batch starts on a fresh line. */
	journal_change(&j, 0, &who, L("sandbox/write:on"));
	cr_assert_eq(journal_commit(&j), 0);
	cr_assert_str_eq(slurp(path),
	    "# 1970-01-01T00:00:00Z uid=1000 gid=100 pid=4242\n"
	    "sandbox/read:on\n"
	    "# 1970-01-01T00:00:00Z uid=1000 gid=100 pid=4242\n"
	    "sandbox/write:on\n");
	journal_free(&j);
	close(fd);
	unlink(path);
}

/*
 * /dev/full: every write fails with ENOSPC and a character device cannot
 * be cut back, so the journal is broken: every later commit is EIO.
 */
Test(worker_journal, a_journal_that_cannot_be_cut_back_is_broken)
{
	struct journal	 j;
	int		 fd = open("/dev/full", O_WRONLY | O_APPEND);

	cr_assert_neq(fd, -1);
	journal_init(&j, fd, CONTRACT_SYNC_NONE);
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), ENOSPC);
	cr_assert(j.broken);
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), EIO);
	journal_free(&j);
	close(fd);
}

/* Any other failure, here a descriptor not open for writing, is EIO. */
Test(worker_journal, other_errors_are_eio)
{
	struct journal	 j;
	char		 path[64];
	int		 fd = tmp_journal(path, sizeof(path));
	int		 ro = open(path, O_RDONLY);

	cr_assert_neq(ro, -1);
	journal_init(&j, ro, CONTRACT_SYNC_BATCH);
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), EIO);
	journal_free(&j);
	close(ro);
	close(fd);
	unlink(path);
}

/*
 * privconfd replays at most JOURNAL_SIZE_MAX bytes, so the worker never
 * writes past it: a record that would is ENOSPC.  A sparse file stands in
 * for a journal of 256 MiB.
 */
Test(worker_journal, a_journal_at_its_size_limit_is_full)
{
	struct journal	 j;
	struct stat	 st;
	char		 path[64];
	int		 fd = tmp_journal(path, sizeof(path));
	/* Exactly one record of this size still fits. */
	const off_t	 room = 49 + 16;

	cr_assert_eq(ftruncate(fd, (off_t)JOURNAL_SIZE_MAX - room), 0);
	journal_init(&j, fd, CONTRACT_SYNC_NONE);
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), 0, "at the limit: written");
	journal_change(&j, 0, &who, L("sandbox/read:on"));
	cr_assert_eq(journal_commit(&j), ENOSPC, "one past it: full");
	cr_assert(!journal_pending(&j));
	cr_assert(!j.broken);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_size, (off_t)JOURNAL_SIZE_MAX);
	journal_free(&j);
	close(fd);
	unlink(path);
}

/*
 * fuzz_worker's finding: a refused line holding '\n' (a hostile listener
 * built the frame) was recorded as is, and what followed the '\n' came
 * back at the next start as a profile line nobody was acknowledged
 * (a rule for every path, past lock:drop).  Its record is one comment
 * line.
 */
Test(worker_journal, a_refused_line_with_a_newline_stays_one_comment)
{
	struct journal	 j;
	char		 path[64];
	int		 fd = tmp_journal(path, sizeof(path));

	journal_init(&j, fd, CONTRACT_SYNC_NONE);
	journal_refusal(&j, 1795860903, &who, EINVAL,
	    L("lock:off\nallow/read+/***\n\n"));
	cr_assert_eq(journal_commit(&j), 0);
	cr_assert_str_eq(slurp(path),
	    "#! 2026-11-28T10:15:03Z uid=1000 gid=100 pid=4242 err=EINVAL "
	    "lock:off\\x0aallow/read+/***\\x0a\\x0a\n");
	journal_free(&j);
	close(fd);
	unlink(path);
}
