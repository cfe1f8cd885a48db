/* The listener's argv (the process contract): every option at its limits. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/limits.h"
#include "listener/opts.h"

static struct listener_opts o;
static char	 err[256];

/* Parse the ids plus the given extra arguments, NULL-terminated. */
static int
parse(const char *first, ...)
{
	char	*argv[32];
	int	 argc = 0;
	va_list	 ap;
	const char *a;

	argv[argc++] = "privconf-listener";
	argv[argc++] = "--ipc-uid";
	argv[argc++] = "1000";
	argv[argc++] = "--ipc-gid";
	argv[argc++] = "none";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return listener_opts_parse(argc, argv, &o, err, sizeof(err));
}

static int
parse_raw(int argc, char **argv)
{
	return listener_opts_parse(argc, argv, &o, err, sizeof(err));
}

Test(listener_opts, opts_defaults_are_those_of_limits_h)
{
	cr_assert_eq(parse(NULL), 0, "%s", err);
	cr_assert_eq(o.max_conn, DEFAULT_MAX_CONN);
	cr_assert_eq(o.max_conn_per_uid, DEFAULT_MAX_CONN_PER_UID);
	cr_assert_eq(o.auth_timeout * 1000, PREAUTH_TIMEOUT_MS);
	cr_assert_eq(o.idle_timeout, DEFAULT_IDLE_TIMEOUT_S);
	cr_assert_eq(o.max_queue, CONN_OUTQ_MAX);
	cr_assert_eq(o.fd_reserve, FD_RESERVE);
	cr_assert(o.auth.check_uid);
	cr_assert_eq(o.auth.uid, 1000);
	cr_assert_not(o.auth.check_gid);
	cr_assert_not(o.run_ids);
	cr_assert_null(o.chroot_dir);
	cr_assert_eq(o.verbose, 0);
}

Test(listener_opts, opts_contract_argv_parses)
{
	char	*argv[] = { "privconf-listener", "-v", "--ipc-uid", "any",
	    "--ipc-gid", "100", "--max-conn", "3", "--max-conn-per-uid", "2",
	    "--auth-timeout", "1", "--idle-timeout", "0", "--max-queue",
	    "4096", "--fd-reserve", "8", "--run-uid", "65534", "--run-gid",
	    "65534", "--chroot", "/run/privconf/root", "--allow-weak-sandbox",
	    NULL };

	cr_assert_eq(parse_raw(25, argv), 0, "%s", err);
	cr_assert_eq(o.verbose, 1);
	cr_assert_not(o.auth.check_uid);
	cr_assert(o.auth.check_gid);
	cr_assert_eq(o.auth.gid, 100);
	cr_assert_eq(o.max_conn, 3);
	cr_assert_eq(o.max_conn_per_uid, 2);
	cr_assert_eq(o.auth_timeout, 1);
	cr_assert_eq(o.idle_timeout, 0);
	cr_assert_eq(o.max_queue, 4096);
	cr_assert_eq(o.fd_reserve, 8);
	cr_assert(o.run_ids);
	cr_assert_eq(o.run_uid, 65534);
	cr_assert_eq(o.run_gid, 65534);
	cr_assert_str_eq(o.chroot_dir, "/run/privconf/root");
	cr_assert(o.allow_weak);
}

Test(listener_opts, opts_ids_are_required)
{
	char	*a[] = { "l", "--ipc-uid", "1", NULL };
	char	*b[] = { "l", "--ipc-gid", "none", NULL };

	cr_assert_eq(parse_raw(3, a), -1);
	cr_assert_eq(parse_raw(3, b), -1);
}

Test(listener_opts, opts_uid_range)
{
	char	*ok[] = { "l", "--ipc-uid", "4294967294", "--ipc-gid",
	    "4294967294", NULL };
	char	*bad[] = { "l", "--ipc-uid", "4294967295", "--ipc-gid", "0",
	    NULL };
	char	*badg[] = { "l", "--ipc-uid", "0", "--ipc-gid", "4294967295",
	    NULL };

	cr_assert_eq(parse_raw(5, ok), 0, "%s", err);
	cr_assert_eq(o.auth.uid, 4294967294u);
	cr_assert_eq(parse_raw(5, bad), -1);
	cr_assert_eq(parse_raw(5, badg), -1);
}

Test(listener_opts, opts_numbers_are_plain_decimal)
{
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "12a",
	    "99999999999999999999999" };
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse("--max-conn", bad[i], NULL), -1,
		    "--max-conn \"%s\" accepted", bad[i]);
	cr_assert_eq(parse("--max-conn", "007", NULL), 0);
	cr_assert_eq(o.max_conn, 7);
}

Test(listener_opts, opts_max_conn_limits)
{
	char	 s[32];

	cr_assert_eq(parse("--max-conn", "0", NULL), -1);
	cr_assert_eq(parse("--max-conn", "1", NULL), 0);
	snprintf(s, sizeof(s), "%d", LISTENER_CONN_MAX);
	cr_assert_eq(parse("--max-conn", s, NULL), 0);
	snprintf(s, sizeof(s), "%d", LISTENER_CONN_MAX + 1);
	cr_assert_eq(parse("--max-conn", s, NULL), -1);
	cr_assert_eq(parse("--max-conn-per-uid", "0", NULL), -1);
	cr_assert_eq(parse("--max-conn-per-uid", "1", NULL), 0);
}

Test(listener_opts, opts_timeouts)
{
	char	 s[32];

	cr_assert_eq(parse("--auth-timeout", "0", NULL), -1);
	cr_assert_eq(parse("--auth-timeout", "1", NULL), 0);
	cr_assert_eq(parse("--idle-timeout", "0", NULL), 0);
	cr_assert_eq(o.idle_timeout, 0);
	snprintf(s, sizeof(s), "%lu", LISTENER_TIMEOUT_MAX);
	cr_assert_eq(parse("--idle-timeout", s, "--auth-timeout", s, NULL), 0);
	snprintf(s, sizeof(s), "%lu", LISTENER_TIMEOUT_MAX + 1);
	cr_assert_eq(parse("--idle-timeout", s, NULL), -1);
	cr_assert_eq(parse("--auth-timeout", s, NULL), -1);
}

Test(listener_opts, opts_queue_and_reserve)
{
	char	 s[32];

	cr_assert_eq(parse("--max-queue", "0", NULL), -1);
	cr_assert_eq(parse("--max-queue", "1", NULL), 0);
	cr_assert_eq(parse("--fd-reserve", "0", NULL), 0);
	snprintf(s, sizeof(s), "%d", LISTENER_RESERVE_MAX);
	cr_assert_eq(parse("--fd-reserve", s, NULL), 0);
	snprintf(s, sizeof(s), "%d", LISTENER_RESERVE_MAX + 1);
	cr_assert_eq(parse("--fd-reserve", s, NULL), -1);
}

Test(listener_opts, opts_run_ids_go_together)
{
	cr_assert_eq(parse("--run-uid", "65534", NULL), -1);
	cr_assert_eq(parse("--run-gid", "65534", NULL), -1);
	cr_assert_eq(parse("--run-uid", "65534", "--run-gid", "65534", NULL),
	    0);
	cr_assert(o.run_ids);
}

Test(listener_opts, opts_refuses_unknown_and_stray_arguments)
{
	cr_assert_eq(parse("--bogus", NULL), -1);
	cr_assert_eq(parse("stray", NULL), -1);
	cr_assert_eq(parse("--max-conn", NULL), -1);
	cr_assert_eq(parse("--chroot", "relative", NULL), -1);
	cr_assert_eq(parse("--ipc-uid", "anyone", NULL), -1);
}
