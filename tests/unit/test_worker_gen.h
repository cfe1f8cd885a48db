/*
 * Random command lines, valid and invalid, for the policy's property
 * tests (test_worker_property.c, test_worker_dump.c): the spec's words
 * written out again here on purpose, and a generator that mixes them
 * with malformed values and garbage.  A generator's sequence depends
 * only on its seed.
 */
#ifndef PRIVCONF_TEST_WORKER_GEN_H
#define PRIVCONF_TEST_WORKER_GEN_H

#include <stdio.h>

#include "tests/unit/test_worker_util.h"

#define TW_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const tw_cats[] = {
	"walk", "stat", "read", "write", "exec", "ioctl", "create", "delete",
	"rename", "symlink", "truncate", "chdir", "readdir", "mkdir", "rmdir",
	"chown", "chgrp", "chmod", "chattr", "chroot", "utime", "mkbdev",
	"mkcdev", "mkfifo", "mktemp", "notify", "net/bind", "net/connect",
	"net/sendfd", "net/link", "fs", "force", "tpe", "mem", "pid", "lock",
	"crypt", "proxy", "pty",
};
#define TW_NCATS	39
#define TW_NRULECATS	30	/* path and network: the ones with rules */
static const char *const tw_acts[] = {
	"allow", "warn", "filter", "deny", "panic", "stop", "abort", "kill",
	"exit",
};
static const char *const tw_locks[] = {
	"off", "exec", "ipc", "drop", "read", "on",
};
static const char *const tw_traces[] = {
	"allow_safe_bind", "allow_safe_kcapi", "allow_unsupp_socket",
	"allow_unsafe_socket", "deny_dotdot", "force_cloexec",
	"allow_safe_setuid", "allow_safe_setgid",
	"allow_unsafe_exec_speculative", "allow_unsafe_ptrace",
	"allow_unsafe_prctl", "allow_unsafe_prlimit", "allow_unsafe_time",
	"allow_unsafe_uring", "allow_unsafe_memory", "allow_unsafe_caps",
	"allow_unsafe_env", "deny_tsc", "exit_wait_all",
};
#define TW_NTRACE	19
#define TW_NTRACE_RUNTIME 6

/* A generator: xorshift64* state (tw_pick), seeded by the caller. */
struct tw_gen {
	uint64_t	 rng;
};

static inline size_t
tw_gen_pick(struct tw_gen *g, size_t n)
{
	return tw_pick(&g->rng, n);
}

static inline const char *
tw_gen_one(struct tw_gen *g, const char *const *set, size_t n)
{
	return set[tw_gen_pick(g, n)];
}

#define TW_ONE(g, set)	tw_gen_one(g, set, TW_NELEM(set))

static inline void
tw_put(struct buf *b, const char *s)
{
	cr_assert_eq(buf_appendstr(b, s), 0);
}

static inline void
tw_gen_catlist(struct tw_gen *g, struct buf *b, size_t lo, size_t hi)
{
	static const char *const extra[] = { "net", "all", "bogus", "" };
	size_t	 i, n = 1 + tw_gen_pick(g, 3);

	for (i = 0; i < n; i++) {
		if (i > 0)
			tw_put(b, ",");
		if (tw_gen_pick(g, 10) == 0)
			tw_put(b, TW_ONE(g, extra));
		else
			tw_put(b, tw_cats[lo + tw_gen_pick(g, hi - lo)]);
	}
}

static const char *const tw_paths[] = {
	"/usr/***", "/tmp/*", "/etc/**", "/home/?", "/a", "/b/[a-z]*",
	"/c\\*", "/q\"uote", "/t\tab", "/caf\xc3\xa9", "usr", "/[x", "/x\\",
	"",
};
static const char *const tw_addrs[] = {
	"127.0.0.1", "10.1.2.3/8", "::1", "fe80::1/10", "0.0.0.0/0",
	"any", "any4", "any6", "loopback", "loopback4", "loopback6", "local",
	"local4", "local6", "linklocal", "linklocal4", "linklocal6",
	"1.2.3.4/33", "::/129", "300.1.1.1", "bogus", "",
};
static const char *const tw_ports[] = {
	"!80", "!0", "!65535", "!65536", "!1024-65535", "!80-79", "", "!",
	"!0-65535",
};
static const char *const tw_socks[] = {
	"@privconf*", "@x", "@", "/run/*.sock",
};
static const char *const tw_families[] = {
	"route", "audit", "all", "Route", "kobject_uevent",
};
static const char *const tw_sizes[] = {
	"0", "1", "1K", "1kb", "2MiB", "1G", "18446744073709551615",
	"18446744073709551616", "16383P", "16384P", "-1", "1X", "", "007",
};
static const char *const tw_bools[] = {
	"1", "on", "t", "true", "y", "yes", "0", "off", "f", "false", "n",
	"no", "ON", "2", "",
};
static const char *const tw_reqs[] = {
	"TIOCGWINSZ", "TCGETS", "0x5401", "21523", "4294967295",
	"4294967296", "0x100000000", "01", "tcgets", "",
};
static const char *const tw_idents[] = {
	"setuid+1000:65534", "setuid-1000:65534", "setuid^1000",
	"setgid+100:101", "setuid+1:0", "name/host:box", "name/host:a_b",
	"name/domain:example.org", "root:/srv", "root:srv", "ipc:@privconf",
	"ipc/uid:1000", "ipc/uid:any", "ipc/gid:100", "ipc/gid:any",
	"sandbox/lock:on", "sandbox/pty,read:off", "trace/deny_tsc:on",
	"trace/allow_unsafe_caps:off",
};
static const char *const tw_ops[] = { "+", "-", "^" };

static inline void
tw_gen_rule(struct tw_gen *g, struct buf *b)
{
	char	 num[32];

	tw_put(b, TW_ONE(g, tw_acts));
	tw_put(b, "/");
	switch (tw_gen_pick(g, 4)) {
	case 0:		/* path categories and a path pattern */
		tw_gen_catlist(g, b, 0, 26);
		tw_put(b, TW_ONE(g, tw_ops));
		tw_put(b, TW_ONE(g, tw_paths));
		break;
	case 1:		/* addresses */
		tw_put(b, tw_gen_pick(g, 2) ? "net/connect" :
		    "net/bind,net/connect");
		tw_put(b, TW_ONE(g, tw_ops));
		tw_put(b, TW_ONE(g, tw_addrs));
		tw_put(b, TW_ONE(g, tw_ports));
		if (tw_gen_pick(g, 8) == 0) {
			snprintf(num, sizeof(num), "!%zu",
			    tw_gen_pick(g, 70000));
			tw_put(b, num);
		}
		break;
	case 2:		/* UNIX sockets */
		tw_gen_catlist(g, b, 26, 29);
		tw_put(b, TW_ONE(g, tw_ops));
		tw_put(b, TW_ONE(g, tw_socks));
		break;
	default:	/* netlink, or anything in any category */
		tw_gen_catlist(g, b, tw_gen_pick(g, 2) ? 29 : 0, TW_NCATS);
		tw_put(b, TW_ONE(g, tw_ops));
		tw_put(b, TW_ONE(g, tw_families));
		break;
	}
}

/*
 * One line into b, and the origin to run it with.  lock: lines name one
 * of the first nlocks states (3: off, exec, ipc; 5: also drop and read,
 * which cannot be undone; 6: also on).
 */
static inline void
tw_gen_line(struct tw_gen *g, struct buf *b, size_t nlocks,
    enum cmd_origin *o)
{
	static const char *const garbage = "abz/:?+-^,!@ \t#*01";
	char	 num[32];
	size_t	 k, n;

	*o = tw_gen_pick(g, 5) == 0 ? CMD_PROFILE : CMD_IPC;
	switch (tw_gen_pick(g, 16)) {
	case 0:
	case 1:
		tw_put(b, "sandbox/");
		tw_gen_catlist(g, b, 0, TW_NCATS);
		if (tw_gen_pick(g, 4) == 0)
			tw_put(b, "?");
		else {
			tw_put(b, ":");
			tw_put(b, TW_ONE(g, tw_bools));
		}
		break;
	case 2:
		tw_put(b, "default/");
		tw_gen_catlist(g, b, 0, TW_NCATS);
		tw_put(b, ":");
		tw_put(b, tw_gen_pick(g, 10) ? TW_ONE(g, tw_acts) : "Deny");
		break;
	case 3:
	case 4:
	case 5:
	case 6:
		tw_gen_rule(g, b);
		break;
	case 7:
		tw_put(b, tw_gen_pick(g, 3) == 0 ? "pid/max:" :
		    tw_gen_pick(g, 2) ? "mem/max:" : "mem/vm_max:");
		tw_put(b, TW_ONE(g, tw_sizes));
		break;
	case 8:
		tw_put(b, tw_gen_pick(g, 2) ? "ioctl/allow" : "ioctl/deny");
		tw_put(b, TW_ONE(g, tw_ops));
		tw_put(b, TW_ONE(g, tw_reqs));
		break;
	case 9:
		tw_put(b, "trace/");
		if (tw_gen_pick(g, 6) == 0) {
			snprintf(num, sizeof(num), "force_umask:%s",
			    tw_gen_pick(g, 4) == 0 ? "off" :
			    tw_gen_pick(g, 2) ? "077" : "1000");
			tw_put(b, num);
			break;
		}
		tw_put(b, TW_ONE(g, tw_traces));
		if (tw_gen_pick(g, 4) == 0)
			tw_put(b, "?");
		else {
			tw_put(b, ":");
			tw_put(b, TW_ONE(g, tw_bools));
		}
		break;
	case 10:
		tw_put(b, TW_ONE(g, tw_idents));
		break;
	case 11:
		tw_put(b, "lock:");
		tw_put(b, tw_locks[tw_gen_pick(g, nlocks)]);
		break;
	case 12:
		tw_put(b, tw_gen_pick(g, 4) == 0 ? "reset" :
		    tw_gen_pick(g, 2) ? "stat" : "stats");
		break;
	case 13:
		/* Raw garbage. */
		n = tw_gen_pick(g, 12);
		for (k = 0; k < n; k++) {
			char	 c = garbage[tw_gen_pick(g, strlen(garbage))];

			cr_assert_eq(buf_append(b, &c, 1), 0);
		}
		break;
	default:
		/* A valid-looking line with one byte changed. */
		tw_gen_rule(g, b);
		if (b->len > 0) {
			k = tw_gen_pick(g, b->len);
			b->data[k] = (uint8_t)garbage[tw_gen_pick(g,
			    strlen(garbage))];
		}
		break;
	}
}

#endif
