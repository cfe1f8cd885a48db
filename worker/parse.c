/* Category lists, numbers, sizes, ids and pattern kinds of commands. */
#include <errno.h>
#include <string.h>

#include "common/decimal.h"
#include "worker/cmdtab.h"
#include "worker/parse.h"

/* The categories of set not listed yet, in category order. */
static void
cats_add(struct cmd *c, uint64_t set)
{
	uint64_t rest;
	int	 i;

	for (rest = set & ~c->cats; rest != 0; rest &= rest - 1) {
		i = __builtin_ctzll(rest);
		c->cats |= POLICY_CAT_BIT(i);
		c->catv[c->ncat++] = (uint8_t)i;
	}
}

int
parse_cats(const char *s, size_t len, struct cmd *c)
{
	const char	*end = s + len, *comma;
	size_t		 n;
	int		 cat;

	c->cats = 0;
	c->ncat = 0;
	for (;;) {
		comma = memchr(s, ',', (size_t)(end - s));
		n = (size_t)((comma != NULL ? comma : end) - s);
		if (n == 3 && memcmp(s, "net", 3) == 0)
			cats_add(c, POLICY_CATS_NET);
		else if (n == 3 && memcmp(s, "all", 3) == 0)
			cats_add(c, POLICY_CATS_PATH | POLICY_CATS_NET);
		else if ((cat = policy_cat_lookup(s, n)) >= 0)
			cats_add(c, POLICY_CAT_BIT(cat));
		else
			return EINVAL;
		if (comma == NULL)
			return 0;
		s = comma + 1;
	}
}

int
parse_u64(const char *s, size_t len, uint64_t *v)
{
	return decimal_parse(s, len, 0, UINT64_MAX, v) == 0 ? 0 : EINVAL;
}

/* "K" "KB" "KiB" ..., any case: the power of 1024 it names, or -1. */
static int
size_shift(const char *s, size_t len)
{
	static const char units[] = "kmgtp";
	const char	*u;
	char		 c;

	if (len == 0)
		return 0;
	c = (char)(s[0] | 0x20);
	if ((u = memchr(units, c, sizeof(units) - 1)) == NULL)
		return -1;
	if (len == 1)
		return (int)(u - units + 1) * 10;
	if (len == 2 && (s[1] | 0x20) == 'b')
		return (int)(u - units + 1) * 10;
	if (len == 3 && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'b')
		return (int)(u - units + 1) * 10;
	return -1;
}

int
parse_size(const char *s, size_t len, uint64_t *v)
{
	uint64_t n;
	size_t	 digits;
	int	 shift;

	for (digits = 0; digits < len; digits++)
		if (s[digits] < '0' || s[digits] > '9')
			break;
	if (parse_u64(s, digits, &n) != 0)
		return EINVAL;
	if ((shift = size_shift(s + digits, len - digits)) < 0)
		return EINVAL;
	if (shift > 0 && n > (UINT64_MAX >> shift))
		return EINVAL;
	*v = n << shift;
	return 0;
}

int
parse_id(const char *s, size_t len, uint32_t *v)
{
	uint64_t n;

	if (parse_u64(s, len, &n) != 0 || n > POLICY_ID_MAX)
		return EINVAL;
	*v = (uint32_t)n;
	return 0;
}

int
parse_pat_kind(int cat, const char *s, size_t len)
{
	const uint64_t	 addr = POLICY_CAT_BIT(POLICY_CAT_NET_BIND) |
			    POLICY_CAT_BIT(POLICY_CAT_NET_CONNECT);
	const uint64_t	 sock = addr | POLICY_CAT_BIT(POLICY_CAT_NET_SENDFD);
	uint64_t	 bit = POLICY_CAT_BIT(cat);
	char		 first = len > 0 ? s[0] : '\0';

	if (bit & POLICY_CATS_PATH)
		return first == '/' ? POLICY_PAT_PATH : -1;
	if (bit & sock) {
		if (first == '/')
			return POLICY_PAT_PATH;
		if (first == '@')
			return POLICY_PAT_ABSTRACT;
		return (bit & addr) ? POLICY_PAT_NET : -1;
	}
	return cat == POLICY_CAT_NET_LINK ? POLICY_PAT_NETLINK : -1;
}
