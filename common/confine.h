/*
 * Confinement of privconf's two children (docs/design.md 4), the steps both
 * share, in this order:
 *
 *   1. PR_SET_PDEATHSIG(SIGKILL), then check the parent is still there;
 *   2. close every fd but 0, 1, 2 and the ones the process owns;
 *   3. when run as root: unshare the network and IPC namespaces (and the
 *      mount namespace for the worker), chroot to an empty root-owned
 *      0755 directory, drop the capability bounding set, setgroups(0),
 *      setresgid, setresuid, re-arm PDEATHSIG (a credential change clears
 *      it), and check that the old ids cannot come back;
 *   4. drop every capability left (a non-root start may carry some);
 *   5. rlimits: NPROC 0, CORE 0, FSIZE 0 (listener), NOFILE hard = soft;
 *   6. PR_SET_DUMPABLE 0, PR_SET_NO_NEW_PRIVS 1;
 *   7. Landlock, no rule (common/landlock.h);
 *   8. seccomp, last (common/seccomp.h), with the process's own table.
 *
 * Started as a normal user, step 3 is skipped and the rest still applies.
 * Started as root without run-as ids, the process refuses to run.  Any
 * step that fails is fatal (exit 1): better no service than a service
 * with a hole.  A successful confine logs one line:
 *   privconf[listener]: op=confine landlock=7 seccomp=kill uid=65534 ...
 */
#ifndef PRIVCONF_CONFINE_H
#define PRIVCONF_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/contract.h"
#include "common/seccomp.h"

enum confine_proc {
	CONFINE_LISTENER = 1,
	CONFINE_WORKER = 2,
};

/* run_uid, run_gid: not root, no change of ids. */
#define CONFINE_NO_ID		((uid_t)-1)
#define CONFINE_KEEP_MAX	8

struct confine_opts {
	enum confine_proc proc;
	/*
	 * fds kept open besides 0, 1, 2 (always kept: /dev/null and the log
	 * pipe) and the named fds below, which are kept when >= 0.  No system
	 * call is allowed on these extra fds; they only stay open.
	 */
	int		 keep_fds[CONFINE_KEEP_MAX];
	size_t		 nkeep;
	uid_t		 run_uid;	/* --run-uid, or CONFINE_NO_ID */
	gid_t		 run_gid;	/* --run-gid, or CONFINE_NO_ID */
	const char	*chroot_dir;	/* --chroot, or NULL */
	bool		 allow_weak;	/* --allow-weak-sandbox */
	/* The fds the seccomp rules are tied to; -1: the process has none. */
	int		 peer_fd;	/* fd 3: listener-worker socket */
	int		 listen_fd;	/* listener: fd 4 */
	int		 epoll_fd;	/* listener: made before */
	int		 journal_fd;	/* worker: fd 4, or -1 */
};

/* What was enforced, for the start-up log line and `stats`. */
struct confine_report {
	int		 landlock_abi;	/* 0: none (weak sandbox) */
	bool		 seccomp;	/* a filter is loaded */
	bool		 seccomp_debug;	/* trapping, not killing */
	bool		 dropped;	/* ids, namespaces, chroot */
	uid_t		 uid;
	gid_t		 gid;
};

/* The process-specific parts: listener/confine.c and worker/confine.c. */
struct confine_profile {
	const char	*proc;		/* "listener", "worker" */
	int		 unshare_flags;	/* CLONE_NEW* when root */
	bool		 no_file_size;	/* RLIMIT_FSIZE 0 */
	bool		 clients;	/* SECCOMP_ARG_CLIENT fds */
	const struct seccomp_rule *rules;
	size_t		 nrules;
};

/* Every fd -1, run ids CONFINE_NO_ID, the rest zero. */
void	confine_opts_init(struct confine_opts *, enum confine_proc);
/* Take the run-as ids, chroot and weak-sandbox choice from the argv. */
void	confine_opts_contract(struct confine_opts *,
	    const struct contract_args *);

/* All the steps above; returns confined, or does not return (exit 1). */
void	confine_apply(const struct confine_opts *,
	    const struct confine_profile *);

/*
 * The capability steps on their own, for privconfd, which keeps one
 * (CAP_KILL) to signal its children: keep is a mask of 1 << CAP_*.
 */
void	confine_drop_bounding(uint64_t keep);
void	confine_drop_caps(uint64_t keep);

/*
 * The seccomp rows every privconf process shares: stderr, memory, the
 * clock, leaving (base); and the file system probes refused with EACCES
 * instead of killing (probe).  privconfd uses base with its own rows.
 */
extern const struct seccomp_table confine_base_table;
extern const struct seccomp_table confine_probe_table;
/*
 * Call right before loading a seccomp filter: in a sanitizer build, turn
 * LeakSanitizer's exit check off (it would ptrace the process and be
 * killed); a no-op otherwise.
 */
void	confine_quiet_sanitizer(void);
/* PRIVCONF_SECCOMP_DEBUG=1 is set: trap and log instead of killing. */
bool	confine_seccomp_debug(void);

/* The report of the last confine_apply() of this process. */
void	confine_get_report(struct confine_report *);

#endif
