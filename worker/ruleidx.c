/*
 * The policy's rules (docs/commands.md 3.3) and their index: see
 * worker/ruleidx-t.h for the three lists every rule is on.
 *
 * Costs, n rules: adding or removing a rule is O(1) expected (two hash
 * lookups, a few links) plus O(len(pattern)) to hash and read it; '^'
 * is O(1) per rule removed; a freed slot is reused by the next rule, so
 * nothing ever moves or is compacted.  Memory is bounded per rule:
 * POLICY_INDEX_BYTES_PER_RULE beyond the pattern's own bytes
 * (ruleidx_bytes() counts it, a test holds it to that).
 *
 * Every limit and every allocation an add needs is checked or made
 * before the first rule is linked, so a refused add changes nothing.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "worker/ruleidx.h"

#define NONE	RULEIDX_NONE

/* Mixed into a key's hash so that equal bytes of two kinds part ways. */
#define MIX	UINT64_C(0x9e3779b97f4a7c15)

/*
 * One key for every index of the process, drawn at the first index:
 * the worker makes its policy before its seccomp filter, which refuses
 * getrandom, and later indexes (a reset in a transaction, compaction's
 * copies) take the same key.  Without the kernel's randomness the tables
 * still work, only a client that can guess the clock could lengthen
 * their chains.
 */
static void
ruleidx_key(uint64_t key[2])
{
	static uint64_t	 k[2];
	static bool	 have;
	struct timespec	 ts;

	if (!have) {
		if (getrandom(k, sizeof(k), 0) != sizeof(k)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			k[0] = (uint64_t)ts.tv_nsec * MIX ^ (uint64_t)getpid();
			k[1] = (uint64_t)(uintptr_t)k * MIX ^
			    (uint64_t)ts.tv_sec;
		}
		have = true;
	}
	key[0] = k[0];
	key[1] = k[1];
}

struct ruleidx *
ruleidx_new(void)
{
	struct ruleidx	*x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->first = x->last = x->freeslot = NONE;
	ruleidx_key(x->key);
	return x;
}

static void	txn_free(struct ruleidx *);

void
ruleidx_clear(struct ruleidx *x)
{
	struct htab_entry *e, *next;
	uint64_t key[2];

	for (e = htab_take_all(&x->groups); e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	for (e = htab_take_all(&x->nodes); e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	htab_free(&x->groups);
	htab_free(&x->nodes);
	free(x->slot);
	txn_free(x);
	memcpy(key, x->key, sizeof(key));
	memset(x, 0, sizeof(*x));
	memcpy(x->key, key, sizeof(key));
	x->first = x->last = x->freeslot = NONE;
}

void
ruleidx_free(struct ruleidx *x)
{
	if (x == NULL)
		return;
	ruleidx_clear(x);
	free(x);
}

/* The transaction's own arrays (ruleidx_clear keeps them). */
static void
txn_free(struct ruleidx *x)
{
	free(x->kept);
	free(x->zombies);
	x->kept = NULL;
	x->zombies = NULL;
	x->nkept = x->capkept = x->nzombie = x->capzombie = 0;
	x->txn = false;
}

size_t
ruleidx_count(const struct ruleidx *x)
{
	return x->n;
}

int
ruleidx_max_act(const struct ruleidx *x, enum policy_cat cat)
{
	int	 a;

	for (a = POLICY_ACT_COUNT - 1; a >= 0; a--)
		if (x->nact[cat][a] > 0)
			return a;
	return -1;
}

size_t
ruleidx_bytes(const struct ruleidx *x)
{
	return x->bytes + (size_t)x->capslot * sizeof(*x->slot) +
	    htab_bytes(&x->groups) + htab_bytes(&x->nodes);
}

/* Insertion order. */

static const struct policy_rule *
rule_at(const struct ruleidx *x, uint32_t id)
{
	return id == NONE ? NULL : &x->slot[id];
}

const struct policy_rule *
ruleidx_first(const struct ruleidx *x)
{
	return rule_at(x, x->first);
}

const struct policy_rule *
ruleidx_last(const struct ruleidx *x)
{
	return rule_at(x, x->last);
}

const struct policy_rule *
ruleidx_next(const struct ruleidx *x, const struct policy_rule *r)
{
	return rule_at(x, r->next);
}

const struct policy_rule *
ruleidx_prev(const struct ruleidx *x, const struct policy_rule *r)
{
	return rule_at(x, r->prev);
}

/* Keys and hashes. */

void
ruleidx_hash_init(const struct ruleidx *x, struct siphash *h)
{
	siphash_init(h, x->key);
}

void
ruleidx_netkey(uint8_t key[RULEIDX_NETKEY], const struct netaddr *a,
    unsigned plen)
{
	unsigned	i;

	memset(key, 0, RULEIDX_NETKEY);
	key[0] = a->family;
	key[1] = (uint8_t)plen;
	for (i = 0; i < plen / 8; i++)
		key[2 + i] = a->addr[i];
	if (plen % 8 != 0)
		key[2 + i] = a->addr[i] & (uint8_t)(0xff << (8 - plen % 8));
}

/* net/bind and net/connect, by family: the row of netlen and netbits. */
static int
netrow(enum policy_cat cat, uint8_t family, int *fam)
{
	*fam = family == AF_INET ? 0 : 1;
	if (cat == POLICY_CAT_NET_BIND)
		return 0;
	if (cat == POLICY_CAT_NET_CONNECT)
		return 1;
	return -1;
}

const uint64_t *
ruleidx_netlens(const struct ruleidx *x, enum policy_cat cat,
    const struct netaddr *a)
{
	static const uint64_t none[3];
	int	 row, fam;

	if ((row = netrow(cat, a->family, &fam)) < 0)
		return none;
	return x->netbits[row][fam];
}

static uint64_t
node_hash(uint64_t h, enum policy_cat cat, enum ruleidx_tag tag)
{
	return h ^ ((uint64_t)(cat * 4 + tag + 1) * MIX);
}

static uint64_t
group_hash(uint64_t h, uint8_t cat, uint8_t act)
{
	return h ^ ((uint64_t)(cat * POLICY_ACT_COUNT + act + 1) * MIX * MIX);
}

/* Where a rule of this group goes: its node's tag and key. */
static enum ruleidx_tag
group_key(const struct policy_group *g, uint8_t buf[RULEIDX_NETKEY],
    const void **key, size_t *keylen)
{
	switch (g->kind) {
	case POLICY_PAT_NET:
		ruleidx_netkey(buf, &g->net, g->net.prefix);
		*key = buf;
		*keylen = RULEIDX_NETKEY;
		return RULEIDX_NET;
	case POLICY_PAT_NETLINK:
		*key = g->pat;
		*keylen = g->patlen;
		return RULEIDX_NETLINK;
	}
	*key = g->pat;
	if (g->glob.shape == GLOB_LITERAL) {
		*keylen = g->patlen;
		return RULEIDX_EXACT;
	}
	*keylen = g->glob.key;
	return RULEIDX_GLOB;
}

const struct policy_node *
ruleidx_node(const struct ruleidx *x, enum policy_cat cat,
    enum ruleidx_tag tag, const void *key, size_t keylen, uint64_t keyhash)
{
	const struct htab_entry *e;
	const struct policy_node *nd;
	uint8_t		 buf[RULEIDX_NETKEY];
	const void	*k;
	size_t		 klen;
	uint64_t	 h = node_hash(keyhash, cat, tag);

	for (e = htab_chain(&x->nodes, h); e != NULL; e = e->next) {
		nd = (const struct policy_node *)e;
		if (e->hash != h || nd->cat != cat || nd->tag != tag ||
		    nd->keylen != keylen)
			continue;
		group_key(nd->keyg, buf, &k, &klen);
		if (memcmp(k, key, keylen) == 0)
			return nd;
	}
	return NULL;
}

const struct policy_rule *
ruleidx_node_newest(const struct ruleidx *x, const struct policy_node *nd)
{
	return rule_at(x, nd->newest);
}

const struct policy_rule *
ruleidx_node_older(const struct ruleidx *x, const struct policy_rule *r)
{
	return rule_at(x, r->nprev);
}

/* The group equal to spec s (hash h), or NULL. */
static struct policy_group *
group_find(const struct ruleidx *x, const struct policy_rulespec *s,
    uint64_t h)
{
	struct htab_entry *e;
	struct policy_group *g;

	for (e = htab_chain(&x->groups, h); e != NULL; e = e->next) {
		g = (struct policy_group *)e;
		if (e->hash == h && g->cat == s->cat && g->act == s->act &&
		    g->patlen == s->patlen &&
		    memcmp(g->pat, s->pat, s->patlen) == 0)
			return g;
	}
	return NULL;
}

static uint64_t
spec_hash(const struct ruleidx *x, const struct policy_rulespec *s)
{
	return group_hash(siphash(x->key, s->pat, s->patlen), s->cat, s->act);
}

static struct policy_group *
group_new(struct ruleidx *x, const struct policy_rulespec *s, uint64_t h)
{
	struct policy_group *g;

	if ((g = malloc(sizeof(*g) + s->patlen + 1)) == NULL)
		return NULL;
	memset(g, 0, sizeof(*g));
	g->he.hash = h;
	g->newest = NONE;
	g->act = s->act;
	g->cat = s->cat;
	g->kind = s->kind;
	if (s->kind == POLICY_PAT_PATH || s->kind == POLICY_PAT_ABSTRACT)
		glob_analyze(s->pat, s->patlen, &g->glob);
	g->net = s->net;
	g->patlen = (uint32_t)s->patlen;
	memcpy(g->pat, s->pat, s->patlen);
	g->pat[s->patlen] = '\0';
	htab_insert(&x->groups, &g->he);
	x->bytes += sizeof(*g) + s->patlen + 1;
	return g;
}

static void
group_drop(struct ruleidx *x, struct policy_group *g)
{
	htab_remove(&x->groups, &g->he);
	x->bytes -= sizeof(*g) + g->patlen + 1;
	free(g);
}

static void
netlen_count(struct ruleidx *x, const struct policy_node *nd, int delta)
{
	const struct netaddr *a = &nd->keyg->net;
	int	 row, fam;

	if (nd->tag != RULEIDX_NET ||
	    (row = netrow(nd->cat, a->family, &fam)) < 0)
		return;
	x->netlen[row][fam][a->prefix] += (uint32_t)delta;
	if (x->netlen[row][fam][a->prefix] > 0)
		x->netbits[row][fam][a->prefix / 64] |=
		    UINT64_C(1) << (a->prefix % 64);
	else
		x->netbits[row][fam][a->prefix / 64] &=
		    ~(UINT64_C(1) << (a->prefix % 64));
}

/* The node where g's rules go, made if new (*made set), NULL on ENOMEM. */
static struct policy_node *
node_get(struct ruleidx *x, const struct policy_group *g, bool *made)
{
	struct policy_node *nd;
	uint8_t		 buf[RULEIDX_NETKEY];
	const void	*key;
	size_t		 keylen;
	enum ruleidx_tag tag;
	uint64_t	 h;

	tag = group_key(g, buf, &key, &keylen);
	h = siphash(x->key, key, keylen);
	*made = false;
	nd = (struct policy_node *)ruleidx_node(x, g->cat, tag, key, keylen,
	    h);
	if (nd != NULL)
		return nd;
	if ((nd = calloc(1, sizeof(*nd))) == NULL)
		return NULL;
	nd->he.hash = node_hash(h, g->cat, tag);
	nd->keyg = g;
	nd->newest = NONE;
	nd->keylen = (uint16_t)keylen;
	nd->cat = g->cat;
	nd->tag = (uint8_t)tag;
	htab_insert(&x->nodes, &nd->he);
	x->bytes += sizeof(*nd);
	netlen_count(x, nd, 1);
	*made = true;
	return nd;
}

static void
node_drop(struct ruleidx *x, struct policy_node *nd)
{
	netlen_count(x, nd, -1);
	htab_remove(&x->nodes, &nd->he);
	x->bytes -= sizeof(*nd);
	free(nd);
}

/* Room for n more slots than there are free ones. */
static int
slots_reserve(struct ruleidx *x, size_t n)
{
	struct policy_rule *v;
	size_t	 nfree = x->nslot - x->n, want, cap;

	if (n <= nfree)
		return 0;
	want = x->nslot + (n - nfree);
	if (want <= x->capslot)
		return 0;
	if (want > POLICY_RULES_MAX)
		return ENOMEM;
	cap = x->capslot < 16 ? 16 : x->capslot;
	while (cap < want)
		cap *= 2;
	if (cap > POLICY_RULES_MAX)
		cap = POLICY_RULES_MAX;
	if ((v = reallocarray(x->slot, cap, sizeof(*v))) == NULL)
		return ENOMEM;
	x->slot = v;
	x->capslot = (uint32_t)cap;
	return 0;
}

static uint32_t
slot_take(struct ruleidx *x)
{
	uint32_t id;

	if ((id = x->freeslot) != NONE)
		x->freeslot = x->slot[id].next;
	else
		id = x->nslot++;
	return id;
}

/* Make r (a new slot, id) the newest rule everywhere. */
static void
rule_link(struct ruleidx *x, uint32_t id, struct policy_group *g,
    struct policy_node *nd)
{
	struct policy_rule *r = &x->slot[id];

	r->grp = g;
	r->node = nd;
	r->seq = ++x->seq;
	r->prev = x->last;
	r->next = NONE;
	if (x->last != NONE)
		x->slot[x->last].next = id;
	else
		x->first = id;
	x->last = id;
	r->golder = g->newest;
	g->newest = id;
	g->nrules++;
	r->nprev = nd->newest;
	r->nnext = NONE;
	if (nd->newest != NONE)
		x->slot[nd->newest].nnext = id;
	nd->newest = id;
	nd->nrules++;
	x->nact[g->cat][g->act]++;
	x->words[g->cat] += g->glob.words;
	x->patbytes += g->patlen;
	x->n++;
}

/* Grow a transaction's array by one: fatal past memory, as a link is. */
static void *
txn_grow(void *v, size_t *cap, size_t n, size_t sz)
{
	size_t	 ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 64;
	if ((v = reallocarray(v, ncap, sz)) == NULL)
		fatal("op=ruleidx why=\"transaction record\"");
	*cap = ncap;
	return v;
}

/*
 * A rule older than the transaction was removed: remember it, and keep
 * its group alive (group_empty) until the transaction ends.  At most one
 * record per rule removed, so a batch's records are bounded by its
 * commands (a '^' of many equal rules shares their one group).
 */
static void
txn_keep(struct ruleidx *x, uint64_t seq, struct policy_group *g)
{
	x->kept = txn_grow(x->kept, &x->capkept, x->nkept,
	    sizeof(*x->kept));
	x->kept[x->nkept++] = (struct ruleidx_kept){ seq, g };
}

/* Listed once, however often it empties and fills again. */
static void
txn_zombie(struct ruleidx *x, struct htab_entry *he, uint8_t *flag,
    uint8_t node)
{
	if (*flag)
		return;
	*flag = 1;
	x->zombies = txn_grow(x->zombies, &x->capzombie, x->nzombie,
	    sizeof(*x->zombies));
	x->zombies[x->nzombie++] = (struct ruleidx_zombie){ he, node };
}

/* An empty group goes, unless a transaction may still need it. */
static void
group_empty(struct ruleidx *x, struct policy_group *g)
{
	if (x->txn)
		txn_zombie(x, &g->he, &g->zombie, 0);
	else
		group_drop(x, g);
}

static void
node_empty(struct ruleidx *x, struct policy_node *nd)
{
	if (x->txn)
		txn_zombie(x, &nd->he, &nd->zombie, 1);
	else
		node_drop(x, nd);
}

/* Remove rule id, the newest of its group, from everything. */
static void
rule_unlink(struct ruleidx *x, uint32_t id)
{
	struct policy_rule *r = &x->slot[id];
	struct policy_group *g = r->grp;
	struct policy_node *nd = r->node;

	if (r->prev != NONE)
		x->slot[r->prev].next = r->next;
	else
		x->first = r->next;
	if (r->next != NONE)
		x->slot[r->next].prev = r->prev;
	else
		x->last = r->prev;
	if (r->nprev != NONE)
		x->slot[r->nprev].nnext = r->nnext;
	if (r->nnext != NONE)
		x->slot[r->nnext].nprev = r->nprev;
	else
		nd->newest = r->nprev;
	nd->nrules--;
	g->newest = r->golder;
	g->nrules--;
	x->nact[g->cat][g->act]--;
	x->words[g->cat] -= g->glob.words;
	x->patbytes -= g->patlen;
	x->n--;
	if (x->txn && r->seq <= x->txn_seq)
		txn_keep(x, r->seq, g);
	/* The node goes first: its key is still spelled by g. */
	if (nd->nrules == 0)
		node_empty(x, nd);
	else if (nd->keyg == g && g->nrules == 0)
		nd->keyg = x->slot[nd->newest].grp;
	if (g->nrules == 0)
		group_empty(x, g);
	r->grp = NULL;
	r->node = NULL;
	r->next = x->freeslot;
	x->freeslot = id;
}

/* Checks that need no change: 0, EINVAL or ENOMEM. */
static int
add_check(const struct ruleidx *x, const struct policy_rulespec *s,
    size_t n)
{
	struct glob_info gi;
	uint32_t	 words[POLICY_CAT_COUNT] = { 0 };
	size_t		 i, bytes = 0;

	if (n > POLICY_EXPAND_MAX)
		return EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i].patlen > PATTERN_MAX || s[i].cat >= POLICY_CAT_COUNT ||
		    s[i].act >= POLICY_ACT_COUNT)
			return EINVAL;
		bytes += s[i].patlen;
		if (s[i].kind == POLICY_PAT_PATH ||
		    s[i].kind == POLICY_PAT_ABSTRACT) {
			glob_analyze(s[i].pat, s[i].patlen, &gi);
			words[s[i].cat] += gi.words;
		}
	}
	if (n > POLICY_RULES_MAX - x->n ||
	    bytes > POLICY_PATTERN_BYTES_MAX - x->patbytes)
		return ENOMEM;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		if (words[i] > POLICY_GLOB_WORDS_MAX - x->words[i])
			return ENOMEM;
	return 0;
}

int
ruleidx_add(struct ruleidx *x, const struct policy_rulespec *s, size_t n)
{
	struct policy_group *g[POLICY_EXPAND_MAX];
	struct policy_node *nd[POLICY_EXPAND_MAX];
	bool		 newg[POLICY_EXPAND_MAX], newn[POLICY_EXPAND_MAX];
	uint64_t	 h;
	size_t		 i;
	int		 err;

	if ((err = add_check(x, s, n)) != 0)
		return err;
	if ((err = slots_reserve(x, n)) != 0 ||
	    (err = htab_reserve(&x->groups, n)) != 0 ||
	    (err = htab_reserve(&x->nodes, n)) != 0)
		return err;
	/* Groups and nodes first, empty: undone if one allocation fails. */
	for (i = 0; i < n; i++) {
		h = spec_hash(x, &s[i]);
		newg[i] = newn[i] = false;
		if ((g[i] = group_find(x, &s[i], h)) == NULL) {
			if ((g[i] = group_new(x, &s[i], h)) == NULL)
				break;
			newg[i] = true;
		}
		if ((nd[i] = node_get(x, g[i], &newn[i])) == NULL) {
			if (newg[i])
				group_drop(x, g[i]);
			break;
		}
	}
	if (i < n) {
		while (i-- > 0) {
			if (newn[i])
				node_drop(x, nd[i]);
			if (newg[i])
				group_drop(x, g[i]);
		}
		return ENOMEM;
	}
	/* Nothing can fail from here on. */
	for (i = 0; i < n; i++)
		rule_link(x, slot_take(x), g[i], nd[i]);
	return 0;
}

size_t
ruleidx_remove_last(struct ruleidx *x, const struct policy_rulespec *s,
    size_t n)
{
	struct policy_group *g;
	size_t	 i, removed = 0;

	for (i = 0; i < n; i++) {
		/* An empty group is one a transaction keeps: no rule. */
		if ((g = group_find(x, &s[i], spec_hash(x, &s[i]))) == NULL ||
		    g->nrules == 0)
			continue;
		rule_unlink(x, g->newest);
		removed++;
	}
	return removed;
}

size_t
ruleidx_remove_all(struct ruleidx *x, const struct policy_rulespec *s,
    size_t n)
{
	struct policy_group *g;
	size_t	 i, removed = 0;
	bool	 last;

	for (i = 0; i < n; i++) {
		if ((g = group_find(x, &s[i], spec_hash(x, &s[i]))) == NULL ||
		    g->nrules == 0)
			continue;
		/* The last unlink frees g (or keeps it, in a transaction). */
		do {
			last = g->nrules == 1;
			rule_unlink(x, g->newest);
			removed++;
		} while (!last);
	}
	return removed;
}

/* Transactions. */

void
ruleidx_txn_begin(struct ruleidx *x)
{
	x->txn = true;
	x->txn_seq = x->seq;
	x->nkept = x->nzombie = 0;
}

/* The end of a transaction either way: free what it kept empty. */
static void
txn_end(struct ruleidx *x)
{
	struct policy_group *g;
	struct policy_node *nd;
	size_t	 i;

	x->txn = false;
	/* Nodes first: an empty node's key is still spelled by its group. */
	for (i = 0; i < x->nzombie; i++) {
		if (!x->zombies[i].node)
			continue;
		nd = (struct policy_node *)x->zombies[i].he;
		nd->zombie = 0;
		if (nd->nrules == 0)
			node_drop(x, nd);
	}
	for (i = 0; i < x->nzombie; i++) {
		if (x->zombies[i].node)
			continue;
		g = (struct policy_group *)x->zombies[i].he;
		g->zombie = 0;
		if (g->nrules == 0)
			group_drop(x, g);
	}
	x->nkept = x->nzombie = 0;
}

void
ruleidx_txn_commit(struct ruleidx *x)
{
	if (x->txn)
		txn_end(x);
}

static int
kept_cmp(const void *a, const void *b)
{
	uint64_t sa = ((const struct ruleidx_kept *)a)->seq;
	uint64_t sb = ((const struct ruleidx_kept *)b)->seq;

	return (sa > sb) - (sa < sb);
}

/* The spec of a group, for ruleidx_add. */
static void
group_spec(const struct policy_group *g, struct policy_rulespec *s)
{
	s->pat = g->pat;
	s->patlen = g->patlen;
	s->act = g->act;
	s->cat = g->cat;
	s->kind = g->kind;
	s->net = g->net;
}

/*
 * The rules as they were at begin are those still here that are older
 * than it, and those it removed, in the order of their seq: added again,
 * in that order, to a fresh index.  Rare (a journal that failed), so the
 * whole index is rebuilt: O(rules) and no finer bookkeeping to get wrong.
 */
int
ruleidx_txn_rollback(struct ruleidx *x)
{
	struct policy_rulespec spec;
	struct ruleidx	*y;
	const struct policy_rule *r;
	size_t		 k = 0;
	int		 err = 0;

	if (!x->txn)
		return 0;
	if (x->nkept > 0)
		qsort(x->kept, x->nkept, sizeof(*x->kept), kept_cmp);
	if ((y = calloc(1, sizeof(*y))) == NULL)
		err = ENOMEM;
	else {
		y->first = y->last = y->freeslot = NONE;
		memcpy(y->key, x->key, sizeof(y->key));
	}
	r = ruleidx_first(x);
	while (err == 0 && (r != NULL || k < x->nkept)) {
		if (r != NULL && r->seq > x->txn_seq) {
			r = ruleidx_next(x, r);
			continue;
		}
		if (k < x->nkept && (r == NULL || x->kept[k].seq < r->seq))
			group_spec(x->kept[k++].grp, &spec);
		else {
			group_spec(r->grp, &spec);
			r = ruleidx_next(x, r);
		}
		err = ruleidx_add(y, &spec, 1);
	}
	/* Everything of x goes, the groups kept for it included. */
	ruleidx_clear(x);
	if (err != 0) {
		ruleidx_free(y);
		return err;
	}
	*x = *y;
	free(y);
	return 0;
}
