/*
 * privconfd's command line: every option, every bound at the limit and
 * one past it.  The parser is compiled in directly: the Makefile links
 * unit tests with libcommon only.
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "daemon/options.h"

static struct options	 o;
static char		 err[256];

/* Parse a NULL-terminated list of words after "privconfd". */
static enum options_result
parse(const char *first, ...)
{
	char		*argv[64];
	const char	*w;
	va_list		 ap;
	int		 argc = 0;

	argv[argc++] = "privconfd";
	va_start(ap, first);
	for (w = first; w != NULL; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	options_free(&o);
	return options_parse(&o, argc, argv, err, sizeof(err));
}

static void
fmt(char *dst, size_t n, unsigned long long v)
{
	snprintf(dst, n, "%llu", v);
}

Test(daemon_options, defaults_come_from_limits_h)
{
	cr_assert_eq(parse(NULL), OPTIONS_RUN);
	cr_assert_eq(o.child.max_conn, DEFAULT_MAX_CONN);
	cr_assert_eq(o.child.max_conn_per_uid, DEFAULT_MAX_CONN_PER_UID);
	cr_assert_eq(o.child.auth_timeout, PREAUTH_TIMEOUT_MS / 1000);
	cr_assert_eq(o.child.idle_timeout, DEFAULT_IDLE_TIMEOUT_S);
	cr_assert_eq(o.child.max_queue, CONN_OUTQ_MAX);
	cr_assert_eq(o.child.fd_reserve, FD_RESERVE);
	cr_assert_str_eq(o.user, "nobody");
	cr_assert(!o.user_set);
	cr_assert_null(o.socket);
	cr_assert_eq(o.ipc_uid.kind, CONTRACT_ID_UNSET);
	cr_assert_eq(o.ipc_gid.kind, CONTRACT_ID_UNSET);
	cr_assert_eq(o.read_uid.kind, CONTRACT_ID_UNSET);
	cr_assert_eq(o.read_gid.kind, CONTRACT_ID_UNSET);
	cr_assert_eq(o.nprofiles, 0);
	cr_assert(!o.foreground);
	cr_assert_eq(o.verbose, 0);
	cr_assert_null(o.libexec_dir);
	cr_assert(!o.allow_weak_sandbox);
}

Test(daemon_options, short_and_long_forms_set_the_same_fields)
{
	cr_assert_eq(parse("-s", "@a", "-u", "daemon", "-P", "p1", "-f", "-v",
	    NULL), OPTIONS_RUN);
	cr_assert_str_eq(o.socket, "@a");
	cr_assert_str_eq(o.user, "daemon");
	cr_assert(o.user_set);
	cr_assert_eq(o.nprofiles, 1);
	cr_assert_str_eq(o.profiles[0], "p1");
	cr_assert(o.foreground);
	cr_assert_eq(o.verbose, 1);

	cr_assert_eq(parse("--socket", "/x.sock", "--user", "u", "--profile",
	    "p2", "--foreground", "--verbose", "--verbose", "--libexec-dir",
	    "/lib/x", "--allow-weak-sandbox", NULL), OPTIONS_RUN);
	cr_assert_str_eq(o.socket, "/x.sock");
	cr_assert_str_eq(o.user, "u");
	cr_assert_str_eq(o.profiles[0], "p2");
	cr_assert(o.foreground);
	cr_assert_eq(o.verbose, 2);
	cr_assert_str_eq(o.libexec_dir, "/lib/x");
	cr_assert(o.allow_weak_sandbox);
}

Test(daemon_options, profiles_keep_command_line_order)
{
	cr_assert_eq(parse("-P", "a", "--profile=b", "-Pc", "-P", "a", NULL),
	    OPTIONS_RUN);
	cr_assert_eq(o.nprofiles, 4);
	cr_assert_str_eq(o.profiles[0], "a");
	cr_assert_str_eq(o.profiles[1], "b");
	cr_assert_str_eq(o.profiles[2], "c");
	cr_assert_str_eq(o.profiles[3], "a");
}

Test(daemon_options, ipc_uid_takes_uids_names_or_any)
{
	char	 max[32], past[32];

	fmt(max, sizeof(max), OPT_ID_MAX);
	fmt(past, sizeof(past), (unsigned long long)OPT_ID_MAX + 1);
	cr_assert_eq(parse("--ipc-uid", "any", NULL), OPTIONS_RUN);
	cr_assert_eq(o.ipc_uid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(parse("--ipc-uid", "0", NULL), OPTIONS_RUN);
	cr_assert_eq(o.ipc_uid.kind, CONTRACT_ID_NUM);
	cr_assert_str_eq(o.ipc_uid.text, "0");
	cr_assert_eq(parse("--ipc-uid", max, NULL), OPTIONS_RUN);
	cr_assert_str_eq(o.ipc_uid.text, "4294967294");
	/* Names are resolved at start (daemon/levels.c), not here. */
	cr_assert_eq(parse("--ipc-uid", "alice,1001,_svc.x-1", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.ipc_uid.text, "alice,1001,_svc.x-1");
	cr_assert_eq(parse("--ipc-uid", past, NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--ipc-uid: 4294967295: not a list of uids "
	    "and user names, or \"any\"");
	cr_assert_eq(parse("--ipc-uid", "-1", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "+1", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", " 1", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "0x10", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "1,,2", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", ",1", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "1,", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "a b", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--ipc-uid", "99999999999999999999999", NULL),
	    OPTIONS_ERROR);
}

/* ACCESS_IDS_MAX items in a list, and one past it. */
Test(daemon_options, id_lists_at_their_limit)
{
	char	*list = malloc(ACCESS_IDS_MAX * 2 + 2);
	size_t	 i;

	for (i = 0; i < ACCESS_IDS_MAX; i++)
		memcpy(list + 2 * i, "7,", 2);
	list[2 * ACCESS_IDS_MAX - 1] = '\0';
	cr_assert_eq(parse("--read-uid", list, NULL), OPTIONS_RUN);
	cr_assert_eq(o.read_uid.kind, CONTRACT_ID_NUM);
	list[2 * ACCESS_IDS_MAX - 1] = ',';
	list[2 * ACCESS_IDS_MAX] = '7';
	list[2 * ACCESS_IDS_MAX + 1] = '\0';
	cr_assert_eq(parse("--read-uid", list, NULL), OPTIONS_ERROR);
	free(list);
}

Test(daemon_options, gid_lists_take_gids_names_and_none_for_admin)
{
	cr_assert_eq(parse("--ipc-gid", "none", NULL), OPTIONS_RUN);
	cr_assert_eq(o.ipc_gid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(parse("--ipc-gid", "100,wheel", NULL), OPTIONS_RUN);
	cr_assert_eq(o.ipc_gid.kind, CONTRACT_ID_NUM);
	cr_assert_str_eq(o.ipc_gid.text, "100,wheel");
	cr_assert_eq(parse("--ipc-gid", "4294967295", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--ipc-gid: 4294967295: not a list of gids "
	    "and group names, or \"none\"");
	/* The read level has no "none": leave the option out instead. */
	cr_assert_eq(parse("--read-gid", "users", "--read-uid", "any", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.read_gid.text, "users");
	cr_assert_eq(o.read_uid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(parse("--read-gid", "1,", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--read-gid: 1,: not a list of gids and group "
	    "names");
}

/* Each numeric option: min and max accepted, one past either refused. */
static void
bounds(const char *opt, uint64_t *field, unsigned long long min,
    unsigned long long max)
{
	char	 lo[32], hi[32], below[32], above[32], want[128];

	fmt(lo, sizeof(lo), min);
	fmt(hi, sizeof(hi), max);
	fmt(above, sizeof(above), max + 1);
	cr_assert_eq(parse(opt, lo, NULL), OPTIONS_RUN, "%s %s", opt, lo);
	cr_assert_eq(*field, min);
	cr_assert_eq(parse(opt, hi, NULL), OPTIONS_RUN, "%s %s", opt, hi);
	cr_assert_eq(*field, max);
	cr_assert_eq(parse(opt, above, NULL), OPTIONS_ERROR, "%s %s", opt,
	    above);
	snprintf(want, sizeof(want), "%s: %s: not a number from %llu to %llu",
	    opt, above, min, max);
	cr_assert_str_eq(err, want);
	if (min > 0) {
		fmt(below, sizeof(below), min - 1);
		cr_assert_eq(parse(opt, below, NULL), OPTIONS_ERROR, "%s %s",
		    opt, below);
	}
	cr_assert_eq(parse(opt, "-1", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse(opt, "1x", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse(opt, "1 ", NULL), OPTIONS_ERROR);
}

Test(daemon_options, max_conn_bounds)
{
	bounds("--max-conn", &o.child.max_conn, 1, OPT_MAX_CONN_MAX);
}

Test(daemon_options, max_conn_per_uid_bounds)
{
	bounds("--max-conn-per-uid", &o.child.max_conn_per_uid, 1,
	    OPT_MAX_CONN_MAX);
}

Test(daemon_options, auth_timeout_bounds)
{
	bounds("--auth-timeout", &o.child.auth_timeout, 1, OPT_TIMEOUT_MAX_S);
}

Test(daemon_options, idle_timeout_allows_zero_for_never)
{
	bounds("--idle-timeout", &o.child.idle_timeout, 0, OPT_TIMEOUT_MAX_S);
}

Test(daemon_options, max_queue_bounds)
{
	bounds("--max-queue", &o.child.max_queue, 1, OPT_MAX_QUEUE_MAX);
}

Test(daemon_options, fd_reserve_bounds)
{
	bounds("--fd-reserve", &o.child.fd_reserve, 0, OPT_FD_RESERVE_MAX);
}

Test(daemon_options, timeouts_fit_an_int_of_milliseconds)
{
	cr_assert_leq((unsigned long long)OPT_TIMEOUT_MAX_S * 1000,
	    (unsigned long long)INT_MAX);
}

Test(daemon_options, version_and_help_stop_parsing)
{
	cr_assert_eq(parse("--version", NULL), OPTIONS_VERSION);
	cr_assert_eq(parse("--help", NULL), OPTIONS_HELP);
	cr_assert_eq(parse("-h", NULL), OPTIONS_HELP);
	cr_assert_eq(parse("-f", "--version", "--bogus", NULL),
	    OPTIONS_VERSION);
}

Test(daemon_options, version_text_names_daemon_and_ipc_version)
{
	char	*s = NULL;
	size_t	 n = 0;
	FILE	*fp = open_memstream(&s, &n);

	cr_assert_not_null(fp);
	options_version(fp);
	fclose(fp);
	cr_assert_str_eq(s, "privconfd 0.1 (IPC 3.1)\n");
	free(s);
}

Test(daemon_options, usage_names_every_option)
{
	static const char *const words[] = { "[-fhnv]", "-P file", "-l file",
	    "-s address", "-u user", "--ipc-uid", "--ipc-gid", "--read-uid",
	    "--read-gid", "--max-conn ",
	    "--max-conn-per-uid", "--auth-timeout", "--idle-timeout",
	    "--max-queue", "--fd-reserve", "--libexec-dir",
	    "--allow-weak-sandbox", "--version", "-j journal",
	    "--journal-sync always|batch|none", "--compact-journal journal" };
	char	*s = NULL;
	size_t	 n = 0, i;
	FILE	*fp = open_memstream(&s, &n);

	cr_assert_not_null(fp);
	options_usage(fp);
	fclose(fp);
	cr_assert(strncmp(s, "usage: privconfd ", 17) == 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		cr_assert_not_null(strstr(s, words[i]), "usage lacks %s",
		    words[i]);
	free(s);
}

Test(daemon_options, unknown_options_are_refused_with_their_name)
{
	cr_assert_eq(parse("--bogus", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "bad option --bogus");
	cr_assert_eq(parse("-x", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unknown option -x");
	cr_assert_eq(parse("-fx", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unknown option -x");
	cr_assert_eq(parse("--foreground=yes", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "bad option --foreground=yes");
}

Test(daemon_options, journal_and_its_sync_mode)
{
	cr_assert_eq(parse(NULL), OPTIONS_RUN);
	cr_assert_null(o.journal);
	cr_assert_eq(o.child.journal_sync, CONTRACT_SYNC_BATCH);
	cr_assert_eq(parse("-j", "/var/lib/privconf/journal", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.journal, "/var/lib/privconf/journal");
	cr_assert_eq(parse("--journal=j", "--journal-sync", "always", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.journal, "j");
	cr_assert_eq(o.child.journal_sync, CONTRACT_SYNC_ALWAYS);
	cr_assert_eq(parse("--journal-sync=none", NULL), OPTIONS_RUN);
	cr_assert_eq(o.child.journal_sync, CONTRACT_SYNC_NONE);
	cr_assert_eq(parse("--journal-sync", "batch", NULL), OPTIONS_RUN);
	cr_assert_eq(o.child.journal_sync, CONTRACT_SYNC_BATCH);
	cr_assert(!o.compact);
	cr_assert_eq(parse("--compact-journal", "/j", "-P", "p", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.journal, "/j");
	cr_assert(o.compact);
}

Test(daemon_options, bad_journal_options_are_refused)
{
	cr_assert_eq(parse("--journal-sync", "sometimes", NULL),
	    OPTIONS_ERROR);
	cr_assert_str_eq(err, "--journal-sync: sometimes: not one of batch, "
	    "always, none");
	cr_assert_eq(parse("--journal-sync", "Always", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--journal-sync", "", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("-j", "", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "empty argument to --journal");
	cr_assert_eq(parse("-j", "a", "-j", "b", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "one journal: --journal or --compact-journal, "
	    "once");
	cr_assert_eq(parse("-j", "a", "--compact-journal", "a", NULL),
	    OPTIONS_ERROR);
	cr_assert_eq(parse("-j", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "option -j needs an argument");
}

Test(daemon_options, missing_argument_is_refused)
{
	cr_assert_eq(parse("-s", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "option -s needs an argument");
	cr_assert_eq(parse("--max-conn", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "option --max-conn needs an argument");
}

Test(daemon_options, empty_arguments_are_refused)
{
	cr_assert_eq(parse("-s", "", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "empty argument to --socket");
	cr_assert_eq(parse("-P", "", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "empty argument to --profile");
	cr_assert_eq(parse("-u", "", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--libexec-dir", "", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--max-conn", "", NULL), OPTIONS_ERROR);
}

Test(daemon_options, operands_are_refused)
{
	cr_assert_eq(parse("-f", "extra", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unexpected argument extra");
	/* Parsing stops at the first operand: nothing after it is an option. */
	cr_assert_eq(parse("extra", "-f", NULL), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unexpected argument extra");
}

Test(daemon_options, last_of_repeated_options_wins)
{
	cr_assert_eq(parse("-s", "/a", "-s", "/b", "--max-conn", "5",
	    "--max-conn", "6", "--ipc-uid", "7", "--ipc-uid", "any", NULL),
	    OPTIONS_RUN);
	cr_assert_str_eq(o.socket, "/b");
	cr_assert_eq(o.child.max_conn, 6);
	cr_assert_eq(o.ipc_uid.kind, CONTRACT_ID_ANY);
}

Test(daemon_options, number_parser_is_strict_decimal)
{
	uint64_t v = 42;

	cr_assert_eq(options_number("18446744073709551615", 0, UINT64_MAX,
	    &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(options_number("18446744073709551616", 0, UINT64_MAX,
	    &v), -1);
	cr_assert_eq(options_number("", 0, 10, &v), -1);
	cr_assert_eq(options_number("007", 0, 10, &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(options_number("11", 0, 10, &v), -1);
	cr_assert_eq(v, 7, "a refused number leaves the output alone");
}

Test(daemon_options, check_and_log_file)
{
	cr_assert_eq(parse(NULL), OPTIONS_RUN);
	cr_assert(!o.check);
	cr_assert_null(o.log_file);
	cr_assert_eq(parse("-n", "-l", "/var/log/privconf/log", NULL),
	    OPTIONS_RUN);
	cr_assert(o.check);
	cr_assert_str_eq(o.log_file, "/var/log/privconf/log");
	cr_assert_eq(parse("--check", "--log-file", "x", NULL), OPTIONS_RUN);
	cr_assert(o.check);
	cr_assert_str_eq(o.log_file, "x");
	cr_assert_eq(parse("-l", NULL), OPTIONS_ERROR);
	cr_assert_eq(parse("--log-file", "", NULL), OPTIONS_ERROR);
	/* One reads, the other writes: never both. */
	cr_assert_eq(parse("-n", "--compact-journal", "j", NULL),
	    OPTIONS_ERROR);
	cr_assert_str_eq(err, "-n checks, --compact-journal writes: one or "
	    "the other");
}
