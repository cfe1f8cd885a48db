/*
 * stat's JSON strings and stats' text (docs/commands.md 4, docs/protocol.md
 * section 5).  The whole frozen schema is pinned by the golden files
 * (test_worker_golden.c); here are the escaping rules, the text form and
 * the size limit of a reply.
 */
#include "common/access.h"
#include "common/limits.h"
#include "worker/policy-t.h"
#include "tests/unit/test_worker_util.h"

static char *
stats(struct policy *p)
{
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	char		*s;

	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stats", 5, IPC, &out,
	    &res), 0);
	cr_assert(res.output);
	s = calloc(1, out.len + 1);
	cr_assert_not_null(s);
	memcpy(s, out.data, out.len);
	buf_free(&out);
	return s;
}

/* Every control byte: the short form where JSON has one, else \u00XX. */
Test(worker_stat, json_escapes_every_control_byte)
{
	static const char *const want[32] = {
		NULL, "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
		"\\u0006", "\\u0007", "\\b", "\\t", "\\n", "\\u000b", "\\f",
		"\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012",
		"\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
		"\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c",
		"\\u001d", "\\u001e", "\\u001f",
	};
	char	 line[64], frag[64];
	struct policy *p;
	int	 c;

	for (c = 1; c < 32; c++) {
		p = tw_new();
		snprintf(line, sizeof(line), "allow/read+/a%cb", c);
		if (c == '\n') {
			/* No command stores one (worker/cmd.c); privconfd can. */
			tw_refused(p, line, IPC, EINVAL);
			cr_assert_eq(policy_set_ipc(p, "/a\nb", -1, -1), 0);
			tw_has(p, "\"addr\":\"/a\\nb\"");
			policy_free(p);
			continue;
		}
		tw_ok(p, line, IPC);
		snprintf(frag, sizeof(frag), "\"pat\":\"/a%sb\"}]", want[c]);
		tw_has(p, frag);
		policy_free(p);
	}
}

Test(worker_stat, json_escapes_quote_and_backslash_only)
{
	struct policy *p = tw_new();

	tw_ok(p, "allow/read+/q\"b\\\\s/\x7f/\xe2\x82\xac/'", IPC);
	tw_has(p, "\"pat\":\"/q\\\"b\\\\\\\\s/\x7f/\xe2\x82\xac/'\"}]");
	policy_free(p);
}

Test(worker_stat, ipc_address_from_the_daemon_is_escaped)
{
	struct policy *p = tw_new();

	cr_assert_eq(policy_set_ipc(p, "/run/a\"b\\c", 5, 6), 0);
	tw_has(p, "\"ipc\":{\"addr\":\"/run/a\\\"b\\\\c\",\"uid\":5,"
	    "\"gid\":6}}");
	cr_assert_eq(policy_set_ipc(p, "", -1, -1), 0);
	tw_has(p, "\"ipc\":{\"addr\":null,\"uid\":null,\"gid\":null}}");
	cr_assert_eq(policy_set_ipc(p, NULL, 0, 4294967294LL), 0);
	tw_has(p, "\"ipc\":{\"addr\":null,\"uid\":0,\"gid\":4294967294}}");
	policy_free(p);
}

/*
 * privconfd merged its command line with the profile before it bound the
 * socket: a profile's ipc* lines are still checked, but stat keeps showing
 * what was bound.
 */
Test(worker_stat, profile_ipc_lines_do_not_override_the_bound_socket)
{
	struct policy *p = tw_new();

	cr_assert_eq(policy_set_ipc(p, "/run/x.sock", 1000, -1), 0);
	tw_same_n(p, "ipc:@other", 10, PROF, 0);
	tw_same_n(p, "ipc/uid:any", 11, PROF, 0);
	tw_same_n(p, "ipc/gid:7", 9, PROF, 0);
	tw_refused(p, "ipc/gid:x", PROF, EINVAL);
	tw_refused(p, "ipc:@other", IPC, EBUSY);
	tw_has(p, "\"ipc\":{\"addr\":\"/run/x.sock\",\"uid\":1000,"
	    "\"gid\":null}}");
	policy_free(p);
}

Test(worker_stat, stats_shows_each_process_confinement)
{
	struct policy *p = tw_new();
	char	*s;

	policy_set_confine(p, POLICY_PROC_WORKER, 65534, 65533, 7, 1);
	policy_set_confine(p, POLICY_PROC_LISTENER, 1000, 1000, 0, 2);
	s = stats(p);
	cr_assert_not_null(strstr(s, "\nconfine/worker: uid=65534 gid=65533 "
	    "landlock=7 seccomp=kill\nconfine/listener: uid=1000 gid=1000 "
	    "landlock=0 seccomp=trap\n"), "%s", s);
	free(s);
	/* Not policy: reset keeps it, and stat's frozen schema has none. */
	tw_ok(p, "reset", IPC);
	s = stats(p);
	cr_assert_not_null(strstr(s, "confine/worker: uid=65534"));
	free(s);
	s = tw_stat(p);
	cr_assert_null(strstr(s, "confine"));
	free(s);
	policy_free(p);
}

Test(worker_stat, set_ipc_refuses_bad_values_and_keeps_the_old)
{
	struct policy *p = tw_new();
	char	 longname[POLICY_IPC_ADDR_MAX + 2];

	cr_assert_eq(policy_set_ipc(p, "@privconf", 1000, -1), 0);
	errno = 0;
	cr_assert_eq(policy_set_ipc(p, "@x", 4294967295LL, -1), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(policy_set_ipc(p, "@x", -2, -1), -1);
	cr_assert_eq(policy_set_ipc(p, "@x", 1, -2), -1);
	cr_assert_eq(policy_set_ipc(p, "@", 1, 1), -1);
	cr_assert_eq(policy_set_ipc(p, "\xff", 1, 1), -1);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[POLICY_IPC_ADDR_MAX] = '\0';	/* 108 bytes: no room for NUL */
	cr_assert_eq(policy_set_ipc(p, longname, 1, 1), -1);
	longname[0] = '@';			/* an abstract name may */
	cr_assert_eq(policy_set_ipc(p, longname, 1000, -1), 0);
	longname[0] = '/';
	longname[POLICY_IPC_ADDR_MAX - 1] = '\0';	/* 107 bytes and NUL */
	cr_assert_eq(policy_set_ipc(p, longname, 1000, -1), 0);
	cr_assert_eq(policy_set_ipc(p, "@privconf", 1000, -1), 0);
	tw_has(p, "\"ipc\":{\"addr\":\"@privconf\",\"uid\":1000,"
	    "\"gid\":null}}");
	policy_free(p);
}

Test(worker_stat, stats_text_one_line_per_setting)
{
	struct policy *p = tw_new();
	char	*s, *q;
	size_t	 lines = 0, want;

	cr_assert_eq(policy_set_ipc(p, "@privconf", 1000, -1), 0);
	tw_ok(p, "allow/read+/usr/***", IPC);
	tw_ok(p, "allow/net/connect+loopback!80", IPC);
	tw_ok(p, "deny/write+/a\x01z", IPC);
	tw_ok(p, "ioctl/allow+TIOCGWINSZ", IPC);
	tw_ok(p, "mem/max:1G", IPC);
	tw_ok(p, "trace/force_umask:022", IPC);
	tw_ok(p, "setuid+1000:65534", PROF);
	tw_ok(p, "sandbox/read:off", IPC);
	s = stats(p);
	cr_assert(strncmp(s, "api: 3.1\nlock: ipc\nsandbox/walk: on\n", 36) ==
	    0, "%s", s);
	cr_assert_not_null(strstr(s, "\nsandbox/read: off\n"));
	cr_assert_not_null(strstr(s,
	    "\nsandbox/pty: off\ndefault/walk: deny\n"));
	/* Numbered in the order a decision reads them: newest first. */
	cr_assert_not_null(strstr(s, "\nrules: 4, the first that matches "
	    "decides\n"
	    "rule 1: deny/write+/a\\x01z\n"
	    "rule 2: allow/net/connect+::1/128!80-80\n"
	    "rule 3: allow/net/connect+127.0.0.0/8!80-80\n"
	    "rule 4: allow/read+/usr/***\n"
	    "ioctl/allow: 21523 (0x5413)\n"
	    "ioctl/deny: none\n"
	    "mem/max: 1073741824\n"
	    "mem/vm_max: 0 (no limit)\n"
	    "pid/max: 0 (no limit)\n"
	    "trace/allow_safe_bind: off\n"), "%s", s);
	cr_assert_not_null(strstr(s, "\ntrace/exit_wait_all: off\n"
	    "trace/force_umask: 0022\n"
	    "setuid: 1000:65534\n"
	    "setgid: none\n"
	    "name/host: unset\n"
	    "name/domain: unset\n"
	    "root: unset\n"
	    "ipc: @privconf\n"
	    "ipc/uid: 1000\n"
	    "ipc/gid: none\n"
	    "access/admin: unknown\n"
	    "access/read: unknown\n"
	    "confine/worker: unknown\n"
	    "confine/listener: unknown\n"), "%s", s);
	for (q = s; *q != '\0'; q++)
		if (*q == '\n')
			lines++;
	/* api, lock, 2 x categories, rules + 4, 2 ioctl, 3 limits, trace
	 * options and force_umask, setuid, setgid, 2 names, root, 3 ipc,
	 * 2 access levels, 2 confine. */
	want = 2 + 2 * POLICY_CAT_COUNT + 1 + 4 + 2 + 3 +
	    POLICY_TRACE_COUNT + 1 + 2 + 2 + 1 + 3 + 2 + 2;
	cr_assert_eq(lines, want, "%zu lines, want %zu", lines, want);
	cr_assert_eq(s[strlen(s) - 1], '\n');
	free(s);
	policy_free(p);
}

/*
 * A reply larger than the listener takes is E2BIG with nothing written:
 * rules of control bytes, which grow sixfold in JSON and fourfold in text.
 */
Test(worker_stat, too_big_a_reply_is_e2big, .timeout = 120)
{
	struct policy	*p = tw_new();
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	size_t		 pre = strlen("deny/read+/"), i, n;
	char		*line = malloc(pre + PATTERN_MAX + 1);

	cr_assert_not_null(line);
	memcpy(line, "deny/read+/", pre);
	n = POLICY_PATTERN_BYTES_MAX / PATTERN_MAX;
	for (i = 0; i < n; i++) {
		memset(line + pre, '\x01', PATTERN_MAX - 1);
		snprintf(line + pre, 16, "%zu", i);
		line[strlen(line)] = '\x01';
		line[pre + PATTERN_MAX - 1] = '\0';
		cr_assert_eq(tw_run(p, line, IPC), 0);
	}
	cr_assert_gt(n * (PATTERN_MAX - 1) * 4, WIRE_REPLY_TOTAL_MAX);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stat", 4, IPC, &out, &res),
	    E2BIG);
	cr_assert(!res.output);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stats", 5, IPC, &out,
	    &res), E2BIG);
	cr_assert(!res.output);
	cr_assert_eq(out.len, 0);
	/* A smaller policy answers again. */
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"reset", 5, IPC, &out, &res),
	    0);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stat", 4, IPC, &out, &res),
	    0);
	cr_assert(res.output && out.len > 0);
	buf_free(&out);
	free(line);
	policy_free(p);
}

/* docs/protocol.md 9: stats names each level's uids, gids and members. */
Test(worker_stat, stats_shows_the_access_levels)
{
	static uint32_t	 admins[] = { 1000, 1001 }, staff[] = { 50 },
			 members[] = { 1002, 1003 };
	struct access	 acc = {
		.admin = { .on = true, .uids = { admins, 2 } },
		.read = { .on = true, .any_uid = true, .check_gid = true,
		    .gids = { staff, 1 }, .members = { members, 2 } },
	};
	struct policy	*p = tw_new();
	char		*s;

	policy_set_access(p, &acc);
	s = stats(p);
	cr_assert_not_null(strstr(s, "\naccess/admin: uid=1000,1001 "
	    "gid=none\naccess/read: uid=any gid=50 members=1002,1003\n"),
	    "%s", s);
	free(s);
	acc.read.on = false;
	s = stats(p);
	cr_assert_not_null(strstr(s, "\naccess/read: none\n"), "%s", s);
	free(s);
	policy_free(p);
}
