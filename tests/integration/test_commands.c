/*
 * Worker replies through the whole stack: stat and stats (docs/protocol.md 5,
 * docs/commands.md 4) and the examples of docs/commands.md 6, each on new
 * connections from the initial state.
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
setup(void)
{
	h_start(&d, NULL);
}

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(commands, .init = setup, .fini = teardown, .timeout = 120);

Test(commands, stat_is_json_without_newline)
{
	char	*s;

	s = h_stat(d.addr);
	cr_assert(strchr(s, '\n') == NULL, "stat has a newline: %s", s);
	free(s);
}

Test(commands, stat_with_blanks_is_an_ordinary_command)
{
	h_expect(d.addr, " stat\n", H_EINVAL);
	h_expect(d.addr, "stat \n", H_EINVAL);
	h_expect(d.addr, "stat\t\n", H_EINVAL);
	h_expect(d.addr, "stat\r\n", H_EINVAL);
	h_expect(d.addr, "stat x\n", H_EINVAL);
}

/* docs/commands.md 2 and 4: the initial policy, byte for byte. */
Test(commands, stat_of_initial_state_is_exact)
{
	static const char *const path[] = { "walk", "stat", "read", "write",
	    "exec", "ioctl", "create", "delete", "rename", "symlink",
	    "truncate", "chdir", "readdir", "mkdir", "rmdir", "chown", "chgrp",
	    "chmod", "chattr", "chroot", "utime", "mkbdev", "mkcdev", "mkfifo",
	    "mktemp", "notify", "net/bind", "net/connect", "net/sendfd",
	    "net/link", NULL };
	static const char *const special[] = { "fs", "force", "tpe", "mem",
	    "pid", "lock", "crypt", "proxy", "pty", NULL };
	static const char *const trace[] = { "allow_safe_bind",
	    "allow_safe_kcapi", "allow_unsupp_socket", "allow_unsafe_socket",
	    "deny_dotdot", "force_cloexec", "allow_safe_setuid",
	    "allow_safe_setgid", "allow_unsafe_exec_speculative",
	    "allow_unsafe_ptrace", "allow_unsafe_prctl",
	    "allow_unsafe_prlimit", "allow_unsafe_time", "allow_unsafe_uring",
	    "allow_unsafe_memory", "allow_unsafe_caps", "allow_unsafe_env",
	    "deny_tsc", "exit_wait_all", NULL };
	static const char *const locks[] = { "off", "exec", "ipc", "drop",
	    "read", NULL };
	char		 want[8192], lock[16] = "";
	const char	*p;
	size_t		 off = 0;
	int		 i, ok = 0;
	struct h_bytes	 b;

#define ADD(...)							\
	off += (size_t)snprintf(want + off, sizeof(want) - off, __VA_ARGS__)
	h_request(d.addr, "stat\n", 5, &b);
	/* The spec does not fix the initial lock state: take it, check it. */
	p = b.p + strlen(H_STAT_HEAD);
	cr_assert(b.len > strlen(H_STAT_HEAD) && *p == '"');
	for (i = 0; p[1 + i] != '"' && i < 15; i++)
		lock[i] = p[1 + i];
	for (i = 0; locks[i] != NULL; i++)
		ok |= strcmp(lock, locks[i]) == 0;
	cr_assert(ok, "initial lock state \"%s\"", lock);

	ADD("%s\"%s\",\"sandbox\":{", H_STAT_HEAD, lock);
	for (i = 0; path[i] != NULL; i++)
		ADD("\"%s\":true,", path[i]);
	for (i = 0; special[i] != NULL; i++)
		ADD("\"%s\":false%s", special[i], special[i + 1] ? "," : "");
	ADD("},\"default\":{");
	for (i = 0; path[i] != NULL; i++)
		ADD("\"%s\":\"deny\",", path[i]);
	for (i = 0; special[i] != NULL; i++)
		ADD("\"%s\":\"deny\"%s", special[i], special[i + 1] ? "," : "");
	ADD("},\"rules\":[],\"ioctl\":{\"allow\":[],\"deny\":[]},"
	    "\"mem_max\":0,\"mem_vm_max\":0,\"pid_max\":0,\"trace\":{");
	for (i = 0; trace[i] != NULL; i++)
		ADD("\"%s\":false,", trace[i]);
	ADD("\"force_umask\":null},\"setuid\":[],\"setgid\":[],"
	    "\"name\":{\"host\":null,\"domain\":null},\"root\":null,"
	    "\"ipc\":{\"addr\":\"%s\",\"uid\":%u,\"gid\":null}}", d.addr,
	    (unsigned)getuid());
#undef ADD
	cr_assert(off < sizeof(want));
	h_assert_str(&b, want);
	h_bytes_free(&b);
}

Test(commands, stats_is_text_ending_in_newline)
{
	struct h_bytes	b;

	h_request(d.addr, "stats\n", 6, &b);
	cr_assert(b.len > 1, "stats answered \"%s\"", b.p);
	cr_assert_eq(b.p[b.len - 1], '\n');
	cr_assert(strncmp(b.p, "{\"err\"", 6) != 0, "stats answered an "
	    "error: %s", b.p);
	h_bytes_free(&b);
	h_expect(d.addr, " stats\n", H_EINVAL);
	h_expect(d.addr, "stats \n", H_EINVAL);
}

Test(commands, stats_in_prompt_mode_is_followed_by_prompt)
{
	struct h_bytes	b;

	h_request(d.addr, "prompt p\nstats\nquit\n", 20, &b);
	cr_assert(b.len > 6);
	cr_assert(memcmp(b.p, H_PROMPT, 2) == 0);
	cr_assert(memcmp(b.p + b.len - 3, "\n" H_PROMPT, 3) == 0,
	    "stats then prompt: \"%s\"", h_escape(b.p, b.len, 400));
	h_bytes_free(&b);
}

/* docs/commands.md section 6, one connection per line. */

Test(commands, sandbox_read_off_then_query_is_enoent)
{
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/write?\n", H_ACK);
}

Test(commands, sandbox_mem_query_is_enoent)
{
	h_expect(d.addr, "sandbox/mem?\n", H_ENOENT);
}

Test(commands, sandbox_bogus_is_einval)
{
	h_expect(d.addr, "sandbox/bogus:on\n", H_EINVAL);
	h_expect(d.addr, "sandbox/read:maybe\n", H_EINVAL);
	h_expect(d.addr, "sandbox/read:on \n", H_EINVAL);
}

Test(commands, sandbox_comma_list_and_aliases)
{
	h_expect(d.addr, "sandbox/read,write:off\n", H_ACK);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/write?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/exec?\n", H_ACK);
	h_expect(d.addr, "sandbox/net:off\n", H_ACK);
	h_expect(d.addr, "sandbox/net/connect?\n", H_ENOENT);
	h_expect(d.addr, "sandbox/read,bogus:on\n", H_EINVAL);
	/* All or nothing: read stays off. */
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
}

Test(commands, default_write_exec_kill)
{
	char	*s;

	h_expect(d.addr, "default/write,exec:kill\n", H_ACK);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"default\":{\"walk\":\"deny\",\"stat\":\"deny\","
	    "\"read\":\"deny\",\"write\":\"kill\",\"exec\":\"kill\",") != NULL,
	    "stat: %s", s);
	free(s);
}

Test(commands, rules_are_checked_and_stored)
{
	char	*s;

	h_expect(d.addr, "allow/read+/usr/***\n", H_ACK);
	h_expect(d.addr, "allow/read+usr/***\n", H_EINVAL);
	h_expect(d.addr, "allow/net/connect+loopback!80\n", H_ACK);
	h_expect(d.addr, "allow/net/connect+10.1.2.3/8!1024-65535\n", H_ACK);
	h_expect(d.addr, "allow/net/connect+127.0.0.1\n", H_EINVAL);
	h_expect(d.addr, "allow/net/connect+127.0.0.1!70000\n", H_EINVAL);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"rules\":["
	    "{\"act\":\"allow\",\"cap\":\"read\",\"pat\":\"/usr/***\"},"
	    "{\"act\":\"allow\",\"cap\":\"net/connect\","
	    "\"pat\":\"127.0.0.0/8!80-80\"},"
	    "{\"act\":\"allow\",\"cap\":\"net/connect\","
	    "\"pat\":\"::1/128!80-80\"},"
	    "{\"act\":\"allow\",\"cap\":\"net/connect\","
	    "\"pat\":\"10.0.0.0/8!1024-65535\"}],") != NULL, "stat: %s", s);
	free(s);
}

Test(commands, mem_max_and_pid_max)
{
	char	*s;

	h_expect(d.addr, "mem/max:1G\n", H_ACK);
	h_expect(d.addr, "pid/max:-1\n", H_EINVAL);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"mem_max\":1073741824,") != NULL, "stat: %s", s);
	free(s);
}

Test(commands, startup_only_is_ebusy_over_ipc)
{
	h_expect(d.addr, "name/host:box\n", H_EBUSY);
	h_expect(d.addr, "sandbox/lock:on\n", H_EBUSY);
}

Test(commands, lock_drop_allows_only_stricter_changes)
{
	char	*s;

	h_expect(d.addr, "lock:drop\n", H_ACK);
	h_expect(d.addr, "allow/read+/tmp/***\n", H_EPERM);
	h_expect(d.addr, "deny/read+/tmp/***\n", H_ACK);
	/* Not milder than a rule the category holds (docs/commands.md 3.8). */
	h_expect(d.addr, "kill/read+/tmp/x\n", H_ACK);
	h_expect(d.addr, "deny/read+/tmp/y\n", H_EPERM);
	h_expect(d.addr, "sandbox/read:off\n", H_EPERM);
	h_expect(d.addr, "lock:off\n", H_EPERM);
	h_expect(d.addr, "ping\n", H_PONG);
	s = h_stat(d.addr);
	cr_assert(strncmp(s, H_STAT_HEAD "\"drop\",", strlen(H_STAT_HEAD) + 7)
	    == 0, "stat: %s", s);
	free(s);
}

/* docs/commands.md 3.10: the decision, and the line that explains it. */
Test(commands, check_answers_the_decision_and_its_rule)
{
	h_expect(d.addr, "deny/read+/etc/***\n", H_ACK);
	h_expect(d.addr, "allow/net/connect+127.0.0.1!80\n", H_ACK);
	h_expect(d.addr, "check/read:/etc/passwd\n",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/etc/***\"}\n");
	h_expect(d.addr, "check/write:/etc/passwd\n",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"default/write:deny\"}\n");
	h_expect(d.addr, "check/net/connect:127.0.0.1!80\n",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/net/connect+127.0.0.1/32!80-80\"}\n");
	h_expect(d.addr, "check/read,write:/etc/passwd\n", H_EINVAL);
	h_expect(d.addr, "check/read:etc\n", H_EINVAL);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_expect(d.addr, "lock:read\n", H_ACK);
	h_expect(d.addr, "check/read:/etc/passwd\n",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"sandbox/read:off\"}\n");
}

Test(commands, lock_read_allows_queries_only)
{
	h_expect(d.addr, "lock:read\n", H_ACK);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
	h_expect(d.addr, "deny/read+/tmp/***\n", H_EPERM);
	h_expect(d.addr, "lock:drop\n", H_EPERM);
	h_expect(d.addr, "reset\n", H_EPERM);
}

Test(commands, reset_restores_initial_state)
{
	char	*before, *after;

	before = h_stat(d.addr);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_expect(d.addr, "allow/read+/usr/***\n", H_ACK);
	h_expect(d.addr, "reset\n", H_ACK);
	after = h_stat(d.addr);
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
}

Test(commands, changes_are_seen_by_every_connection)
{
	int	a;

	a = h_connect(d.addr);
	h_sends(a, "prompt i\nsandbox/read?\n");
	h_expect_read(a, H_ACK);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_sends(a, "sandbox/read?\nquit\n");
	h_expect_closed(a, H_ENOENT);
}

/* docs/design.md 5: the worker logs each command with who sent it. */
Test(commands, worker_logs_each_command_with_its_sender)
{
	char	*line;

	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	line = h_printf("privconf[worker]: op=cmd uid=%u gid=%u pid=%d "
	    "cmd=\"sandbox/read:off\" err=0", (unsigned)getuid(),
	    (unsigned)getgid(), (int)getpid());
	h_wait_log_line(&d, line);
	free(line);
}
