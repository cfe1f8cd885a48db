/*
 * listener/uidcount.c: the per-uid counts behind --max-conn-per-uid,
 * against a plain array, with uids chosen to collide in the table.
 */
#include <criterion/criterion.h>

#include "listener/uidcount.h"

Test(listener_uidcount, counts_follow_accepts_and_closes)
{
	struct uidcount	 u;

	uidcount_init(&u, 4);
	cr_assert_eq(uidcount_get(&u, 1000), 0);
	uidcount_inc(&u, 1000);
	uidcount_inc(&u, 1000);
	uidcount_inc(&u, 0);
	cr_assert_eq(uidcount_get(&u, 1000), 2);
	cr_assert_eq(uidcount_get(&u, 0), 1);
	uidcount_dec(&u, 1000);
	cr_assert_eq(uidcount_get(&u, 1000), 1);
	uidcount_dec(&u, 1000);
	cr_assert_eq(uidcount_get(&u, 1000), 0);
	cr_assert_eq(uidcount_get(&u, 0), 1);
	uidcount_free(&u);
}

/* Random accepts and closes of 64 uids at the table's size, many alike. */
Test(listener_uidcount, matches_a_plain_count_under_churn)
{
	enum { MAX = 64, STEPS = 200000 };
	struct uidcount	 u;
	uint32_t	 uids[MAX], open[MAX];
	size_t		 want[MAX] = { 0 }, nopen = 0, i, k;
	uint64_t	 s = 0x1234567;

	uidcount_init(&u, MAX);
	/* Multiples of the table size share a home entry. */
	for (i = 0; i < MAX; i++)
		uids[i] = (uint32_t)(i % 4 == 0 ? i * 128 : i * 7919);
	for (i = 0; i < STEPS; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (size_t)(s >> 33) % MAX;
		if (nopen < MAX && (nopen == 0 || (s >> 20) & 1)) {
			open[nopen++] = (uint32_t)k;
			uidcount_inc(&u, uids[k]);
			want[k]++;
		} else {
			k = (size_t)(s >> 40) % nopen;
			uidcount_dec(&u, uids[open[k]]);
			want[open[k]]--;
			open[k] = open[--nopen];
		}
		if (i % 97 == 0)
			for (k = 0; k < MAX; k++)
				cr_assert_eq(uidcount_get(&u, uids[k]), want[k],
				    "step %zu uid %u", i, uids[k]);
	}
	uidcount_free(&u);
}
