/* policy_decide(): last match wins, else the default, off allows. */
#include <string.h>

#include "worker/decide.h"
#include "worker/glob.h"
#include "worker/netaddr.h"
#include "worker/policy-ops.h"

enum target {
	T_NONE,		/* special category: no rule can match */
	T_GLOB,		/* a path, or a UNIX socket "/path" or "@name" */
	T_NET,		/* ADDR!PORT */
	T_NETLINK,	/* a netlink family name */
};

static int
target_kind(enum policy_cat cat, const char *s, size_t len,
    struct netaddr *na)
{
	uint64_t bit = POLICY_CAT_BIT(cat);
	bool	 sock = len > 0 && (s[0] == '/' || s[0] == '@');

	if (bit & POLICY_CATS_PATH)
		return len > 0 && s[0] == '/' ? T_GLOB : -1;
	switch (cat) {
	case POLICY_CAT_NET_BIND:
	case POLICY_CAT_NET_CONNECT:
		if (sock)
			return T_GLOB;
		return netaddr_parse_target(s, len, na) == 0 ? T_NET : -1;
	case POLICY_CAT_NET_SENDFD:
		return sock ? T_GLOB : -1;
	case POLICY_CAT_NET_LINK:
		if (len == 3 && memcmp(s, "all", 3) == 0)
			return -1;
		return policy_netlink_known(s, len) ? T_NETLINK : -1;
	default:
		return T_NONE;
	}
}

static bool
rule_match(const struct policy_rule *r, int kind, const char *s, size_t len,
    const struct netaddr *na)
{
	switch (r->kind) {
	case POLICY_PAT_PATH:
	case POLICY_PAT_ABSTRACT:
		return kind == T_GLOB && glob_match(r->pat, r->patlen, s, len);
	case POLICY_PAT_NET:
		return kind == T_NET && netaddr_match(&r->net, na);
	case POLICY_PAT_NETLINK:
		return kind == T_NETLINK && ((r->patlen == 3 &&
		    memcmp(r->pat, "all", 3) == 0) || (r->patlen == len &&
		    memcmp(r->pat, s, len) == 0));
	}
	return false;
}

int
policy_decide(const struct policy *p, enum policy_cat cat, const char *s,
    size_t len)
{
	struct netaddr	 na;
	size_t		 i;
	int		 kind;

	if ((unsigned)cat >= POLICY_CAT_COUNT)
		return -1;
	if (!(p->on & POLICY_CAT_BIT(cat)))
		return POLICY_ACT_ALLOW;
	if ((kind = target_kind(cat, s, len, &na)) < 0)
		return -1;
	for (i = p->nrules; kind != T_NONE && i-- > 0; ) {
		if (p->rules[i].cat == cat &&
		    rule_match(&p->rules[i], kind, s, len, &na))
			return p->rules[i].act;
	}
	return p->def[cat];
}
