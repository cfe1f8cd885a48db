/*
 * What the benchmarks of bench/ share: a clock in seconds and the median
 * of RUNS timed runs (each reports medians and ratios against a baseline
 * timed in the same run, since one run on a shared machine says little).
 */
#ifndef PRIVCONF_BENCH_H
#define PRIVCONF_BENCH_H

#include <stdlib.h>
#include <time.h>

#define RUNS	7

static inline double
bench_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..RUNS), which it sorts. */
static inline double
bench_median(double *v)
{
	qsort(v, RUNS, sizeof(*v), bench_cmp_double);
	return v[RUNS / 2];
}

#endif
