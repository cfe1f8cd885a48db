/*
 * A log-bucket latency histogram for bench/loadgen.c: fixed size, no
 * allocation, one add per reply in the timed path.
 *
 * A value v (nanoseconds) below 2^HIST_SUB_BITS has a bucket of its own;
 * above, the bucket is its power of two and the next HIST_SUB_BITS bits
 * below the leading one, so a bucket spans at most 1/32 (3%) of its
 * values: the percentiles printed are good to about 3%.
 */
#ifndef PRIVCONF_BENCH_HIST_H
#define PRIVCONF_BENCH_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS	5
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_BUCKETS	((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t	 n;
	uint64_t	 max;
	uint64_t	 b[HIST_BUCKETS];
};

static inline unsigned int
hist_index(uint64_t v)
{
	unsigned int	 e;

	if (v < HIST_SUB)
		return (unsigned int)v;
	e = 63 - (unsigned int)__builtin_clzll(v);	/* >= HIST_SUB_BITS */
	return (e - HIST_SUB_BITS + 1) * HIST_SUB +
	    (unsigned int)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* The smallest value of bucket i. */
static inline uint64_t
hist_low(unsigned int i)
{
	unsigned int	 e;

	if (i < HIST_SUB)
		return i;
	e = i / HIST_SUB + HIST_SUB_BITS - 1;
	return ((uint64_t)1 << e) |
	    ((uint64_t)(i % HIST_SUB) << (e - HIST_SUB_BITS));
}

static inline void
hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

static inline void
hist_add(struct hist *h, uint64_t v, uint64_t count)
{
	h->b[hist_index(v)] += count;
	h->n += count;
	if (v > h->max)
		h->max = v;
}

/*
 * The value below which a fraction q of the samples lie: the middle of
 * the bucket that holds it (the top one is capped at the maximum seen).
 */
static inline uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t	 want, seen = 0, lo, hi;
	unsigned int	 i;

	if (h->n == 0)
		return 0;
	want = (uint64_t)(q * (double)h->n);
	if (want >= h->n)
		want = h->n - 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want)
			break;
	}
	lo = hist_low(i);
	hi = i + 1 < HIST_BUCKETS ? hist_low(i + 1) : lo;
	if (hi > h->max + 1)
		hi = h->max + 1;
	return lo + (hi > lo ? (hi - lo) / 2 : 0);
}

#endif
