/*
 * How fast glob_match (worker/glob.c) decides, for a few typical rule
 * patterns and for patterns that make backtracking matchers explode.
 *
 * Each case is timed RUNS times; the median is printed, as matches per
 * second and as a ratio against memcmp(3) of the same path against a
 * copy of itself, timed in the same run, so that the numbers compare
 * across machines; then how the cost of a hostile pattern grows with
 * the lengths of pattern and path.  Usage: bench_glob [runs]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/limits.h"
#include "worker/glob.h"

#define RUNS_DEFAULT	7
#define RUNS_MAX	101
#define RUN_NS		(20 * 1000 * 1000)	/* aim for 20 ms per run */

struct bcase {
	const char	*name;
	char		*pat;
	size_t		 patlen;
	char		*path;
	size_t		 pathlen;
};

static volatile uint64_t sink;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nanoseconds per call of glob_match (or memcmp when base), over iters. */
static double
time_once(const struct bcase *c, const char *copy, int base, uint64_t iters)
{
	uint64_t	t0, i, acc = 0;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		if (base)
			acc += memcmp(c->path, copy, c->pathlen) == 0;
		else
			acc += glob_match(c->pat, c->patlen, c->path,
			    c->pathlen);
		/* Keep the compiler from hoisting the call out of the loop. */
		__asm__ volatile("" : : : "memory");
	}
	sink += acc;
	return (double)(now_ns() - t0) / (double)iters;
}

/* Enough iterations for about RUN_NS, from one short trial. */
static uint64_t
calibrate(const struct bcase *c, const char *copy, int base)
{
	double		ns;
	uint64_t	iters = 16;

	for (;;) {
		ns = time_once(c, copy, base, iters) * (double)iters;
		if (ns > RUN_NS / 20 || iters > (UINT64_C(1) << 40))
			break;
		iters *= 4;
	}
	iters = (uint64_t)((double)iters * RUN_NS / (ns > 1 ? ns : 1));
	return iters > 0 ? iters : 1;
}

static double
median_ns(const struct bcase *c, const char *copy, int base, int runs)
{
	uint64_t	v[RUNS_MAX], iters;
	int		r;

	iters = calibrate(c, copy, base);
	for (r = 0; r < runs; r++)
		v[r] = (uint64_t)(time_once(c, copy, base, iters) * 1000.0);
	qsort(v, (size_t)runs, sizeof(v[0]), cmp_u64);
	return (double)v[runs / 2] / 1000.0;
}

static char *
xdup(const char *s, size_t n)
{
	char	*p;

	if ((p = malloc(n + 1)) == NULL) {
		perror("malloc");
		exit(1);
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void
add(struct bcase *c, const char *name, const char *pat, const char *path)
{
	c->name = name;
	c->patlen = strlen(pat);
	c->pat = xdup(pat, c->patlen);
	c->pathlen = strlen(path);
	c->path = xdup(path, c->pathlen);
}

/* A path of n bytes: '/' then 'a's, with an optional last byte. */
static char *
long_path(size_t n, char last)
{
	char	*p;

	p = xdup("", n);
	p[0] = '/';
	memset(p + 1, 'a', n - 1);
	if (last != '\0')
		p[n - 1] = last;
	p[n] = '\0';
	return p;
}

/*
 * The bound of worker/glob.h, measured: a hostile pattern ('/', then
 * "**?" again and again, each state kept live by its star, then "**q**z":
 * 'q' never comes) against paths of every byte but NUL, '/' and 'q' that
 * end in 'z', for three pattern lengths and three path lengths.  Once
 * the path is longer than the pattern every word is live at every byte:
 * the cost is linear in words (64 tokens each) times path bytes, plus a
 * fixed part (a table row for each of the path's distinct bytes), and
 * the last column falls toward the cost of one word-step.
 */
static void
scaling(int runs)
{
	static const size_t plens[] = { 64, 512, PATTERN_MAX };
	static const size_t tlens[] = { 256, 1024, 4094 };
	struct glob_info gi;
	struct bcase	 c;
	char		 pat[PATTERN_MAX], path[4094], *copy;
	size_t		 i, j, k, n;
	double		 g;
	int		 b = 0;

	printf("\n%-8s %6s %6s %5s %12s %16s\n", "scaling", "patlen", "path",
	    "words", "ns/match", "ns/(word*byte)");
	for (i = 0; i < sizeof(plens) / sizeof(plens[0]); i++) {
		pat[0] = '/';
		for (n = 1; n + 3 + 6 <= plens[i]; n += 3)
			memcpy(pat + n, "**?", 3);
		memcpy(pat + n, "**q**z", 6);
		n += 6;
		glob_analyze(pat, n, &gi);
		for (j = 0; j < sizeof(tlens) / sizeof(tlens[0]); j++) {
			path[0] = '/';
			for (k = 1; k + 1 < tlens[j]; k++) {
				do
					b = b % 255 + 1;
				while (b == '/' || b == 'q');
				path[k] = (char)b;
			}
			path[tlens[j] - 1] = 'z';
			c = (struct bcase){ "scaling", pat, n, path, tlens[j] };
			copy = xdup(path, tlens[j]);
			g = median_ns(&c, copy, 0, runs);
			printf("%-8s %6zu %6zu %5u %12.1f %16.3f %s\n", "", n,
			    tlens[j], gi.words, g,
			    g / (double)(gi.words * tlens[j]),
			    glob_match(pat, n, path, tlens[j]) ? "match" :
			    "no match");
			free(copy);
		}
	}
}

int
main(int argc, char *argv[])
{
	struct bcase	 cases[16];
	char		*copy, *lp, *hp;
	size_t		 n = 0, i, hlen;
	double		 g, b;
	int		 runs = RUNS_DEFAULT;

	if (argc > 1) {
		runs = atoi(argv[1]);
		if (runs < 1 || runs > RUNS_MAX) {
			fprintf(stderr, "usage: bench_glob [runs 1..%d]\n",
			    RUNS_MAX);
			return 2;
		}
	}

	add(&cases[n++], "literal", "/etc/passwd", "/etc/passwd");
	add(&cases[n++], "dir-and-below", "/usr/***",
	    "/usr/lib/x86_64-linux-gnu/libc.so.6");
	add(&cases[n++], "dir-and-below-miss", "/usr/***",
	    "/var/lib/dpkg/status");
	add(&cases[n++], "star-component", "/home/*/.ssh/**",
	    "/home/alice/.ssh/authorized_keys");
	add(&cases[n++], "class", "/dev/tty[0-9]*", "/dev/tty12");
	add(&cases[n++], "dstar-suffix", "/**/*.so",
	    "/usr/lib/x86_64-linux-gnu/security/pam_unix.so");

	/*
	 * The brief's pathological pattern against a 4 KiB path.  The miss
	 * has the pattern's literal head and tail ('/', 'b') and only four
	 * 'a's, so the automaton has to read all of it.
	 */
	lp = long_path(4096, 'b');
	memset(lp + 5, 'x', 4096 - 6);
	add(&cases[n++], "patho-miss-4k", "/**a**a**a**a**a**b", lp);
	memset(lp + 1, 'a', 4096 - 2);
	add(&cases[n++], "patho-hit-4k", "/**a**a**a**a**a**b", lp);
	free(lp);

	/* '**' then a long '*' segment: quadratic for two-pointer matchers. */
	hlen = 1000;
	hp = xdup("", hlen);
	memcpy(hp, "/**a*", 5);
	memset(hp + 5, 'a', hlen - 7);
	memcpy(hp + hlen - 2, "b/", 2);
	/*
	 * The literal tail "aaa...ab/" is there, but one 'a' short of what
	 * "a*" needs within the last component: a miss only the automaton
	 * can find, with a thousand live states.
	 */
	lp = long_path(4096, '/');
	lp[4096 - 3 - (hlen - 7)] = '/';
	lp[4096 - 2] = 'b';
	add(&cases[n++], "dstar-star-miss-4k", hp, lp);
	lp[4096 - 3 - (hlen - 7)] = 'a';
	add(&cases[n++], "dstar-star-hit-4k", hp, lp);
	free(hp);
	free(lp);

	printf("%-20s %6s %6s %12s %14s %10s %s\n", "case", "patlen",
	    "path", "ns/match", "matches/s", "x memcmp", "result");
	for (i = 0; i < n; i++) {
		if (glob_check(cases[i].pat, cases[i].patlen) != 0) {
			fprintf(stderr, "%s: bad pattern\n", cases[i].name);
			return 1;
		}
		copy = xdup(cases[i].path, cases[i].pathlen);
		b = median_ns(&cases[i], copy, 1, runs);
		g = median_ns(&cases[i], copy, 0, runs);
		printf("%-20s %6zu %6zu %12.1f %14.0f %10.1f %s\n",
		    cases[i].name, cases[i].patlen, cases[i].pathlen, g,
		    g > 0 ? 1e9 / g : 0.0, b > 0 ? g / b : 0.0,
		    glob_match(cases[i].pat, cases[i].patlen, cases[i].path,
		    cases[i].pathlen) ? "match" : "no match");
		free(copy);
		free(cases[i].pat);
		free(cases[i].path);
	}
	printf("median of %d runs; x memcmp = glob_match time / memcmp time "
	    "of the same path\n", runs);
	scaling(runs);
	return 0;
}
