/*
 * policy_decide() (docs/commands.md 3.3, "Decision"): the last-added matching
 * rule decides, else the category's default; a category that is off
 * allows.
 */
#include "worker/decide.h"
#include "tests/unit/test_worker_util.h"

static int
decide(struct policy *p, enum policy_cat cat, const char *target)
{
	return policy_decide(p, cat, target, strlen(target));
}

Test(worker_decide, last_match_wins)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/read+/usr/***", IPC);
	tw_ok(p, "deny/read+/usr/bin/*", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/bin/env"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/lib/x"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr"), POLICY_ACT_ALLOW);
	tw_ok(p, "warn/read+/usr/bin/env", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/bin/env"),
	    POLICY_ACT_WARN);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/bin/ls"),
	    POLICY_ACT_DENY);
	/* Re-adding an older rule makes it the last again. */
	tw_ok(p, "allow/read+/usr/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/bin/env"),
	    POLICY_ACT_ALLOW);
	/* Removing it (the last-added copy) restores the previous order. */
	tw_ok(p, "allow/read-/usr/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usr/bin/env"),
	    POLICY_ACT_WARN);
	policy_free(p);
}

Test(worker_decide, default_decides_when_nothing_matches)
{
	struct policy *p = tw_new();

	cr_assert_eq(decide(p, POLICY_CAT_READ, "/etc/passwd"),
	    POLICY_ACT_DENY);
	tw_ok(p, "allow/read+/usr/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/etc/passwd"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/usrx"), POLICY_ACT_DENY);
	tw_ok(p, "default/read:kill", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/etc/passwd"),
	    POLICY_ACT_KILL);
	tw_ok(p, "default/read:allow", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/etc/passwd"),
	    POLICY_ACT_ALLOW);
	policy_free(p);
}

Test(worker_decide, category_off_allows)
{
	struct policy *p = tw_new();

	tw_ok(p, "kill/read+/***", IPC);
	tw_ok(p, "default/read:exit", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/x"), POLICY_ACT_KILL);
	tw_ok(p, "sandbox/read:off", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/x"), POLICY_ACT_ALLOW);
	/* Off allows whatever the target. */
	cr_assert_eq(decide(p, POLICY_CAT_READ, "not-a-path"),
	    POLICY_ACT_ALLOW);
	/* Special categories start off, and take no rules. */
	cr_assert_eq(decide(p, POLICY_CAT_MEM, ""), POLICY_ACT_ALLOW);
	tw_ok(p, "sandbox/mem:on", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_MEM, ""), POLICY_ACT_DENY);
	tw_ok(p, "default/mem:kill", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_MEM, "anything"), POLICY_ACT_KILL);
	policy_free(p);
}

Test(worker_decide, categories_are_separate)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/write+/tmp/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_WRITE, "/tmp/x"), POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/tmp/x"), POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_BIND, "/tmp/x"),
	    POLICY_ACT_DENY);
	policy_free(p);
}

Test(worker_decide, network_cidr_and_port_edges)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/net/connect+loopback!80", IPC);
	tw_ok(p, "allow/net/connect+10.1.2.3/8!1024-65535", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.0.0.1!80"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.255.255.255!80"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "128.0.0.0!80"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.0.0.1!81"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.0.0.1!79"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "::1!80"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "::2!80"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.0.0.0!1024"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.255.255.255!65535"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.0.0.1!1023"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "11.0.0.0!1024"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "9.255.255.255!2000"),
	    POLICY_ACT_DENY);
	/* net/bind has no rules here. */
	cr_assert_eq(decide(p, POLICY_CAT_NET_BIND, "127.0.0.1!80"),
	    POLICY_ACT_DENY);
	tw_ok(p, "kill/net/connect+10.0.0.0/24!0-65535", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.0.0.255!2000"),
	    POLICY_ACT_KILL);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.0.1.0!2000"),
	    POLICY_ACT_ALLOW);
	policy_free(p);
}

Test(worker_decide, unix_sockets_and_netlink)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/net/connect+@privconf*", IPC);
	tw_ok(p, "allow/net/bind+/run/*.sock", IPC);
	tw_ok(p, "allow/net/sendfd+/tmp/**", IPC);
	tw_ok(p, "allow/net/link+route", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "@privconf-1"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "@other"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "/privconf"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_BIND, "/run/a.sock"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_BIND, "/run/a/b.sock"),
	    POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_SENDFD, "/tmp/a/b"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "route"),
	    POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "audit"),
	    POLICY_ACT_DENY);
	tw_ok(p, "warn/net/link+all", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "audit"),
	    POLICY_ACT_WARN);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "route"),
	    POLICY_ACT_WARN);
	policy_free(p);
}

Test(worker_decide, bad_targets_are_minus_one)
{
	struct policy *p = tw_new();

	cr_assert_eq(decide(p, POLICY_CAT_READ, "relative"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_READ, ""), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.0.0.1"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "127.0.0.1/8!1"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "loopback!1"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_SENDFD, "127.0.0.1!1"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "bogus"), -1);
	cr_assert_eq(decide(p, POLICY_CAT_NET_LINK, "all"), -1);
	cr_assert_eq(policy_decide(p, POLICY_CAT_COUNT, "/x", 2), -1);
	policy_free(p);
}

/* The decision reads the newest rule first, even among 65536. */
Test(worker_decide, many_rules)
{
	struct policy *p = tw_new();
	char	 line[64];
	size_t	 i;

	tw_ok(p, "kill/read+/target", IPC);
	for (i = 1; i < POLICY_RULES_MAX - 1; i++) {
		snprintf(line, sizeof(line), "allow/read+/r/%zu", i);
		cr_assert_eq(tw_run(p, line, IPC), 0);
	}
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/target"), POLICY_ACT_KILL);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/r/7"), POLICY_ACT_ALLOW);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/r/x"), POLICY_ACT_DENY);
	tw_ok(p, "warn/read+/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/target"), POLICY_ACT_WARN);
	policy_free(p);
}
