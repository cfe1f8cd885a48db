/* The decision of docs/commands.md 3.3, for stat consumers and the tests. */
#ifndef PRIVCONF_DECIDE_H
#define PRIVCONF_DECIDE_H

#include <stddef.h>

#include "worker/policy-t.h"

/*
 * The action (enum policy_act) for target in category cat: a category
 * that is off allows; else the last-added rule of cat whose pattern
 * matches decides; else the category's default.  A target is a path
 * ("/etc/passwd") for path categories; for net/bind and net/connect
 * "ADDR!PORT" or a UNIX socket "/path" or "@name"; for net/sendfd a UNIX
 * socket; for net/link a family name.  Special categories take any
 * target, since they have no rules.  -1 when target is not a target of
 * cat (and cat is on).
 */
int	policy_decide(const struct policy *, enum policy_cat cat,
	    const char *target, size_t len);

#endif
