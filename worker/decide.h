/* The decision of docs/commands.md 3.3, for check (3.10) and the tests. */
#ifndef PRIVCONF_DECIDE_H
#define PRIVCONF_DECIDE_H

#include <stddef.h>

#include "worker/netaddr.h"
#include "worker/policy-t.h"

struct policy_rule;

/* A decision's target, read once. */
struct decide_target {
	enum policy_cat	 cat;
	int		 kind;		/* enum policy_pat */
	const char	*s;		/* the caller's bytes */
	size_t		 len;
	struct netaddr	 na;		/* POLICY_PAT_NET */
};

/*
 * Read s[0..len) as a target of category cat (docs/commands.md 3.10):
 * the form cat's rules take.  An absolute path for path categories; for
 * net/bind and net/connect "ADDR!PORT" or a UNIX socket "/path" or
 * "@name"; for net/sendfd a UNIX socket; for net/link a family name
 * (not "all").  At most TARGET_MAX bytes, no NUL.  0, or EINVAL when it
 * is malformed or cat takes no rules.
 */
int	decide_target(enum policy_cat cat, const char *s, size_t len,
	    struct decide_target *t);
/*
 * The action (enum policy_act) for t: a category that is off allows;
 * else the last-added rule of t's category whose pattern matches
 * decides, and *rule is set to it; else the category's default.  *rule
 * is NULL unless a rule decided.
 */
int	policy_decide_target(const struct policy *,
	    const struct decide_target *t, const struct policy_rule **rule);
/*
 * The same for target[0..len), or -1 when it is not a target of cat
 * (and cat is on).  Special categories take any target, since they have
 * no rules.
 */
int	policy_decide(const struct policy *, enum policy_cat cat,
	    const char *target, size_t len);

#endif
