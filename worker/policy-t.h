/*
 * Types of the sandbox policy (docs/commands.md sections 2 and 3): categories,
 * actions, lock states, rules and struct policy itself.  Types only, so
 * that every file of worker/ may include it cheaply; the functions are in
 * worker/policy-ops.h.
 */
#ifndef PRIVCONF_POLICY_T_H
#define PRIVCONF_POLICY_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "worker/netaddr.h"
#include "worker/policy.h"

/*
 * Categories in the order of docs/commands.md section 2, which is also the
 * key order of stat's "sandbox" and "default" objects.  A set of them is
 * a uint64_t bit mask.
 */
enum policy_cat {
	POLICY_CAT_WALK,
	POLICY_CAT_STAT,
	POLICY_CAT_READ,
	POLICY_CAT_WRITE,
	POLICY_CAT_EXEC,
	POLICY_CAT_IOCTL,
	POLICY_CAT_CREATE,
	POLICY_CAT_DELETE,
	POLICY_CAT_RENAME,
	POLICY_CAT_SYMLINK,
	POLICY_CAT_TRUNCATE,
	POLICY_CAT_CHDIR,
	POLICY_CAT_READDIR,
	POLICY_CAT_MKDIR,
	POLICY_CAT_RMDIR,
	POLICY_CAT_CHOWN,
	POLICY_CAT_CHGRP,
	POLICY_CAT_CHMOD,
	POLICY_CAT_CHATTR,
	POLICY_CAT_CHROOT,
	POLICY_CAT_UTIME,
	POLICY_CAT_MKBDEV,
	POLICY_CAT_MKCDEV,
	POLICY_CAT_MKFIFO,
	POLICY_CAT_MKTEMP,
	POLICY_CAT_NOTIFY,
	POLICY_CAT_NET_BIND,
	POLICY_CAT_NET_CONNECT,
	POLICY_CAT_NET_SENDFD,
	POLICY_CAT_NET_LINK,
	POLICY_CAT_FS,
	POLICY_CAT_FORCE,
	POLICY_CAT_TPE,
	POLICY_CAT_MEM,
	POLICY_CAT_PID,
	POLICY_CAT_LOCK,
	POLICY_CAT_CRYPT,
	POLICY_CAT_PROXY,
	POLICY_CAT_PTY,
	POLICY_CAT_COUNT
};

#define POLICY_CAT_BIT(c)	((uint64_t)1 << (c))
#define POLICY_CATS_PATH	(POLICY_CAT_BIT(POLICY_CAT_NET_BIND) - 1)
#define POLICY_CATS_NET		(POLICY_CAT_BIT(POLICY_CAT_NET_BIND) | \
				 POLICY_CAT_BIT(POLICY_CAT_NET_CONNECT) | \
				 POLICY_CAT_BIT(POLICY_CAT_NET_SENDFD) | \
				 POLICY_CAT_BIT(POLICY_CAT_NET_LINK))
#define POLICY_CATS_ALL		(POLICY_CAT_BIT(POLICY_CAT_COUNT) - 1)
#define POLICY_CATS_SPECIAL	(POLICY_CATS_ALL & \
				 ~(POLICY_CATS_PATH | POLICY_CATS_NET))
/* sandbox/<these> are startup-only (docs/commands.md section 5). */
#define POLICY_CATS_STARTUP	(POLICY_CAT_BIT(POLICY_CAT_LOCK) | \
				 POLICY_CAT_BIT(POLICY_CAT_CRYPT) | \
				 POLICY_CAT_BIT(POLICY_CAT_PROXY) | \
				 POLICY_CAT_BIT(POLICY_CAT_PTY))

/*
 * A fresh policy, and reset (docs/commands.md 2): path and network
 * categories on, every default action POLICY_INIT_ACT.  Said once here
 * for policy.c and for worker/dump.c, which writes what differs.
 */
#define POLICY_INIT_ON		(POLICY_CATS_PATH | POLICY_CATS_NET)
#define POLICY_INIT_ACT		POLICY_ACT_DENY
#define POLICY_INIT_LOCK	POLICY_LOCK_IPC

/* Actions from mildest to harshest: "harsher" is a greater value. */
enum policy_act {
	POLICY_ACT_ALLOW,
	POLICY_ACT_WARN,
	POLICY_ACT_FILTER,
	POLICY_ACT_DENY,
	POLICY_ACT_PANIC,
	POLICY_ACT_STOP,
	POLICY_ACT_ABORT,
	POLICY_ACT_KILL,
	POLICY_ACT_EXIT,
	POLICY_ACT_COUNT
};

/* Lock states from weakest to strongest (docs/commands.md 3.8). */
enum policy_lock {
	POLICY_LOCK_OFF,
	POLICY_LOCK_EXEC,
	POLICY_LOCK_IPC,
	POLICY_LOCK_DROP,
	POLICY_LOCK_READ,
	POLICY_LOCK_ON,
	POLICY_LOCK_COUNT
};

/*
 * trace/ boolean options (docs/commands.md 3.6): the runtime ones first, then
 * the startup-only ones, each group in the order of the spec, which is
 * also stat's key order.  A set of them is a uint32_t bit mask.
 */
enum policy_trace {
	POLICY_TRACE_ALLOW_SAFE_BIND,
	POLICY_TRACE_ALLOW_SAFE_KCAPI,
	POLICY_TRACE_ALLOW_UNSUPP_SOCKET,
	POLICY_TRACE_ALLOW_UNSAFE_SOCKET,
	POLICY_TRACE_DENY_DOTDOT,
	POLICY_TRACE_FORCE_CLOEXEC,
	POLICY_TRACE_ALLOW_SAFE_SETUID,		/* first startup-only one */
	POLICY_TRACE_ALLOW_SAFE_SETGID,
	POLICY_TRACE_ALLOW_UNSAFE_EXEC_SPECULATIVE,
	POLICY_TRACE_ALLOW_UNSAFE_PTRACE,
	POLICY_TRACE_ALLOW_UNSAFE_PRCTL,
	POLICY_TRACE_ALLOW_UNSAFE_PRLIMIT,
	POLICY_TRACE_ALLOW_UNSAFE_TIME,
	POLICY_TRACE_ALLOW_UNSAFE_URING,
	POLICY_TRACE_ALLOW_UNSAFE_MEMORY,
	POLICY_TRACE_ALLOW_UNSAFE_CAPS,
	POLICY_TRACE_ALLOW_UNSAFE_ENV,
	POLICY_TRACE_DENY_TSC,
	POLICY_TRACE_EXIT_WAIT_ALL,
	POLICY_TRACE_COUNT
};

#define POLICY_TRACE_BIT(t)	((uint32_t)1 << (t))
#define POLICY_TRACE_ALL	(POLICY_TRACE_BIT(POLICY_TRACE_COUNT) - 1)
#define POLICY_TRACE_STARTUP	(POLICY_TRACE_ALL & \
	~(POLICY_TRACE_BIT(POLICY_TRACE_ALLOW_SAFE_SETUID) - 1))

struct ruleidx;

/* Rules one command may add: a category list times an alias's CIDRs. */
#define POLICY_EXPAND_MAX	(POLICY_CAT_COUNT * NETADDR_EXPAND_MAX)
#define POLICY_UMASK_UNSET	(-1)

/* What a process reported of its confinement (policy_set_confine). */
struct policy_confine {
	bool		 known;
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 landlock;	/* enforced ABI, 0: none */
	uint32_t	 seccomp;	/* enum wire_seccomp */
};
#define POLICY_ID_NONE		(-1)	/* ipc uid/gid not checked: null */
/* A uid or gid as text: at most UINT32_MAX - 1, since (uid_t)-1 is no id. */
#define POLICY_ID_MAX		(UINT32_MAX - 1)
/* ipc:<address>: sun_path bytes; an abstract name adds its '@'. */
#define POLICY_IPC_ADDR_MAX	108

/* What a rule's pattern is, decided by its category and first byte. */
enum policy_pat {
	POLICY_PAT_PATH,	/* absolute path glob */
	POLICY_PAT_ABSTRACT,	/* "@" and an abstract socket name glob */
	POLICY_PAT_NET,		/* ADDR/PREFIX!LO-HI, in net */
	POLICY_PAT_NETLINK,	/* a netlink family name or "all" */
};

struct policy_u32list {
	uint32_t	*v;
	size_t		 n;
	size_t		 cap;
};

struct policy_idpair {
	uint32_t	 src;
	uint32_t	 dst;
};

struct policy_idmap {
	struct policy_idpair *v;
	size_t		 n;
	size_t		 cap;
};

/* A string setting; NULL when unset (stat shows null). */
struct policy_str {
	char		*s;
	size_t		 len;
};

/*
 * What a transaction (worker/policy_txn.c) restores: the settings a
 * client can change, as they were at its begin.  The startup-only ones
 * never change over IPC, so they need no undo.
 */
struct policy_txn {
	bool		 active;
	enum policy_lock lock;
	uint64_t	 on;
	uint8_t		 def[POLICY_CAT_COUNT];
	uint64_t	 mem_max;
	uint64_t	 mem_vm_max;
	uint64_t	 pid_max;
	uint32_t	 trace;
	int32_t		 force_umask;
	bool		 ioctl_saved;	/* copied at their first change */
	struct policy_u32list ioctl_allow;
	struct policy_u32list ioctl_deny;
	struct ruleidx	*rules;		/* the rules a reset replaced */
};

struct policy {
	enum policy_lock lock;
	uint64_t	 on;			/* categories switched on */
	uint8_t		 def[POLICY_CAT_COUNT];	/* default actions */

	struct ruleidx	*rules;			/* worker/ruleidx.h */

	struct policy_u32list ioctl_allow;
	struct policy_u32list ioctl_deny;

	uint64_t	 mem_max;
	uint64_t	 mem_vm_max;
	uint64_t	 pid_max;

	uint32_t	 trace;			/* POLICY_TRACE_BIT()s set */
	int32_t		 force_umask;		/* or POLICY_UMASK_UNSET */

	struct policy_idmap setuid;
	struct policy_idmap setgid;
	struct policy_str host;
	struct policy_str domain;
	struct policy_str root;
	struct policy_str ipc_addr;
	int64_t		 ipc_uid;		/* or POLICY_ID_NONE */
	int64_t		 ipc_gid;		/* or POLICY_ID_NONE */
	/*
	 * privconfd told us what it bound (policy_set_ipc): it already merged
	 * its command line with the profile's ipc* lines, so those lines are
	 * checked but no longer change what stat shows.
	 */
	bool		 ipc_bound;
	/*
	 * How each process is confined, for stats only: not policy, never
	 * reset, not in the frozen stat schema.
	 */
	struct policy_confine confine[POLICY_PROC_COUNT];
	const struct access *access;		/* stats only; NULL: unknown */
	struct policy_txn txn;
};

#endif
