/*
 * sandbox/<cats>:<bool>, sandbox/<cats>? (docs/commands.md 3.1) and
 * default/<cats>:<action> (3.2).
 */
#include <errno.h>

#include "worker/cmdtab.h"
#include "worker/parse.h"

int
cmd_sandbox_parse(struct cmd *c)
{
	if (parse_cats(c->sub, c->sublen, c) != 0)
		return EINVAL;
	if (c->op == ':' && (c->val = policy_bool_lookup(c->arg,
	    c->arglen)) < 0)
		return EINVAL;
	/* Setting one startup-only category makes the whole line so. */
	c->startup = (c->cats & POLICY_CATS_STARTUP) != 0;
	return 0;
}

int
cmd_sandbox_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	uint64_t on;

	(void)out;
	if (c->op == '?')
		return (p->on & c->cats) == c->cats ? 0 : ENOENT;
	on = c->val ? (p->on | c->cats) : (p->on & ~c->cats);
	res->changed = on != p->on;
	p->on = on;
	return 0;
}

/* lock:drop: switching categories on only. */
bool
cmd_sandbox_drop_ok(const struct policy *p, const struct cmd *c)
{
	(void)p;
	return c->val == 1;
}

int
cmd_default_parse(struct cmd *c)
{
	if (parse_cats(c->sub, c->sublen, c) != 0)
		return EINVAL;
	if ((c->val = policy_act_lookup(c->arg, c->arglen)) < 0)
		return EINVAL;
	return 0;
}

int
cmd_default_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	size_t	 i;

	(void)out;
	for (i = 0; i < c->ncat; i++) {
		if (p->def[c->catv[i]] != c->val)
			res->changed = true;
		p->def[c->catv[i]] = (uint8_t)c->val;
	}
	return 0;
}

/* lock:drop: at least as harsh as each current default it replaces. */
bool
cmd_default_drop_ok(const struct policy *p, const struct cmd *c)
{
	size_t	 i;

	for (i = 0; i < c->ncat; i++)
		if (c->val < p->def[c->catv[i]])
			return false;
	return true;
}
