/*
 * The decision (docs/commands.md 3.3): the last-added rule of the
 * category whose pattern matches, else the category's default; a
 * category that is off allows.
 *
 * Only rules that can match are read.  A target names the few nodes of
 * the rule index (worker/ruleidx-t.h) its matching rules can be filed
 * under:
 *
 *	a path or socket name	every prefix of it that ends in '/', the
 *				whole of it (literal rules), and it with a
 *				'/' added (a directory's '/' '***' rule);
 *	ADDR!PORT		its network at every prefix length that
 *				rules of its family use;
 *	a netlink family	its name, and "all".
 *
 * Each node lists its rules oldest to newest; the nodes are merged
 * newest first through a small heap ordered by the rules' sequence
 * numbers, and the first rule that matches decides.  A path's prefixes
 * are hashed in one pass (siphash_update() up to each '/').
 */
#include <errno.h>
#include <string.h>

#include "common/limits.h"
#include "worker/decide.h"
#include "worker/parse.h"
#include "worker/policy-ops.h"
#include "worker/ruleidx.h"

/* The nodes of a path target: its '/'s, the whole, the directory. */
#define CAND_MAX	(TARGET_MAX + 3)

struct cursor {
	uint64_t		 seq;
	const struct policy_rule *r;
};

/*
 * The heap of one decision's nodes.  Static, not on the stack: the
 * worker is one thread and a decision never nests, and most decisions
 * use a few entries of its 64 KiB.
 */
static struct cursor	 heap[CAND_MAX];

/* What one decision reads. */
struct search {
	const struct ruleidx	*x;
	const struct decide_target *t;
	struct cursor		*c;		/* heap[], by seq, max first */
	size_t			 n;
	struct glob_path	 gp;		/* read on first need */
	bool			 gp_ready;
};

int
decide_target(enum policy_cat cat, const char *s, size_t len,
    struct decide_target *t)
{
	memset(t, 0, sizeof(*t));
	t->cat = cat;
	t->s = s;
	t->len = len;
	if ((unsigned)cat >= POLICY_CAT_COUNT || len > TARGET_MAX)
		return EINVAL;
	switch ((t->kind = parse_pat_kind(cat, s, len))) {
	case POLICY_PAT_PATH:
	case POLICY_PAT_ABSTRACT:
		/* No path or socket name holds a NUL; "@" names nothing. */
		if (memchr(s, '\0', len) != NULL || (len == 1 && s[0] == '@'))
			return EINVAL;
		return 0;
	case POLICY_PAT_NET:
		return netaddr_parse_target(s, len, &t->na) == 0 ? 0 : EINVAL;
	case POLICY_PAT_NETLINK:
		if (len == 3 && memcmp(s, "all", 3) == 0)
			return EINVAL;
		return policy_netlink_known(s, len) ? 0 : EINVAL;
	}
	return EINVAL;
}

static void
sift_down(struct cursor *c, size_t n, size_t i)
{
	struct cursor	 tmp;
	size_t		 k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= n)
			return;
		if (k + 1 < n && c[k + 1].seq > c[k].seq)
			k++;
		if (c[i].seq >= c[k].seq)
			return;
		tmp = c[i];
		c[i] = c[k];
		c[k] = tmp;
		i = k;
	}
}

/* The node of this key, if there is one, joins the search. */
static void
look(struct search *q, enum ruleidx_tag tag, const void *key, size_t len,
    uint64_t hash)
{
	const struct policy_node *nd;

	nd = ruleidx_node(q->x, q->t->cat, tag, key, len, hash);
	if (nd == NULL || q->n == CAND_MAX)
		return;
	q->c[q->n].r = ruleidx_node_newest(q->x, nd);
	q->c[q->n].seq = q->c[q->n].r->seq;
	q->n++;
}

static void
look_path(struct search *q)
{
	struct siphash	 h;
	const char	*s = q->t->s, *slash;
	char		 dir[TARGET_MAX + 1];
	size_t		 len = q->t->len, i = 0, j;

	ruleidx_hash_init(q->x, &h);
	/* A path pattern starts with '/': none is filed under "". */
	if (len > 0 && s[0] == '/') {
		siphash_update(&h, s, 1);
		i = 1;
	}
	for (;;) {
		look(q, RULEIDX_GLOB, s, i, siphash_final(&h));
		if ((slash = memchr(s + i, '/', len - i)) == NULL)
			break;
		j = (size_t)(slash - s) + 1;
		siphash_update(&h, s + i, j - i);
		i = j;
	}
	siphash_update(&h, s + i, len - i);
	look(q, RULEIDX_EXACT, s, len, siphash_final(&h));
	/* "/usr" '/' '***' and "/" '/' '***' match "/usr" and "/". */
	if (len > 0) {
		memcpy(dir, s, len);
		dir[len] = '/';
		siphash_update(&h, "/", 1);
		look(q, RULEIDX_GLOB, dir, len + 1, siphash_final(&h));
	}
}

static void
look_net(struct search *q)
{
	struct siphash	 h;
	uint8_t		 key[RULEIDX_NETKEY];
	const uint64_t	*lens;
	uint64_t	 w;
	unsigned	 k, plen;

	lens = ruleidx_netlens(q->x, q->t->cat, &q->t->na);
	for (k = 0; k < 3; k++) {
		for (w = lens[k]; w != 0; w &= w - 1) {
			plen = k * 64 + (unsigned)__builtin_ctzll(w);
			ruleidx_netkey(key, &q->t->na, plen);
			ruleidx_hash_init(q->x, &h);
			siphash_update(&h, key, sizeof(key));
			look(q, RULEIDX_NET, key, sizeof(key),
			    siphash_final(&h));
		}
	}
}

static void
look_word(struct search *q, const char *s, size_t len)
{
	struct siphash	 h;

	ruleidx_hash_init(q->x, &h);
	siphash_update(&h, s, len);
	look(q, RULEIDX_NETLINK, s, len, siphash_final(&h));
}

/* Does r's pattern match?  Its node already says so for some. */
static bool
matches(struct search *q, const struct policy_rule *r)
{
	const struct policy_group *g = r->grp;

	if (r->node->tag == RULEIDX_EXACT || r->node->tag == RULEIDX_NETLINK)
		return true;
	if (g->kind == POLICY_PAT_NET)
		return netaddr_match(&g->net, &q->t->na);
	if (!q->gp_ready) {
		glob_path_init(&q->gp, q->t->s, q->t->len);
		q->gp_ready = true;
	}
	return glob_match_path(g->pat, g->patlen, &g->glob, &q->gp);
}

int
policy_decide_target(const struct policy *p, const struct decide_target *t,
    const struct policy_rule **rule)
{
	struct search	 q;
	const struct policy_rule *r;
	size_t		 i;

	*rule = NULL;
	if (!(p->on & POLICY_CAT_BIT(t->cat)))
		return POLICY_ACT_ALLOW;
	q.x = p->rules;
	q.t = t;
	q.c = heap;
	q.n = 0;
	q.gp_ready = false;
	switch (t->kind) {
	case POLICY_PAT_PATH:
	case POLICY_PAT_ABSTRACT:
		look_path(&q);
		break;
	case POLICY_PAT_NET:
		look_net(&q);
		break;
	case POLICY_PAT_NETLINK:
		look_word(&q, t->s, t->len);
		look_word(&q, "all", 3);
		break;
	}
	for (i = q.n / 2; i-- > 0; )
		sift_down(q.c, q.n, i);
	while (q.n > 0) {
		r = q.c[0].r;
		if (matches(&q, r)) {
			*rule = r;
			return r->grp->act;
		}
		/* Next in this node, or the node is done. */
		if ((r = ruleidx_node_older(q.x, r)) != NULL) {
			q.c[0].r = r;
			q.c[0].seq = r->seq;
		} else
			q.c[0] = q.c[--q.n];
		sift_down(q.c, q.n, 0);
	}
	return p->def[t->cat];
}

int
policy_decide(const struct policy *p, enum policy_cat cat, const char *s,
    size_t len)
{
	struct decide_target	 t;
	const struct policy_rule *r;

	if ((unsigned)cat >= POLICY_CAT_COUNT)
		return -1;
	if (!(p->on & POLICY_CAT_BIT(cat)))
		return POLICY_ACT_ALLOW;
	if (POLICY_CAT_BIT(cat) & POLICY_CATS_SPECIAL)
		return p->def[cat];
	if (decide_target(cat, s, len, &t) != 0)
		return -1;
	return policy_decide_target(p, &t, &r);
}
