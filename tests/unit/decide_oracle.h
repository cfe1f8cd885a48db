/*
 * The decision as it was before the rule index, kept as an oracle for
 * tests/unit/test_worker_oracle.c and tests/fuzz/fuzz_decide.c: rules in
 * a plain array in insertion order, removal by scanning and memmove, and
 * the decision of docs/commands.md 3.3 as a loop from the newest rule to
 * the oldest, globs matched by the reference matcher of glob_ref.h.
 * Slow on purpose, and obviously right; the index must agree with it,
 * rule for rule.
 *
 * Lines are parsed by the worker's own table (cmd_rule_parse), since
 * the parser is not what is compared; a line is given to the oracle
 * only once cmd_exec() has ACKed it.  Failures abort(), so that both a
 * criterion test and a libFuzzer target can use it.
 */
#ifndef PRIVCONF_DECIDE_ORACLE_H
#define PRIVCONF_DECIDE_ORACLE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/unit/glob_ref.h"
#include "worker/cmdtab.h"
#include "worker/decide.h"
#include "worker/policy-ops.h"
#include "worker/ruleidx.h"
#include "worker/stat.h"

struct oracle_rule {
	uint8_t		 act;
	uint8_t		 cat;
	uint8_t		 kind;
	char		*pat;
	size_t		 patlen;
	struct netaddr	 net;
};

struct oracle {
	struct oracle_rule *v;
	size_t		 n;
	size_t		 cap;
};

#define ORACLE_FAIL(...) do {						\
	fprintf(stderr, "oracle: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

static bool
oracle_eq(const struct oracle_rule *r, const struct policy_rulespec *s)
{
	return r->act == s->act && r->cat == s->cat &&
	    r->patlen == s->patlen && memcmp(r->pat, s->pat, s->patlen) == 0;
}

static void
oracle_add(struct oracle *o, const struct policy_rulespec *s, size_t n)
{
	struct oracle_rule *r;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (o->n == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 64;
			if ((o->v = reallocarray(o->v, o->cap,
			    sizeof(*o->v))) == NULL)
				ORACLE_FAIL("out of memory");
		}
		r = &o->v[o->n++];
		r->act = s[i].act;
		r->cat = s[i].cat;
		r->kind = s[i].kind;
		r->net = s[i].net;
		r->patlen = s[i].patlen;
		if ((r->pat = malloc(s[i].patlen + 1)) == NULL)
			ORACLE_FAIL("out of memory");
		memcpy(r->pat, s[i].pat, s[i].patlen);
		r->pat[s[i].patlen] = '\0';
	}
}

static void
oracle_drop(struct oracle *o, size_t i)
{
	free(o->v[i].pat);
	memmove(&o->v[i], &o->v[i + 1], (o->n - i - 1) * sizeof(*o->v));
	o->n--;
}

static void
oracle_remove(struct oracle *o, const struct policy_rulespec *s, size_t n,
    bool every)
{
	size_t	 i, j;

	for (j = 0; j < n; j++) {
		for (i = o->n; i-- > 0; ) {
			if (!oracle_eq(&o->v[i], &s[j]))
				continue;
			oracle_drop(o, i);
			if (!every)
				break;
		}
	}
}

static void
oracle_clear(struct oracle *o)
{
	while (o->n > 0)
		free(o->v[--o->n].pat);
}

static void
oracle_free(struct oracle *o)
{
	oracle_clear(o);
	free(o->v);
	o->v = NULL;
	o->cap = 0;
}

/* An ACKed line: rules and reset are all that move the rule list. */
static void
oracle_line(struct oracle *o, const char *line, size_t len)
{
	struct cmd	 c;
	size_t		 i;

	if (len == 5 && memcmp(line, "reset", 5) == 0) {
		oracle_clear(o);
		return;
	}
	memset(&c, 0, offsetof(struct cmd, spec));
	for (i = 0; i < len && memchr(":?+-^", line[i], 5) == NULL; i++)
		;
	if (i >= len || (c.row = cmdtab_lookup(line, i, &c.sub,
	    &c.sublen)) == NULL || c.row->parse != cmd_rule_parse)
		return;
	c.op = line[i];
	c.arg = line + i + 1;
	c.arglen = len - i - 1;
	if (c.row->parse(&c) != 0)
		ORACLE_FAIL("ACKed, yet no rule: %.*s", (int)len, line);
	if (c.op == '+')
		oracle_add(o, c.spec, c.nspec);
	else
		oracle_remove(o, c.spec, c.nspec, c.op == '^');
}

/* docs/commands.md 3.3, the loop that was worker/decide.c. */
static const struct oracle_rule *
oracle_match(const struct oracle *o, const struct decide_target *t)
{
	const struct oracle_rule *r;
	size_t	 i;
	bool	 hit;

	for (i = o->n; i-- > 0; ) {
		r = &o->v[i];
		if (r->cat != t->cat)
			continue;
		switch (r->kind) {
		case POLICY_PAT_PATH:
		case POLICY_PAT_ABSTRACT:
			hit = (t->kind == POLICY_PAT_PATH ||
			    t->kind == POLICY_PAT_ABSTRACT) &&
			    ref_glob(r->pat, r->patlen, t->s, t->len);
			break;
		case POLICY_PAT_NET:
			hit = t->kind == POLICY_PAT_NET &&
			    netaddr_match(&r->net, &t->na);
			break;
		default:
			hit = t->kind == POLICY_PAT_NETLINK &&
			    (strcmp(r->pat, "all") == 0 ||
			    (r->patlen == t->len &&
			    memcmp(r->pat, t->s, t->len) == 0));
			break;
		}
		if (hit)
			return r;
	}
	return NULL;
}

static void
oracle_put(struct buf *b, const char *s, size_t len)
{
	if (buf_append(b, s, len) == -1)
		ORACLE_FAIL("out of memory");
}

#define ORACLE_PUTS(b, s)	oracle_put(b, s, strlen(s))

/* The check reply (docs/commands.md 3.10) the oracle expects. */
static void
oracle_reply(struct buf *b, const struct policy *p, const struct oracle *o,
    const struct decide_target *t)
{
	const struct oracle_rule *r = NULL;
	const char	*cat = policy_cat_name(t->cat);
	int		 act = POLICY_ACT_ALLOW;
	bool		 on = (p->on & POLICY_CAT_BIT(t->cat)) != 0;

	if (on && (r = oracle_match(o, t)) != NULL)
		act = r->act;
	else if (on)
		act = p->def[t->cat];
	ORACLE_PUTS(b, "{\"err\":0,\"action\":\"");
	ORACLE_PUTS(b, policy_act_name(act));
	ORACLE_PUTS(b, "\",\"rule\":\"");
	if (!on) {
		ORACLE_PUTS(b, "sandbox/");
		ORACLE_PUTS(b, cat);
		ORACLE_PUTS(b, ":off");
	} else if (r == NULL) {
		ORACLE_PUTS(b, "default/");
		ORACLE_PUTS(b, cat);
		ORACLE_PUTS(b, ":");
		ORACLE_PUTS(b, policy_act_name(act));
	} else {
		ORACLE_PUTS(b, policy_act_name(r->act));
		ORACLE_PUTS(b, "/");
		ORACLE_PUTS(b, cat);
		ORACLE_PUTS(b, "+");
		if (stat_json_escape(b, r->pat, r->patlen) == -1)
			ORACLE_FAIL("out of memory");
	}
	ORACLE_PUTS(b, "\"}\n");
}

/*
 * The index agrees with the oracle on t: the same action and the same
 * rule from policy_decide_target(), and the same bytes from the check
 * line of cmd_exec().
 */
static void
oracle_check(struct policy *p, const struct oracle *o,
    const struct decide_target *t)
{
	const struct oracle_rule *want = NULL;
	const struct policy_rule *got;
	struct buf	 line = BUF_INIT, out = BUF_INIT, exp = BUF_INIT;
	struct cmd_result res;
	int		 act, wact = POLICY_ACT_ALLOW;

	if (p->on & POLICY_CAT_BIT(t->cat)) {
		want = oracle_match(o, t);
		wact = want != NULL ? want->act : p->def[t->cat];
	}
	act = policy_decide_target(p, t, &got);
	if (act != wact || (got == NULL) != (want == NULL) || (got != NULL &&
	    (got->grp->act != want->act || got->grp->cat != want->cat ||
	    got->grp->patlen != want->patlen ||
	    memcmp(got->grp->pat, want->pat, want->patlen) != 0)))
		ORACLE_FAIL("%s:%.*s: index %d by \"%s\", oracle %d by \"%s\"",
		    policy_cat_name(t->cat), (int)t->len, t->s, act,
		    got != NULL ? got->grp->pat : "-", wact,
		    want != NULL ? want->pat : "-");
	ORACLE_PUTS(&line, "check/");
	ORACLE_PUTS(&line, policy_cat_name(t->cat));
	ORACLE_PUTS(&line, ":");
	oracle_put(&line, t->s, t->len);
	if (cmd_exec(p, line.data, line.len, CMD_IPC, &out, &res) != 0 ||
	    !res.output || res.changed)
		ORACLE_FAIL("%.*s: err %d", (int)line.len, line.data, res.err);
	oracle_reply(&exp, p, o, t);
	if (out.len != exp.len || memcmp(out.data, exp.data, out.len) != 0)
		ORACLE_FAIL("%.*s:\n got %.*s\nwant %.*s", (int)line.len,
		    line.data, (int)out.len, out.data, (int)exp.len, exp.data);
	buf_free(&line);
	buf_free(&out);
	buf_free(&exp);
}

/* The index holds the oracle's rules in the oracle's order. */
static void
oracle_same_order(const struct oracle *o, const struct policy *p)
{
	const struct policy_rule *r;
	const struct oracle_rule *q;
	size_t	 i = 0;

	if (ruleidx_count(p->rules) != o->n)
		ORACLE_FAIL("index holds %zu rules, oracle %zu",
		    ruleidx_count(p->rules), o->n);
	for (r = ruleidx_first(p->rules); r != NULL;
	    r = ruleidx_next(p->rules, r), i++) {
		q = &o->v[i];
		if (r->grp->act != q->act || r->grp->cat != q->cat ||
		    r->grp->patlen != q->patlen ||
		    memcmp(r->grp->pat, q->pat, q->patlen) != 0)
			ORACLE_FAIL("rule %zu: index %s, oracle %s", i,
			    r->grp->pat, q->pat);
	}
	if (i != o->n)
		ORACLE_FAIL("index lists %zu rules, oracle %zu", i, o->n);
}

#endif
