/* The sandbox policy the worker owns (COMMANDS.md). */
#ifndef PRIVCONF_POLICY_H
#define PRIVCONF_POLICY_H

#include <stdint.h>

struct policy;

/* A policy in the initial state of COMMANDS.md section 2; NULL on ENOMEM. */
struct policy	*policy_new(void);
void		 policy_free(struct policy *);
/*
 * What the daemon bound, shown in stat's "ipc" object: uid/gid -1 means
 * not checked (null).  A profile's ipc* lines may overwrite these.
 */
int		 policy_set_ipc(struct policy *, const char *addr, int64_t uid,
		    int64_t gid);

#endif
