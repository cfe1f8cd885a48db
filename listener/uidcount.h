/*
 * Connections per uid, for --max-conn-per-uid (docs/protocol.md 8): one
 * lookup per accept instead of a walk over every connection, which made
 * setting up many connections quadratic (docs/PERFORMANCE.md).  An open
 * addressing table of twice --max-conn entries: at most --max-conn uids
 * are counted at once, so it never fills.
 */
#ifndef PRIVCONF_LISTENER_UIDCOUNT_H
#define PRIVCONF_LISTENER_UIDCOUNT_H

#include <stddef.h>
#include <stdint.h>

struct uidcount_ent {
	uint32_t	 uid;
	uint32_t	 n;		/* 0: a free entry */
};

struct uidcount {
	struct uidcount_ent *t;
	size_t		 mask;		/* entries - 1, a power of two */
};

/* Room for max uids; fatal when memory runs out. */
void	uidcount_init(struct uidcount *, size_t max);
void	uidcount_free(struct uidcount *);
size_t	uidcount_get(const struct uidcount *, uint32_t uid);
void	uidcount_inc(struct uidcount *, uint32_t uid);
/* uid must have been counted. */
void	uidcount_dec(struct uidcount *, uint32_t uid);

#endif
