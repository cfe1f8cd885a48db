/*
 * The rules of a dump, live ones only, in their insertion order, which is
 * the order of a decision (docs/commands.md 3.3): see worker/dump-rules.h
 * for how they are cut into lines.  This file holds the cut and the
 * runs of one pattern (a path or socket glob, a netlink family); the
 * network runs are worker/dump_net.c's.
 *
 * No longer than the commands that added the rules: the rules one
 * command added and that are still there are adjacent, and a run of
 * them is one of the shapes tried, written no longer than the command
 * (its categories, each once, and its pattern as stored).  But for
 * network aliases: what is missing of one is written with sub-aliases
 * and CIDRs of it, per run, where the removal that made the holes may
 * have named an alias reaching past the run ("^loopback" in a run of
 * "local4", written "-loopback4") or cut several runs at once.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "worker/dump-rules.h"
#include "worker/policy-ops.h"

size_t
dump_rules_catlen(const uint8_t *cats, size_t n)
{
	size_t	 i, len = 0;

	for (i = 0; i < n; i++)
		len += strlen(policy_cat_name(cats[i])) + (i > 0);
	return len;
}

void
dump_rules_offer(struct dump_rules *r, size_t i, const struct dump_seg *cand,
    uint64_t cost)
{
	cost += r->seg[cand->end].cost;
	if (cost >= r->seg[i].cost)
		return;
	r->seg[i] = *cand;
	r->seg[i].cost = cost;
}

/* Rules i-1 and i share action and pattern, which is no network CIDR. */
static bool
same_pattern(const struct policy_group *a, const struct policy_group *b)
{
	return a->kind != POLICY_PAT_NET && b->kind != POLICY_PAT_NET &&
	    a->act == b->act && a->patlen == b->patlen &&
	    memcmp(a->pat, b->pat, a->patlen) == 0;
}

/*
 * Runs of one pattern from rule i: each next rule of the same action and
 * pattern in a category not yet named joins the list, up to what one
 * profile line holds.
 */
static void
glob_offer(struct dump_rules *r, size_t i)
{
	const struct policy_group *g = r->g[i];
	struct dump_seg	 cand = { 0, 0, -1, 0, { 0, 0 } };
	uint64_t	 seen = 0;
	size_t		 j, len;

	/* action, '/', the list, '+', the pattern */
	len = strlen(policy_act_name(g->act)) + 2 + g->patlen;
	for (j = i; j < r->n && (j == i || r->same[j]); j++) {
		if (seen & POLICY_CAT_BIT(r->g[j]->cat))
			break;
		seen |= POLICY_CAT_BIT(r->g[j]->cat);
		len += strlen(policy_cat_name(r->g[j]->cat)) + (j > i);
		if (j > i && len > PROFILE_LINE_MAX)
			break;
		cand.end = (uint32_t)(j + 1);
		dump_rules_offer(r, i, &cand, len + 1);
	}
}

static void
glob_write(const struct dump_rules *r, size_t i, struct dump *d)
{
	const struct policy_group *g = r->g[i];
	size_t	 j;

	dump_puts(d, policy_act_name(g->act));
	for (j = i; j < r->seg[i].end; j++) {
		dump_puts(d, j == i ? "/" : ",");
		dump_puts(d, policy_cat_name(r->g[j]->cat));
	}
	dump_put(d, "+", 1);
	dump_put(d, g->pat, g->patlen);
	dump_eol(d);
}

static void
rules_free(struct dump_rules *r)
{
	free(r->g);
	free(r->same);
	free(r->seg);
	free(r->alias);
}

static int
rules_init(struct dump_rules *r, const struct policy *p, size_t skip)
{
	const struct policy_rule *rule;
	size_t	 i = 0;

	memset(r, 0, sizeof(*r));
	r->n = ruleidx_count(p->rules) - skip;
	r->room = POLICY_RULES_MAX - ruleidx_count(p->rules);
	if ((POLICY_PATTERN_BYTES_MAX - p->rules->patbytes) / NETADDR_STRLEN <
	    r->room)
		r->room = (POLICY_PATTERN_BYTES_MAX - p->rules->patbytes) /
		    NETADDR_STRLEN;
	r->g = calloc(r->n, sizeof(*r->g));
	r->same = calloc(r->n, sizeof(*r->same));
	r->seg = calloc(r->n + 1, sizeof(*r->seg));
	if (r->g == NULL || r->same == NULL || r->seg == NULL ||
	    dump_net_init(r) != 0) {
		rules_free(r);
		return ENOMEM;
	}
	for (rule = ruleidx_first(p->rules); rule != NULL && skip > 0;
	    rule = ruleidx_next(p->rules, rule))
		skip--;
	for (; rule != NULL; rule = ruleidx_next(p->rules, rule), i++) {
		r->g[i] = rule->grp;
		r->same[i] = i > 0 && same_pattern(r->g[i - 1], r->g[i]);
	}
	return 0;
}

void
dump_rules(const struct policy *p, size_t skip, struct dump *d)
{
	struct dump_rules r;
	size_t		 i;

	if (d->err != 0 || ruleidx_count(p->rules) <= skip)
		return;
	if (rules_init(&r, p, skip) != 0) {
		d->err = ENOMEM;
		return;
	}
	for (i = r.n; i-- > 0; ) {
		r.seg[i].cost = UINT64_MAX;
		if (r.g[i]->kind == POLICY_PAT_NET)
			dump_net_offer(&r, i);
		else
			glob_offer(&r, i);
	}
	for (i = 0; i < r.n && d->err == 0; i = r.seg[i].end) {
		if (r.g[i]->kind == POLICY_PAT_NET)
			dump_net_write(&r, i, d);
		else
			glob_write(&r, i, d);
	}
	rules_free(&r);
}

static bool
same_rule(const struct policy_group *a, const struct policy_group *b)
{
	return a->act == b->act && a->cat == b->cat && a->kind == b->kind &&
	    a->patlen == b->patlen && memcmp(a->pat, b->pat, a->patlen) == 0;
}

/*
 * Rules of ref from the newest, those marked in gone (all when gone is
 * NULL): '-' removes the newest equal rule, which is then the one named
 * when no newer equal rule stays.
 */
static void
rules_remove(const struct policy *ref, const bool *gone, struct dump *d)
{
	const struct policy_rule *rule;
	size_t	 i = ruleidx_count(ref->rules);

	for (rule = ruleidx_last(ref->rules); rule != NULL && d->err == 0;
	    rule = ruleidx_prev(ref->rules, rule)) {
		if (gone != NULL && !gone[--i])
			continue;
		dump_puts(d, policy_act_name(rule->grp->act));
		dump_put(d, "/", 1);
		dump_puts(d, policy_cat_name(rule->grp->cat));
		dump_put(d, "-", 1);
		dump_put(d, rule->grp->pat, rule->grp->patlen);
		dump_eol(d);
	}
}

/*
 * Walk ref's rules against p's from the first: one that is p's next is
 * kept, any other is gone.  The kept ones are then p's first rules, the
 * rest of p's are appended.  Only a gone rule with no equal rule beside
 * it in ref can be named by '-' alone; else -1, and ref's rules all go.
 */
static ssize_t
rules_match(const struct policy *p, const struct policy *ref, bool *gone)
{
	const struct policy_rule *a = ruleidx_first(p->rules);
	const struct policy_rule *b;
	size_t	 i = 0, kept = 0;

	for (b = ruleidx_first(ref->rules); b != NULL;
	    b = ruleidx_next(ref->rules, b), i++) {
		if (a != NULL && same_rule(a->grp, b->grp)) {
			a = ruleidx_next(p->rules, a);
			kept++;
			continue;
		}
		if (b->grp->nrules > 1)
			return -1;
		gone[i] = true;
	}
	return (ssize_t)kept;
}

size_t
dump_rules_since(const struct policy *p, const struct policy *ref,
    struct dump *d)
{
	bool	*gone;
	ssize_t	 kept;

	if (ruleidx_count(ref->rules) == 0)
		return 0;
	if ((gone = calloc(ruleidx_count(ref->rules), sizeof(*gone))) ==
	    NULL) {
		d->err = ENOMEM;
		return 0;
	}
	kept = rules_match(p, ref, gone);
	rules_remove(ref, kept >= 0 ? gone : NULL, d);
	free(gone);
	return kept >= 0 ? (size_t)kept : 0;
}
