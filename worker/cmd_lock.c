/*
 * lock:<state> (docs/commands.md 3.8) and reset (3.9).  Which lock moves are
 * allowed is decided by cmd_permit() from the predicates here: under
 * drop only drop, read, on; under read only read, on.  So a move back to
 * a weaker state is refused there, never here.
 */
#include <errno.h>

#include "worker/cmdtab.h"

int
cmd_lock_parse(struct cmd *c)
{
	if ((c->val = policy_lock_lookup(c->arg, c->arglen)) < 0)
		return EINVAL;
	return 0;
}

int
cmd_lock_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	(void)out;
	res->changed = p->lock != (enum policy_lock)c->val;
	p->lock = (enum policy_lock)c->val;
	res->locked = p->lock == POLICY_LOCK_ON;
	return 0;
}

bool
cmd_lock_drop_ok(const struct policy *p, const struct cmd *c)
{
	(void)p;
	return c->val >= POLICY_LOCK_DROP;
}

bool
cmd_lock_read_ok(const struct policy *p, const struct cmd *c)
{
	(void)p;
	return c->val >= POLICY_LOCK_READ;
}

int
cmd_reset_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	(void)c;
	(void)out;
	return policy_reset(p, &res->changed);
}
