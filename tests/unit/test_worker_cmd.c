/*
 * Every command form of docs/commands.md section 3 through cmd_exec(): good
 * values with the exact stat bytes they produce, each kind of bad value
 * with its exact errno and a byte-identical stat, and the boundaries.
 * Each row starts from a fresh policy (the initial state, lock:ipc).
 */
#include <sys/ioctl.h>

#include <stdio.h>

#include "common/limits.h"
#include "tests/unit/test_worker_util.h"

struct good {
	const char	*line;
	enum cmd_origin	 o;
	const char	*frag;		/* stat holds these bytes afterwards */
	const char	*frag2;		/* and these, when not NULL */
};

struct bad {
	const char	*line;
	enum cmd_origin	 o;
	int		 err;		/* 0: an ACKed query or no-op */
};

static void
run_good(const struct good *t, size_t n)
{
	struct policy *p;
	size_t	 i;

	for (i = 0; i < n; i++) {
		p = tw_new();
		tw_ok(p, t[i].line, t[i].o);
		tw_has(p, t[i].frag);
		if (t[i].frag2 != NULL)
			tw_has(p, t[i].frag2);
		policy_free(p);
	}
}

static void
run_bad(const struct bad *t, size_t n)
{
	struct policy *p;
	size_t	 i;

	for (i = 0; i < n; i++) {
		p = tw_new();
		tw_refused(p, t[i].line, t[i].o, t[i].err);
		policy_free(p);
	}
}

#define RUN_GOOD(t)	run_good(t, sizeof(t) / sizeof(t[0]))
#define RUN_BAD(t)	run_bad(t, sizeof(t) / sizeof(t[0]))

/* Lines that are not commands at all. */
Test(worker_cmd, blank_comment_and_stray_bytes)
{
	static const struct bad t[] = {
		{ "", IPC, EINVAL },
		{ " ", IPC, EINVAL },
		{ "\t", IPC, EINVAL },
		{ "#", IPC, EINVAL },
		{ "# sandbox/read:off", IPC, EINVAL },
		{ "#sandbox/read:off", IPC, EINVAL },
		/* In a profile they are comments: ACK, nothing changes. */
		{ "", PROF, 0 },
		{ "  \t", PROF, 0 },
		{ "# sandbox/read:off", PROF, 0 },
		{ "#sandbox/read:off", PROF, 0 },
		{ "bogus", IPC, EINVAL },
		{ "bogus", PROF, EINVAL },
		{ "RESET", IPC, EINVAL },
		{ "reset:1", IPC, EINVAL },
		{ "reset?", IPC, EINVAL },
		{ "stat ", IPC, EINVAL },
		{ " stat", IPC, EINVAL },
		{ "stat\r", IPC, EINVAL },
		{ "stat:x", IPC, EINVAL },
		{ "stats?", IPC, EINVAL },
		{ "statss", IPC, EINVAL },
		{ ":", IPC, EINVAL },
		{ "?", IPC, EINVAL },
		{ "+", IPC, EINVAL },
		{ "sandbox", IPC, EINVAL },
		{ "sandbox/", IPC, EINVAL },
		{ "lock", IPC, EINVAL },
	};

	RUN_BAD(t);
}

Test(worker_cmd, surrounding_blanks_are_einval)
{
	static const struct bad t[] = {
		{ "sandbox/read:off ", IPC, EINVAL },
		{ " sandbox/read:off", IPC, EINVAL },
		{ "sandbox/read:off\t", IPC, EINVAL },
		{ "sandbox/read:off\r", IPC, EINVAL },
		{ "sandbox/read:off\f", IPC, EINVAL },
		{ "sandbox/read:off\v", IPC, EINVAL },
		{ "\tsandbox/read:off", IPC, EINVAL },
		{ "sandbox/read :off", IPC, EINVAL },
		{ "sandbox/read: off", IPC, EINVAL },
		{ "sandbox/read:off ", PROF, EINVAL },
		{ "allow/read+/x ", IPC, EINVAL },
		{ "allow/read+ /x", IPC, EINVAL },
		{ "mem/max:1G ", IPC, EINVAL },
	};

	RUN_BAD(t);
}

Test(worker_cmd, non_utf8_is_einval)
{
	struct policy *p = tw_new();

	tw_refused(p, "allow/read+/\xff", IPC, EINVAL);
	tw_refused(p, "allow/read+/\xc0\xaf", IPC, EINVAL);	/* overlong */
	tw_refused(p, "allow/read+/\xed\xa0\x80", PROF, EINVAL); /* surrogate */
	tw_refused(p, "\xff", PROF, EINVAL);
	policy_free(p);
}

#define READ_OFF	"\"stat\":true,\"read\":false,"
#define MEM_ON		"\"tpe\":false,\"mem\":true,"

Test(worker_cmd, sandbox_set_good)
{
	static const struct good t[] = {
		{ "sandbox/read:off", IPC,
		  "\"sandbox\":{\"walk\":true,\"stat\":true,\"read\":false,"
		  "\"write\":true,", NULL },
		{ "sandbox/read:0", IPC, READ_OFF, NULL },
		{ "sandbox/read:f", IPC, READ_OFF, NULL },
		{ "sandbox/read:false", IPC, READ_OFF, NULL },
		{ "sandbox/read:n", IPC, READ_OFF, NULL },
		{ "sandbox/read:no", IPC, READ_OFF, NULL },
		{ "sandbox/mem:1", IPC, "\"tpe\":false,\"mem\":true,\"pid\"",
		  NULL },
		{ "sandbox/mem:on", IPC, MEM_ON, NULL },
		{ "sandbox/mem:t", IPC, MEM_ON, NULL },
		{ "sandbox/mem:true", IPC, MEM_ON, NULL },
		{ "sandbox/mem:y", IPC, MEM_ON, NULL },
		{ "sandbox/mem:yes", IPC, MEM_ON, NULL },
		{ "sandbox/read,write:off", IPC,
		  "\"stat\":true,\"read\":false,\"write\":false,\"exec\":true",
		  NULL },
		{ "sandbox/read,read:off", IPC,
		  "\"stat\":true,\"read\":false,\"write\":true", NULL },
		{ "sandbox/net:off", IPC,
		  "\"notify\":true,\"net/bind\":false,\"net/connect\":false,"
		  "\"net/sendfd\":false,\"net/link\":false,\"fs\":false",
		  NULL },
		{ "sandbox/net/link:off", IPC,
		  "\"net/sendfd\":true,\"net/link\":false,", NULL },
		{ "sandbox/all:off", IPC,
		  "\"sandbox\":{\"walk\":false,\"stat\":false,",
		  "\"notify\":false,\"net/bind\":false,\"net/connect\":false,"
		  "\"net/sendfd\":false,\"net/link\":false,\"fs\":false" },
		{ "sandbox/fs,force,tpe,mem,pid:on", IPC,
		  "\"fs\":true,\"force\":true,\"tpe\":true,\"mem\":true,"
		  "\"pid\":true,\"lock\":false", NULL },
		/* Already on: ACK, and the policy is unchanged. */
		{ "sandbox/read:on", IPC, "\"stat\":true,\"read\":true,",
		  NULL },
		/* Startup-only categories from a profile. */
		{ "sandbox/lock:on", PROF,
		  "\"pid\":false,\"lock\":true,\"crypt\":false,", NULL },
		{ "sandbox/crypt,proxy,pty:on", PROF,
		  "\"lock\":false,\"crypt\":true,\"proxy\":true,\"pty\":true}",
		  NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, sandbox_bad_and_queries)
{
	static const struct bad t[] = {
		{ "sandbox/bogus:on", IPC, EINVAL },
		{ "sandbox/:on", IPC, EINVAL },
		{ "sandbox/read,:off", IPC, EINVAL },
		{ "sandbox/,read:off", IPC, EINVAL },
		{ "sandbox/read,,write:off", IPC, EINVAL },
		{ "sandbox/Read:off", IPC, EINVAL },
		{ "sandbox/net/:off", IPC, EINVAL },
		{ "sandbox/net/bogus:off", IPC, EINVAL },
		{ "sandbox/read:OFF", IPC, EINVAL },
		{ "sandbox/read:Off", IPC, EINVAL },
		{ "sandbox/read:2", IPC, EINVAL },
		{ "sandbox/read:", IPC, EINVAL },
		{ "sandbox/read:offf", IPC, EINVAL },
		{ "sandbox/read:yesno", IPC, EINVAL },
		{ "sandbox/read", IPC, EINVAL },
		{ "sandbox/read+/x", IPC, EINVAL },
		{ "sandbox/read-/x", IPC, EINVAL },
		{ "sandbox/read^/x", IPC, EINVAL },
		{ "sandbox/read?x", IPC, EINVAL },
		{ "sandbox/read??", IPC, EINVAL },
		{ "sandbox/read:off:on", IPC, EINVAL },
		/* Startup-only, even to the current value. */
		{ "sandbox/lock:on", IPC, EBUSY },
		{ "sandbox/lock:off", IPC, EBUSY },
		{ "sandbox/crypt:on", IPC, EBUSY },
		{ "sandbox/proxy:on", IPC, EBUSY },
		{ "sandbox/pty:off", IPC, EBUSY },
		{ "sandbox/read,pty:off", IPC, EBUSY },
		{ "sandbox/lock:bogus", IPC, EINVAL },
		/* Queries: ACK when every named category is on. */
		{ "sandbox/read?", IPC, 0 },
		{ "sandbox/read,write?", IPC, 0 },
		{ "sandbox/net?", IPC, 0 },
		{ "sandbox/all?", IPC, 0 },
		{ "sandbox/mem?", IPC, ENOENT },
		{ "sandbox/read,mem?", IPC, ENOENT },
		{ "sandbox/lock?", IPC, ENOENT },
		{ "sandbox/pty?", PROF, ENOENT },
		{ "sandbox/bogus?", IPC, EINVAL },
	};

	RUN_BAD(t);
}

Test(worker_cmd, sandbox_query_follows_changes)
{
	struct policy *p = tw_new();

	tw_ok(p, "sandbox/read:off", IPC);
	tw_refused(p, "sandbox/read?", IPC, ENOENT);
	tw_refused(p, "sandbox/all?", IPC, ENOENT);
	tw_refused(p, "sandbox/write?", IPC, 0);
	tw_ok(p, "sandbox/lock:on", PROF);
	tw_refused(p, "sandbox/lock?", IPC, 0);
	tw_ok(p, "sandbox/read:on", IPC);
	tw_refused(p, "sandbox/all?", IPC, 0);
	policy_free(p);
}

Test(worker_cmd, default_good)
{
	static const struct good t[] = {
		{ "default/write,exec:kill", IPC,
		  "\"default\":{\"walk\":\"deny\",\"stat\":\"deny\","
		  "\"read\":\"deny\",\"write\":\"kill\",\"exec\":\"kill\","
		  "\"ioctl\":\"deny\"", NULL },
		{ "default/read:allow", IPC, "\"read\":\"allow\"", NULL },
		{ "default/read:warn", IPC, "\"read\":\"warn\"", NULL },
		{ "default/read:filter", IPC, "\"read\":\"filter\"", NULL },
		{ "default/read:deny", IPC, "\"read\":\"deny\"", NULL },
		{ "default/read:panic", IPC, "\"read\":\"panic\"", NULL },
		{ "default/read:stop", IPC, "\"read\":\"stop\"", NULL },
		{ "default/read:abort", IPC, "\"read\":\"abort\"", NULL },
		{ "default/read:kill", IPC, "\"read\":\"kill\"", NULL },
		{ "default/read:exit", IPC, "\"read\":\"exit\"", NULL },
		{ "default/net:warn", IPC,
		  "\"notify\":\"deny\",\"net/bind\":\"warn\","
		  "\"net/connect\":\"warn\",\"net/sendfd\":\"warn\","
		  "\"net/link\":\"warn\",\"fs\":\"deny\"", NULL },
		{ "default/all:allow", IPC,
		  "\"default\":{\"walk\":\"allow\",",
		  "\"net/link\":\"allow\",\"fs\":\"deny\"" },
		/* default/ of special categories is a runtime setting. */
		{ "default/lock,pty:kill", IPC,
		  "\"pid\":\"deny\",\"lock\":\"kill\",\"crypt\":\"deny\","
		  "\"proxy\":\"deny\",\"pty\":\"kill\"}", NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, default_bad)
{
	static const struct bad t[] = {
		{ "default/read:Allow", IPC, EINVAL },
		{ "default/read:", IPC, EINVAL },
		{ "default/read:on", IPC, EINVAL },
		{ "default/read:denyy", IPC, EINVAL },
		{ "default/read?", IPC, EINVAL },
		{ "default/read+deny", IPC, EINVAL },
		{ "default/bogus:deny", IPC, EINVAL },
		{ "default/:deny", IPC, EINVAL },
		{ "default/read,:deny", IPC, EINVAL },
		{ "default:deny", IPC, EINVAL },
		/* Setting the current value is an ACKed no-op. */
		{ "default/read:deny", IPC, 0 },
	};

	RUN_BAD(t);
}

#define RULES1(act, cap, pat) \
	"[{\"act\":\"" act "\",\"cap\":\"" cap "\",\"pat\":\"" pat "\"}]"
#define R(act, cap, pat) \
	"{\"act\":\"" act "\",\"cap\":\"" cap "\",\"pat\":\"" pat "\"}"

struct rulecase {
	const char	*line;
	const char	*rules;		/* the whole "rules" array */
};

static void
run_rules(const struct rulecase *t, size_t n)
{
	struct policy *p;
	size_t	 i;

	for (i = 0; i < n; i++) {
		p = tw_new();
		tw_ok(p, t[i].line, IPC);
		tw_rules(p, t[i].rules);
		policy_free(p);
	}
}

#define RUN_RULES(t)	run_rules(t, sizeof(t) / sizeof(t[0]))

Test(worker_cmd, path_rules_good)
{
	static const struct rulecase t[] = {
		{ "allow/read+/usr/***", RULES1("allow", "read", "/usr/***") },
		{ "warn/write+/tmp/*", RULES1("warn", "write", "/tmp/*") },
		{ "filter/exec+/bin/?", RULES1("filter", "exec", "/bin/?") },
		{ "deny/stat+/etc/[!a-z]*",
		  RULES1("deny", "stat", "/etc/[!a-z]*") },
		{ "panic/ioctl+/dev/[^t]ty", RULES1("panic", "ioctl",
		  "/dev/[^t]ty") },
		{ "stop/walk+/**", RULES1("stop", "walk", "/**") },
		{ "abort/mkdir+/a", RULES1("abort", "mkdir", "/a") },
		{ "kill/notify+/", RULES1("kill", "notify", "/") },
		{ "exit/mktemp+/tmp/x.??????",
		  RULES1("exit", "mktemp", "/tmp/x.??????") },
		{ "allow/read,write+/x",
		  "[" R("allow", "read", "/x") ","
		  R("allow", "write", "/x") "]" },
		{ "allow/write,read+/x",
		  "[" R("allow", "write", "/x") ","
		  R("allow", "read", "/x") "]" },
		{ "allow/read,read+/x", RULES1("allow", "read", "/x") },
		{ "allow/read,net/bind+/x",
		  "[" R("allow", "read", "/x") "," R("allow", "net/bind", "/x")
		  "]" },
		/* Stored as written; JSON escapes only what it must. */
		{ "allow/read+/my file", RULES1("allow", "read", "/my file") },
		{ "allow/read+/a\\*b", RULES1("allow", "read", "/a\\\\*b") },
		{ "allow/read+/a\"b", RULES1("allow", "read", "/a\\\"b") },
		{ "allow/read+/a\tb", RULES1("allow", "read", "/a\\tb") },
		{ "allow/read+/a\x01" "b", RULES1("allow", "read",
		  "/a\\u0001b") },
		{ "allow/read+/a\x1f", RULES1("allow", "read", "/a\\u001f") },
		{ "allow/read+/a\x7f", RULES1("allow", "read", "/a\x7f") },
		{ "allow/read+/caf\xc3\xa9", RULES1("allow", "read",
		  "/caf\xc3\xa9") },
		{ "allow/read+/a:b+c-d^e?f", RULES1("allow", "read",
		  "/a:b+c-d^e?f") },
		/* UNIX sockets for the socket categories. */
		{ "allow/net/bind+/run/*.sock",
		  RULES1("allow", "net/bind", "/run/*.sock") },
		{ "allow/net/connect+@privconf*",
		  RULES1("allow", "net/connect", "@privconf*") },
		{ "allow/net/sendfd+/tmp/**",
		  RULES1("allow", "net/sendfd", "/tmp/**") },
		{ "deny/net/sendfd+@x", RULES1("deny", "net/sendfd", "@x") },
		/* Netlink families. */
		{ "allow/net/link+route",
		  RULES1("allow", "net/link", "route") },
		{ "allow/net/link+kobject_uevent",
		  RULES1("allow", "net/link", "kobject_uevent") },
		{ "allow/net/link+all", RULES1("allow", "net/link", "all") },
	};

	RUN_RULES(t);
}

Test(worker_cmd, every_netlink_family)
{
	static const char *const fam[] = {
		"route", "usersock", "firewall", "sock_diag", "nflog", "xfrm",
		"selinux", "iscsi", "audit", "fib_lookup", "connector",
		"netfilter", "ip6_fw", "dnrtmsg", "kobject_uevent", "generic",
		"scsitransport", "ecryptfs", "rdma", "crypto", "smc", "all",
	};
	char	 line[64], rules[128];
	struct policy *p;
	size_t	 i;

	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		p = tw_new();
		snprintf(line, sizeof(line), "deny/net/link+%s", fam[i]);
		snprintf(rules, sizeof(rules),
		    "[{\"act\":\"deny\",\"cap\":\"net/link\",\"pat\":\"%s\"}]",
		    fam[i]);
		tw_ok(p, line, IPC);
		tw_rules(p, rules);
		policy_free(p);
	}
}

Test(worker_cmd, network_rules_good)
{
	static const struct rulecase t[] = {
		{ "allow/net/connect+127.0.0.1!80",
		  RULES1("allow", "net/connect", "127.0.0.1/32!80-80") },
		{ "allow/net/bind+127.0.0.1!0",
		  RULES1("allow", "net/bind", "127.0.0.1/32!0-0") },
		{ "allow/net/bind+127.0.0.1!65535",
		  RULES1("allow", "net/bind", "127.0.0.1/32!65535-65535") },
		{ "allow/net/bind+127.0.0.1!0-65535",
		  RULES1("allow", "net/bind", "127.0.0.1/32!0-65535") },
		{ "allow/net/bind+127.0.0.1!80-80",
		  RULES1("allow", "net/bind", "127.0.0.1/32!80-80") },
		{ "allow/net/connect+10.1.2.3/8!1024-65535",
		  RULES1("allow", "net/connect", "10.0.0.0/8!1024-65535") },
		{ "allow/net/connect+1.2.3.4/0!1",
		  RULES1("allow", "net/connect", "0.0.0.0/0!1-1") },
		{ "allow/net/connect+1.2.3.4/32!1",
		  RULES1("allow", "net/connect", "1.2.3.4/32!1-1") },
		{ "allow/net/connect+::1!22",
		  RULES1("allow", "net/connect", "::1/128!22-22") },
		{ "allow/net/connect+::1/128!22",
		  RULES1("allow", "net/connect", "::1/128!22-22") },
		{ "allow/net/connect+2001:db8::1/32!443",
		  RULES1("allow", "net/connect", "2001:db8::/32!443-443") },
		{ "allow/net/connect+2001:0db8:0000:0000:0000:0000:0000:0001!1",
		  RULES1("allow", "net/connect", "2001:db8::1/128!1-1") },
		{ "allow/net/connect+ffff::1/0!1",
		  RULES1("allow", "net/connect", "::/0!1-1") },
		{ "deny/net/bind,net/connect+loopback!80",
		  "[" R("deny", "net/bind", "127.0.0.0/8!80-80") ","
		  R("deny", "net/bind", "::1/128!80-80") ","
		  R("deny", "net/connect", "127.0.0.0/8!80-80") ","
		  R("deny", "net/connect", "::1/128!80-80") "]" },
	};

	RUN_RULES(t);
}

/* Every alias with its exact expansion, in the documented order. */
Test(worker_cmd, network_aliases_expand_in_order)
{
#define NC(pat)	R("allow", "net/connect", pat "!1-2")
	static const struct rulecase t[] = {
		{ "allow/net/connect+any4!1-2", "[" NC("0.0.0.0/0") "]" },
		{ "allow/net/connect+any6!1-2", "[" NC("::/0") "]" },
		{ "allow/net/connect+any!1-2",
		  "[" NC("0.0.0.0/0") "," NC("::/0") "]" },
		{ "allow/net/connect+loopback4!1-2",
		  "[" NC("127.0.0.0/8") "]" },
		{ "allow/net/connect+loopback6!1-2", "[" NC("::1/128") "]" },
		{ "allow/net/connect+loopback!1-2",
		  "[" NC("127.0.0.0/8") "," NC("::1/128") "]" },
		{ "allow/net/connect+linklocal4!1-2",
		  "[" NC("169.254.0.0/16") "]" },
		{ "allow/net/connect+linklocal6!1-2", "[" NC("fe80::/10") "]" },
		{ "allow/net/connect+linklocal!1-2",
		  "[" NC("169.254.0.0/16") "," NC("fe80::/10") "]" },
		{ "allow/net/connect+local4!1-2",
		  "[" NC("127.0.0.0/8") "," NC("10.0.0.0/8") ","
		  NC("172.16.0.0/12") "," NC("192.168.0.0/16") "]" },
		{ "allow/net/connect+local6!1-2",
		  "[" NC("::1/128") "," NC("fe80::/10") ","
		  NC("fc00::/7") "]" },
		{ "allow/net/connect+local!1-2",
		  "[" NC("127.0.0.0/8") "," NC("10.0.0.0/8") ","
		  NC("172.16.0.0/12") "," NC("192.168.0.0/16") ","
		  NC("::1/128") "," NC("fe80::/10") "," NC("fc00::/7") "]" },
	};
#undef NC

	RUN_RULES(t);
}

Test(worker_cmd, rules_bad)
{
	static const struct bad t[] = {
		{ "allow/read+usr/***", IPC, EINVAL },
		{ "allow/read+", IPC, EINVAL },
		{ "allow/read+/[a", IPC, EINVAL },
		{ "allow/read+/a\\", IPC, EINVAL },
		{ "allow/read+@x", IPC, EINVAL },
		{ "allow/mem+/x", IPC, EINVAL },
		{ "allow/lock+/x", PROF, EINVAL },
		{ "allow/fs+/x", IPC, EINVAL },
		{ "allow/read,mem+/x", IPC, EINVAL },
		/* Every named category must take the pattern. */
		{ "allow/all+/x", IPC, EINVAL },
		{ "allow/net+/x", IPC, EINVAL },
		{ "allow/net+loopback!80", IPC, EINVAL },
		{ "allow/read,net/connect+loopback!80", IPC, EINVAL },
		{ "allow/read+127.0.0.1!80", IPC, EINVAL },
		{ "allow/net/sendfd+127.0.0.1!80", IPC, EINVAL },
		{ "allow/net/link+127.0.0.1!80", IPC, EINVAL },
		{ "allow/net/link+bogus", IPC, EINVAL },
		{ "allow/net/link+/x", IPC, EINVAL },
		{ "allow/net/link+Route", IPC, EINVAL },
		{ "allow/net/link+route,audit", IPC, EINVAL },
		{ "allow/net/bind+route", IPC, EINVAL },
		{ "allow/net/connect+@", IPC, EINVAL },
		{ "allow/net/connect+@[x", IPC, EINVAL },
		/* Addresses, ports and prefixes. */
		{ "allow/net/connect+127.0.0.1", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!70000", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!65536", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!0-65536", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!80-79", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!-1", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!+80", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!8 0", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!80-", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1!http", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1/33!1", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1/!1", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.1/-1!1", IPC, EINVAL },
		{ "allow/net/connect+::/129!1", IPC, EINVAL },
		{ "allow/net/connect+127.0.0.256!1", IPC, EINVAL },
		{ "allow/net/connect+localhost!80", IPC, EINVAL },
		{ "allow/net/connect+LOOPBACK!80", IPC, EINVAL },
		{ "allow/net/connect+loopback", IPC, EINVAL },
		{ "allow/net/connect+loopback/8!80", IPC, EINVAL },
		{ "allow/net/connect+!80", IPC, EINVAL },
		/* Names and operators. */
		{ "Allow/read+/x", IPC, EINVAL },
		{ "allowx/read+/x", IPC, EINVAL },
		{ "allow/read:/x", IPC, EINVAL },
		{ "allow/read?", IPC, EINVAL },
		{ "allow/+/x", IPC, EINVAL },
		{ "allow/bogus+/x", IPC, EINVAL },
		{ "allow+/x", IPC, EINVAL },
		{ "allow/read", IPC, EINVAL },
	};

	RUN_BAD(t);
}

Test(worker_cmd, nul_in_a_pattern_is_einval)
{
	static const char line[] = "allow/read+/a\0b";
	struct policy *p = tw_new();

	tw_same_n(p, line, sizeof(line) - 1, IPC, EINVAL);
	tw_same_n(p, "root:/a\0b", 9, PROF, EINVAL);
	policy_free(p);
}

/* prefix, then a patlen-byte pattern: lead and patlen - 1 bytes of fill. */
static char *
mkline(const char *prefix, char lead, char fill, size_t patlen)
{
	size_t	 pl = strlen(prefix);
	char	*s = malloc(pl + patlen + 1);

	cr_assert_not_null(s);
	memcpy(s, prefix, pl);
	s[pl] = lead;
	memset(s + pl + 1, fill, patlen - 1);
	s[pl + patlen] = '\0';
	return s;
}

/* PATTERN_MAX bytes are a pattern; one more is EINVAL. */
Test(worker_cmd, pattern_at_limit_and_one_past)
{
	static const struct {
		const char	*prefix;
		char		 lead;
	} t[] = {
		{ "allow/read+", '/' },
		{ "deny/net/bind+", '/' },
		{ "deny/net/connect+", '@' },
		{ "deny/net/sendfd+", '@' },
	};
	struct policy *p;
	char	*line, *frag;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = tw_new();
		line = mkline(t[i].prefix, t[i].lead, 'a', PATTERN_MAX);
		tw_ok(p, line, IPC);
		frag = mkline("\"pat\":\"", t[i].lead, 'a', PATTERN_MAX);
		tw_has(p, frag);
		free(line);
		free(frag);
		line = mkline(t[i].prefix, t[i].lead, 'a', PATTERN_MAX + 1);
		tw_refused(p, line, IPC, EINVAL);
		free(line);
		policy_free(p);
	}
}

Test(worker_cmd, limits_good)
{
	static const struct good t[] = {
		{ "mem/max:0", IPC, "\"mem_max\":0,", NULL },
		{ "mem/max:1", IPC, "\"mem_max\":1,", NULL },
		{ "mem/max:007", IPC, "\"mem_max\":7,", NULL },
		{ "mem/max:1K", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1k", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1KB", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1kb", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1Kb", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1KiB", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1kib", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:1KIB", IPC, "\"mem_max\":1024,", NULL },
		{ "mem/max:2M", IPC, "\"mem_max\":2097152,", NULL },
		{ "mem/max:2MiB", IPC, "\"mem_max\":2097152,", NULL },
		{ "mem/max:1G", IPC, "\"mem_max\":1073741824,", NULL },
		{ "mem/max:1gb", IPC, "\"mem_max\":1073741824,", NULL },
		{ "mem/max:1T", IPC, "\"mem_max\":1099511627776,", NULL },
		{ "mem/max:1P", IPC, "\"mem_max\":1125899906842624,", NULL },
		{ "mem/max:0G", IPC, "\"mem_max\":0,", NULL },
		/* The 64-bit boundary, plain and with each suffix. */
		{ "mem/max:18446744073709551615", IPC,
		  "\"mem_max\":18446744073709551615,", NULL },
		{ "mem/max:16383P", IPC, "\"mem_max\":18445618173802708992,",
		  NULL },
		{ "mem/max:17179869183G", IPC,
		  "\"mem_max\":18446744072635809792,", NULL },
		{ "mem/max:16777215T", IPC,
		  "\"mem_max\":18446742974197923840,", NULL },
		{ "mem/vm_max:4G", IPC, "\"mem_vm_max\":4294967296,", NULL },
		{ "mem/vm_max:18446744073709551615", IPC,
		  "\"mem_vm_max\":18446744073709551615,", NULL },
		{ "pid/max:0", IPC, "\"pid_max\":0,", NULL },
		{ "pid/max:1", IPC, "\"pid_max\":1,", NULL },
		{ "pid/max:4194304", IPC, "\"pid_max\":4194304,", NULL },
		{ "pid/max:18446744073709551615", IPC,
		  "\"pid_max\":18446744073709551615,", NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, limits_bad)
{
	static const struct bad t[] = {
		{ "mem/max:", IPC, EINVAL },
		{ "mem/max:-1", IPC, EINVAL },
		{ "mem/max:+1", IPC, EINVAL },
		{ "mem/max:1.5G", IPC, EINVAL },
		{ "mem/max:1B", IPC, EINVAL },
		{ "mem/max:1Ki", IPC, EINVAL },
		{ "mem/max:1KiBB", IPC, EINVAL },
		{ "mem/max:1KBi", IPC, EINVAL },
		{ "mem/max:1E", IPC, EINVAL },
		{ "mem/max:G", IPC, EINVAL },
		{ "mem/max:1 G", IPC, EINVAL },
		{ "mem/max:0x10", IPC, EINVAL },
		{ "mem/max:18446744073709551616", IPC, EINVAL },
		{ "mem/max:99999999999999999999999", IPC, EINVAL },
		{ "mem/max:16384P", IPC, EINVAL },
		{ "mem/max:17179869184G", IPC, EINVAL },
		{ "mem/max:16777216T", IPC, EINVAL },
		{ "mem/max?", IPC, EINVAL },
		{ "mem/max+1", IPC, EINVAL },
		{ "mem/vm_max:18446744073709551616", IPC, EINVAL },
		{ "mem/vm_max:-1", IPC, EINVAL },
		{ "mem:1", IPC, EINVAL },
		{ "mem/bogus:1", IPC, EINVAL },
		{ "pid/max:-1", IPC, EINVAL },
		{ "pid/max:1K", IPC, EINVAL },
		{ "pid/max:", IPC, EINVAL },
		{ "pid/max:18446744073709551616", IPC, EINVAL },
		{ "pid/max:one", IPC, EINVAL },
	};

	RUN_BAD(t);
}

Test(worker_cmd, ioctl_good)
{
	static const struct good t[] = {
		{ "ioctl/allow+TIOCGWINSZ", IPC,
		  "\"ioctl\":{\"allow\":[21523],\"deny\":[]}", NULL },
		{ "ioctl/deny+0x5401", IPC,
		  "\"ioctl\":{\"allow\":[],\"deny\":[21505]}", NULL },
		{ "ioctl/allow+0", IPC, "\"allow\":[0],", NULL },
		{ "ioctl/allow+0x0", IPC, "\"allow\":[0],", NULL },
		{ "ioctl/allow+21523", IPC, "\"allow\":[21523],", NULL },
		{ "ioctl/allow+4294967295", IPC, "\"allow\":[4294967295],",
		  NULL },
		{ "ioctl/allow+0xffffffff", IPC, "\"allow\":[4294967295],",
		  NULL },
		{ "ioctl/allow+0xFFFFFFFF", IPC, "\"allow\":[4294967295],",
		  NULL },
		{ "ioctl/allow+0x00000000ffffffff", IPC,
		  "\"allow\":[4294967295],", NULL },
		{ "ioctl/allow+TCGETS", IPC, "\"allow\":[21505],", NULL },
		{ "ioctl/allow+TCSETS", IPC, "\"allow\":[21506],", NULL },
		{ "ioctl/allow+TIOCSWINSZ", IPC, "\"allow\":[21524],", NULL },
		{ "ioctl/allow+TIOCSTI", IPC, "\"allow\":[21522],", NULL },
		{ "ioctl/allow+TIOCLINUX", IPC, "\"allow\":[21532],", NULL },
		{ "ioctl/allow+TIOCCONS", IPC, "\"allow\":[21533],", NULL },
		{ "ioctl/allow+TIOCSETD", IPC, "\"allow\":[21539],", NULL },
		{ "ioctl/allow+FIONREAD", IPC, "\"allow\":[21531],", NULL },
		{ "ioctl/allow+FIONBIO", IPC, "\"allow\":[21537],", NULL },
		{ "ioctl/allow+FIOCLEX", IPC, "\"allow\":[21585],", NULL },
		{ "ioctl/allow+FIONCLEX", IPC, "\"allow\":[21584],", NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, ioctl_bad)
{
	static const struct bad t[] = {
		{ "ioctl/allow+4294967296", IPC, EINVAL },
		{ "ioctl/allow+0x100000000", IPC, EINVAL },
		{ "ioctl/allow+99999999999999999999999", IPC, EINVAL },
		{ "ioctl/allow+0x", IPC, EINVAL },
		{ "ioctl/allow+0xg", IPC, EINVAL },
		{ "ioctl/allow+0X10", IPC, EINVAL },
		{ "ioctl/allow+-1", IPC, EINVAL },
		{ "ioctl/allow+01", IPC, EINVAL },
		{ "ioctl/allow+1x", IPC, EINVAL },
		{ "ioctl/allow+", IPC, EINVAL },
		{ "ioctl/allow+tiocgwinsz", IPC, EINVAL },
		{ "ioctl/allow+TIOCGWINSZX", IPC, EINVAL },
		{ "ioctl/allow:1", IPC, EINVAL },
		{ "ioctl/allow?", IPC, EINVAL },
		{ "ioctl/bogus+1", IPC, EINVAL },
		{ "ioctl+1", IPC, EINVAL },
		/* Removing what is not there is an ACKed no-op. */
		{ "ioctl/allow-1", IPC, 0 },
		{ "ioctl/deny^1", IPC, 0 },
	};

	RUN_BAD(t);
}

/* The names are the values of the Linux headers, not a guess. */
Test(worker_cmd, ioctl_names_are_the_linux_values)
{
	static const struct {
		const char	*name;
		unsigned long	 req;
	} t[] = {
		{ "TCGETS", TCGETS }, { "TCSETS", TCSETS },
		{ "TIOCGWINSZ", TIOCGWINSZ }, { "TIOCSWINSZ", TIOCSWINSZ },
		{ "TIOCSTI", TIOCSTI }, { "TIOCLINUX", TIOCLINUX },
		{ "TIOCCONS", TIOCCONS }, { "TIOCSETD", TIOCSETD },
		{ "FIONREAD", FIONREAD }, { "FIONBIO", FIONBIO },
		{ "FIOCLEX", FIOCLEX }, { "FIONCLEX", FIONCLEX },
	};
	char	 line[64], frag[64];
	struct policy *p;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = tw_new();
		snprintf(line, sizeof(line), "ioctl/deny+%s", t[i].name);
		snprintf(frag, sizeof(frag), "\"deny\":[%lu]}", t[i].req);
		tw_ok(p, line, IPC);
		tw_has(p, frag);
		policy_free(p);
	}
}

Test(worker_cmd, ioctl_lists_keep_order_and_remove)
{
	struct policy *p = tw_new();

	tw_ok(p, "ioctl/allow+1", IPC);
	tw_ok(p, "ioctl/allow+2", IPC);
	tw_ok(p, "ioctl/allow+1", IPC);
	tw_ok(p, "ioctl/allow+3", IPC);
	tw_has(p, "\"allow\":[1,2,1,3],");
	tw_ok(p, "ioctl/allow-1", IPC);
	tw_has(p, "\"allow\":[1,2,3],");
	tw_ok(p, "ioctl/allow+1", IPC);
	tw_ok(p, "ioctl/allow^1", IPC);
	tw_has(p, "\"allow\":[2,3],");
	tw_refused(p, "ioctl/allow-1", IPC, 0);
	tw_refused(p, "ioctl/deny-2", IPC, 0);
	policy_free(p);
}

Test(worker_cmd, trace_good)
{
	static const struct good t[] = {
		{ "trace/allow_safe_bind:on", IPC,
		  "\"trace\":{\"allow_safe_bind\":true,", NULL },
		{ "trace/allow_safe_kcapi:1", IPC, "\"allow_safe_kcapi\":true",
		  NULL },
		{ "trace/allow_unsupp_socket:yes", IPC,
		  "\"allow_unsupp_socket\":true", NULL },
		{ "trace/allow_unsafe_socket:t", IPC,
		  "\"allow_unsafe_socket\":true", NULL },
		{ "trace/deny_dotdot:true", IPC, "\"deny_dotdot\":true", NULL },
		{ "trace/force_cloexec:y", IPC, "\"force_cloexec\":true",
		  NULL },
		{ "trace/deny_dotdot:off", IPC, "\"deny_dotdot\":false", NULL },
		{ "trace/allow_safe_setuid:on", PROF,
		  "\"allow_safe_setuid\":true", NULL },
		{ "trace/allow_safe_setgid:on", PROF,
		  "\"allow_safe_setgid\":true", NULL },
		{ "trace/allow_unsafe_exec_speculative:on", PROF,
		  "\"allow_unsafe_exec_speculative\":true", NULL },
		{ "trace/allow_unsafe_ptrace:on", PROF,
		  "\"allow_unsafe_ptrace\":true", NULL },
		{ "trace/allow_unsafe_prctl:on", PROF,
		  "\"allow_unsafe_prctl\":true", NULL },
		{ "trace/allow_unsafe_prlimit:on", PROF,
		  "\"allow_unsafe_prlimit\":true", NULL },
		{ "trace/allow_unsafe_time:on", PROF,
		  "\"allow_unsafe_time\":true", NULL },
		{ "trace/allow_unsafe_uring:on", PROF,
		  "\"allow_unsafe_uring\":true", NULL },
		{ "trace/allow_unsafe_memory:on", PROF,
		  "\"allow_unsafe_memory\":true", NULL },
		{ "trace/allow_unsafe_caps:on", PROF,
		  "\"allow_unsafe_caps\":true", NULL },
		{ "trace/allow_unsafe_env:on", PROF,
		  "\"allow_unsafe_env\":true", NULL },
		{ "trace/deny_tsc:on", PROF, "\"deny_tsc\":true", NULL },
		{ "trace/exit_wait_all:on", PROF,
		  "\"exit_wait_all\":true,\"force_umask\":null}", NULL },
		{ "trace/force_umask:077", IPC, "\"force_umask\":63}", NULL },
		{ "trace/force_umask:0", IPC, "\"force_umask\":0}", NULL },
		{ "trace/force_umask:777", IPC, "\"force_umask\":511}", NULL },
		{ "trace/force_umask:0777", IPC, "\"force_umask\":511}", NULL },
		{ "trace/force_umask:00022", IPC, "\"force_umask\":18}", NULL },
		{ "trace/force_umask:off", IPC, "\"force_umask\":null}", NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, trace_bad_and_queries)
{
	static const struct bad t[] = {
		{ "trace/force_umask:0778", IPC, EINVAL },
		{ "trace/force_umask:1000", IPC, EINVAL },
		{ "trace/force_umask:8", IPC, EINVAL },
		{ "trace/force_umask:-1", IPC, EINVAL },
		{ "trace/force_umask:", IPC, EINVAL },
		{ "trace/force_umask:on", IPC, EINVAL },
		{ "trace/force_umask:0x1", IPC, EINVAL },
		{ "trace/force_umask?", IPC, EINVAL },
		{ "trace/force_umask+1", IPC, EINVAL },
		{ "trace/bogus:on", IPC, EINVAL },
		{ "trace/:on", IPC, EINVAL },
		{ "trace:on", IPC, EINVAL },
		{ "trace/deny_dotdot:ON", IPC, EINVAL },
		{ "trace/deny_dotdot:", IPC, EINVAL },
		{ "trace/deny_dotdot", IPC, EINVAL },
		{ "trace/deny_dotdot+1", IPC, EINVAL },
		{ "trace/deny_dotdot?x", IPC, EINVAL },
		{ "trace/Deny_dotdot:on", IPC, EINVAL },
		/* Startup-only options over IPC, even to their value. */
		{ "trace/allow_unsafe_caps:on", IPC, EBUSY },
		{ "trace/exit_wait_all:off", IPC, EBUSY },
		{ "trace/allow_safe_setuid:on", IPC, EBUSY },
		{ "trace/deny_tsc:1", IPC, EBUSY },
		{ "trace/deny_tsc:2", IPC, EINVAL },
		/* Queries at any time. */
		{ "trace/deny_dotdot?", IPC, ENOENT },
		{ "trace/allow_unsafe_caps?", IPC, ENOENT },
		{ "trace/exit_wait_all?", PROF, ENOENT },
		{ "trace/bogus?", IPC, EINVAL },
	};
	struct policy *p;

	RUN_BAD(t);
	p = tw_new();
	tw_ok(p, "trace/deny_dotdot:on", IPC);
	tw_ok(p, "trace/deny_tsc:on", PROF);
	tw_refused(p, "trace/deny_dotdot?", IPC, 0);
	tw_refused(p, "trace/deny_tsc?", IPC, 0);
	policy_free(p);
}

Test(worker_cmd, identity_good)
{
	static const struct good t[] = {
		{ "setuid+1000:65534", PROF,
		  "\"setuid\":[[1000,65534]],\"setgid\":[],", NULL },
		{ "setgid+100:65534", PROF,
		  "\"setuid\":[],\"setgid\":[[100,65534]],", NULL },
		{ "setuid+0:1", PROF, "\"setuid\":[[0,1]],", NULL },
		{ "setuid+4294967294:4294967294", PROF,
		  "\"setuid\":[[4294967294,4294967294]],", NULL },
		{ "name/host:box", PROF,
		  "\"name\":{\"host\":\"box\",\"domain\":null},", NULL },
		{ "name/domain:example.org", PROF,
		  "\"name\":{\"host\":null,\"domain\":\"example.org\"},",
		  NULL },
		{ "name/host:a-b.C9", PROF, "\"host\":\"a-b.C9\",", NULL },
		{ "name/host:0123456789012345678901234567890123456789"
		  "012345678901234567890123", PROF,
		  "\"host\":\"0123456789012345678901234567890123456789"
		  "012345678901234567890123\",", NULL },
		{ "root:/srv/root", PROF, "\"root\":\"/srv/root\",", NULL },
		{ "root:/", PROF, "\"root\":\"/\",", NULL },
		{ "ipc:@privconf", PROF,
		  "\"ipc\":{\"addr\":\"@privconf\",\"uid\":null,\"gid\":null}}",
		  NULL },
		{ "ipc:/run/privconf.sock", PROF,
		  "\"addr\":\"/run/privconf.sock\",", NULL },
		{ "ipc/uid:1000", PROF,
		  "\"ipc\":{\"addr\":null,\"uid\":1000,\"gid\":null}}", NULL },
		{ "ipc/uid:any", PROF, "\"uid\":null,", NULL },
		{ "ipc/gid:0", PROF, "\"gid\":0}}", NULL },
		{ "ipc/gid:4294967294", PROF, "\"gid\":4294967294}}", NULL },
	};

	RUN_GOOD(t);
}

Test(worker_cmd, identity_bad)
{
	static const struct bad t[] = {
		{ "setuid+1000:0", PROF, EINVAL },
		{ "setgid+1000:0", PROF, EINVAL },
		{ "setuid+1000", PROF, EINVAL },
		{ "setuid+:1", PROF, EINVAL },
		{ "setuid+1:", PROF, EINVAL },
		{ "setuid+a:b", PROF, EINVAL },
		{ "setuid+-1:2", PROF, EINVAL },
		{ "setuid+1:2:3", PROF, EINVAL },
		{ "setuid+4294967295:1", PROF, EINVAL },
		{ "setuid+1:4294967296", PROF, EINVAL },
		{ "setuid^1:2", PROF, EINVAL },
		{ "setuid^", PROF, EINVAL },
		{ "setuid:1:2", PROF, EINVAL },
		{ "setuid?", PROF, EINVAL },
		{ "setuid+1000:65534", IPC, EBUSY },
		{ "setuid-1000:65534", IPC, EBUSY },
		{ "setuid^1000", IPC, EBUSY },
		{ "setgid+1000:65534", IPC, EBUSY },
		{ "setuid+1000:0", IPC, EINVAL },
		{ "name/host:", PROF, EINVAL },
		{ "name/host:a_b", PROF, EINVAL },
		{ "name/host:a b", PROF, EINVAL },
		{ "name/host:caf\xc3\xa9", PROF, EINVAL },
		{ "name/host:0123456789012345678901234567890123456789"
		  "0123456789012345678901234", PROF, EINVAL },
		{ "name/host:0123456789012345678901234567890123456789"
		  "0123456789012345678901234", IPC, EINVAL },
		{ "name/host:box", IPC, EBUSY },
		{ "name/domain:box", IPC, EBUSY },
		{ "name/host?", PROF, EINVAL },
		{ "name/bogus:x", PROF, EINVAL },
		{ "name:x", PROF, EINVAL },
		{ "root:srv", PROF, EINVAL },
		{ "root:", PROF, EINVAL },
		{ "root:/x", IPC, EBUSY },
		{ "ipc:", PROF, EINVAL },
		{ "ipc:@", PROF, EINVAL },
		{ "ipc:@x", IPC, EBUSY },
		{ "ipc/uid:1", IPC, EBUSY },
		{ "ipc/uid:any", IPC, EBUSY },
		{ "ipc/gid:1", IPC, EBUSY },
		{ "ipc/uid:-1", PROF, EINVAL },
		{ "ipc/uid:", PROF, EINVAL },
		{ "ipc/uid:4294967295", PROF, EINVAL },
		{ "ipc/uid:Any", PROF, EINVAL },
		{ "ipc/gid:any", PROF, EINVAL },
		{ "ipc/gid:none", PROF, EINVAL },
		{ "ipc/bogus:1", PROF, EINVAL },
	};

	RUN_BAD(t);
}

/* NAME_MAX_LEN bytes are a name; one more is EINVAL, from either origin. */
Test(worker_cmd, hostname_at_limit_and_one_past)
{
	char	 line[32 + NAME_MAX_LEN + 2], frag[32 + NAME_MAX_LEN + 2];
	struct policy *p = tw_new();
	size_t	 pl = strlen("name/host:");

	memcpy(line, "name/host:", pl);
	memset(line + pl, 'h', NAME_MAX_LEN + 1);
	line[pl + NAME_MAX_LEN] = '\0';
	tw_refused(p, line, IPC, EBUSY);
	tw_ok(p, line, PROF);
	snprintf(frag, sizeof(frag), "\"host\":\"%s\",", line + pl);
	tw_has(p, frag);
	line[pl + NAME_MAX_LEN] = 'h';
	line[pl + NAME_MAX_LEN + 1] = '\0';
	tw_refused(p, line, PROF, EINVAL);
	tw_refused(p, line, IPC, EINVAL);
	policy_free(p);
}

/* sun_path is 108 bytes: 107 for a path and its NUL, '@' and 107. */
Test(worker_cmd, ipc_address_at_limit_and_one_past)
{
	char	 line[8 + 110];
	struct policy *p = tw_new();

	memcpy(line, "ipc:/", 5);
	memset(line + 5, 'x', 110);
	line[4 + 107] = '\0';
	tw_ok(p, line, PROF);
	line[4 + 107] = 'x';
	line[4 + 108] = '\0';
	tw_refused(p, line, PROF, EINVAL);
	line[4] = '@';
	tw_ok(p, line, PROF);
	line[4 + 108] = 'x';
	line[4 + 109] = '\0';
	tw_refused(p, line, PROF, EINVAL);
	policy_free(p);
}

Test(worker_cmd, root_at_limit_and_one_past)
{
	char	*line = malloc(8 + PATTERN_MAX + 2);
	struct policy *p = tw_new();

	cr_assert_not_null(line);
	memcpy(line, "root:/", 6);
	memset(line + 6, 'r', PATTERN_MAX);
	line[5 + PATTERN_MAX] = '\0';
	tw_ok(p, line, PROF);
	line[5 + PATTERN_MAX] = 'r';
	line[6 + PATTERN_MAX] = '\0';
	tw_refused(p, line, PROF, EINVAL);
	free(line);
	policy_free(p);
}

Test(worker_cmd, identity_lists_remove)
{
	struct policy *p = tw_new();

	tw_ok(p, "setuid+1000:65534", PROF);
	tw_ok(p, "setuid+1000:1001", PROF);
	tw_ok(p, "setuid+2000:65534", PROF);
	tw_ok(p, "setuid+1000:65534", PROF);
	tw_has(p, "\"setuid\":[[1000,65534],[1000,1001],[2000,65534],"
	    "[1000,65534]],");
	tw_ok(p, "setuid-1000:65534", PROF);
	tw_has(p, "\"setuid\":[[1000,65534],[1000,1001],[2000,65534]],");
	tw_ok(p, "setuid^1000", PROF);
	tw_has(p, "\"setuid\":[[2000,65534]],");
	tw_refused(p, "setuid^1000", PROF, 0);
	tw_refused(p, "setuid-2000:1", PROF, 0);
	tw_refused(p, "setuid^2000", IPC, EBUSY);
	tw_ok(p, "setgid+5:6", PROF);
	tw_ok(p, "setgid^5", PROF);
	tw_has(p, "\"setuid\":[[2000,65534]],\"setgid\":[],");
	policy_free(p);
}

Test(worker_cmd, rules_remove_last_and_every)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/read+/a", IPC);
	tw_ok(p, "deny/read+/a", IPC);
	tw_ok(p, "allow/read+/b", IPC);
	tw_ok(p, "allow/read+/a", IPC);
	tw_ok(p, "allow/write+/a", IPC);
	/* '-' takes the last-added equal rule only. */
	tw_ok(p, "allow/read-/a", IPC);
	tw_rules(p, "[" R("allow", "read", "/a") "," R("deny", "read", "/a")
	    "," R("allow", "read", "/b") "," R("allow", "write", "/a") "]");
	tw_ok(p, "allow/read+/a", IPC);
	/* '^' takes every equal rule, and only equal ones. */
	tw_ok(p, "allow/read^/a", IPC);
	tw_rules(p, "[" R("deny", "read", "/a") "," R("allow", "read", "/b")
	    "," R("allow", "write", "/a") "]");
	/* No such rule: ACK, nothing changes. */
	tw_refused(p, "allow/read-/a", IPC, 0);
	tw_refused(p, "allow/read^/a", IPC, 0);
	tw_refused(p, "allow/read-/a/", IPC, 0);
	tw_refused(p, "warn/read-/b", IPC, 0);
	/* Removal is validated like addition. */
	tw_refused(p, "allow/read-a", IPC, EINVAL);
	tw_refused(p, "allow/mem^/a", IPC, EINVAL);
	tw_ok(p, "allow/read,write^/a", IPC);
	tw_rules(p, "[" R("deny", "read", "/a") "," R("allow", "read", "/b")
	    "]");
	policy_free(p);
}

/* Equality is on the canonical form: any spelling removes the rule. */
Test(worker_cmd, network_rules_remove_by_canonical_form)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/net/connect+127.0.0.1!80", IPC);
	tw_ok(p, "allow/net/connect+10.9.9.9/8!1-2", IPC);
	tw_ok(p, "allow/net/connect+127.0.0.1/32!80-80", IPC);
	tw_ok(p, "allow/net/connect+127.0.0.1!80-80", IPC);
	tw_refused(p, "allow/net/bind-127.0.0.1!80", IPC, 0);
	tw_ok(p, "allow/net/connect^127.0.0.1/32!80", IPC);
	tw_rules(p, RULES1("allow", "net/connect", "10.0.0.0/8!1-2"));
	tw_ok(p, "allow/net/connect-10.0.0.0/8!1-2", IPC);
	tw_rules(p, "[]");
	/* An alias removes its whole expansion, categories outer. */
	tw_ok(p, "allow/net/bind,net/connect+local!1", IPC);
	tw_ok(p, "allow/net/connect+192.168.1.1!1", IPC);
	tw_ok(p, "allow/net/bind,net/connect-local4!1", IPC);
	tw_rules(p, "["
	    R("allow", "net/bind", "::1/128!1-1") ","
	    R("allow", "net/bind", "fe80::/10!1-1") ","
	    R("allow", "net/bind", "fc00::/7!1-1") ","
	    R("allow", "net/connect", "::1/128!1-1") ","
	    R("allow", "net/connect", "fe80::/10!1-1") ","
	    R("allow", "net/connect", "fc00::/7!1-1") ","
	    R("allow", "net/connect", "192.168.1.1/32!1-1") "]");
	tw_ok(p, "allow/net/bind,net/connect^local6!1", IPC);
	tw_rules(p, RULES1("allow", "net/connect", "192.168.1.1/32!1-1"));
	policy_free(p);
}

/* A line is applied whole or not at all, whatever fails. */
Test(worker_cmd, refused_lines_change_nothing_on_a_full_policy)
{
	static const struct bad t[] = {
		{ "allow/read,mem+/x", IPC, EINVAL },
		{ "allow/net/bind,net/sendfd+loopback!1", IPC, EINVAL },
		{ "default/read,bogus:kill", IPC, EINVAL },
		{ "sandbox/read,bogus:off", IPC, EINVAL },
		{ "sandbox/read,lock:off", IPC, EBUSY },
		{ "mem/max:1X", IPC, EINVAL },
		{ "ioctl/allow+1,2", IPC, EINVAL },
		{ "setuid+1:0", PROF, EINVAL },
		{ "allow/read,write+/[x", IPC, EINVAL },
		{ "trace/deny_tsc:on", IPC, EBUSY },
	};
	struct policy *p = tw_new();
	size_t	 i;

	tw_ok(p, "allow/read+/usr/***", IPC);
	tw_ok(p, "deny/net/connect+any!0-65535", IPC);
	tw_ok(p, "ioctl/deny+TIOCSTI", IPC);
	tw_ok(p, "mem/max:1G", IPC);
	tw_ok(p, "sandbox/read:off", IPC);
	tw_ok(p, "default/write:kill", IPC);
	tw_ok(p, "setuid+1000:1001", PROF);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		tw_refused(p, t[i].line, t[i].o, t[i].err);
	policy_free(p);
}

Test(worker_cmd, stat_and_stats_write_output_not_ack)
{
	struct policy	*p = tw_new();
	struct buf	 out = BUF_INIT;
	struct cmd_result res;

	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stat", 4, IPC, &out, &res),
	    0);
	cr_assert(res.output && !res.changed && !res.locked);
	cr_assert_eq(out.data[0], '{');
	cr_assert_eq(out.data[out.len - 1], '}', "no trailing newline");
	buf_reset(&out);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stats", 5, IPC, &out,
	    &res), 0);
	cr_assert(res.output && !res.changed && !res.locked);
	cr_assert_eq(out.data[out.len - 1], '\n');
	buf_reset(&out);
	/* Anything else leaves out alone. */
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"sandbox/read:off", 16, IPC,
	    &out, &res), 0);
	cr_assert(!res.output && res.changed);
	cr_assert_eq(out.len, 0);
	buf_free(&out);
	policy_free(p);
}
