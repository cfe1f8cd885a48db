/*
 * The lock states of docs/commands.md 3.8 and reset (3.9): for each state,
 * every command it allows and every one it refuses, over IPC.  Each row
 * runs on its own fresh policy, prepared by a profile and then locked.
 */
#include "tests/unit/test_worker_util.h"

struct row {
	const char	*line;
	int		 err;	/* 0 ACK, ENOENT a false query, else refused */
};

/* A policy with something to remove, lower and compare against. */
static struct policy *
prepared(const char *lock)
{
	static const char *const prep[] = {
		"allow/read+/usr/***", "warn/write+/x", "deny/read+/x",
		"kill/read+/y", "default/write:kill", "mem/max:1G",
		"ioctl/allow+TIOCGWINSZ", "ioctl/deny+1",
	};
	struct policy *p = tw_new();
	char	 line[32];
	size_t	 i;

	for (i = 0; i < sizeof(prep) / sizeof(prep[0]); i++)
		tw_ok(p, prep[i], PROF);
	snprintf(line, sizeof(line), "lock:%s", lock);
	tw_ok(p, line, PROF);
	return p;
}

static void
check(const char *lock, const struct row *t, size_t n)
{
	struct policy *p;
	size_t	 i;

	for (i = 0; i < n; i++) {
		p = prepared(lock);
		if (t[i].err == 0 && strncmp(t[i].line, "stat", 4) != 0)
			tw_ok(p, t[i].line, IPC);
		else if (t[i].err == 0) {
			cr_assert_eq(tw_run(p, t[i].line, IPC), 0, "lock:%s %s",
			    lock, t[i].line);
		} else
			tw_refused(p, t[i].line, IPC, t[i].err);
		policy_free(p);
	}
}

#define CHECK(lock, t)	check(lock, t, sizeof(t) / sizeof(t[0]))

/* Under off, exec and ipc everything is allowed; startup-only is EBUSY. */
static const struct row open_rows[] = {
	{ "stat", 0 }, { "stats", 0 },
	{ "sandbox/read?", 0 }, { "sandbox/mem?", ENOENT },
	{ "sandbox/lock?", ENOENT }, { "trace/deny_tsc?", ENOENT },
	{ "sandbox/read:off", 0 }, { "sandbox/mem:on", 0 },
	{ "default/read:allow", 0 }, { "default/read:kill", 0 },
	{ "allow/read+/tmp/***", 0 }, { "deny/read+/tmp/***", 0 },
	{ "allow/read-/usr/***", 0 }, { "deny/read^/x", 0 },
	{ "allow/net/connect+loopback!80", 0 },
	{ "mem/max:0", 0 }, { "mem/max:2G", 0 }, { "mem/vm_max:1", 0 },
	{ "pid/max:10", 0 },
	{ "ioctl/allow+1", 0 }, { "ioctl/deny-1", 0 }, { "ioctl/deny+2", 0 },
	{ "trace/deny_dotdot:on", 0 }, { "trace/force_umask:077", 0 },
	{ "reset", 0 },
	{ "lock:off", 0 }, { "lock:exec", 0 }, { "lock:ipc", 0 },
	{ "lock:drop", 0 }, { "lock:read", 0 },
	{ "sandbox/lock:on", EBUSY }, { "trace/deny_tsc:on", EBUSY },
	{ "setuid+1000:65534", EBUSY }, { "name/host:box", EBUSY },
	{ "root:/x", EBUSY }, { "ipc/uid:1", EBUSY },
	{ "bogus", EINVAL },
};

Test(worker_lock, off_allows_everything)
{
	CHECK("off", open_rows);
}

Test(worker_lock, exec_allows_everything)
{
	CHECK("exec", open_rows);
}

Test(worker_lock, ipc_allows_everything)
{
	CHECK("ipc", open_rows);
}

Test(worker_lock, drop_allows_queries_and_stricter_changes)
{
	static const struct row t[] = {
		{ "stat", 0 }, { "stats", 0 },
		{ "sandbox/read?", 0 }, { "sandbox/mem?", ENOENT },
		{ "sandbox/lock?", ENOENT }, { "trace/deny_dotdot?", ENOENT },
		{ "trace/deny_tsc?", ENOENT },
		{ "sandbox/mem:on", 0 }, { "sandbox/read,write:on", 0 },
		{ "sandbox/all:on", 0 },
		/*
		 * At least as harsh as the default and every rule of the
		 * category: read holds a kill rule, write's default is
		 * kill, stat and net/connect have a deny default only.
		 */
		{ "kill/read+/tmp/***", 0 }, { "exit/read+/x", 0 },
		{ "kill/write+/x", 0 }, { "exit/write+/x", 0 },
		{ "deny/stat+/x", 0 }, { "panic/stat+/x", 0 },
		{ "deny/net/connect+any!0-65535", 0 },
		{ "kill/net/connect+any!0-65535", 0 },
		{ "kill/read,write,stat+/x", 0 },
		{ "allow/read-/usr/***", 0 }, { "allow/read^/usr/***", 0 },
		{ "warn/write-/x", 0 }, { "warn/write^/x", 0 },
		{ "allow/read-/nothing", 0 },
		{ "default/read:deny", 0 }, { "default/read:kill", 0 },
		{ "default/read,write:kill", 0 }, { "default/all:exit", 0 },
		{ "mem/max:512M", 0 }, { "mem/max:1G", 0 }, { "mem/max:1", 0 },
		{ "mem/vm_max:1", 0 }, { "pid/max:10", 0 },
		{ "ioctl/deny+TIOCSTI", 0 }, { "ioctl/allow-TIOCGWINSZ", 0 },
		{ "ioctl/allow^TIOCGWINSZ", 0 },
		{ "lock:drop", 0 }, { "lock:read", 0 },
		/* Stricter, but startup-only: the lock lets it through. */
		{ "sandbox/lock:on", EBUSY },
		/* Malformed is EINVAL whatever the lock. */
		{ "bogus", EINVAL }, { "allow/read+tmp", EINVAL },
	};

	CHECK("drop", t);
}

Test(worker_lock, drop_refuses_everything_else)
{
	static const struct row t[] = {
		{ "sandbox/read:off", EPERM }, { "sandbox/mem:off", EPERM },
		{ "sandbox/read,mem:off", EPERM },
		{ "allow/read+/tmp/***", EPERM }, { "warn/read+/x", EPERM },
		{ "allow/net/connect+loopback!80", EPERM },
		/* Harsher than warn, yet milder than what read holds. */
		{ "filter/read+/tmp/***", EPERM },
		{ "deny/read+/tmp/***", EPERM },
		{ "panic/read+/x", EPERM }, { "stop/read+/x", EPERM },
		{ "abort/read+/x", EPERM },
		/* Milder than write's default, or stat's. */
		{ "deny/write+/x", EPERM }, { "filter/stat+/x", EPERM },
		{ "filter/net/connect+any!0-65535", EPERM },
		/* A list is refused whole when one category refuses. */
		{ "deny/stat,read+/x", EPERM },
		{ "panic/stat,write+/x", EPERM },
		{ "deny/read-/x", EPERM }, { "deny/read^/x", EPERM },
		{ "kill/read-/y", EPERM }, { "filter/read-/nothing", EPERM },
		{ "default/read:allow", EPERM },
		{ "default/read:filter", EPERM },
		/* write's default is kill: panic is milder for it. */
		{ "default/read,write:panic", EPERM },
		{ "mem/max:0", EPERM }, { "mem/max:2G", EPERM },
		{ "mem/max:1073741825", EPERM }, { "mem/vm_max:0", EPERM },
		{ "pid/max:0", EPERM },
		{ "ioctl/deny-1", EPERM }, { "ioctl/deny^1", EPERM },
		{ "ioctl/allow+1", EPERM },
		{ "trace/deny_dotdot:on", EPERM },
		{ "trace/deny_dotdot:off", EPERM },
		{ "trace/force_umask:077", EPERM },
		{ "reset", EPERM },
		{ "lock:off", EPERM }, { "lock:exec", EPERM },
		{ "lock:ipc", EPERM },
		{ "name/host:box", EPERM }, { "setuid+1000:65534", EPERM },
		{ "trace/deny_tsc:on", EPERM }, { "sandbox/lock:off", EPERM },
	};

	CHECK("drop", t);
}

Test(worker_lock, read_allows_only_queries_and_lock_read_on)
{
	static const struct row t[] = {
		{ "stat", 0 }, { "stats", 0 },
		{ "sandbox/read?", 0 }, { "sandbox/mem?", ENOENT },
		{ "trace/deny_dotdot?", ENOENT }, { "sandbox/pty?", ENOENT },
		{ "lock:read", 0 },
		{ "bogus", EINVAL },
		{ "lock:drop", EPERM }, { "lock:ipc", EPERM },
		{ "lock:exec", EPERM }, { "lock:off", EPERM },
		{ "sandbox/mem:on", EPERM }, { "sandbox/read:off", EPERM },
		{ "deny/read+/tmp/***", EPERM },
		{ "allow/read-/usr/***", EPERM },
		{ "default/read:kill", EPERM }, { "mem/max:1", EPERM },
		{ "ioctl/deny+1", EPERM }, { "ioctl/allow-TIOCGWINSZ", EPERM },
		{ "trace/deny_dotdot:on", EPERM }, { "reset", EPERM },
		{ "name/host:box", EPERM }, { "sandbox/lock:on", EPERM },
	};

	CHECK("read", t);
}

static void
locked_on(struct policy *p, const char *lock)
{
	struct cmd_result res;

	cr_assert_eq(tw_run_res(p, "lock:on", IPC, &res), 0);
	cr_assert(res.locked, "lock:on from %s sets locked", lock);
	cr_assert(res.changed, "lock:on is journaled");
	cr_assert(!res.output, "lock:on has no reply");
}

Test(worker_lock, lock_on_from_every_weaker_state)
{
	static const char *const from[] = {
		"off", "exec", "ipc", "drop", "read",
	};
	struct policy *p;
	size_t	 i;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		p = prepared(from[i]);
		locked_on(p, from[i]);
		policy_free(p);
	}
}

/* After lock:on nothing runs: not a query, not stat, not lock:on. */
Test(worker_lock, on_refuses_everything)
{
	static const char *const t[] = {
		"stat", "stats", "sandbox/read?", "trace/deny_tsc?",
		"lock:on", "lock:read", "lock:off", "reset",
		"sandbox/mem:on", "deny/read+/x", "default/read:kill",
		"name/host:box",
	};
	struct policy	*p = prepared("ipc");
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	size_t		 i;

	locked_on(p, "ipc");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cr_assert_eq(cmd_exec(p, (const uint8_t *)t[i], strlen(t[i]),
		    IPC, &out, &res), EPERM, "%s", t[i]);
		cr_assert(!res.changed && !res.locked && !res.output);
		cr_assert_eq(cmd_exec(p, (const uint8_t *)t[i], strlen(t[i]),
		    PROF, &out, &res), EPERM, "%s", t[i]);
		cr_assert_eq(out.len, 0);
	}
	buf_free(&out);
	policy_free(p);
}

Test(worker_lock, moves_between_states)
{
	struct policy *p = tw_new();

	tw_has(p, "\"lock\":\"ipc\"");
	tw_ok(p, "lock:off", IPC);
	tw_has(p, "\"lock\":\"off\"");
	tw_ok(p, "lock:exec", IPC);
	tw_has(p, "\"lock\":\"exec\"");
	tw_ok(p, "lock:ipc", IPC);
	tw_refused(p, "lock:ipc", IPC, 0);	/* no change, not journaled */
	tw_ok(p, "lock:drop", IPC);
	tw_has(p, "\"lock\":\"drop\"");
	tw_refused(p, "lock:drop", IPC, 0);
	tw_refused(p, "lock:ipc", IPC, EPERM);
	tw_ok(p, "lock:read", IPC);
	tw_has(p, "\"lock\":\"read\"");
	tw_refused(p, "lock:drop", IPC, EPERM);
	tw_refused(p, "lock:off", IPC, EPERM);
	tw_refused(p, "lock:read", IPC, 0);
	tw_refused(p, "lock:bogus", IPC, EINVAL);
	tw_refused(p, "lock:ON", IPC, EINVAL);
	tw_refused(p, "lock?", IPC, EINVAL);
	locked_on(p, "read");
	policy_free(p);
}

/*
 * lock:drop (docs/commands.md 3.8): a rule added must be at least as harsh
 * as every rule its category holds now, which moves as rules come and go.
 */
Test(worker_lock, drop_follows_the_harshest_rule_held)
{
	struct policy *p = tw_new();

	TW_OKS(p, IPC, "kill/read+/k", "kill/read+/k", "exit/read+/e",
	    "exit/read-/e", "kill/read-/k", "default/write:filter",
	    "lock:drop");
	/* One kill rule of the two is left: deny is milder. */
	tw_refused(p, "deny/read+/x", IPC, EPERM);
	tw_refused(p, "abort/read+/x", IPC, EPERM);
	tw_ok(p, "kill/read+/x", IPC);
	tw_ok(p, "exit/read+/y", IPC);
	tw_refused(p, "kill/read+/z", IPC, EPERM);
	/* write's default is filter and it holds no rule. */
	tw_ok(p, "filter/write+/x", IPC);
	tw_refused(p, "warn/write+/x", IPC, EPERM);
	tw_ok(p, "deny/write+/y", IPC);
	tw_refused(p, "filter/write+/z", IPC, EPERM);
	/* Network categories too, by CIDR or socket. */
	tw_ok(p, "deny/net/bind+loopback!80", IPC);
	tw_refused(p, "filter/net/bind+@sock", IPC, EPERM);
	tw_ok(p, "deny/net/bind+@sock", IPC);
	policy_free(p);
}

/* The lock binds profile lines too: a profile that says drop means it. */
Test(worker_lock, profile_lines_obey_the_lock)
{
	struct policy *p = tw_new();

	tw_ok(p, "name/host:box", PROF);
	tw_ok(p, "lock:drop", PROF);
	tw_refused(p, "allow/read+/x", PROF, EPERM);
	tw_refused(p, "name/host:other", PROF, EPERM);
	tw_ok(p, "deny/read+/x", PROF);
	tw_ok(p, "lock:read", PROF);
	tw_refused(p, "deny/read+/y", PROF, EPERM);
	policy_free(p);
}

/* 3.9: reset keeps the lock and every startup-only setting. */
Test(worker_lock, reset_keeps_lock_and_startup_settings)
{
	static const char *const startup[] = {
		"sandbox/lock,crypt,proxy,pty:on", "trace/allow_unsafe_caps:on",
		"trace/exit_wait_all:on", "setuid+1000:65534",
		"setgid+100:65534", "name/host:box", "name/domain:example.org",
		"root:/srv", "ipc:@privconf", "ipc/uid:1000", "ipc/gid:100",
		"lock:exec",
	};
	static const char *const runtime[] = {
		"sandbox/read,mem:off", "sandbox/fs:on", "default/read:kill",
		"default/lock:warn", "allow/read+/usr/***",
		"allow/net/connect+loopback!80", "ioctl/allow+1",
		"ioctl/deny+2", "mem/max:1G", "mem/vm_max:2G", "pid/max:9",
		"trace/deny_dotdot:on", "trace/force_umask:022",
	};
	struct policy *p = tw_new(), *want = tw_new();
	char	*a, *b;
	size_t	 i;

	for (i = 0; i < sizeof(startup) / sizeof(startup[0]); i++) {
		tw_ok(p, startup[i], PROF);
		tw_ok(want, startup[i], PROF);
	}
	for (i = 0; i < sizeof(runtime) / sizeof(runtime[0]); i++)
		tw_ok(p, runtime[i], IPC);
	tw_ok(p, "reset", IPC);
	a = tw_stat(p);
	b = tw_stat(want);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	/* Reset of a reset policy changes nothing. */
	tw_refused(p, "reset", IPC, 0);
	tw_refused(p, "reset", PROF, 0);
	policy_free(p);
	policy_free(want);
}
