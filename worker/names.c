/*
 * The words of the command language (docs/commands.md sections 2 and 3): one
 * table per kind of word, in the order the spec lists them, since stat
 * and stats print them in that order.
 */
#include <string.h>

#include "worker/policy-ops.h"

static const char *const cat_names[POLICY_CAT_COUNT] = {
	"walk", "stat", "read", "write", "exec", "ioctl", "create", "delete",
	"rename", "symlink", "truncate", "chdir", "readdir", "mkdir", "rmdir",
	"chown", "chgrp", "chmod", "chattr", "chroot", "utime", "mkbdev",
	"mkcdev", "mkfifo", "mktemp", "notify",
	"net/bind", "net/connect", "net/sendfd", "net/link",
	"fs", "force", "tpe", "mem", "pid", "lock", "crypt", "proxy", "pty",
};

static const char *const act_names[POLICY_ACT_COUNT] = {
	"allow", "warn", "filter", "deny", "panic", "stop", "abort", "kill",
	"exit",
};

static const char *const lock_names[POLICY_LOCK_COUNT] = {
	"off", "exec", "ipc", "drop", "read", "on",
};

static const char *const trace_names[POLICY_TRACE_COUNT] = {
	"allow_safe_bind", "allow_safe_kcapi", "allow_unsupp_socket",
	"allow_unsafe_socket", "deny_dotdot", "force_cloexec",
	"allow_safe_setuid", "allow_safe_setgid",
	"allow_unsafe_exec_speculative", "allow_unsafe_ptrace",
	"allow_unsafe_prctl", "allow_unsafe_prlimit", "allow_unsafe_time",
	"allow_unsafe_uring", "allow_unsafe_memory", "allow_unsafe_caps",
	"allow_unsafe_env", "deny_tsc", "exit_wait_all",
};

/* Lower case only, as docs/commands.md 3.1 lists them. */
static const struct {
	const char	*word;
	int		 value;
} bool_words[] = {
	{ "1", 1 }, { "on", 1 }, { "t", 1 }, { "true", 1 }, { "y", 1 },
	{ "yes", 1 },
	{ "0", 0 }, { "off", 0 }, { "f", 0 }, { "false", 0 }, { "n", 0 },
	{ "no", 0 },
};

/* Linux x86-64 values (asm-generic/ioctls.h); the tests check them. */
static const struct {
	const char	*name;
	uint32_t	 req;
} ioctl_names[] = {
	{ "TCGETS",	0x5401 },
	{ "TCSETS",	0x5402 },
	{ "TIOCGWINSZ",	0x5413 },
	{ "TIOCSWINSZ",	0x5414 },
	{ "TIOCSTI",	0x5412 },
	{ "TIOCLINUX",	0x541c },
	{ "TIOCCONS",	0x541d },
	{ "TIOCSETD",	0x5423 },
	{ "FIONREAD",	0x541b },
	{ "FIONBIO",	0x5421 },
	{ "FIOCLEX",	0x5451 },
	{ "FIONCLEX",	0x5450 },
};

static const char *const netlink_names[] = {
	"route", "usersock", "firewall", "sock_diag", "nflog", "xfrm",
	"selinux", "iscsi", "audit", "fib_lookup", "connector", "netfilter",
	"ip6_fw", "dnrtmsg", "kobject_uevent", "generic", "scsitransport",
	"ecryptfs", "rdma", "crypto", "smc", "all",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The first byte first: most words differ there, and it costs no strlen. */
static int
lookup(const char *const *tab, size_t n, const char *s, size_t len)
{
	size_t	 i;

	if (len == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (tab[i][0] == s[0] && strlen(tab[i]) == len &&
		    memcmp(tab[i], s, len) == 0)
			return (int)i;
	return -1;
}

const char *
policy_cat_name(enum policy_cat c)
{
	return cat_names[c];
}

int
policy_cat_lookup(const char *s, size_t len)
{
	return lookup(cat_names, NELEM(cat_names), s, len);
}

const char *
policy_act_name(enum policy_act a)
{
	return act_names[a];
}

int
policy_act_lookup(const char *s, size_t len)
{
	return lookup(act_names, NELEM(act_names), s, len);
}

const char *
policy_lock_name(enum policy_lock l)
{
	return lock_names[l];
}

int
policy_lock_lookup(const char *s, size_t len)
{
	return lookup(lock_names, NELEM(lock_names), s, len);
}

const char *
policy_trace_name(enum policy_trace t)
{
	return trace_names[t];
}

int
policy_trace_lookup(const char *s, size_t len)
{
	return lookup(trace_names, NELEM(trace_names), s, len);
}

int
policy_bool_lookup(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < NELEM(bool_words); i++)
		if (strlen(bool_words[i].word) == len &&
		    memcmp(bool_words[i].word, s, len) == 0)
			return bool_words[i].value;
	return -1;
}

int
policy_ioctl_lookup(const char *s, size_t len, uint32_t *req)
{
	size_t	 i;

	for (i = 0; i < NELEM(ioctl_names); i++)
		if (strlen(ioctl_names[i].name) == len &&
		    memcmp(ioctl_names[i].name, s, len) == 0) {
			*req = ioctl_names[i].req;
			return 0;
		}
	return -1;
}

bool
policy_netlink_known(const char *s, size_t len)
{
	return lookup(netlink_names, NELEM(netlink_names), s, len) >= 0;
}
