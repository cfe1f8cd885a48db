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
#include <string.h>

#include "worker/cmdtab.h"
#include "worker/decide.h"
#include "worker/ruleidx.h"
#include "worker/stat.h"

/* One category of rules, no list, no alias; a target of its form. */
int
cmd_check_parse(struct cmd *c)
{
	int	 cat;

	if ((cat = policy_cat_lookup(c->sub, c->sublen)) < 0 ||
	    !(POLICY_CAT_BIT(cat) & (POLICY_CATS_PATH | POLICY_CATS_NET)))
		return EINVAL;
	c->val = cat;
	return decide_target(cat, c->arg, c->arglen, &c->target);
}

/* Append each string of w, up to a NULL, with one reservation: 0 or -1. */
static int
put(struct buf *out, const char *const *w)
{
	size_t	 len[8], n, i, total = 0;

	for (n = 0; w[n] != NULL; n++)
		total += len[n] = strlen(w[n]);
	if (buf_reserve(out, total) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(out->data + out->len, w[i], len[i]);
		out->len += len[i];
	}
	return 0;
}

int
cmd_check_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	const struct policy_rule *r;
	const char	*cat = policy_cat_name(c->val), *act;
	size_t		 start = out->len;
	int		 err;

	act = policy_act_name(policy_decide_target(p, &c->target, &r));
	if (!(p->on & POLICY_CAT_BIT(c->val)))
		err = put(out, (const char *[]){ "{\"err\":0,\"action\":\"",
		    act, "\",\"rule\":\"sandbox/", cat, ":off\"}\n", NULL });
	else if (r == NULL)
		err = put(out, (const char *[]){ "{\"err\":0,\"action\":\"",
		    act, "\",\"rule\":\"default/", cat, ":", act, "\"}\n",
		    NULL });
	else
		err = put(out, (const char *[]){ "{\"err\":0,\"action\":\"",
		    act, "\",\"rule\":\"", policy_act_name(r->grp->act), "/",
		    policy_cat_name(r->grp->cat), "+", NULL }) == -1 ||
		    stat_json_escape(out, r->grp->pat, r->grp->patlen) == -1 ||
		    put(out, (const char *[]){ "\"}\n", NULL }) == -1;
	if (err != 0) {
		out->len = start;
		return ENOMEM;
	}
	res->output = true;
	return 0;
}
