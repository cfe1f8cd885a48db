/*
 * What the rest of worker/ does to a struct policy beyond the lead's
 * worker/policy.h: reset, the lists and the names of everything.
 */
#ifndef PRIVCONF_POLICY_OPS_H
#define PRIVCONF_POLICY_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker/policy-t.h"

/*
 * A rule as a command names it, before it is stored: pat points into the
 * command line or a scratch buffer of the parser.
 */
struct policy_rulespec {
	const char	*pat;
	size_t		 patlen;
	uint8_t		 act;
	uint8_t		 cat;
	uint8_t		 kind;
	struct netaddr	 net;
};

/*
 * policy.c: state.  docs/commands.md 3.9: 0 (*changed: anything did) or
 * ENOMEM, and then nothing changed.
 */
int	policy_reset(struct policy *, bool *changed);

/*
 * policy_txn.c: changes from begin on are undone as one by rollback
 * (docs/design.md 6), or kept by commit.  Each list change calls
 * policy_txn_ioctl() first.  rollback returns 0, or ENOMEM when the rules
 * could not be rebuilt (the policy is then unusable: the worker must
 * fail closed).
 */
void	policy_txn_begin(struct policy *);
void	policy_txn_ioctl(struct policy *);
/* reset's rules: cleared, or set aside whole in a transaction. */
int	policy_txn_reset_rules(struct policy *);
void	policy_txn_commit(struct policy *);
int	policy_txn_rollback(struct policy *);
/* Add and remove on ioctl lists and uid/gid transitions. */
int	policy_u32_add(struct policy_u32list *, uint32_t, size_t max);
bool	policy_u32_remove(struct policy_u32list *, uint32_t, bool every);
int	policy_idmap_add(struct policy_idmap *, uint32_t src, uint32_t dst);
bool	policy_idmap_remove(struct policy_idmap *, uint32_t src, uint32_t dst);
bool	policy_idmap_remove_src(struct policy_idmap *, uint32_t src);
/* ipc:<address> and policy_set_ipc(): a socket address privconfd can bind. */
bool	policy_ipc_addr_valid(const char *, size_t);
/* Replace a string setting with a copy of s[0..len): 0 or ENOMEM. */
int	policy_str_set(struct policy_str *, const char *s, size_t len);

/* names.c: the words of the command language; lookups return -1 if none. */
const char *policy_cat_name(enum policy_cat);
int	policy_cat_lookup(const char *, size_t);
const char *policy_act_name(enum policy_act);
int	policy_act_lookup(const char *, size_t);
const char *policy_lock_name(enum policy_lock);
int	policy_lock_lookup(const char *, size_t);
const char *policy_trace_name(enum policy_trace);
int	policy_trace_lookup(const char *, size_t);
/* 1 true, 0 false, -1 not a boolean word of docs/commands.md 3.1. */
int	policy_bool_lookup(const char *, size_t);
/* An ioctl request name of docs/commands.md 3.5: 0 and *req, or -1. */
int	policy_ioctl_lookup(const char *, size_t, uint32_t *req);
/* A netlink family of docs/commands.md 3.3 (net/link), "all" included. */
bool	policy_netlink_known(const char *, size_t);

#endif
