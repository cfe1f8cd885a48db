/*
 * The children's command lines, word for word as the process contract
 * spells them, so the listener and worker parsers can rely on them.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "common/limits.h"
#include "daemon/childargv.h"

static void
argv_is(const struct childargv *a, const char *const want[])
{
	int	 i;

	for (i = 0; want[i] != NULL; i++) {
		cr_assert_lt(i, a->n, "missing word %d: %s", i, want[i]);
		cr_assert_str_eq(a->v[i], want[i], "word %d", i);
	}
	cr_assert_eq(a->n, i, "extra words after %d", i);
	cr_assert_null(a->v[i]);
}

static struct options
opts(void)
{
	struct options	 o;

	memset(&o, 0, sizeof(o));
	o.max_conn = DEFAULT_MAX_CONN;
	o.max_conn_per_uid = DEFAULT_MAX_CONN_PER_UID;
	o.auth_timeout = PREAUTH_TIMEOUT_MS / 1000;
	o.idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
	o.max_queue = CONN_OUTQ_MAX;
	o.fd_reserve = FD_RESERVE;
	return o;
}

Test(daemon_childargv, worker_as_a_user)
{
	static const char *const want[] = { "privconf-worker", "--ipc-addr",
	    "/run/x.sock", "--ipc-uid", "1000", "--ipc-gid", "none", NULL };
	struct options	 o = opts();
	struct child_conf c = { .addr = "/run/x.sock", .opts = &o,
	    .ipc_uid = { OPT_ID_NUM, 1000 }, .ipc_gid = { OPT_ID_ANY, 0 } };
	struct childargv a;

	childargv_worker(&a, &c);
	argv_is(&a, want);
}

Test(daemon_childargv, worker_as_root_verbose_weak)
{
	static const char *const want[] = { "privconf-worker", "-v",
	    "--ipc-addr", "@p", "--ipc-uid", "any", "--ipc-gid", "4294967294",
	    "--run-uid", "65534", "--run-gid", "65533", "--chroot",
	    "/run/privconfd-root.x", "--allow-weak-sandbox", NULL };
	struct options	 o = opts();
	struct child_conf c = { .addr = "@p", .opts = &o,
	    .ipc_uid = { OPT_ID_ANY, 0 },
	    .ipc_gid = { OPT_ID_NUM, 4294967294u },
	    .runas = true, .run_uid = 65534, .run_gid = 65533,
	    .chroot = "/run/privconfd-root.x" };
	struct childargv a;

	o.verbose = 3;
	o.allow_weak_sandbox = true;
	childargv_worker(&a, &c);
	argv_is(&a, want);
}

Test(daemon_childargv, listener_carries_every_limit)
{
	static const char *const want[] = { "privconf-listener", "--ipc-uid",
	    "0", "--ipc-gid", "none", "--max-conn", "1024",
	    "--max-conn-per-uid", "64", "--auth-timeout", "10",
	    "--idle-timeout", "600", "--max-queue", "262144", "--fd-reserve",
	    "8", NULL };
	struct options	 o = opts();
	struct child_conf c = { .addr = "/x", .opts = &o,
	    .ipc_uid = { OPT_ID_NUM, 0 }, .ipc_gid = { OPT_ID_ANY, 0 } };
	struct childargv a;

	childargv_listener(&a, &c);
	argv_is(&a, want);
}

Test(daemon_childargv, listener_as_root_with_the_largest_values)
{
	static const char *const want[] = { "privconf-listener", "-v",
	    "--ipc-uid", "4294967294", "--ipc-gid", "100", "--max-conn",
	    "1048576", "--max-conn-per-uid", "1048576", "--auth-timeout",
	    "2147483", "--idle-timeout", "0", "--max-queue", "1073741824",
	    "--fd-reserve", "1024", "--run-uid", "4294967294", "--run-gid",
	    "4294967294", "--chroot", "/r", "--allow-weak-sandbox", NULL };
	struct options	 o = opts();
	struct child_conf c = { .addr = "/x", .opts = &o,
	    .ipc_uid = { OPT_ID_NUM, 4294967294u },
	    .ipc_gid = { OPT_ID_NUM, 100 }, .runas = true,
	    .run_uid = 4294967294u, .run_gid = 4294967294u, .chroot = "/r" };
	struct childargv a;

	o.verbose = 1;
	o.allow_weak_sandbox = true;
	o.max_conn = o.max_conn_per_uid = OPT_MAX_CONN_MAX;
	o.auth_timeout = OPT_TIMEOUT_MAX_S;
	o.idle_timeout = 0;
	o.max_queue = OPT_MAX_QUEUE_MAX;
	o.fd_reserve = OPT_FD_RESERVE_MAX;
	childargv_listener(&a, &c);
	argv_is(&a, want);
	cr_assert_lt(a.n, CHILDARGV_MAX);
}
