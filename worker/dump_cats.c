/*
 * sandbox/<cats>:<bool> and default/<cats>:<action> (docs/commands.md
 * 3.1, 3.2): the categories whose value differs from a fresh policy's,
 * in as few bytes as the command language allows.
 *
 * A line may name the aliases "all" (every path and network category)
 * and "net" (the four network ones), and a later line overrides an
 * earlier one.  So a plan is: an optional "all" line, an optional "net"
 * line, then one line per value listing the categories still wrong,
 * each in category order; a category whose value is that of the "all"
 * or "net" line is listed there instead when nothing after overrides
 * it.  Every choice of the two alias values is tried (at most ten times
 * ten plans of 39 categories) and the shortest plan is written.
 *
 * It is never longer than the lines that set the values: take for the
 * alias values those of the last line naming "all" and the last after it
 * naming "net"; every other category whose value differs was named by
 * the line that set it last, with the same value, and each line of the
 * plan is then no longer than one such line (the boolean words "1" and
 * "0" are the shortest).
 */
#include <string.h>

#include "worker/dump-int.h"
#include "worker/policy-ops.h"

#define ALIAS_CATS	(POLICY_CATS_PATH | POLICY_CATS_NET)
#define NVAL_MAX	POLICY_ACT_COUNT
/* A plan's lines: the "all" line, the "net" line, then one per value. */
#define L_ALL		0
#define L_NET		1
#define L_VAL(v)	(2 + (v))
#define NLINE		(2 + NVAL_MAX)

struct cats {
	const char	*cmd;			/* "sandbox/" or "default/" */
	int		 nval;
	uint8_t		 want[POLICY_CAT_COUNT];	/* p's */
	uint8_t		 init[POLICY_CAT_COUNT];	/* fresh */
	const char	*(*word)(int);
};

struct plan {
	int		 alias[2];	/* L_ALL, L_NET values; -1: none */
	/* Each category's line, or -1: right without one. */
	int8_t		 where[POLICY_CAT_COUNT];
	size_t		 cost;
};

static const char *
bool_word(int v)
{
	return v ? "1" : "0";
}

static const char *
act_word(int v)
{
	return policy_act_name(v);
}

/* Where category c goes once the alias lines have set what they set. */
static int
place(const struct cats *k, const int alias[2], int c)
{
	uint64_t bit = POLICY_CAT_BIT(c);
	int	 v = k->init[c];

	if (alias[L_ALL] >= 0 && (bit & ALIAS_CATS))
		v = alias[L_ALL];
	if (alias[L_NET] >= 0 && (bit & POLICY_CATS_NET))
		v = alias[L_NET];
	if (v == k->want[c])
		return -1;
	if (k->want[c] == alias[L_NET])
		return L_NET;
	/* Listed on the "all" line, c must not be one "net" overrides. */
	if (k->want[c] == alias[L_ALL] &&
	    (alias[L_NET] < 0 || !(bit & POLICY_CATS_NET)))
		return L_ALL;
	return L_VAL(k->want[c]);
}

static size_t
line_cost(const struct cats *k, int val, size_t items, size_t namebytes)
{
	/* cmd, the items and their commas, ':', the value, '\n' */
	return strlen(k->cmd) + namebytes + items - 1 + 1 +
	    strlen(k->word(val)) + 1;
}

static void
plan_make(const struct cats *k, int all, int net, struct plan *pl)
{
	size_t	 items[NLINE] = { 0 }, bytes[NLINE] = { 0 };
	int	 c, l;

	pl->alias[L_ALL] = all;
	pl->alias[L_NET] = net;
	pl->cost = 0;
	if (all >= 0) {
		items[L_ALL] = 1;
		bytes[L_ALL] = 3;
	}
	if (net >= 0) {
		items[L_NET] = 1;
		bytes[L_NET] = 3;
	}
	for (c = 0; c < POLICY_CAT_COUNT; c++) {
		if ((pl->where[c] = (int8_t)place(k, pl->alias, c)) < 0)
			continue;
		items[pl->where[c]]++;
		bytes[pl->where[c]] += strlen(policy_cat_name(c));
	}
	for (l = 0; l < NLINE; l++)
		if (items[l] > 0)
			pl->cost += line_cost(k, l < 2 ? pl->alias[l] : l - 2,
			    items[l], bytes[l]);
}

static void
plan_write(const struct cats *k, const struct plan *pl, struct dump *d)
{
	static const char *const alias[2] = { "all", "net" };
	int	 l, c, val, n;

	for (l = 0; l < NLINE; l++) {
		val = l < 2 ? pl->alias[l] : l - 2;
		if (val < 0 || val >= k->nval)
			continue;
		n = 0;
		if (l < 2) {
			dump_puts(d, k->cmd);
			dump_puts(d, alias[l]);
			n++;
		}
		for (c = 0; c < POLICY_CAT_COUNT; c++) {
			if (pl->where[c] != l)
				continue;
			dump_puts(d, n++ == 0 ? k->cmd : ",");
			dump_puts(d, policy_cat_name(c));
		}
		if (n == 0)
			continue;
		dump_put(d, ":", 1);
		dump_puts(d, k->word(val));
		dump_eol(d);
	}
}

static void
cats_write(const struct cats *k, struct dump *d)
{
	struct plan	 best, pl;
	int		 all, net;

	plan_make(k, -1, -1, &best);
	for (all = -1; all < k->nval; all++) {
		for (net = -1; net < k->nval; net++) {
			plan_make(k, all, net, &pl);
			if (pl.cost < best.cost)
				best = pl;
		}
	}
	plan_write(k, &best, d);
}

/* Against ref's values, or a fresh policy's when ref is NULL. */
void
dump_cats(const struct policy *p, const struct policy *ref, struct dump *d)
{
	struct cats	 k;
	uint64_t	 on = ref != NULL ? ref->on : POLICY_INIT_ON;
	int		 c;

	k = (struct cats){ "sandbox/", 2, { 0 }, { 0 }, bool_word };
	for (c = 0; c < POLICY_CAT_COUNT; c++) {
		k.want[c] = (p->on & POLICY_CAT_BIT(c)) != 0;
		k.init[c] = (on & POLICY_CAT_BIT(c)) != 0;
	}
	cats_write(&k, d);
	k = (struct cats){ "default/", POLICY_ACT_COUNT, { 0 }, { 0 },
	    act_word };
	for (c = 0; c < POLICY_CAT_COUNT; c++) {
		k.want[c] = p->def[c];
		k.init[c] = ref != NULL ? ref->def[c] : POLICY_INIT_ACT;
	}
	cats_write(&k, d);
}
