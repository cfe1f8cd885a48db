/*
 * bench_check: what check (docs/commands.md 3.10) and rule removal cost
 * the worker, each against a baseline measured in the same run, medians
 * of RUNS runs.
 *
 *  1. check through cmd_exec() with 1, 1,000 and 65,536 realistic rules
 *     (literal paths, dir '/' '***', dir '*.so', '**' in the middle, CIDRs
 *     with port ranges) spread over six categories, for a mix of targets
 *     that hit and miss; the baseline is "sandbox/read?" through the same
 *     cmd_exec(), the cheapest query there is.
 *  2. The adversarial worst cases at the limits, one decision each for a
 *     4094-byte target: POLICY_GLOB_WORDS_MAX one-word automata, nearly
 *     the same words in patterns of 4 KiB, every state live at every
 *     byte; the rule cap in cheap shapes that pass their literal checks
 *     and memchr the whole target; both together; and 65,536 rules in
 *     256 nodes of a 2047-directory-deep target; in milliseconds.
 *  3. 2000 removals at the rule cap, as issue 8 measured them.
 *
 *	make build/bench/bench_check && build/bench/bench_check
 *
 * Instructions, repeatable where time is not: "callgrind SIZE" runs only
 * the checks of part 1 at SIZE rules (1, 1000 or 65536), "callgrind
 * worst" one decision of part 2's combined worst case ("automata1",
 * "automata-long", "cheap", "deep": the others), in a function of its own:
 *
 *	valgrind --tool=callgrind --collect-atstart=no \
 *	    --toggle-collect='measured*' build/bench/bench_check callgrind 65536
 *	callgrind_annotate --inclusive=yes callgrind.out.PID | \
 *	    grep -E 'measured|cmd_check_apply|policy_decide_target'
 *
 * and divide by the number of checks it prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench.h"
#include "common/buf.h"
#include "common/limits.h"
#include "worker/cmd.h"
#include "worker/decide.h"
#include "worker/policy.h"
#include "worker/policy-t.h"
#include "worker/ruleidx.h"

static volatile size_t sink;

/*
 * The thread's CPU time, not the wall clock: other work on a shared
 * machine then inflates a run less (it still shares caches and cores).
 */
static double
now(void)
{
	return bench_now(CLOCK_THREAD_CPUTIME_ID);
}

static void
exec(struct policy *p, const char *line, int want)
{
	struct buf	 out = BUF_INIT;
	struct cmd_result res;

	if (cmd_exec(p, (const uint8_t *)line, strlen(line), CMD_PROFILE,
	    &out, &res) != want) {
		fprintf(stderr, "bench_check: %.80s: err %d\n", line, res.err);
		exit(1);
	}
	buf_free(&out);
}

/* Rule i of a realistic policy: the shapes in the proportions above. */
static void
realistic(char *line, size_t size, size_t i)
{
	static const char *const pathcat[] = { "read", "write", "exec",
	    "stat" };
	const char	*cat = pathcat[(i / 10) % 4];

	switch (i % 10) {
	case 0:
	case 1:
	case 2:
	case 3:
		snprintf(line, size, "allow/%s+/usr/share/doc/pkg%zu/copyright",
		    cat, i);
		break;
	case 4:
		snprintf(line, size, "allow/%s+/srv/app%zu/***", cat, i);
		break;
	case 5:
		snprintf(line, size,
		    "allow/%s+/usr/lib/x86_64-linux-gnu/pkg%zu/*.so", cat, i);
		break;
	case 6:
		snprintf(line, size, "deny/%s+/home/user%zu/**/.ssh/id_*", cat,
		    i);
		break;
	case 7:
		snprintf(line, size, "allow/net/connect+10.%zu.%zu.0/24"
		    "!1024-65535", (i / 256) % 256, i % 256);
		break;
	case 8:
		snprintf(line, size, "allow/net/bind+192.168.%zu.0/24!80-443",
		    i % 256);
		break;
	default:
		snprintf(line, size, "deny/net/connect+2001:db8:%zx::/48!443",
		    i);
		break;
	}
}

static struct policy *
policy_of(size_t n)
{
	struct policy	*p;
	char		 line[128];
	size_t		 i;

	if ((p = policy_new()) == NULL)
		exit(1);
	for (i = 0; i < n; i++) {
		realistic(line, sizeof(line), i);
		exec(p, line, 0);
	}
	return p;
}

/* Hits of every shape and misses, over the categories of the rules. */
static const char *const checks[] = {
	"check/read:/usr/share/doc/pkg120/copyright",
	"check/read:/srv/app4/data/db.sqlite",
	"check/read:/usr/lib/x86_64-linux-gnu/pkg5/libfoo.so",
	"check/read:/home/user6/src/.ssh/id_ed25519",
	"check/write:/var/log/syslog",
	"check/exec:/usr/bin/env",
	"check/stat:/usr/share/doc/pkg33/copyright",
	"check/net/connect:10.0.7.9!8080",
	"check/net/connect:8.8.8.8!53",
	"check/net/connect:2001:db8:9::1!443",
	"check/net/bind:192.168.8.1!80",
	"check/read:/etc/passwd",
};
#define NCHECKS	(sizeof(checks) / sizeof(checks[0]))

static size_t	 checklen[NCHECKS];

/* The part that callgrind counts: reps rounds of every check. */
__attribute__((noinline)) static size_t
measured(struct policy *p, size_t reps)
{
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	size_t		 r, i, n = 0;

	for (r = 0; r < reps; r++) {
		for (i = 0; i < NCHECKS; i++) {
			out.len = 0;
			n += (size_t)cmd_exec(p, (const uint8_t *)checks[i],
			    checklen[i], CMD_IPC, &out, &res) == 0;
		}
	}
	buf_free(&out);
	return n;
}

static void
bench_typical(size_t n)
{
	struct policy	*p = policy_of(n);
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	size_t		 r, rep, reps = 20000;
	double		 t, chk[RUNS], base[RUNS], mc, mb;

	for (r = 0; r < RUNS; r++) {
		t = now();
		sink += measured(p, reps);
		chk[r] = (now() - t) / (double)(reps * NCHECKS);
		t = now();
		for (rep = 0; rep < reps * NCHECKS; rep++) {
			out.len = 0;
			sink += (size_t)cmd_exec(p,
			    (const uint8_t *)"sandbox/read?", 13, CMD_IPC, &out,
			    &res);
		}
		base[r] = (now() - t) / (double)(reps * NCHECKS);
	}
	mc = bench_median(chk);
	mb = bench_median(base);
	printf("check: %6zu rules: %8.0f ns a check; sandbox/read? %6.0f ns; "
	    "ratio %.1fx\n", n, mc * 1e9, mb * 1e9, mc / mb);
	buf_free(&out);
	policy_free(p);
}

/*
 * A 4094-byte target: '/', 1200 'a's, every other byte but NUL, '/' and
 * 'q' in turn (the automata build one row per distinct byte), a '/' 92
 * bytes from the end, 'a's and a final 'z'.
 */
static char	 target[4095];
#define TLEN	4094

static void
make_target(void)
{
	size_t	 i;
	int	 c = 0;

	target[0] = '/';
	memset(target + 1, 'a', TLEN - 1);
	for (i = 1201; i < TLEN - 93; i++) {
		do
			c = c % 255 + 1;
		while (c == '/' || c == 'q');
		target[i] = (char)c;
	}
	target[TLEN - 93] = '/';
	target[TLEN - 1] = 'z';
}

/* "/a/a/.../a": 2047 directories deep, 4094 bytes. */
static void
make_deep_target(void)
{
	size_t	 i;

	for (i = 0; i < TLEN; i += 2)
		memcpy(target + i, "/a", 2);
}

/*
 * Automata that read the whole target with every state live: '/', then
 * "**?" (or "**a": the target has 'a's) again and again, each state kept
 * live by its star, then "**q**z": 'q' never comes, the literal tail 'z'
 * does.  Short: 13 of them, i in binary, 30 tokens, one word each, as
 * many as POLICY_GLOB_WORDS_MAX allows; long: 1362 of them, 4093 bytes,
 * 43 words each, one 'a' in a place of its own.
 */
static void
add_automata(struct policy *p, int longest)
{
	char	 line[PATTERN_MAX + 64];
	size_t	 i, n, k, runs = longest ? 1362 : 13, words;

	words = longest ? 43 : 1;
	for (i = 0; i < POLICY_GLOB_WORDS_MAX / words; i++) {
		n = (size_t)snprintf(line, sizeof(line), "deny/read+/");
		for (k = 0; k < runs; k++) {
			memcpy(line + n, "**?", 3);
			if (longest ? k == i : (i >> k) & 1)
				line[n + 2] = 'a';
			n += 3;
		}
		memcpy(line + n, "**q**z", 7);
		exec(p, line, 0);
	}
	if (p->rules->words[POLICY_CAT_READ] != i * words) {
		fprintf(stderr, "bench_check: %u words, not %zu\n",
		    p->rules->words[POLICY_CAT_READ], i * words);
		exit(1);
	}
}

/*
 * Cheap shapes to the rule cap: "/a{j}*a{k}z" passes its head and tail
 * and memchr()s the target up to the '/' near its end.
 */
static void
add_cheap(struct policy *p)
{
	char	 line[PATTERN_MAX + 64];
	size_t	 j = 1, k = 1;

	/* Up to 683 'a's and 90 'a's: 24 MiB of patterns at most. */
	while (ruleidx_count(p->rules) < POLICY_RULES_MAX) {
		snprintf(line, sizeof(line), "deny/read+/%.*s*%.*sz", (int)j,
		    target + 1, (int)k, target + 1);
		exec(p, line, 0);
		if (++k > 90) {
			k = 1;
			j++;
		}
	}
}

/*
 * Rules under the deep target's first 256 directories, 256 each, whose
 * tails fail: the cost is the heap that merges 256 nodes (more and
 * deeper ones would pass the 32 MiB of patterns).
 */
static void
add_deep(struct policy *p)
{
	char	 line[PATTERN_MAX + 64];
	size_t	 d, k, n;

	for (d = 1; d <= 256; d++) {
		for (k = 0; k < 256; k++) {
			n = (size_t)snprintf(line, sizeof(line), "deny/read+");
			memcpy(line + n, target, 2 * d);
			n += 2 * d;
			snprintf(line + n, sizeof(line) - n, "/*%02zx", k);
			exec(p, line, 0);
		}
	}
}

__attribute__((noinline)) static int
measured_worst(struct policy *p)
{
	return policy_decide(p, POLICY_CAT_READ, target, TLEN);
}

static double
worst_ms(struct policy *p)
{
	double	 t, v[RUNS];
	size_t	 r;

	if (measured_worst(p) != POLICY_ACT_DENY) {
		fprintf(stderr, "bench_check: a worst case matched\n");
		exit(1);
	}
	for (r = 0; r < RUNS; r++) {
		t = now();
		sink += (size_t)measured_worst(p);
		v[r] = (now() - t) * 1e3;
	}
	return bench_median(v);
}

enum worst {
	W_NONE, W_AUTOMATA1, W_AUTOMATA_LONG, W_CHEAP, W_BOTH, W_DEEP,
};

static struct policy *
worst_policy(enum worst which)
{
	struct policy	*p;

	if ((p = policy_new()) == NULL)
		exit(1);
	if (which == W_DEEP)
		make_deep_target();
	else
		make_target();
	if (which == W_AUTOMATA1 || which == W_BOTH)
		add_automata(p, 0);
	if (which == W_AUTOMATA_LONG)
		add_automata(p, 1);
	if (which == W_CHEAP || which == W_BOTH)
		add_cheap(p);
	if (which == W_DEEP)
		add_deep(p);
	return p;
}

static void
bench_worst(void)
{
	static const char *const name[] = {
		[W_AUTOMATA1] = "4096 one-word automata",
		[W_AUTOMATA_LONG] = "95 automata of 43 words (4 KiB patterns)",
		[W_CHEAP] = "65,536 cheap shapes, each a memchr of it",
		[W_BOTH] = "4096 automata + 61,440 cheap (the rule cap)",
		[W_DEEP] = "65,536 rules in 256 of its directories",
	};
	struct policy	*p, *none;
	double		 b, w;
	int		 i;

	if ((none = policy_new()) == NULL)
		exit(1);
	for (i = W_AUTOMATA1; i <= W_DEEP; i++) {
		p = worst_policy(i);
		w = worst_ms(p);
		/* The baseline: the same target, and no rules. */
		b = worst_ms(none);
		printf("worst: %-44s %7.2f ms a decision, %6.0fx no rules "
		    "(%zu rules, %.1f MiB of patterns)\n", name[i], w, w / b,
		    ruleidx_count(p->rules),
		    (double)p->rules->patbytes / (1 << 20));
		policy_free(p);
	}
	policy_free(none);
}

static void
bench_removal(void)
{
	struct policy	*p;
	char		 line[64];
	size_t		 i, r;
	double		 t, rm[RUNS], base[RUNS], mr, mb;

	for (r = 0; r < RUNS; r++) {
		if ((p = policy_new()) == NULL)
			exit(1);
		for (i = 0; i < POLICY_RULES_MAX; i++) {
			snprintf(line, sizeof(line), "allow/read+/r/%zu/***",
			    i);
			exec(p, line, 0);
		}
		t = now();
		for (i = 0; i < 2000; i++) {
			snprintf(line, sizeof(line), "allow/read-/r/%zu/***",
			    i * 32 + 7);
			exec(p, line, 0);
		}
		rm[r] = now() - t;
		/* Baseline: as many queries, the cheapest command. */
		t = now();
		for (i = 0; i < 2000; i++)
			exec(p, "sandbox/read?", 0);
		base[r] = now() - t;
		policy_free(p);
	}
	mr = bench_median(rm);
	mb = bench_median(base);
	printf("removal: 2000 at %d rules: %.2f ms (%.0f ns each); "
	    "2000 sandbox/read?: %.2f ms; ratio %.1fx\n", POLICY_RULES_MAX,
	    mr * 1e3, mr / 2000 * 1e9, mb * 1e3, mr / mb);
}

int
main(int argc, char *argv[])
{
	static const char *const worst_arg[] = {
		[W_AUTOMATA1] = "automata1",
		[W_AUTOMATA_LONG] = "automata-long",
		[W_CHEAP] = "cheap", [W_BOTH] = "worst", [W_DEEP] = "deep",
	};
	struct policy	*p;
	size_t		 i, n, reps = 100;
	int		 w;

	for (i = 0; i < NCHECKS; i++)
		checklen[i] = strlen(checks[i]);
	if (argc == 3 && strcmp(argv[1], "callgrind") == 0) {
		for (w = W_AUTOMATA1; w <= W_DEEP; w++)
			if (strcmp(argv[2], worst_arg[w]) == 0)
				break;
		if (w <= W_DEEP) {
			p = worst_policy(w);
			printf("callgrind: 1 decision, %zu rules\n",
			    ruleidx_count(p->rules));
			sink += (size_t)measured_worst(p);
		} else {
			p = policy_of((size_t)strtoul(argv[2], NULL, 10));
			n = measured(p, reps);
			printf("callgrind: %zu checks, %zu rules\n",
			    reps * NCHECKS, ruleidx_count(p->rules));
			if (n != reps * NCHECKS)
				return 1;
		}
		policy_free(p);
		return 0;
	}
	printf("bench_check: medians of %d runs\n", RUNS);
	bench_typical(1);
	bench_typical(1000);
	bench_typical(POLICY_RULES_MAX);
	bench_worst();
	bench_removal();
	return 0;
}
