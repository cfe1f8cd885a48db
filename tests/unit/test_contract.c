/*
 * The process contract (common/contract.h): the argv privconfd writes,
 * word for word, and the one parser both children read it with, every
 * option at its limit and one past it.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/contract.h"
#include "common/limits.h"

static struct contract_args a;
static char	 err[256];

static void
argv_is(const struct contract_argv *v, const char *const want[])
{
	int	 i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, v->n, "missing word %d: %s", i, want[i]);
		cr_assert_str_eq(v->v[i], want[i], "word %d", i);
	}
	cr_assert_eq(v->n, i, "extra words after %d: %s", i, v->v[i]);
	cr_assert_null(v->v[i]);
}

/* A listener argv: the required ids plus the given words. */
static int
parse(const char *first, ...)
{
	char	*argv[32];
	int	 argc = 0;
	va_list	 ap;
	const char *w;

	argv[argc++] = "privconf-listener";
	argv[argc++] = "--ipc-uid";
	argv[argc++] = "1000";
	argv[argc++] = "--ipc-gid";
	argv[argc++] = "none";
	va_start(ap, first);
	for (w = first; w != NULL && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return contract_parse(CONTRACT_LISTENER, argc, argv, &a, err,
	    sizeof(err));
}

static int
parse_raw(enum contract_proc proc, char **argv)
{
	int	 argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return contract_parse(proc, argc, argv, &a, err, sizeof(err));
}

/* Writing. */

Test(contract, worker_as_a_user)
{
	static const char *const want[] = { "privconf-worker", "--ipc-addr",
	    "/run/x.sock", "--ipc-uid", "1000", "--ipc-gid", "none",
	    "--max-conn", "1024", NULL };
	struct contract_argv v;

	contract_args_init(&a);
	a.ipc_addr = "/run/x.sock";
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_NUM, "1000" };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	contract_argv(&v, CONTRACT_WORKER, &a);
	argv_is(&v, want);
}

Test(contract, worker_as_root_verbose_weak_with_journal)
{
	static const char *const want[] = { "privconf-worker", "-v", "-v",
	    "-v", "--ipc-addr", "@p", "--ipc-uid", "any", "--ipc-gid",
	    "4294967294", "--max-conn", "1024", "--journal", "--run-uid",
	    "65534", "--run-gid",
	    "65533", "--chroot", "/run/privconfd-root.x",
	    "--allow-weak-sandbox", NULL };
	struct contract_argv v;

	contract_args_init(&a);
	a.verbose = 3;
	a.ipc_addr = "@p";
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_NUM, "4294967294" };
	a.journal = true;
	a.run_uid = (struct contract_id){ CONTRACT_ID_NUM, 65534 };
	a.run_gid = (struct contract_id){ CONTRACT_ID_NUM, 65533 };
	a.chroot = "/run/privconfd-root.x";
	a.allow_weak = true;
	contract_argv(&v, CONTRACT_WORKER, &a);
	argv_is(&v, want);
}

Test(contract, listener_carries_every_limit_and_no_worker_option)
{
	static const char *const want[] = { "privconf-listener", "--ipc-uid",
	    "0", "--ipc-gid", "none", "--max-conn", "1024",
	    "--max-conn-per-uid", "64", "--auth-timeout", "10",
	    "--idle-timeout", "600", "--max-queue", "262144", "--fd-reserve",
	    "8", "--worker-timeout", "30", NULL };
	struct contract_argv v;

	contract_args_init(&a);
	a.ipc_addr = "/x";
	a.journal = true;
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_NUM, "0" };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	contract_argv(&v, CONTRACT_LISTENER, &a);
	argv_is(&v, want);
}

Test(contract, listener_as_root_with_the_largest_values)
{
	static const char *const want[] = { "privconf-listener", "-v",
	    "--ipc-uid", "4294967294", "--ipc-gid", "100", "--max-conn",
	    "1048576", "--max-conn-per-uid", "1048576", "--auth-timeout",
	    "2147483", "--idle-timeout", "0", "--max-queue", "1073741824",
	    "--fd-reserve", "1024", "--worker-timeout", "2147483",
	    "--run-uid", "4294967294", "--run-gid",
	    "4294967294", "--chroot", "/r", "--allow-weak-sandbox", NULL };
	struct contract_argv v;

	contract_args_init(&a);
	a.verbose = 1;
	a.allow_weak = true;
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_NUM, "4294967294" };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_NUM, "100" };
	a.run_uid = (struct contract_id){ CONTRACT_ID_NUM, 4294967294u };
	a.run_gid = (struct contract_id){ CONTRACT_ID_NUM, 4294967294u };
	a.chroot = "/r";
	a.max_conn = a.max_conn_per_uid = OPT_MAX_CONN_MAX;
	a.auth_timeout = OPT_TIMEOUT_MAX_S;
	a.idle_timeout = 0;
	a.max_queue = OPT_MAX_QUEUE_MAX;
	a.fd_reserve = OPT_FD_RESERVE_MAX;
	a.worker_timeout = OPT_TIMEOUT_MAX_S;
	contract_argv(&v, CONTRACT_LISTENER, &a);
	argv_is(&v, want);
	cr_assert_lt(v.n, CONTRACT_ARGV_MAX);
}

/* What privconfd writes, each child reads back unchanged. */
Test(contract, what_is_written_is_what_is_read)
{
	struct contract_args w, r;
	struct contract_argv v;

	contract_args_init(&w);
	w.verbose = 2;
	w.ipc_addr = "@abc";
	w.ipc_uid = (struct contract_ids){ CONTRACT_ID_NUM, "7" };
	w.ipc_gid = (struct contract_ids){ CONTRACT_ID_NUM, "8" };
	w.max_conn = 5;
	w.max_conn_per_uid = 4;
	w.auth_timeout = 3;
	w.idle_timeout = 0;
	w.max_queue = 9;
	w.fd_reserve = 0;
	w.journal = true;
	w.journal_sync = CONTRACT_SYNC_NONE;
	w.dump = true;
	w.run_uid = (struct contract_id){ CONTRACT_ID_NUM, 65534 };
	w.run_gid = (struct contract_id){ CONTRACT_ID_NUM, 65534 };
	w.chroot = "/e";
	w.allow_weak = true;

	contract_argv(&v, CONTRACT_LISTENER, &w);
	cr_assert_eq(contract_parse(CONTRACT_LISTENER, v.n, v.v, &r, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(r.verbose, 2);
	cr_assert_null(r.ipc_addr);
	cr_assert_not(r.journal);
	cr_assert_not(r.dump);
	cr_assert_eq(r.journal_sync, CONTRACT_SYNC_BATCH);
	cr_assert_eq(r.max_conn, 5);
	cr_assert_eq(r.max_conn_per_uid, 4);
	cr_assert_eq(r.auth_timeout, 3);
	cr_assert_eq(r.idle_timeout, 0);
	cr_assert_eq(r.max_queue, 9);
	cr_assert_eq(r.fd_reserve, 0);
	cr_assert_str_eq(r.ipc_gid.text, "8");
	cr_assert_str_eq(r.chroot, "/e");
	cr_assert(r.allow_weak);

	contract_argv(&v, CONTRACT_WORKER, &w);
	cr_assert_eq(contract_parse(CONTRACT_WORKER, v.n, v.v, &r, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(r.ipc_addr, "@abc");
	cr_assert(r.journal);
	cr_assert(r.dump);
	cr_assert_eq(r.journal_sync, CONTRACT_SYNC_NONE);
	cr_assert_eq(r.ipc_uid.kind, CONTRACT_ID_NUM);
	cr_assert_str_eq(r.ipc_uid.text, "7");
	cr_assert_eq(r.run_uid.id, 65534);
	/* Both know --max-conn; the other limits are the listener's. */
	cr_assert_eq(r.max_conn, 5);
	cr_assert_eq(r.max_queue, CONN_OUTQ_MAX);
}

/* Reading. */

Test(contract, defaults_are_those_of_limits_h)
{
	cr_assert_eq(parse(NULL), 0, "%s", err);
	cr_assert_eq(a.max_conn, DEFAULT_MAX_CONN);
	cr_assert_eq(a.max_conn_per_uid, DEFAULT_MAX_CONN_PER_UID);
	cr_assert_eq(a.auth_timeout * 1000, PREAUTH_TIMEOUT_MS);
	cr_assert_eq(a.idle_timeout, DEFAULT_IDLE_TIMEOUT_S);
	cr_assert_eq(a.max_queue, CONN_OUTQ_MAX);
	cr_assert_eq(a.fd_reserve, FD_RESERVE);
	cr_assert_eq(a.ipc_uid.kind, CONTRACT_ID_NUM);
	cr_assert_str_eq(a.ipc_uid.text, "1000");
	cr_assert_eq(a.ipc_gid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(a.run_uid.kind, CONTRACT_ID_UNSET);
	cr_assert_null(a.chroot);
	cr_assert_eq(a.verbose, 0);
	cr_assert_not(a.journal);
}

Test(contract, ids_are_required)
{
	char	*l1[] = { "l", "--ipc-uid", "1", NULL };
	char	*l2[] = { "l", "--ipc-gid", "none", NULL };
	char	*w1[] = { "w", "--ipc-uid", "1", "--ipc-gid", "none", NULL };

	cr_assert_eq(parse_raw(CONTRACT_LISTENER, l1), -1);
	cr_assert_str_eq(err, "missing option '--ipc-gid'");
	cr_assert_eq(parse_raw(CONTRACT_LISTENER, l2), -1);
	/* The worker must also be told what was bound. */
	cr_assert_eq(parse_raw(CONTRACT_WORKER, w1), -1);
	cr_assert_str_eq(err, "missing option '--ipc-addr'");
}

Test(contract, id_range)
{
	char	*ok[] = { "l", "--ipc-uid", "4294967294", "--ipc-gid",
	    "4294967294", NULL };
	char	*bad[] = { "l", "--ipc-uid", "4294967295", "--ipc-gid", "0",
	    NULL };
	char	*badg[] = { "l", "--ipc-uid", "0", "--ipc-gid", "4294967295",
	    NULL };

	cr_assert_eq(parse_raw(CONTRACT_LISTENER, ok), 0, "%s", err);
	cr_assert_str_eq(a.ipc_uid.text, "4294967294");
	cr_assert_eq(parse_raw(CONTRACT_LISTENER, bad), -1);
	cr_assert_str_eq(err, "--ipc-uid: bad value '4294967295'");
	cr_assert_eq(parse_raw(CONTRACT_LISTENER, badg), -1);
}

Test(contract, numbers_are_plain_decimal)
{
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "12a",
	    "99999999999999999999999" };
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse("--max-conn", bad[i], NULL), -1,
		    "--max-conn \"%s\" accepted", bad[i]);
	cr_assert_eq(parse("--max-conn", "007", NULL), 0);
	cr_assert_eq(a.max_conn, 7);
}

/* Each numeric option at its bounds and one past them. */
static void
bounds(const char *name, uint64_t min, uint64_t max)
{
	char	 s[32];

	if (min > 0) {
		snprintf(s, sizeof(s), "%llu", (unsigned long long)min - 1);
		cr_assert_eq(parse(name, s, NULL), -1, "%s %s", name, s);
	}
	snprintf(s, sizeof(s), "%llu", (unsigned long long)min);
	cr_assert_eq(parse(name, s, NULL), 0, "%s %s: %s", name, s, err);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)max);
	cr_assert_eq(parse(name, s, NULL), 0, "%s %s: %s", name, s, err);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)max + 1);
	cr_assert_eq(parse(name, s, NULL), -1, "%s %s", name, s);
}

Test(contract, every_limit_at_its_bounds)
{
	bounds("--max-conn", 1, OPT_MAX_CONN_MAX);
	bounds("--max-conn-per-uid", 1, OPT_MAX_CONN_MAX);
	bounds("--auth-timeout", 1, OPT_TIMEOUT_MAX_S);
	bounds("--idle-timeout", 0, OPT_TIMEOUT_MAX_S);
	bounds("--max-queue", 1, OPT_MAX_QUEUE_MAX);
	bounds("--fd-reserve", 0, OPT_FD_RESERVE_MAX);
	bounds("--worker-timeout", 1, OPT_TIMEOUT_MAX_S);
}

Test(contract, run_ids_go_together)
{
	cr_assert_eq(parse("--run-uid", "65534", NULL), -1);
	cr_assert_eq(parse("--run-gid", "65534", NULL), -1);
	cr_assert_eq(parse("--run-uid", "65534", "--run-gid", "65534", NULL),
	    0);
	cr_assert_eq(a.run_uid.id, 65534);
	/* A run id is a number: no "any", no empty word. */
	cr_assert_eq(parse("--run-uid", "any", "--run-gid", "1", NULL), -1);
	cr_assert_eq(parse("--run-uid", "", "--run-gid", "1", NULL), -1);
}

Test(contract, refuses_unknown_repeated_and_stray_arguments)
{
	cr_assert_eq(parse("--bogus", NULL), -1);
	cr_assert_str_eq(err, "unknown argument '--bogus'");
	cr_assert_eq(parse("stray", NULL), -1);
	cr_assert_eq(parse("--max-conn", NULL), -1);
	cr_assert_str_eq(err, "missing value of '--max-conn'");
	cr_assert_eq(parse("--max-conn=3", NULL), -1);
	cr_assert_eq(parse("--chroot", "relative", NULL), -1);
	cr_assert_eq(parse("--ipc-uid", "anyone", NULL), -1);
	cr_assert_eq(parse("--max-conn", "3", "--max-conn", "4", NULL), -1);
	cr_assert_str_eq(err, "repeated option '--max-conn'");
	/* An option of the other child is unknown here. */
	cr_assert_eq(parse("--journal", NULL), -1);
	cr_assert_eq(parse("--ipc-addr", "@x", NULL), -1);
}

/* privconfd's own command line sets the limits with the same bounds. */
Test(contract, set_by_name_uses_the_table_bound)
{
	contract_args_init(&a);
	cr_assert_eq(contract_set(&a, "--max-queue", "4096", err,
	    sizeof(err)), 0);
	cr_assert_eq(a.max_queue, 4096);
	cr_assert_eq(contract_set(&a, "--max-conn", "0", err, sizeof(err)),
	    -1);
	cr_assert_str_eq(err, "--max-conn: 0: not a number from 1 to 1048576");
	cr_assert_eq(contract_set(&a, "--chroot", "/x", err, sizeof(err)),
	    -1);
}
