/*
 * Network runs of a dump (net/bind, net/connect with ADDR!PORTS, see
 * worker/dump-rules.h): a run from rule i is its CIDR alone, or an alias
 * holding its CIDR, for its category or for it and the other network
 * category (only net/bind and net/connect take addresses), with what is
 * missing of the alias removed by lines of sub-aliases or single CIDRs.
 * Addresses and ports are written in their shortest form
 * (netaddr_cidr_short()), never longer than the command's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker/dump-rules.h"
#include "worker/policy-ops.h"

/* What every rule of a run shares with its first. */
struct run {
	const struct policy_group *g;
	uint8_t		 cat[2];	/* the first rule's, then the other */
	size_t		 actlen;
	char		 ports[16];	/* "!LO" or "!LO-HI" */
	size_t		 portlen;
};

/* The removals of a run: lines for both categories, the first, the second. */
struct holeplan {
	uint8_t		 mask[3];
	uint8_t		 lines[3];
};

static int
popcount(unsigned v)
{
	return __builtin_popcount(v);
}

/*
 * The ways to remove CIDRs of alias a: each alias of several CIDRs that
 * all are a's (a itself too), and each CIDR alone, in its shortest text
 * (which is the name of an alias of that one CIDR when shorter).
 */
static void
alias_rms(struct dump_alias *a, const struct dump_alias *all, size_t nall)
{
	size_t	 b, k, q;
	uint8_t	 mask;

	a->nrm = 0;
	for (b = 0; b < nall; b++) {
		if (all[b].n < 2)
			continue;
		for (k = 0, mask = 0; k < (size_t)all[b].n; k++)
			for (q = 0; q < (size_t)a->n; q++)
				if (netaddr_same_cidr(&all[b].cidr[k],
				    &a->cidr[q]))
					mask |= (uint8_t)(1 << q);
		if (popcount(mask) == all[b].n)
			a->rm[a->nrm++] = (struct dump_rm){ mask,
			    (uint8_t)all[b].namelen, (int8_t)b, 0 };
	}
	for (q = 0; q < (size_t)a->n; q++)
		a->rm[a->nrm++] = (struct dump_rm){ (uint8_t)(1 << q),
		    a->cidrlen[q], -1, (uint8_t)q };
}

/*
 * cost[mask][l]: the fewest text bytes removing exactly mask's positions
 * in l lines.  The line that removes mask's lowest position is chosen
 * first, so each partition is counted once.
 */
static void
alias_costs(struct dump_alias *a)
{
	unsigned mask, rest, low, l;
	size_t	 k;
	int	 v;

	memset(a->cost, DUMP_NOCOST, sizeof(a->cost));
	a->cost[0][0] = 0;
	for (mask = 1; mask < (1u << a->n); mask++) {
		low = mask & -mask;
		for (k = 0; k < a->nrm; k++) {
			if (!(a->rm[k].mask & low) || (a->rm[k].mask & ~mask))
				continue;
			rest = mask & ~(unsigned)a->rm[k].mask;
			for (l = 1; l <= (unsigned)a->n; l++) {
				if (a->cost[rest][l - 1] == DUMP_NOCOST)
					continue;
				v = a->cost[rest][l - 1] + a->rm[k].len;
				if (v < a->cost[mask][l]) {
					a->cost[mask][l] = (uint8_t)v;
					a->first[mask][l] = (uint8_t)k;
				}
			}
		}
	}
}

int
dump_net_init(struct dump_rules *r)
{
	struct dump_alias *a;
	char	 text[NETADDR_STRLEN];
	size_t	 i, q;

	if ((r->alias = calloc(DUMP_ALIAS_MAX, sizeof(*r->alias))) == NULL)
		return -1;
	/* An alias past DUMP_ALIAS_MAX would only go unused: still right. */
	for (i = 0; i < DUMP_ALIAS_MAX; i++) {
		a = &r->alias[i];
		if ((a->n = netaddr_alias(i, &a->name, a->cidr)) == 0)
			break;
		a->namelen = strlen(a->name);
		for (q = 0; q < (size_t)a->n; q++)
			a->cidrlen[q] = (uint8_t)netaddr_cidr_short(&a->cidr[q],
			    text);
	}
	r->nalias = i;
	for (i = 0; i < r->nalias; i++) {
		if (r->alias[i].n < 2)
			continue;
		alias_rms(&r->alias[i], r->alias, r->nalias);
		alias_costs(&r->alias[i]);
	}
	return 0;
}

static void
run_init(struct run *u, const struct policy_group *g)
{
	u->g = g;
	u->cat[0] = g->cat;
	u->cat[1] = g->cat == POLICY_CAT_NET_BIND ? POLICY_CAT_NET_CONNECT :
	    POLICY_CAT_NET_BIND;
	u->actlen = strlen(policy_act_name(g->act));
	if (g->net.port_lo == g->net.port_hi)
		u->portlen = (size_t)snprintf(u->ports, sizeof(u->ports),
		    "!%u", (unsigned)g->net.port_lo);
	else
		u->portlen = (size_t)snprintf(u->ports, sizeof(u->ports),
		    "!%u-%u", (unsigned)g->net.port_lo,
		    (unsigned)g->net.port_hi);
}

/* Is g the rule of run u for category cat and CIDR c? */
static bool
run_has(const struct run *u, const struct policy_group *g, uint8_t cat,
    const struct netaddr *c)
{
	return g->kind == POLICY_PAT_NET && g->act == u->g->act &&
	    g->cat == cat && netaddr_same_cidr(&g->net, c) &&
	    g->net.port_lo == u->g->net.port_lo &&
	    g->net.port_hi == u->g->net.port_hi;
}

/* The categories of line k of a holeplan: both, the first, the second. */
static const uint8_t *
rm_cats(const struct run *u, size_t k, size_t *ncat)
{
	*ncat = k == 0 ? 2 : 1;
	return k == 0 ? u->cat : &u->cat[k - 1];
}

/* Bytes of a line for cats besides its address text. */
static size_t
line_cost(const struct run *u, const uint8_t *cats, size_t ncat)
{
	/* action, '/', the list, '+' or '-', the ports, '\n' */
	return u->actlen + 1 + dump_rules_catlen(cats, ncat) + 1 +
	    u->portlen + 1;
}

/* Lines removing mask of alias a, each costing over bytes besides text. */
static uint64_t
cover(const struct dump_alias *a, unsigned mask, size_t over,
    uint8_t *lines)
{
	uint64_t best = UINT64_MAX, v;
	unsigned l;

	*lines = 0;
	if (mask == 0)
		return 0;
	for (l = 1; l <= (unsigned)a->n; l++) {
		if (a->cost[mask][l] == DUMP_NOCOST)
			continue;
		v = (uint64_t)l * over + a->cost[mask][l];
		if (v < best) {
			best = v;
			*lines = (uint8_t)l;
		}
	}
	return best;
}

static uint64_t
plan_cost(const struct run *u, const struct dump_alias *a,
    struct holeplan *hp)
{
	const uint8_t	*cats;
	uint64_t	 cost = 0;
	size_t		 k, ncat;

	for (k = 0; k < 3; k++) {
		cats = rm_cats(u, k, &ncat);
		cost += cover(a, hp->mask[k], line_cost(u, cats, ncat),
		    &hp->lines[k]);
	}
	return cost;
}

/*
 * The removals of a run's holes: per category, or what both categories
 * miss in lines naming both and the rest per category.
 */
static uint64_t
holes_plan(const struct run *u, const struct dump_alias *a,
    const struct dump_seg *s, struct holeplan *hp)
{
	struct holeplan	 alt;
	uint64_t	 cost, altcost;
	uint8_t		 both = s->holes[0] & s->holes[1];

	*hp = (struct holeplan){ { 0, s->holes[0], s->holes[1] }, { 0 } };
	cost = plan_cost(u, a, hp);
	if (s->ncat < 2 || both == 0)
		return cost;
	alt = (struct holeplan){ { both, s->holes[0] & ~both,
	    s->holes[1] & ~both }, { 0 } };
	if ((altcost = plan_cost(u, a, &alt)) >= cost)
		return cost;
	*hp = alt;
	return altcost;
}

/* The run of rule i's CIDR alone, for one category or both. */
static void
offer_cidr(struct dump_rules *r, size_t i, const struct run *u)
{
	struct dump_seg	 cand = { 0, (uint32_t)(i + 1), -1, 1, { 0, 0 } };
	char		 text[NETADDR_STRLEN];
	size_t		 len = netaddr_cidr_short(&u->g->net, text);

	dump_rules_offer(r, i, &cand, line_cost(u, u->cat, 1) + len);
	if (i + 1 < r->n && run_has(u, r->g[i + 1], u->cat[1], &u->g->net)) {
		cand.end = (uint32_t)(i + 2);
		cand.ncat = 2;
		dump_rules_offer(r, i, &cand, line_cost(u, u->cat, 2) + len);
	}
}

/*
 * Runs of alias ai, whose position p is rule i's CIDR: walk the alias's
 * rules, categories outer; the rules that follow i in the policy take
 * their places in order, and every place left out is a hole.  Each
 * rule taken ends a run; with two categories, only once in the second.
 * A replay holds the holes until their removal, so they must fit.
 */
static void
offer_alias(struct dump_rules *r, size_t i, const struct run *u, size_t ai,
    unsigned p)
{
	const struct dump_alias *a = &r->alias[ai];
	struct dump_seg	 cand;
	struct holeplan	 hp;
	unsigned	 full = (1u << a->n) - 1, ncat, k, c, q;
	uint8_t		 got[2];
	size_t		 j;

	for (ncat = 1; ncat <= 2; ncat++) {
		got[0] = got[1] = 0;
		for (k = p, j = i; k < ncat * (unsigned)a->n && j < r->n;
		    k++) {
			c = k / (unsigned)a->n;
			q = k % (unsigned)a->n;
			if (!run_has(u, r->g[j], u->cat[c], &a->cidr[q]))
				continue;
			got[c] |= (uint8_t)(1 << q);
			j++;
			if (c + 1 < ncat)
				continue;
			cand = (struct dump_seg){ 0, (uint32_t)j, (int8_t)ai,
			    (uint8_t)ncat, { (uint8_t)(full & ~got[0]),
			    (uint8_t)(ncat == 2 ? full & ~got[1] : 0) } };
			if ((size_t)(popcount(cand.holes[0]) +
			    popcount(cand.holes[1])) > r->room)
				continue;
			dump_rules_offer(r, i, &cand, line_cost(u, u->cat,
			    ncat) + a->namelen + holes_plan(u, a, &cand, &hp));
		}
	}
}

void
dump_net_offer(struct dump_rules *r, size_t i)
{
	struct run	 u;
	size_t		 ai;
	unsigned	 p;

	run_init(&u, r->g[i]);
	offer_cidr(r, i, &u);
	for (ai = 0; ai < r->nalias; ai++) {
		if (r->alias[ai].n < 2)
			continue;
		for (p = 0; p < (unsigned)r->alias[ai].n; p++) {
			if (netaddr_same_cidr(&r->alias[ai].cidr[p],
			    &u.g->net)) {
				offer_alias(r, i, &u, ai, p);
				break;
			}
		}
	}
}

/* "act/cats" and the operator: the start of every line of a run. */
static void
line_start(struct dump *d, const struct run *u, const uint8_t *cats,
    size_t ncat, char op)
{
	size_t	 k;

	dump_puts(d, policy_act_name(u->g->act));
	for (k = 0; k < ncat; k++) {
		dump_puts(d, k == 0 ? "/" : ",");
		dump_puts(d, policy_cat_name(cats[k]));
	}
	dump_put(d, &op, 1);
}

/* The lines of a holeplan's part k, removing mask in lines lines. */
static void
holes_write(const struct dump_rules *r, const struct run *u,
    const struct dump_alias *a, size_t k, unsigned mask, unsigned lines,
    struct dump *d)
{
	const struct dump_rm *rm;
	const uint8_t	*cats;
	char		 text[NETADDR_STRLEN];
	size_t		 ncat;

	cats = rm_cats(u, k, &ncat);
	while (mask != 0 && lines > 0) {
		rm = &a->rm[a->first[mask][lines]];
		line_start(d, u, cats, ncat, '-');
		if (rm->alias >= 0)
			dump_puts(d, r->alias[rm->alias].name);
		else
			dump_put(d, text, netaddr_cidr_short(&a->cidr[rm->pos],
			    text));
		dump_put(d, u->ports, u->portlen);
		dump_eol(d);
		mask &= ~(unsigned)rm->mask;
		lines--;
	}
}

void
dump_net_write(const struct dump_rules *r, size_t i, struct dump *d)
{
	const struct dump_seg *s = &r->seg[i];
	const struct dump_alias *a;
	struct holeplan	 hp;
	struct run	 u;
	char		 text[NETADDR_STRLEN];
	size_t		 k;

	run_init(&u, r->g[i]);
	line_start(d, &u, u.cat, s->ncat, '+');
	if (s->alias < 0) {
		dump_put(d, text, netaddr_cidr_short(&u.g->net, text));
		dump_put(d, u.ports, u.portlen);
		dump_eol(d);
		return;
	}
	a = &r->alias[s->alias];
	dump_puts(d, a->name);
	dump_put(d, u.ports, u.portlen);
	dump_eol(d);
	holes_plan(&u, a, s, &hp);
	for (k = 0; k < 3; k++)
		holes_write(r, &u, a, k, hp.mask[k], hp.lines[k], d);
}
