/*
 * The rule index's hash tables.  Growth doubles the buckets and rehashes
 * (at most log2(POLICY_RULES_MAX) times in a policy's life); a removal
 * walks one chain, O(1) expected.
 */
#include <errno.h>
#include <stdlib.h>

#include "worker/htab.h"

#define HTAB_MIN	16

int
htab_reserve(struct htab *t, size_t more)
{
	struct htab_entry **nb, *e, *next;
	size_t	 want = t->nb > 0 ? t->nb : HTAB_MIN, i;

	if (more > SIZE_MAX / 2 - t->n)
		return ENOMEM;
	while (want < t->n + more)
		want *= 2;
	if (want == t->nb)
		return 0;
	if ((nb = calloc(want, sizeof(*nb))) == NULL)
		return ENOMEM;
	for (i = 0; i < t->nb; i++) {
		for (e = t->b[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & (want - 1)];
			nb[e->hash & (want - 1)] = e;
		}
	}
	free(t->b);
	t->b = nb;
	t->nb = want;
	return 0;
}

void
htab_insert(struct htab *t, struct htab_entry *e)
{
	struct htab_entry **b = &t->b[e->hash & (t->nb - 1)];

	e->next = *b;
	*b = e;
	t->n++;
}

void
htab_remove(struct htab *t, struct htab_entry *e)
{
	struct htab_entry **pp = &t->b[e->hash & (t->nb - 1)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	t->n--;
}

struct htab_entry *
htab_chain(const struct htab *t, uint64_t hash)
{
	return t->nb > 0 ? t->b[hash & (t->nb - 1)] : NULL;
}

struct htab_entry *
htab_take_all(struct htab *t)
{
	struct htab_entry *all = NULL, *e, *next;
	size_t	 i;

	for (i = 0; i < t->nb; i++) {
		for (e = t->b[i]; e != NULL; e = next) {
			next = e->next;
			e->next = all;
			all = e;
		}
		t->b[i] = NULL;
	}
	t->n = 0;
	return all;
}

void
htab_free(struct htab *t)
{
	free(t->b);
	t->b = NULL;
	t->nb = t->n = 0;
}

size_t
htab_bytes(const struct htab *t)
{
	return t->nb * sizeof(*t->b);
}
