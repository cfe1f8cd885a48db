/*
 * An intrusive chained hash table of the rule index: entries embed a
 * struct htab_entry and carry their own 64-bit hash (keyed, so chains
 * stay short whatever the keys: worker/siphash.h).  The table never
 * compares keys; a lookup walks htab_chain() and compares itself.
 */
#ifndef PRIVCONF_HTAB_H
#define PRIVCONF_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_entry {
	struct htab_entry *next;
	uint64_t	 hash;
};

struct htab {
	struct htab_entry **b;
	size_t		 nb;		/* buckets: 0 or a power of two */
	size_t		 n;		/* entries */
};

/* Room for more entries at a load of at most one: 0 or ENOMEM. */
int	htab_reserve(struct htab *, size_t more);
/* Add e (e->hash set); never fails after htab_reserve() made room. */
void	htab_insert(struct htab *, struct htab_entry *e);
void	htab_remove(struct htab *, struct htab_entry *e);
/* The first entry of the chain where hash would be, or NULL. */
struct htab_entry *htab_chain(const struct htab *, uint64_t hash);
/* Empty the table; its entries, linked by next, are the caller's. */
struct htab_entry *htab_take_all(struct htab *);
void	htab_free(struct htab *);
/* The bytes of the bucket array. */
size_t	htab_bytes(const struct htab *);

#endif
