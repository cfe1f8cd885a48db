/* The sandbox policy the worker owns (docs/commands.md). */
#ifndef PRIVCONF_POLICY_H
#define PRIVCONF_POLICY_H

#include <stdint.h>

struct policy;

/* A policy in the initial state of docs/commands.md 2; NULL on ENOMEM. */
struct policy	*policy_new(void);
void		 policy_free(struct policy *);
/*
 * What the daemon bound, shown in stat's "ipc" object: uid/gid -1 means
 * not checked (null).  A profile's ipc* lines may overwrite these.
 */
int		 policy_set_ipc(struct policy *, const char *addr, int64_t uid,
		    int64_t gid);

enum policy_proc {
	POLICY_PROC_WORKER,
	POLICY_PROC_LISTENER,
	POLICY_PROC_COUNT
};

/*
 * Record how a process is confined (its run-as ids, Landlock ABI and
 * seccomp state, enum wire_seccomp), shown by stats.  The listener's
 * values come from its HELLO frame.
 */
void		 policy_set_confine(struct policy *, enum policy_proc,
		    uint32_t uid, uint32_t gid, uint32_t landlock,
		    uint32_t seccomp);
/*
 * The access levels privconfd resolved (common/access.h), for stats only;
 * kept by pointer: acc outlives p.
 */
struct access;
void		 policy_set_access(struct policy *, const struct access *acc);

#endif
