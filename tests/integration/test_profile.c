/*
 * Profiles (-P FILE, docs/design.md 2): applied before the socket serves, and a
 * bad line stops the daemon with FILE:LINE and leaves nothing behind.
 */
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define NOBODY	65534

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(profile, .fini = teardown, .timeout = 120);

static void
assert_no_socket(void)
{
	struct stat	st;

	cr_assert(lstat(d.path, &st) == -1 && errno == ENOENT,
	    "%s left behind", d.path);
}

/* privconfd must refuse to start: exit 1, this line on stderr. */
static void
expect_refusal(const char *line)
{
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, line);
	assert_no_socket();
}

Test(profile, line_applies_before_serving)
{
	char	*p;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "profile", "sandbox/read:off\n");
	h_spawn(&d, "-P", p, NULL);
	h_ready(&d);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/write?\n", H_ACK);
}

Test(profile, comments_and_blank_lines_are_skipped)
{
	char	*p;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "profile", "# a comment\n\nsandbox/read:off\n"
	    "#sandbox/read:on\n\n");
	h_spawn(&d, "-P", p, NULL);
	h_ready(&d);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
}

Test(profile, profiles_apply_in_order)
{
	char	*p1, *p2;

	h_init(&d, H_PATH);
	p1 = h_write_file(&d, "one", "sandbox/read,write:off\n");
	p2 = h_write_file(&d, "two", "sandbox/write:on\n");
	h_spawn(&d, "-P", p1, "-P", p2, NULL);
	h_ready(&d);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/write?\n", H_ACK);
}

Test(profile, bad_line_stops_the_daemon_with_file_and_line)
{
	char	*p, *line;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "profile", "sandbox/read:off\nsandbox/bogus:on\n"
	    "sandbox/write:off\n");
	h_spawn(&d, "-P", p, NULL);
	line = h_printf("privconfd: %s:2: sandbox/bogus:on: EINVAL: Invalid "
	    "argument", p);
	expect_refusal(line);
	free(line);
}

Test(profile, line_numbers_count_comments_and_blank_lines)
{
	char	*p, *line;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "profile", "# one\n\nsandbox/read:off\n# four\n"
	    "allow/read+usr/***\n");
	h_spawn(&d, "-P", p, NULL);
	line = h_printf("privconfd: %s:5: allow/read+usr/***: EINVAL: Invalid "
	    "argument", p);
	expect_refusal(line);
	free(line);
}

Test(profile, error_names_the_file_it_is_in)
{
	char	*p1, *p2, *line;

	h_init(&d, H_PATH);
	p1 = h_write_file(&d, "good", "sandbox/read:off\n");
	p2 = h_write_file(&d, "bad", "mem/max:lots\n");
	h_spawn(&d, "-P", p1, "-P", p2, NULL);
	line = h_printf("privconfd: %s:1: mem/max:lots: EINVAL: Invalid "
	    "argument", p2);
	expect_refusal(line);
	free(line);
}

Test(profile, missing_profile_stops_the_daemon)
{
	char	*p;

	h_init(&d, H_PATH);
	p = h_printf("%s/no-such-profile", d.dir);
	h_spawn(&d, "-P", p, NULL);
	h_assert_exit(&d, 1);
	assert_no_socket();
}

Test(profile, startup_only_commands_apply_from_a_profile)
{
	char	*p, *s;

	h_init(&d, H_PATH);
	p = h_write_file(&d, "profile", "name/host:box\n");
	h_spawn(&d, "-P", p, NULL);
	h_ready(&d);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"name\":{\"host\":\"box\",\"domain\":null}") !=
	    NULL, "stat: %s", s);
	free(s);
	/* Over IPC the same command is refused without change. */
	h_expect(d.addr, "name/host:other\n", H_EBUSY);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"host\":\"box\"") != NULL, "stat: %s", s);
	free(s);
}

/*
 * ipc/uid in a profile sets the IPC uid when the command line does not.
 * As root, nobody gets in only through it; not as root, it locks us out.
 */
Test(profile, ipc_uid_line_sets_the_ipc_uid)
{
	struct h_bytes	 b;
	char		*p;

	h_init(&d, H_ABSTRACT);
	p = h_write_file(&d, "profile", h_is_root() ? "ipc/uid:65534\n" :
	    "ipc/uid:4242\n");
	h_spawn(&d, "-P", p, NULL);
	h_ready(&d);
	if (h_is_root()) {
		cr_assert(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5,
		    &b) == 0);
		h_assert_str(&b, H_PONG);
	} else {
		h_request(d.addr, "ping\n", 5, &b);
		h_assert_str(&b, H_AUTH);
	}
	h_bytes_free(&b);
}

Test(profile, command_line_ipc_uid_wins_over_profile)
{
	struct h_bytes	 b;
	char		*p, *me;

	h_init(&d, H_ABSTRACT);
	p = h_write_file(&d, "profile", h_is_root() ? "ipc/uid:65534\n" :
	    "ipc/uid:4242\n");
	me = h_printf("%u", (unsigned)getuid());
	h_spawn(&d, "-P", p, "--ipc-uid", me, NULL);
	h_ready(&d);
	if (h_is_root()) {
		cr_assert(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5,
		    &b) == 0);
		h_assert_str(&b, H_AUTH);
	} else {
		h_request(d.addr, "ping\n", 5, &b);
		h_assert_str(&b, H_PONG);
	}
	h_bytes_free(&b);
	free(me);
}
