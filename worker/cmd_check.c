/*
 * check/<category>:<target> (docs/commands.md 3.10): what the policy
 * decides for one target, and the line of the command language that
 * says why.  A query: its row in worker/cmdtab.c does not mutate, so
 * cmd_permit() lets it run in every lock state but on, and it is never
 * journaled.
 *
 *	{"err":0,"action":"deny","rule":"deny/read+/etc/passwd"}\n
 *	{"err":0,"action":"deny","rule":"default/read:deny"}\n
 *	{"err":0,"action":"allow","rule":"sandbox/read:off"}\n
 *
 * The rule is written as stat shows its act, cap and pat, and escaped
 * as stat escapes a string.
 */
#include <errno.h>

#include "worker/cmdtab.h"
#include "worker/decide.h"
#include "worker/ruleidx.h"
#include "worker/stat.h"

/* One category of rules, no list, no alias; a target of its form. */
int
cmd_check_parse(struct cmd *c)
{
	struct decide_target t;
	int	 cat;

	if ((cat = policy_cat_lookup(c->sub, c->sublen)) < 0 ||
	    !(POLICY_CAT_BIT(cat) & (POLICY_CATS_PATH | POLICY_CATS_NET)))
		return EINVAL;
	c->val = cat;
	return decide_target(cat, c->arg, c->arglen, &t);
}

/* Append each string of w, up to a NULL: 0 or -1. */
static int
put(struct buf *out, const char *const *w)
{
	for (; *w != NULL; w++)
		if (buf_appendstr(out, *w) == -1)
			return -1;
	return 0;
}

int
cmd_check_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	struct decide_target	 t;
	const struct policy_rule *r;
	const char		*cat = policy_cat_name(c->val), *act;
	size_t			 start = out->len;
	int			 err;

	if (decide_target(c->val, c->arg, c->arglen, &t) != 0)
		return EINVAL;
	act = policy_act_name(policy_decide_target(p, &t, &r));
	err = put(out, (const char *[]){ "{\"err\":0,\"action\":\"", act,
	    "\",\"rule\":\"", NULL });
	if (err == 0 && !(p->on & POLICY_CAT_BIT(c->val)))
		err = put(out, (const char *[]){ "sandbox/", cat, ":off",
		    NULL });
	else if (err == 0 && r == NULL)
		err = put(out, (const char *[]){ "default/", cat, ":", act,
		    NULL });
	else if (err == 0)
		err = put(out, (const char *[]){
		    policy_act_name(r->grp->act), "/",
		    policy_cat_name(r->grp->cat), "+", NULL }) == -1 ||
		    stat_json_escape(out, r->grp->pat, r->grp->patlen) == -1;
	if (err != 0 || buf_appendstr(out, "\"}\n") == -1) {
		out->len = start;
		return ENOMEM;
	}
	res->output = true;
	return 0;
}
