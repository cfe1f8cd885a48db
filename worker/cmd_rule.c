/*
 * Rules: <action>/<cats><op><pattern> with op + - ^ (docs/commands.md 3.3).
 * The parser expands the category list and any network alias into one
 * rule spec per (category, CIDR), categories outer, and checks that every
 * named category takes this pattern, so that the handler applies all of
 * them or none.
 */
#include <errno.h>
#include <string.h>

#include "worker/cmdtab.h"
#include "worker/glob.h"
#include "worker/parse.h"
#include "worker/ruleidx.h"

/*
 * A path or UNIX socket glob: absolute, or '@' and a non-empty abstract
 * name.  Patterns are stored and matched with the '@'.  NUL never occurs
 * in a path, and a pattern holding one would read differently to anyone
 * who takes it as a C string, so it is refused.
 */
static bool
glob_ok(const char *s, size_t len)
{
	if (len == 0 || len > PATTERN_MAX || memchr(s, '\0', len) != NULL)
		return false;
	if (s[0] == '@' && len == 1)
		return false;
	return glob_check(s, len) == 0;
}

int
cmd_rule_parse(struct cmd *c)
{
	struct netaddr	 na[NETADDR_EXPAND_MAX];
	const char	*s = c->arg;
	size_t		 len = c->arglen, i, j, nvar = 1;
	bool		 is_glob, is_net = false;
	int		 kind, n;

	c->val = c->row->act;
	if (parse_cats(c->sub, c->sublen, c) != 0 || len == 0)
		return EINVAL;
	is_glob = s[0] == '/' || s[0] == '@';
	if (is_glob && !glob_ok(s, len))
		return EINVAL;
	if (!is_glob && (c->cats & (POLICY_CAT_BIT(POLICY_CAT_NET_BIND) |
	    POLICY_CAT_BIT(POLICY_CAT_NET_CONNECT)))) {
		if ((n = netaddr_parse(s, len, na)) < 1 ||
		    n > NETADDR_EXPAND_MAX)
			return EINVAL;
		nvar = (size_t)n;
		is_net = true;
		for (j = 0; j < nvar; j++)
			c->textlen[j] = netaddr_format(&na[j], c->text[j]);
	}
	c->nspec = 0;
	for (i = 0; i < c->ncat; i++) {
		/* An address was parsed above when any category takes one. */
		if ((kind = parse_pat_kind(c->catv[i], s, len)) < 0 ||
		    (kind == POLICY_PAT_NET && !is_net))
			return EINVAL;
		if (kind == POLICY_PAT_NETLINK && !policy_netlink_known(s, len))
			return EINVAL;
		for (j = 0; j < (kind == POLICY_PAT_NET ? nvar : 1); j++) {
			struct policy_rulespec *r = &c->spec[c->nspec++];

			r->act = (uint8_t)c->val;
			r->cat = c->catv[i];
			r->kind = (uint8_t)kind;
			if (kind == POLICY_PAT_NET) {
				r->pat = c->text[j];
				r->patlen = c->textlen[j];
				r->net = na[j];
			} else {
				r->pat = s;
				r->patlen = len;
				memset(&r->net, 0, sizeof(r->net));
			}
		}
	}
	return 0;
}

int
cmd_rule_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	int	 err;

	(void)out;
	switch (c->op) {
	case '+':
		if ((err = ruleidx_add(p->rules, c->spec, c->nspec)) != 0)
			return err;
		res->changed = c->nspec > 0;
		return 0;
	case '-':
		res->changed = ruleidx_remove_last(p->rules, c->spec,
		    c->nspec) > 0;
		return 0;
	case '^':
		res->changed = ruleidx_remove_all(p->rules, c->spec,
		    c->nspec) > 0;
		return 0;
	}
	return EINVAL;
}

/*
 * lock:drop (docs/commands.md 3.8): add a rule only when its action is at
 * least as harsh as the category's default and as every rule the
 * category holds, for each category named; remove only allow and warn.
 */
bool
cmd_rule_drop_ok(const struct policy *p, const struct cmd *c)
{
	size_t	 i;
	int	 cat;

	if (c->op != '+')
		return c->val <= POLICY_ACT_WARN;
	for (i = 0; i < c->ncat; i++) {
		cat = c->catv[i];
		if (c->val < p->def[cat] ||
		    c->val < ruleidx_max_act(p->rules, cat))
			return false;
	}
	return true;
}
