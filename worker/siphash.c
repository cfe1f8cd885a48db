/* SipHash-1-3, as the reference code has it (github.com/veorq/SipHash). */
#include <endian.h>
#include <string.h>

#include "worker/siphash.h"

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static void
round_(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static void
block(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	round_(v);
	v[0] ^= m;
}

void
siphash_init(struct siphash *s, const uint64_t key[2])
{
	s->v[0] = key[0] ^ UINT64_C(0x736f6d6570736575);
	s->v[1] = key[1] ^ UINT64_C(0x646f72616e646f6d);
	s->v[2] = key[0] ^ UINT64_C(0x6c7967656e657261);
	s->v[3] = key[1] ^ UINT64_C(0x7465646279746573);
	s->tail = 0;
	s->len = 0;
}

void
siphash_update(struct siphash *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t	 m;

	/* Fill the pending block byte by byte, then whole blocks. */
	while (n > 0 && s->len % 8 != 0) {
		s->tail |= (uint64_t)*p++ << (8 * (s->len++ % 8));
		n--;
		if (s->len % 8 == 0) {
			block(s->v, s->tail);
			s->tail = 0;
		}
	}
	for (; n >= 8; n -= 8, p += 8, s->len += 8) {
		memcpy(&m, p, 8);
		block(s->v, le64toh(m));
	}
	while (n-- > 0)
		s->tail |= (uint64_t)*p++ << (8 * (s->len++ % 8));
}

uint64_t
siphash_final(const struct siphash *s)
{
	uint64_t	 v[4];

	memcpy(v, s->v, sizeof(v));
	block(v, s->tail | ((uint64_t)s->len << 56));
	v[2] ^= 0xff;
	round_(v);
	round_(v);
	round_(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t
siphash(const uint64_t key[2], const void *data, size_t n)
{
	struct siphash	 s;

	siphash_init(&s, key);
	siphash_update(&s, data, n);
	return siphash_final(&s);
}
