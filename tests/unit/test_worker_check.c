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
reply(struct policy *p, const char *line, const char *want)
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

/* A line, and the action and rule of its reply, as the reply spells them. */
struct want {
	const char	*line;
	const char	*action;
	const char	*rule;
};

static void
expect(struct policy *p, const struct want *w, size_t n)
{
	char	 buf[512];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf),
		    "{\"err\":0,\"action\":\"%s\",\"rule\":\"%s\"}\n",
		    w[i].action, w[i].rule);
		reply(p, w[i].line, buf);
	}
}

#define EXPECT(p, ...)	expect(p, (const struct want[]){ __VA_ARGS__ }, \
	sizeof((const struct want[]){ __VA_ARGS__ }) / sizeof(struct want))

static struct policy *
with(const char *const *lines)
{
	struct policy *p = tw_new();

	tw_oks(p, PROF, lines);
	return p;
}

#define WITH(...)	with((const char *const[]){ __VA_ARGS__, NULL })

Test(worker_check, path_rule_default_and_off)
{
	struct policy *p = WITH("allow/read+/usr/***", "deny/read+/etc/***",
	    "allow/read+/etc/hosts");

	/* Once in full, byte for byte, as docs/commands.md 3.10 has it. */
	reply(p, "check/read:/etc/passwd",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/etc/***\"}\n");
	EXPECT(p,
	    { "check/read:/etc/hosts", "allow", "allow/read+/etc/hosts" },
	    { "check/read:/usr", "allow", "allow/read+/usr/***" },
	    { "check/read:/var/log", "deny", "default/read:deny" },
	    { "check/write:/usr/bin/env", "deny", "default/write:deny" });
	tw_ok(p, "default/write:kill", IPC);
	EXPECT(p, { "check/write:/usr/bin/env", "kill",
	    "default/write:kill" });
	tw_ok(p, "sandbox/read:off", IPC);
	reply(p, "check/read:/etc/passwd",
	    "{\"err\":0,\"action\":\"allow\",\"rule\":\"sandbox/read:off\"}\n");
	policy_free(p);
}

Test(worker_check, last_added_rule_wins_and_removal_shows)
{
	struct policy *p = WITH("allow/exec+/usr/bin/*", "kill/exec+/usr/**",
	    "warn/exec+/usr/bin/env");

	EXPECT(p,
	    { "check/exec:/usr/bin/env", "warn", "warn/exec+/usr/bin/env" },
	    { "check/exec:/usr/bin/ls", "kill", "kill/exec+/usr/**" });
	tw_ok(p, "kill/exec-/usr/**", IPC);
	EXPECT(p, { "check/exec:/usr/bin/ls", "allow",
	    "allow/exec+/usr/bin/*" });
	tw_ok(p, "warn/exec^/usr/bin/env", IPC);
	EXPECT(p, { "check/exec:/usr/bin/env", "allow",
	    "allow/exec+/usr/bin/*" });
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

	EXPECT(p,
	    { "check/net/connect:127.0.0.1!80", "allow",
	      "allow/net/connect+127.0.0.1/32!80-80" },
	    { "check/net/connect:127.0.0.1!81", "deny",
	      "default/net/connect:deny" },
	    { "check/net/connect:10.9.9.9!2000", "deny",
	      "deny/net/connect+10.0.0.0/8!1024-65535" },
	    { "check/net/connect:::1!22", "allow",
	      "allow/net/connect+::1/128!22-22" },
	    { "check/net/connect:::2!22", "deny", "default/net/connect:deny" },
	    { "check/net/bind:/run/a.sock", "allow",
	      "allow/net/bind+/run/*.sock" },
	    { "check/net/bind:@privconf-1", "filter",
	      "filter/net/bind+@privconf*" },
	    { "check/net/bind:127.0.0.1!80", "deny", "default/net/bind:deny" },
	    { "check/net/sendfd:/tmp/a/b", "warn", "warn/net/sendfd+/tmp/**" },
	    { "check/net/sendfd:@x", "deny", "default/net/sendfd:deny" },
	    { "check/net/link:route", "kill", "kill/net/link+all" });
	tw_ok(p, "kill/net/link-all", IPC);
	EXPECT(p,
	    { "check/net/link:route", "allow", "allow/net/link+route" },
	    { "check/net/link:audit", "deny", "default/net/link:deny" });
	tw_ok(p, "sandbox/net/connect:off", IPC);
	EXPECT(p, { "check/net/connect:10.9.9.9!2000", "allow",
	    "sandbox/net/connect:off" });
	policy_free(p);
}

/* The rule is escaped as stat escapes its pattern. */
Test(worker_check, rule_is_escaped_as_in_stat)
{
	struct policy *p = WITH("deny/read+/q\"uote/\\*/t\tab/caf\xc3\xa9");

	tw_has(p, "\"pat\":\"/q\\\"uote/\\\\*/t\\tab/caf\xc3\xa9\"");
	reply(p, "check/read:/q\"uote/*/t\tab/caf\xc3\xa9",
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
	EXPECT(p, { line, "kill", "kill/read+/**z" });
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
		EXPECT(p, { "check/read:/etc/x", "deny",
		    "deny/read+/etc/***" });
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
