/*
 * SipHash-1-3 (Aumasson and Bernstein), keyed per policy: the rule
 * index's hash tables take their keys from clients, and a hash nobody
 * can predict keeps them from choosing keys that collide.  Streaming,
 * so that a decision hashes every directory prefix of a path in one
 * pass over it (worker/decide.c).
 */
#ifndef PRIVCONF_SIPHASH_H
#define PRIVCONF_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash {
	uint64_t	 v[4];
	uint64_t	 tail;		/* bytes not in a block yet */
	size_t		 len;		/* bytes so far */
};

void	 siphash_init(struct siphash *, const uint64_t key[2]);
void	 siphash_update(struct siphash *, const void *, size_t);
/* The hash of the bytes so far; s may go on taking bytes. */
uint64_t siphash_final(const struct siphash *s);
uint64_t siphash(const uint64_t key[2], const void *, size_t);

#endif
