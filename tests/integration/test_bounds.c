/*
 * No client can cost the service more than its own share (docs/design.md
 * 3, docs/protocol.md 8), against the real daemon: memory measured from
 * /proc/PID/status under hostile clients, built-ins while the worker is
 * stopped, the worker watchdog, and the start-up cases that used to hang
 * or start a useless service.
 */
#define _GNU_SOURCE	/* memmem */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(bounds, .fini = teardown, .timeout = 180);

/* VmRSS of pid, in bytes. */
static size_t
rss(pid_t pid)
{
	char	 path[64], buf[4096], *s;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	cr_assert_neq(fd = open(path, O_RDONLY | O_CLOEXEC), -1, "%s: %s",
	    path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert_not_null(s = strstr(buf, "\nVmRSS:"));
	return (size_t)strtoull(s + 7, NULL, 10) * 1024;
}

/* Wait until the log holds at least n copies of s; fail past the deadline. */
static void
wait_count(const char *s, size_t n)
{
	long long	 end = h_now_ms() + H_IO_MS;
	char		*log;
	size_t		 got;

	for (;;) {
		log = h_log(&d);
		got = h_count(log, strlen(log), s);
		free(log);
		if (got >= n)
			return;
		cr_assert_lt(h_now_ms(), end, "%zu of %zu \"%s\" in the log",
		    got, n, s);
		h_sleep_ms(20);
	}
}

static size_t
log_count(const char *s)
{
	char	*log = h_log(&d);
	size_t	 n = h_count(log, strlen(log), s);

	free(log);
	return n;
}

/* RSS of pid back under limit once a burst is over; fail past deadline. */
static void
wait_rss_under(pid_t pid, size_t limit, const char *who)
{
	long long	 end = h_now_ms() + H_IO_MS;

	while (rss(pid) > limit) {
		cr_assert_lt(h_now_ms(), end, "%s keeps %zu bytes, more than "
		    "%zu", who, rss(pid), limit);
		h_sleep_ms(50);
	}
}

/* A profile of n rules with patterns of len bytes each. */
static char *
big_profile(size_t n, size_t len)
{
	struct buf	 b = BUF_INIT;
	char		*pat = h_repeat('p', len);
	size_t		 i;

	for (i = 0; i < n; i++)
		cr_assert_eq(buf_printf(&b, "allow/read+/%04zu%s\n", i, pat),
		    0);
	cr_assert_eq(buf_append(&b, "", 1), 0);
	free(pat);
	return (char *)b.data;
}

/*
 * Finding 1: `stat` of a 1 MB policy, asked 819 times in one write by a
 * client that never reads.  The listener forwards CONN_INFLIGHT_MAX of
 * them and holds at most --max-queue plus a frame; the worker renders
 * the policy once; both fall back once the client leaves.
 */
Test(bounds, stat_amplification_is_bounded)
{
	const size_t	 nrules = 256, patlen = 4000, max_queue = 16384;
	char		*text = big_profile(nrules, patlen), *prof, *burst;
	size_t		 stat_size = nrules * (patlen + 40), i, off = 0;
	size_t		 l0, w0, l1, w1;
	pid_t		 wk, ls;
	int		 fd, other;

	h_init(&d, H_PATH);
	prof = h_write_file(&d, "big", text);
	free(text);
	/* -v: queries are logged only then, and the test counts them. */
	h_spawn(&d, "-v", "-P", prof, "--max-queue", "16384", "--max-conn",
	    "16", NULL);
	h_ready(&d);
	wk = h_child_named(d.pid, "privconf-worker");
	ls = h_child_named(d.pid, "privconf-listener");
	l0 = rss(ls);
	w0 = rss(wk);

	burst = h_alloc(9 + 819 * 5);
	memcpy(burst, "prompt i\n", 9);
	off = 9;
	for (i = 0; i < 819; i++, off += 5)
		memcpy(burst + off, "stat\n", 5);
	fd = h_connect(d.addr);
	h_send(fd, burst, off);
	free(burst);
	wait_count("cmd=\"stat\"", CONN_INFLIGHT_MAX);
	/* It stays there: the client reads nothing, nothing more runs. */
	h_sleep_ms(300);
	cr_assert_eq(log_count("cmd=\"stat\""), CONN_INFLIGHT_MAX);
	l1 = rss(ls);
	w1 = rss(wk);
	cr_assert_leq(l1, l0 + 16 * (max_queue + WIRE_BODY_MAX),
	    "listener grew from %zu to %zu", l0, l1);
	cr_assert_leq(w1, w0 + 3 * stat_size, "worker grew from %zu to %zu "
	    "for a %zu-byte stat", w0, w1, stat_size);
	/* Another client is served meanwhile. */
	other = h_connect(d.addr);
	h_sends(other, "sandbox/read?\n");
	h_expect_closed(other, H_ACK);
	close(fd);
	/* Buffers shrink after the burst. */
	wait_rss_under(ls, 2 * l0, "the listener");
	wait_rss_under(wk, 2 * w0, "the worker");
}

/*
 * 64 connections pipelining `stats` and never reading cost the listener
 * no more than --max-queue and a frame each.
 */
Test(bounds, never_reading_connections_are_bounded)
{
	enum { NCONN = 64, LINES = 4000 };
	const size_t	 max_queue = 16384;
	char		*burst = h_alloc(9 + LINES * 6);
	size_t		 i, off = 9, l0, l1;
	int		 fd[NCONN];
	pid_t		 ls;

	h_start(&d, "-v", "--max-queue", "16384", "--max-conn", "80",
	    "--max-conn-per-uid", "80", NULL);
	ls = h_child_named(d.pid, "privconf-listener");
	l0 = rss(ls);
	memcpy(burst, "prompt i\n", 9);
	for (i = 0; i < LINES; i++, off += 6)
		memcpy(burst + off, "stats\n", 6);
	for (i = 0; i < NCONN; i++) {
		fd[i] = h_connect(d.addr);
		h_send(fd[i], burst, off);
	}
	free(burst);
	wait_count("cmd=\"stats\"", NCONN * CONN_INFLIGHT_MAX);
	l1 = rss(ls);
	cr_assert_leq(l1, l0 + NCONN * (max_queue + WIRE_BODY_MAX +
	    2 * IPC_LINE_MAX), "listener grew from %zu to %zu", l0, l1);
	h_expect(d.addr, "ping\n", H_PONG);
	for (i = 0; i < NCONN; i++)
		close(fd[i]);
	wait_rss_under(ls, 2 * l0, "the listener");
}

/*
 * A stopped worker: clients with nothing in flight are still answered;
 * a request unanswered for --worker-timeout fails the service closed.
 */
Test(bounds, stopped_worker_is_found_and_fails_closed)
{
	pid_t	 wk;
	int	 fd;

	h_start(&d, "--worker-timeout", "2", NULL);
	wk = h_child_named(d.pid, "privconf-worker");
	cr_assert_eq(kill(wk, SIGSTOP), 0);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nsandbox/read?\n");
	/* Built-ins on another connection do not wait for the worker. */
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "version\n", H_VERSION);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: lost child: worker stalled");
	cr_assert(access(d.path, F_OK) == -1 && errno == ENOENT);
	h_assert_proc_gone(wk);
	close(fd);
}

/* A slow worker within the timeout is not a stalled one. */
Test(bounds, worker_timeout_bounds)
{
	h_init(&d, H_PATH);
	h_spawn(&d, "--worker-timeout", "0", NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: --worker-timeout: 0: not a number "
	    "from 1 to 2147483");
}

/* Finding 4: a profile that is a FIFO is refused at once, writer or not. */
Test(bounds, fifo_profile_is_refused)
{
	char	*fifo;

	h_init(&d, H_PATH);
	fifo = h_printf("%s/fifo", d.dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	h_spawn(&d, "-P", fifo, NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, h_printf("privconfd: op=profile why=\"%s: not "
	    "a regular file\"", fifo));
}

/* A profile at most PROFILE_SIZE_MAX bytes: one past is refused. */
Test(bounds, profile_past_the_size_limit_is_refused)
{
	char	*path, *block = h_repeat(' ', 1 << 20);
	size_t	 i;
	int	 fd;

	h_init(&d, H_PATH);
	path = h_printf("%s/huge", d.dir);
	cr_assert_neq(fd = open(path, O_WRONLY | O_CREAT, 0600), -1);
	/* Comment lines of 1 KiB: nothing to keep, only bytes to read. */
	for (i = 0; i < (1 << 20); i += 1024) {
		block[i] = '#';
		block[i + 1023] = '\n';
	}
	for (i = 0; i < PROFILE_SIZE_MAX / (1 << 20); i++)
		cr_assert_eq(write_all(fd, block, 1 << 20), 0);
	cr_assert_eq(write_all(fd, "\n", 1), 0);
	close(fd);
	free(block);
	h_spawn(&d, "-P", path, NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, h_printf("privconfd: op=profile why=\"%s: "
	    "larger than %u bytes\"", path, PROFILE_SIZE_MAX));
}

/* Finding 6: a profile that locks the policy starts nothing, exit 0. */
Test(bounds, locked_profile_starts_nothing)
{
	char	*p;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "locked", "sandbox/read:off\nlock:on\n");
	h_spawn(&d, "-P", p, NULL);
	h_assert_exit(&d, 0);
	h_assert_log_line(&d, h_printf("privconfd: %s:2: the policy is locked "
	    "(lock:on): nothing to serve", p));
	cr_assert(access(d.path, F_OK) == -1 && errno == ENOENT);
}

/* Finding 5: the children's environment is only the fixed short list. */
Test(bounds, children_start_with_an_empty_environment)
{
	char	 path[64], buf[4096];
	pid_t	 kid[2];
	ssize_t	 n;
	int	 i, fd;

	if (!h_is_root())
		cr_skip_test("needs root: the children are not dumpable");
	cr_assert_eq(setenv("PRIVCONF_TEST_SECRET", "hunter2", 1), 0);
	h_start(&d, NULL);
	unsetenv("PRIVCONF_TEST_SECRET");
	kid[0] = h_child_named(d.pid, "privconf-worker");
	kid[1] = h_child_named(d.pid, "privconf-listener");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)kid[i]);
		cr_assert_neq(fd = open(path, O_RDONLY), -1);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		cr_assert_geq(n, 0);
		buf[n] = '\0';
		/* Only the sanitizer options of a SANITIZE=1 build. */
		cr_assert(n == 0 || strncmp(buf, "ASAN_OPTIONS=", 13) == 0 ||
		    strncmp(buf, "UBSAN_OPTIONS=", 14) == 0,
		    "child %d has \"%s\"", (int)kid[i], buf);
		cr_assert_null(memmem(buf, (size_t)n, "hunter2", 7));
	}
}

/* Finding 7: --ipc-gid alone admits the group's members, whatever uid. */
Test(bounds, ipc_gid_alone_checks_only_the_gid)
{
	struct h_bytes	 b;

	if (!h_is_root())
		cr_skip_test("needs root: clients of other ids");
	h_start_abstract(&d, "--ipc-gid", "4242", NULL);
	cr_assert_eq(h_request_as(1000, 4242, d.addr, "sandbox/read?\n", 14,
	    &b), 0);
	h_assert_str(&b, H_ACK);
	h_bytes_free(&b);
	cr_assert_eq(h_request_as(1000, 1000, d.addr, "sandbox/read?\n", 14,
	    &b), 0);
	h_assert_str(&b, H_AUTH);
	h_bytes_free(&b);
}
