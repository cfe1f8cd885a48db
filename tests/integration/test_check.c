/*
 * privconfd -n (privconfd(8)): the options, the profiles and the journal
 * through a worker in its set-up phase, then "configuration OK" on
 * standard output and exit 0, or the first refused line as
 * "FILE:LINE: NAME: the line" on standard error and exit 1.  Nothing is
 * bound, and the journal is only read: never created, locked or cut.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define RUN_MS	(H_START_MS * 3)

static struct h_daemon	d;

static void
setup(void)
{
	h_init(&d, H_PATH);
}

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(check, .init = setup, .fini = teardown, .timeout = 120);

/* privconfd -n -s DIR/ipc.sock and the arguments. */
static void
check_run(struct h_run *r, ...)
{
	const char	*argv[32];
	va_list		 ap;
	int		 n = 0;

	argv[n++] = h_printf("%s/privconfd", h_build_dir());
	argv[n++] = "-n";
	argv[n++] = "-s";
	argv[n++] = d.addr;
	va_start(ap, r);
	while ((argv[n] = va_arg(ap, const char *)) != NULL) {
		cr_assert(n < 30, "too many arguments");
		n++;
	}
	va_end(ap);
	h_run(r, RUN_MS, argv, NULL);
}

static void
assert_status(const struct h_run *r, int code)
{
	cr_assert(WIFEXITED(r->status) && WEXITSTATUS(r->status) == code,
	    "privconfd -n: want exit %d, got %s; stdout \"%s\" stderr \"%s\"",
	    code, h_status_text(r->status), h_escape(r->out.p, r->out.len, 400),
	    h_escape(r->err.p, r->err.len, 800));
}

static void
assert_nothing_bound(void)
{
	struct stat	 st;

	cr_assert(lstat(d.path, &st) == -1 && errno == ENOENT,
	    "privconfd -n left %s", d.path);
}

Test(check, good_profile_is_ok_and_binds_nothing)
{
	struct h_run	 r;
	char		*p;

	p = h_write_file(&d, "good", "# a comment\nsandbox/read:on\n\n"
	    "allow/read+/usr/***\ndeny/write+/etc/***\n");
	check_run(&r, "-P", p, NULL);
	assert_status(&r, 0);
	cr_assert_str_eq(r.out.p, "configuration OK\n");
	cr_assert_str_eq(r.err.p, "", "stderr: %s", r.err.p);
	assert_nothing_bound();
	h_run_free(&r);
}

Test(check, bad_profile_names_the_first_refused_line)
{
	struct h_run	 r;
	char		*p1, *p2, *want;

	p1 = h_write_file(&d, "first", "sandbox/read:on\n");
	p2 = h_write_file(&d, "second", "allow/read+/usr/***\n"
	    "sandbox/bogus:on\nsandbox/nonsense:on\n");
	check_run(&r, "-P", p1, "-P", p2, NULL);
	assert_status(&r, 1);
	cr_assert_str_eq(r.out.p, "");
	want = h_printf("%s:2: EINVAL: sandbox/bogus:on\n", p2);
	cr_assert_str_eq(r.err.p, want);
	assert_nothing_bound();
	h_run_free(&r);
}

Test(check, the_name_is_the_errno_of_the_refusal)
{
	struct h_run	 r;
	char		*p;

	/* After lock:on, every line is refused with EPERM. */
	p = h_write_file(&d, "locked", "lock:on\nsandbox/read:off\n");
	check_run(&r, "-P", p, NULL);
	assert_status(&r, 1);
	cr_assert_str_eq(r.err.p, h_printf("%s:2: EPERM: sandbox/read:off\n",
	    p));
	h_run_free(&r);
}

Test(check, a_profile_that_locks_is_ok_but_said)
{
	struct h_run	 r;
	char		*p;

	p = h_write_file(&d, "lock", "sandbox/read:on\nlock:on\n");
	check_run(&r, "-P", p, NULL);
	assert_status(&r, 0);
	cr_assert_str_eq(r.out.p, "configuration OK\n");
	cr_assert(strstr(r.err.p, h_printf("privconfd: %s:2: the policy is "
	    "locked (lock:on): nothing to serve\n", p)) != NULL,
	    "stderr: %s", r.err.p);
	h_run_free(&r);
}

Test(check, options_and_files_are_checked_too)
{
	struct h_run	 r;

	check_run(&r, "--max-conn", "0", NULL);
	assert_status(&r, 1);
	cr_assert_str_eq(r.out.p, "");
	h_run_free(&r);

	check_run(&r, "-P", h_printf("%s/missing", d.dir), NULL);
	assert_status(&r, 1);
	cr_assert(strstr(r.err.p, "missing") != NULL, "stderr: %s", r.err.p);
	h_run_free(&r);

	check_run(&r, "--compact-journal", h_printf("%s/j", d.dir), NULL);
	assert_status(&r, 1);
	h_run_free(&r);
}

Test(check, abstract_name_is_warned_about)
{
	struct h_run	 r;
	const char	*argv[] = { NULL, "-n", "-s", "@privconf-check-test",
	    NULL };

	argv[0] = h_printf("%s/privconfd", h_build_dir());
	h_run(&r, RUN_MS, argv, NULL);
	assert_status(&r, 0);
	cr_assert_str_eq(r.out.p, "configuration OK\n");
	cr_assert(strstr(r.err.p, "op=bind addr=\"@privconf-check-test\" "
	    "why=\"an abstract name: any local user can bind it first") !=
	    NULL, "stderr: %s", r.err.p);
	h_run_free(&r);
}

Test(check, a_missing_journal_is_not_created)
{
	struct h_run	 r;
	struct stat	 st;
	char		*j = h_printf("%s/journal", d.dir);

	check_run(&r, "-j", j, NULL);
	assert_status(&r, 0);
	cr_assert_str_eq(r.out.p, "configuration OK\n");
	cr_assert(lstat(j, &st) == -1 && errno == ENOENT, "%s was created", j);
	h_run_free(&r);
}

Test(check, the_journal_is_replayed_after_the_profiles)
{
	struct h_run	 r;
	char		*p, *j;

	/* Fine alone; after a profile that locks, refused. */
	p = h_write_file(&d, "p", "sandbox/read:on\n");
	j = h_write_file(&d, "journal", "# 2026-11-28T10:15:02Z uid=0 gid=0 "
	    "pid=1\nallow/read+/x\n# 2026-11-28T10:15:03Z uid=0 gid=0 pid=1\n"
	    "sandbox/what:on\n");
	check_run(&r, "-P", p, "-j", j, NULL);
	assert_status(&r, 1);
	cr_assert_str_eq(r.err.p, h_printf("%s:4: EINVAL: sandbox/what:on\n",
	    j));
	h_run_free(&r);
}

Test(check, a_journal_in_use_is_read_not_locked_nor_cut)
{
	struct h_run	 r;
	struct stat	 before, after;
	char		*j, *torn;

	/* A daemon holds the journal's lock and appends to it. */
	j = h_printf("%s/journal", d.dir);
	h_spawn(&d, "-j", j, NULL);
	h_ready(&d);
	h_expect(d.addr, "allow/read+/srv/***\n", H_ACK);
	/* A torn record, as a crash leaves it: -n must not cut it. */
	torn = h_printf("%s", "allow/read+/to");
	{
		FILE	*fp = fopen(j, "a");

		cr_assert(fp != NULL);
		fputs(torn, fp);
		fclose(fp);
	}
	cr_assert(stat(j, &before) == 0);
	check_run(&r, "-j", j, NULL);
	assert_status(&r, 0);
	cr_assert_str_eq(r.out.p, "configuration OK\n");
	cr_assert(strstr(r.err.p, "torn last line (14 bytes): the daemon "
	    "will cut it") != NULL, "stderr: %s", r.err.p);
	cr_assert(stat(j, &after) == 0);
	cr_assert_eq(before.st_size, after.st_size, "the journal changed");
	/* The daemon still serves: -n took nothing from it. */
	h_expect(d.addr, "allow/read+/srv/***?\n", H_ACK);
	h_run_free(&r);
}

Test(check, a_journal_others_can_write_is_refused)
{
	struct h_run	 r;
	char		*j;

	j = h_write_file(&d, "journal", "allow/read+/x\n");
	cr_assert(chmod(j, 0622) == 0);
	check_run(&r, "-j", j, NULL);
	assert_status(&r, 1);
	cr_assert(strstr(r.err.p, "writable by group or others") != NULL,
	    "stderr: %s", r.err.p);
	h_run_free(&r);
}
