/*
 * privconfd --compact-journal (docs/design.md 6.4): the compacted journal
 * rebuilds the same stat, is much shorter when changes cancel out, is
 * replaced atomically, and is refused while a daemon holds the journal.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(compact, .fini = teardown, .timeout = 180);

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "r");
	char	*s;
	long	 n;

	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	s = h_alloc((size_t)n + 1);
	cr_assert_eq(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return s;
}

/* Send lines (each ending in \n) on one prompt-i connection, all ACKed. */
static void
changes(const char *const *lines, size_t n)
{
	int	 fd = h_connect(d.addr);
	size_t	 i;

	h_sends(fd, "prompt i\n");
	for (i = 0; i < n; i++) {
		h_sends(fd, lines[i]);
		h_expect_read(fd, H_ACK);
	}
	close(fd);
}

/* n lines made by fmt from 0..n-1, pipelined by the thousand, all ACKed. */
static void
pipelined(const char *fmt, size_t n)
{
	const size_t	 acklen = strlen(H_ACK);
	char		*ack = h_alloc(1000 * acklen + 1);
	char		*chunk = h_alloc(1000 * (IPC_LINE_MAX + 1));
	size_t		 i, j, k, len;
	int		 fd = h_connect(d.addr);

	for (j = 0; j < 1000; j++)
		memcpy(ack + j * acklen, H_ACK, acklen);
	h_sends(fd, "prompt i\n");
	for (i = 0; i < n; i += k) {
		k = n - i < 1000 ? n - i : 1000;
		for (j = 0, len = 0; j < k; j++)
			len += (size_t)snprintf(chunk + len, IPC_LINE_MAX + 1,
			    fmt, i + j);
		h_send(fd, chunk, len);
		h_expect_read_n(fd, ack, k * acklen);
	}
	free(ack);
	free(chunk);
	close(fd);
}

/* Start privconfd with args, wait for its socket. */
#define START(...)	do {					\
	h_spawn(&d, __VA_ARGS__, NULL);				\
	h_ready(&d);						\
} while (0)

/* An exit status, or 128 + the signal. */
static int
exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* privconfd --compact-journal ...: its exit status. */
#define COMPACT(...)	(h_spawn(&d, "--compact-journal", __VA_ARGS__, NULL), \
	exit_code(h_wait_exit(&d, H_EXIT_MS)))

static size_t
lines_of(const char *s)
{
	return h_count(s, strlen(s), "\n");
}

/* No FILE.compact.* left in the directory. */
static void
assert_no_temporary(void)
{
	DIR		*dir = opendir(d.dir);
	struct dirent	*e;

	cr_assert_not_null(dir);
	while ((e = readdir(dir)) != NULL)
		cr_assert_null(strstr(e->d_name, ".compact."),
		    "%s left behind", e->d_name);
	closedir(dir);
}

Test(compact, cancelling_changes_shrink_and_stat_stays)
{
	char	*j, *before, *after, *text;
	size_t	 len0, len1;

	h_init(&d, H_PATH);
	j = h_printf("%s/journal", d.dir);
	START("-j", j);
	/* 10,000 changes that cancel out, around a few that last. */
	changes((const char *const[]){ "sandbox/write:off\n",
	    "allow/read+/usr/***\n", "default/exec:kill\n" }, 3);
	pipelined("allow/read+/tmp/c%zu\n", 5000);
	pipelined("allow/read-/tmp/c%zu\n", 5000);
	changes((const char *const[]){ "deny/read+/usr/bin/**\n",
	    "ioctl/deny+FIONREAD\n", "sandbox/write:on\n",
	    "sandbox/write:off\n" }, 4);
	before = h_stat(d.addr);
	cr_assert_eq(h_stop(&d), 0);
	text = slurp(j, &len0);
	cr_assert_eq(lines_of(text), 2 * 10007, "%zu lines", lines_of(text));

	cr_assert_eq(COMPACT(j), 0, "log:\n%s", h_log(&d));
	text = slurp(j, &len1);
	cr_assert_lt(len1 * 100, len0, "%zu bytes from %zu", len1, len0);
	cr_assert(strncmp(text, "# compacted by privconfd at ", 28) == 0,
	    "header: %s", text);
	cr_assert_not_null(strstr(text, j));
	cr_assert_not_null(strstr(text, "\n# replays after no profile\n"));
	/* The lasting changes, and nothing of the 10,000. */
	cr_assert_null(strstr(text, "/tmp/c"));
	cr_assert_leq(lines_of(text), 2 + 6, "%s", text);
	assert_no_temporary();

	START("-j", j);
	after = h_stat(d.addr);
	cr_assert_str_eq(after, before);
	/* And the compacted journal goes on as a journal. */
	changes((const char *const[]){ "allow/read+/opt/***\n" }, 1);
	cr_assert_eq(h_stop(&d), 0);
	text = slurp(j, NULL);
	cr_assert_not_null(strstr(text, "\nallow/read+/opt/***\n"));
}

/*
 * After profiles: the journal only holds what differs from them, and
 * replays after the same profiles to the same stat, also when it removed
 * a rule a profile added.
 */
Test(compact, relative_to_the_profiles)
{
	char	*j, *p, *before, *after, *text;

	h_init(&d, H_PATH);
	j = h_printf("%s/journal", d.dir);
	p = h_write_file(&d, "base.syd", "allow/read+/etc/***\n"
	    "allow/read+/usr/***\nsandbox/write:on\n");
	START("-P", p, "-j", j);
	changes((const char *const[]){ "allow/read+/opt/***\n",
	    "sandbox/exec:off\n" }, 2);
	before = h_stat(d.addr);
	cr_assert_eq(h_stop(&d), 0);
	cr_assert_eq(COMPACT(j, "-P", p), 0, "log:\n%s", h_log(&d));
	text = slurp(j, NULL);
	cr_assert_not_null(strstr(text, "\n# replays after the profiles "));
	cr_assert_null(strstr(text, "/etc/"), "%s", text);
	START("-P", p, "-j", j);
	after = h_stat(d.addr);
	cr_assert_str_eq(after, before);

	/* A profile's rule removed: the journal must still rebuild it. */
	changes((const char *const[]){ "allow/read-/etc/***\n",
	    "allow/read+/srv/***\n" }, 2);
	before = h_stat(d.addr);
	cr_assert_eq(h_stop(&d), 0);
	cr_assert_eq(COMPACT(j, "-P", p), 0, "log:\n%s", h_log(&d));
	START("-P", p, "-j", j);
	after = h_stat(d.addr);
	cr_assert_str_eq(after, before);
}

Test(compact, refused_while_a_daemon_holds_the_journal)
{
	char	*j, *text0, *text1;

	h_init(&d, H_PATH);
	j = h_printf("%s/journal", d.dir);
	START("-j", j);
	changes((const char *const[]){ "allow/read+/opt/***\n" }, 1);
	text0 = slurp(j, NULL);
	{
		struct h_daemon	 c;

		h_init(&c, H_PATH);
		h_spawn(&c, "--compact-journal", j, NULL);
		cr_assert_eq(exit_code(h_wait_exit(&c, H_EXIT_MS)), 1);
		h_assert_log_line(&c, h_printf("privconfd: op=journal "
		    "why=\"%s: in use by another privconfd\"", j));
		h_done(&c);
	}
	text1 = slurp(j, NULL);
	cr_assert_str_eq(text1, text0);
	assert_no_temporary();
}

/* A journal of these lines, as privconfd wants it: mode 0600. */
static char *
journal_of(const char *text)
{
	char	*j;

	h_init(&d, H_PATH);
	j = h_write_file(&d, "journal", text);
	cr_assert_eq(chmod(j, 0600), 0);
	return j;
}

/* A journal that does not replay is not compacted, and stays as it was. */
Test(compact, a_journal_that_does_not_replay_stays)
{
	char	*j = journal_of("allow/read+/opt/***\nsandbox/bogus:on\n");
	char	*text;

	cr_assert_eq(COMPACT(j), 1);
	h_assert_log_line(&d, h_printf("privconfd: %s:2: sandbox/bogus:on: "
	    "EINVAL: Invalid argument", j));
	text = slurp(j, NULL);
	cr_assert_str_eq(text, "allow/read+/opt/***\nsandbox/bogus:on\n");
	assert_no_temporary();
}

/* A locked journal compacts too, and stays locked: lock:on comes last. */
Test(compact, a_locked_journal_stays_locked)
{
	char	*j = journal_of("allow/read+/opt/***\nlock:on\n");
	char	*text;

	cr_assert_eq(COMPACT(j), 0, "log:\n%s", h_log(&d));
	text = slurp(j, NULL);
	cr_assert_not_null(strstr(text, "\nallow/read+/opt/***\nlock:on\n"),
	    "%s", text);
	h_spawn(&d, "-j", j, NULL);
	cr_assert_eq(exit_code(h_wait_exit(&d, H_EXIT_MS)), 0);
}
