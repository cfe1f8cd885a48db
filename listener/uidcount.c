/* Connections per uid; see uidcount.h. */
#include <stdlib.h>

#include "common/log.h"
#include "listener/uidcount.h"

void
uidcount_init(struct uidcount *u, size_t max)
{
	size_t	 n = 16;

	while (n < 2 * max)
		n *= 2;
	if ((u->t = calloc(n, sizeof(*u->t))) == NULL)
		fatal("op=start why=\"uid table\"");
	u->mask = n - 1;
}

void
uidcount_free(struct uidcount *u)
{
	free(u->t);
	u->t = NULL;
}

static size_t
uidcount_home(const struct uidcount *u, uint32_t uid)
{
	return (size_t)((uid * 2654435761u) & u->mask);
}

/* uid's entry, or the free entry where it would go. */
static size_t
uidcount_find(const struct uidcount *u, uint32_t uid)
{
	size_t	 i = uidcount_home(u, uid);

	while (u->t[i].n != 0 && u->t[i].uid != uid)
		i = (i + 1) & u->mask;
	return i;
}

size_t
uidcount_get(const struct uidcount *u, uint32_t uid)
{
	return u->t[uidcount_find(u, uid)].n;
}

void
uidcount_inc(struct uidcount *u, uint32_t uid)
{
	size_t	 i = uidcount_find(u, uid);

	u->t[i].uid = uid;
	u->t[i].n++;
}

void
uidcount_dec(struct uidcount *u, uint32_t uid)
{
	size_t	 i = uidcount_find(u, uid), j, home;

	if (u->t[i].n == 0 || --u->t[i].n > 0)
		return;
	/* Linear probing's deletion: pull later entries of the run back. */
	for (j = (i + 1) & u->mask; u->t[j].n != 0; j = (j + 1) & u->mask) {
		home = uidcount_home(u, u->t[j].uid);
		/* j may move to i when its home is not in (i, j]. */
		if (((j - home) & u->mask) >= ((j - i) & u->mask)) {
			u->t[i] = u->t[j];
			u->t[j].n = 0;
			i = j;
		}
	}
}
