/*
 * check/<category>:<target> (docs/commands.md 3.10) through cmd_exec():
 * the exact reply for every kind of category and target, the default,
 * a category that is off, every malformed line, and that it is a query
 * in every lock state.
 */
#include "common/limits.h"
#include "tests/unit/test_worker_util.h"

/* The reply of a check line, which must be ACKed and change nothing. */
static void
expect(struct policy *p, const char *line, const char *want)
{
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	char		*before, *after;

	before = tw_stat(p);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)line, strlen(line), IPC,
	    &out, &res), 0, "%s: err %d", line, res.err);
	after = tw_stat(p);
	cr_assert(res.output, "%s: no output", line);
	cr_assert(!res.changed && !res.locked, "%s", line);
	cr_assert_str_eq(after, before, "%s changed the policy", line);
	cr_assert_eq(out.len, strlen(want), "%s:\n got %.*s\nwant %s", line,
	    (int)out.len, out.data, want);
	cr_assert_arr_eq(out.data, want, out.len, "%s:\n got %.*s\nwant %s",
	    line, (int)out.len, out.data, want);
	buf_free(&out);
	free(before);
	free(after);
}

static struct policy *
with(const char *const *lines)
{
	struct policy *p = tw_new();

	for (; *lines != NULL; lines++)
		tw_ok(p, *lines, PROF);
	return p;
}

#define WITH(...)	with((const char *const[]){ __VA_ARGS__, NULL })

Test(worker_check, path_rule_default_and_off)
{
	struct policy *p = WITH("allow/read+/usr/***", "deny/read+/etc/***",
	    "allow/read+/etc/hosts");

	expect(p, "check/read:/etc/passwd",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/etc/***\"}\n");
	expect(p, "check/read:/etc/hosts",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/etc/hosts\"}\n");
	expect(p, "check/read:/usr",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/usr/***\"}\n");
	expect(p, "check/read:/var/log",
	    "{\"err\":0,\"action\":\"deny\",\"rule\":\"default/read:deny\"}\n");
	expect(p, "check/write:/usr/bin/env",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/write:deny\"}\n");
	tw_ok(p, "default/write:kill", IPC);
	expect(p, "check/write:/usr/bin/env",
	    "{\"err\":0,\"action\":\"kill\","
	    "\"rule\":\"default/write:kill\"}\n");
	tw_ok(p, "sandbox/read:off", IPC);
	expect(p, "check/read:/etc/passwd",
	    "{\"err\":0,\"action\":\"allow\",\"rule\":\"sandbox/read:off\"}\n");
	policy_free(p);
}

Test(worker_check, last_added_rule_wins_and_removal_shows)
{
	struct policy *p = WITH("allow/exec+/usr/bin/*", "kill/exec+/usr/**",
	    "warn/exec+/usr/bin/env");

	expect(p, "check/exec:/usr/bin/env",
	    "{\"err\":0,\"action\":\"warn\","
	    "\"rule\":\"warn/exec+/usr/bin/env\"}\n");
	expect(p, "check/exec:/usr/bin/ls",
	    "{\"err\":0,\"action\":\"kill\",\"rule\":\"kill/exec+/usr/**\"}\n");
	tw_ok(p, "kill/exec-/usr/**", IPC);
	expect(p, "check/exec:/usr/bin/ls",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/exec+/usr/bin/*\"}\n");
	tw_ok(p, "warn/exec^/usr/bin/env", IPC);
	expect(p, "check/exec:/usr/bin/env",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/exec+/usr/bin/*\"}\n");
	policy_free(p);
}

Test(worker_check, network_categories)
{
	struct policy *p = WITH("allow/net/connect+127.0.0.1!80",
	    "deny/net/connect+10.1.2.3/8!1024-65535",
	    "allow/net/connect+loopback6!22",
	    "allow/net/bind+/run/*.sock", "filter/net/bind+@privconf*",
	    "warn/net/sendfd+/tmp/**", "allow/net/link+route",
	    "kill/net/link+all");

	expect(p, "check/net/connect:127.0.0.1!80",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/net/connect+127.0.0.1/32!80-80\"}\n");
	expect(p, "check/net/connect:127.0.0.1!81",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/net/connect:deny\"}\n");
	expect(p, "check/net/connect:10.9.9.9!2000",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/net/connect+10.0.0.0/8!1024-65535\"}\n");
	expect(p, "check/net/connect:::1!22",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/net/connect+::1/128!22-22\"}\n");
	expect(p, "check/net/connect:::2!22",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/net/connect:deny\"}\n");
	expect(p, "check/net/bind:/run/a.sock",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/net/bind+/run/*.sock\"}\n");
	expect(p, "check/net/bind:@privconf-1",
	    "{\"err\":0,\"action\":\"filter\","
	    "\"rule\":\"filter/net/bind+@privconf*\"}\n");
	expect(p, "check/net/bind:127.0.0.1!80",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/net/bind:deny\"}\n");
	expect(p, "check/net/sendfd:/tmp/a/b",
	    "{\"err\":0,\"action\":\"warn\","
	    "\"rule\":\"warn/net/sendfd+/tmp/**\"}\n");
	expect(p, "check/net/sendfd:@x",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/net/sendfd:deny\"}\n");
	expect(p, "check/net/link:route",
	    "{\"err\":0,\"action\":\"kill\",\"rule\":\"kill/net/link+all\"}\n");
	tw_ok(p, "kill/net/link-all", IPC);
	expect(p, "check/net/link:route",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/net/link+route\"}\n");
	expect(p, "check/net/link:audit",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/net/link:deny\"}\n");
	tw_ok(p, "sandbox/net/connect:off", IPC);
	expect(p, "check/net/connect:10.9.9.9!2000",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"sandbox/net/connect:off\"}\n");
	policy_free(p);
}

/* The rule is escaped as stat escapes its pattern. */
Test(worker_check, rule_is_escaped_as_in_stat)
{
	struct policy *p = WITH("deny/read+/q\"uote/\\*/t\tab/caf\xc3\xa9");

	tw_has(p, "\"pat\":\"/q\\\"uote/\\\\*/t\\tab/caf\xc3\xa9\"");
	expect(p, "check/read:/q\"uote/*/t\tab/caf\xc3\xa9",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/q\\\"uote/\\\\*/t\\tab/caf\xc3\xa9\"}\n");
	policy_free(p);
}

Test(worker_check, malformed_lines_are_einval)
{
	static const char *const bad[] = {
		"check", "check/", "check/read", "check/read?", "check/read:",
		"check/read+/x", "check/read-/x", "check/read^/x",
		"check/read:relative", "check/read:@x", "check/bogus:/x",
		"check/Read:/x", "check/:/x", "check/read,write:/x",
		"check/read,read:/x", "check/net:127.0.0.1!80", "check/all:/x",
		"check/mem:/x", "check/fs:/x", "check/lock:/x", "check/pty:/x",
		"check/net/connect:127.0.0.1",
		"check/net/connect:127.0.0.1!80-81",
		"check/net/connect:127.0.0.0/8!80",
		"check/net/connect:loopback!80",
		"check/net/connect:127.0.0.1!65536",
		"check/net/connect:127.0.0.1!080", "check/net/connect:@",
		"check/net/connect:bogus!80", "check/net/sendfd:127.0.0.1!80",
		"check/net/sendfd:@", "check/net/link:all",
		"check/net/link:bogus", "check/net/link:Route",
		"check/net/link:/x", "check/read:/x ", " check/read:/x",
		"check/read:/x\n",
	};
	struct policy *p = WITH("allow/read+/***");
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tw_refused(p, bad[i], IPC, EINVAL);
	/* No path holds a NUL. */
	tw_same_n(p, "check/read:/a\0b", 15, IPC, EINVAL);
	policy_free(p);
}

/* A target of TARGET_MAX bytes is read; one more is EINVAL. */
Test(worker_check, target_at_limit_and_one_past)
{
	struct policy *p = WITH("kill/read+/**z");
	size_t	 pre = strlen("check/read:");
	char	*line = malloc(pre + TARGET_MAX + 2);

	cr_assert_not_null(line);
	memcpy(line, "check/read:/", pre + 1);
	memset(line + pre + 1, 'a', TARGET_MAX - 2);
	line[pre + TARGET_MAX - 1] = 'z';
	line[pre + TARGET_MAX] = '\0';
	expect(p, line,
	    "{\"err\":0,\"action\":\"kill\",\"rule\":\"kill/read+/**z\"}\n");
	line[pre + TARGET_MAX - 1] = 'a';
	line[pre + TARGET_MAX] = 'z';
	line[pre + TARGET_MAX + 1] = '\0';
	tw_refused(p, line, IPC, EINVAL);
	free(line);
	policy_free(p);
}

/* A query: every lock state that allows queries allows it. */
Test(worker_check, allowed_wherever_queries_are)
{
	static const char *const locks[] = {
		"lock:off", "lock:exec", "lock:ipc", "lock:drop", "lock:read",
	};
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	struct policy	*p;
	size_t		 i;

	for (i = 0; i < sizeof(locks) / sizeof(locks[0]); i++) {
		p = WITH("deny/read+/etc/***", locks[i]);
		expect(p, "check/read:/etc/x",
		    "{\"err\":0,\"action\":\"deny\","
		    "\"rule\":\"deny/read+/etc/***\"}\n");
		/* Malformed stays EINVAL whatever the lock. */
		tw_refused(p, "check/read:x", IPC, EINVAL);
		policy_free(p);
	}
	p = WITH("deny/read+/etc/***");
	cr_assert_eq(tw_run(p, "lock:on", IPC), 0);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"check/read:/etc/x", 17, IPC,
	    &out, &res), EPERM);
	cr_assert(!res.output && !res.changed && out.len == 0);
	buf_free(&out);
	policy_free(p);
}
