/*
 * The rule index (worker/ruleidx.c) through the command language: '-'
 * and '^' among equal and unequal rules, from the middle, many at once,
 * re-adding and reset, at the rule cap; the per-category cap on
 * automaton words at the limit and one past it; and the memory the
 * index holds per rule.
 */
#include "common/limits.h"
#include "worker/decide.h"
#include "worker/policy-t.h"
#include "worker/ruleidx.h"
#include "tests/unit/test_worker_util.h"

static int
decide(struct policy *p, enum policy_cat cat, const char *target)
{
	return policy_decide(p, cat, target, strlen(target));
}

static void
run(struct policy *p, const char *fmt, size_t i)
{
	char	 line[128];

	snprintf(line, sizeof(line), fmt, i);
	cr_assert_eq(tw_run(p, line, IPC), 0, "%s", line);
}

#define R(act, pat)	"{\"act\":\"" act "\",\"cap\":\"read\",\"pat\":\"" \
			pat "\"}"

Test(worker_ruleidx, dash_removes_the_newest_equal_rule_from_the_middle)
{
	struct policy *p = tw_new();

	TW_OKS(p, IPC, "allow/read+/x", "deny/read+/y", "allow/read+/x",
	    "deny/read+/x", "kill/read+/z");
	/* The second allow /x goes; the deny /x is another rule. */
	tw_ok(p, "allow/read-/x", IPC);
	tw_rules(p, "[" R("allow", "/x") "," R("deny", "/y") ","
	    R("deny", "/x") "," R("kill", "/z") "]");
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/x"), POLICY_ACT_DENY);
	tw_ok(p, "deny/read-/x", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/x"), POLICY_ACT_ALLOW);
	tw_ok(p, "allow/read-/x", IPC);
	tw_refused(p, "allow/read-/x", IPC, 0);
	tw_rules(p, "[" R("deny", "/y") "," R("kill", "/z") "]");
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/x"), POLICY_ACT_DENY);
	/* Re-added, it is the newest again. */
	tw_ok(p, "allow/read+/y", IPC);
	tw_rules(p, "[" R("deny", "/y") "," R("kill", "/z") ","
	    R("allow", "/y") "]");
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/y"), POLICY_ACT_ALLOW);
	policy_free(p);
}

Test(worker_ruleidx, caret_removes_every_equal_rule_and_only_them)
{
	struct policy *p = tw_new();
	size_t	 i;

	for (i = 0; i < 3000; i++) {
		tw_run(p, "warn/read+/d/***", IPC);
		run(p, "deny/read+/k%zu", i);
		if (i % 3 == 0)
			tw_run(p, "kill/read+/d/***", IPC);
	}
	cr_assert_eq(ruleidx_count(p->rules), 7000);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/d/x"), POLICY_ACT_WARN);
	tw_ok(p, "warn/read^/d/***", IPC);
	cr_assert_eq(ruleidx_count(p->rules), 4000);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/d/x"), POLICY_ACT_KILL);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/k2999"), POLICY_ACT_DENY);
	tw_ok(p, "kill/read^/d/***", IPC);
	tw_refused(p, "kill/read^/d/***", IPC, 0);
	cr_assert_eq(ruleidx_count(p->rules), 3000);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/d/x"), POLICY_ACT_DENY);
	/* What is left is the deny rules, in their order. */
	for (i = 0; i < 3000; i++)
		run(p, "deny/read-/k%zu", i);
	tw_rules(p, "[]");
	policy_free(p);
}

Test(worker_ruleidx, reset_empties_the_index_and_its_counts)
{
	struct policy *p = tw_new();
	size_t	 i;

	for (i = 0; i < 1000; i++)
		run(p, "exit/read+/a/*%zu?", i);
	tw_ok(p, "allow/net/connect+local!80", IPC);
	tw_ok(p, "reset", IPC);
	cr_assert_eq(ruleidx_count(p->rules), 0);
	cr_assert_eq(ruleidx_max_act(p->rules, POLICY_CAT_READ), -1);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/a/b1c"), POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_NET_CONNECT, "10.0.0.1!80"),
	    POLICY_ACT_DENY);
	/* No exit rule is held any more: deny may be added under drop. */
	tw_ok(p, "lock:drop", IPC);
	tw_ok(p, "deny/read+/a/***", IPC);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/a/b1c"), POLICY_ACT_DENY);
	policy_free(p);
}

/*
 * The cap, removals from everywhere, a full index again: issue 8's 2000
 * removals, which used to move the whole array each.
 */
Test(worker_ruleidx, removals_and_adds_at_the_rule_cap, .timeout = 120)
{
	struct policy *p = tw_new();
	size_t	 i;

	for (i = 0; i < POLICY_RULES_MAX; i++)
		run(p, "allow/read+/r/%zu/***", i);
	cr_assert_eq(tw_run(p, "deny/read+/one-more", IPC), ENOMEM);
	for (i = 0; i < 2000; i++)
		run(p, "allow/read-/r/%zu/***", i * 32 + 7);
	cr_assert_eq(ruleidx_count(p->rules), POLICY_RULES_MAX - 2000);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/r/39/x"), POLICY_ACT_DENY);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/r/40/x"), POLICY_ACT_ALLOW);
	for (i = 0; i < 2000; i++)
		run(p, "kill/read+/r/%zu/***", i * 32 + 7);
	cr_assert_eq(tw_run(p, "deny/read+/one-more", IPC), ENOMEM);
	cr_assert_eq(decide(p, POLICY_CAT_READ, "/r/39/x"), POLICY_ACT_KILL);
	/* Slots were reused: the index never grew past the cap. */
	cr_assert_eq(p->rules->capslot, POLICY_RULES_MAX);
	policy_free(p);
}

/* A rule of qs '?' after "/g<i>/": no simple shape, qs + 1 states. */
static void
general_op(struct policy *p, const char *cat, size_t i, size_t qs, char op,
    int want)
{
	char	 line[PATTERN_MAX + 64];
	int	 n;

	n = snprintf(line, sizeof(line), "deny/%s%c/g%zu/", cat, op, i);
	memset(line + n, '?', qs);
	line[n + qs] = '\0';
	cr_assert_eq(tw_run(p, line, IPC), want, "%s: rule %zu", cat, i);
}

static void
general(struct policy *p, const char *cat, size_t i, size_t qs, int want)
{
	general_op(p, cat, i, qs, '+', want);
}

Test(worker_ruleidx, glob_words_at_the_limit_and_one_past)
{
	struct policy *p = tw_new();
	size_t	 i;

	/* 63 '?' and the end state: one word each. */
	for (i = 0; i < POLICY_GLOB_WORDS_MAX; i++)
		general(p, "read", i, 63, 0);
	cr_assert_eq(p->rules->words[POLICY_CAT_READ], POLICY_GLOB_WORDS_MAX);
	general(p, "read", i, 1, ENOMEM);
	tw_refused(p, "deny/write,read+/g/?", IPC, ENOMEM);
	/* Simple shapes run no automaton; other categories have room. */
	tw_ok(p, "deny/read+/g/*.so", IPC);
	tw_ok(p, "deny/read+/g/***", IPC);
	general(p, "write", 0, 63, 0);
	/* A removal makes room for exactly one word. */
	general_op(p, "read", 7, 63, '-', 0);
	general(p, "read", i, 64, ENOMEM);
	general(p, "read", i, 63, 0);
	general(p, "read", i + 1, 1, ENOMEM);
	policy_free(p);
}

/* The longest patterns: 64 words each, 64 of them fill a category. */
Test(worker_ruleidx, glob_words_of_the_longest_patterns)
{
	struct policy *p = tw_new();
	size_t	 i, qs = PATTERN_MAX - strlen("/g00/");

	for (i = 10; i < 10 + POLICY_GLOB_WORDS_MAX / 64; i++)
		general(p, "exec", i, qs, 0);
	cr_assert_eq(p->rules->words[POLICY_CAT_EXEC], POLICY_GLOB_WORDS_MAX);
	general(p, "exec", 99, 1, ENOMEM);
	tw_ok(p, "reset", IPC);
	general(p, "exec", 99, 1, 0);
	policy_free(p);
}

/* Every entry is accounted for: a bound per rule, beyond its pattern. */
Test(worker_ruleidx, memory_per_rule_is_bounded, .timeout = 120)
{
	static const char *const cats[] = {
		"exec", "stat", "chdir", "readdir", "walk",
	};
	struct policy *p = tw_new();
	char	 line[128];
	size_t	 i, n, bound;

	for (i = 0, n = 1; i < POLICY_RULES_MAX; i++) {
		switch (i % 4) {
		case 0:
			run(p, "allow/read+/usr/lib/%zu.so", i);
			break;
		case 1:
			run(p, "deny/write+/srv/%zu/***", i);
			break;
		case 2:
			/* 4096 words per category: spread them over five. */
			snprintf(line, sizeof(line),
			    "kill/%s+/home/*/%zu/**/*.key", cats[i % 5], i);
			cr_assert_eq(tw_run(p, line, IPC), 0, "%s", line);
			break;
		default:
			run(p, "allow/net/connect+10.%zu.0.0/16!80", i % 256);
			break;
		}
		if (i + 1 == n || i + 1 == POLICY_RULES_MAX) {
			bound = POLICY_INDEX_BYTES_PER_RULE *
			    (i + 1 < 16 ? 16 : i + 1) + p->rules->patbytes;
			cr_assert_leq(ruleidx_bytes(p->rules), bound,
			    "%zu rules: %zu bytes", i + 1,
			    ruleidx_bytes(p->rules));
			n *= 2;
		}
	}
	tw_ok(p, "reset", IPC);
	cr_assert_eq(ruleidx_bytes(p->rules), 0);
	policy_free(p);
}
