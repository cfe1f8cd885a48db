/*
 * Network rule patterns (docs/commands.md section 3.3): parsing, the canonical
 * text that makes two rules equal, and the CIDR/port test of a decision.
 *
 * Strictness, decided once for every number here: decimal digits only, no
 * sign, no blanks, no empty part, and no leading zero ("0" itself is
 * fine, "080" and "00" are not).  glibc's inet_pton(3) already refuses
 * "010.0.0.1" because such octets read as octal to inet_aton(3) and to
 * other tools; ports and prefixes follow the same rule so that a value
 * has one spelling and nobody has to guess whether "010" is 8 or 10.
 * IPv6 groups keep inet_pton's own rule (up to four hex digits, so
 * "::0001" is "::1"); the canonical form is what rules are compared by.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "worker/netaddr.h"

/* The CIDRs the aliases are made of. */
enum {
	C4_ANY, C4_LOOP, C4_TEN, C4_172, C4_192, C4_LINK,
	C6_ANY, C6_LOOP, C6_LINK, C6_ULA,
};

static const struct {
	uint8_t	family;
	uint8_t	prefix;
	uint8_t	addr[16];
} cidrs[] = {
	[C4_ANY] =	{ AF_INET, 0, { 0 } },
	[C4_LOOP] =	{ AF_INET, 8, { 127 } },
	[C4_TEN] =	{ AF_INET, 8, { 10 } },
	[C4_172] =	{ AF_INET, 12, { 172, 16 } },
	[C4_192] =	{ AF_INET, 16, { 192, 168 } },
	[C4_LINK] =	{ AF_INET, 16, { 169, 254 } },
	[C6_ANY] =	{ AF_INET6, 0, { 0 } },
	[C6_LOOP] =	{ AF_INET6, 128, { [15] = 1 } },
	[C6_LINK] =	{ AF_INET6, 10, { 0xfe, 0x80 } },
	[C6_ULA] =	{ AF_INET6, 7, { 0xfc } },
};

/* The order of each row is part of the spec: rules are added in it. */
static const struct {
	const char	*name;
	uint8_t		 n;
	uint8_t		 cidr[NETADDR_EXPAND_MAX];
} aliases[] = {
	{ "any",	2, { C4_ANY, C6_ANY } },
	{ "any4",	1, { C4_ANY } },
	{ "any6",	1, { C6_ANY } },
	{ "loopback",	2, { C4_LOOP, C6_LOOP } },
	{ "loopback4",	1, { C4_LOOP } },
	{ "loopback6",	1, { C6_LOOP } },
	{ "local",	7, { C4_LOOP, C4_TEN, C4_172, C4_192,
			     C6_LOOP, C6_LINK, C6_ULA } },
	{ "local4",	4, { C4_LOOP, C4_TEN, C4_172, C4_192 } },
	{ "local6",	3, { C6_LOOP, C6_LINK, C6_ULA } },
	{ "linklocal",	2, { C4_LINK, C6_LINK } },
	{ "linklocal4",	1, { C4_LINK } },
	{ "linklocal6",	1, { C6_LINK } },
};

/* s[0..n) as a decimal number <= max, spelled the strict way above. */
static int
parse_dec(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	size_t	i;

	/* Five digits hold 65535; more cannot be valid and could overflow. */
	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return *v <= max ? 0 : -1;
}

/* "PORT" or "LO-HI" with LO <= HI. */
static int
parse_ports(const char *s, size_t n, uint16_t *lo, uint16_t *hi)
{
	const char	*dash;
	unsigned long	 a, b;

	if ((dash = memchr(s, '-', n)) == NULL) {
		if (parse_dec(s, n, 65535, &a) == -1)
			return -1;
		b = a;
	} else if (parse_dec(s, (size_t)(dash - s), 65535, &a) == -1 ||
	    parse_dec(dash + 1, n - (size_t)(dash - s) - 1, 65535, &b) == -1)
		return -1;
	if (a > b)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/*
 * A bare IPv4 or IPv6 address.  The bytes are checked before inet_pton
 * sees them: it wants a NUL-terminated string, and an embedded NUL would
 * otherwise cut the text short and let trailing junk through.  A colon
 * makes it IPv6, so "::ffff:1.2.3.4" stays IPv6 (never an IPv4 rule).
 */
static int
parse_addr(const char *s, size_t n, struct netaddr *a)
{
	char	text[INET6_ADDRSTRLEN];
	size_t	i;
	int	af;

	if (n == 0 || n >= sizeof(text))
		return -1;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F') || s[i] == '.' || s[i] == ':'))
			return -1;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	af = memchr(s, ':', n) != NULL ? AF_INET6 : AF_INET;
	memset(a->addr, 0, sizeof(a->addr));
	if (inet_pton(af, text, a->addr) != 1)
		return -1;
	a->family = (uint8_t)af;
	return 0;
}

static unsigned
width(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* Clear every address bit past the prefix. */
static void
clear_host_bits(struct netaddr *a)
{
	unsigned	i, bits;

	for (i = 0; i < width(a->family) / 8; i++) {
		bits = i * 8;
		if (a->prefix >= bits + 8)
			continue;
		if (a->prefix <= bits)
			a->addr[i] = 0;
		else
			a->addr[i] &= (uint8_t)(0xff <<
			    (8 - (a->prefix - bits)));
	}
}

static int
einval(void)
{
	errno = EINVAL;
	return -1;
}

#define NALIASES	(sizeof(aliases) / sizeof(aliases[0]))

/* Alias i's CIDRs into out[], each with a's ports. */
static int
alias_expand(size_t i, const struct netaddr *a,
    struct netaddr out[NETADDR_EXPAND_MAX])
{
	size_t	 k;

	for (k = 0; k < aliases[i].n; k++) {
		out[k] = *a;
		out[k].family = cidrs[aliases[i].cidr[k]].family;
		out[k].prefix = cidrs[aliases[i].cidr[k]].prefix;
		memcpy(out[k].addr, cidrs[aliases[i].cidr[k]].addr,
		    sizeof(out[k].addr));
	}
	return aliases[i].n;
}

int
netaddr_alias(size_t i, const char **name,
    struct netaddr out[NETADDR_EXPAND_MAX])
{
	struct netaddr	 a;

	if (i >= NALIASES)
		return 0;
	memset(&a, 0, sizeof(a));
	*name = aliases[i].name;
	return alias_expand(i, &a, out);
}

int
netaddr_parse(const char *s, size_t len,
    struct netaddr out[NETADDR_EXPAND_MAX])
{
	const char	*bang, *slash;
	struct netaddr	 a;
	unsigned long	 prefix;
	size_t		 alen, i;

	if ((bang = memchr(s, '!', len)) == NULL)
		return einval();
	alen = (size_t)(bang - s);
	memset(&a, 0, sizeof(a));
	if (parse_ports(bang + 1, len - alen - 1, &a.port_lo, &a.port_hi) == -1)
		return einval();

	for (i = 0; i < NALIASES; i++)
		if (strlen(aliases[i].name) == alen &&
		    memcmp(aliases[i].name, s, alen) == 0)
			return alias_expand(i, &a, out);

	/* An alias takes no prefix: "any/8" falls through to here and fails. */
	if ((slash = memchr(s, '/', alen)) == NULL) {
		if (parse_addr(s, alen, &a) == -1)
			return einval();
		prefix = width(a.family);
	} else {
		if (parse_addr(s, (size_t)(slash - s), &a) == -1 ||
		    parse_dec(slash + 1, alen - (size_t)(slash - s) - 1,
		    width(a.family), &prefix) == -1)
			return einval();
	}
	a.prefix = (uint8_t)prefix;
	clear_host_bits(&a);
	out[0] = a;
	return 1;
}

size_t
netaddr_format(const struct netaddr *a, char buf[NETADDR_STRLEN])
{
	char	text[INET6_ADDRSTRLEN];
	int	n;

	buf[0] = '\0';
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    inet_ntop(a->family, a->addr, text, sizeof(text)) == NULL)
		return 0;
	n = snprintf(buf, NETADDR_STRLEN, "%s/%u!%u-%u", text,
	    (unsigned)a->prefix, (unsigned)a->port_lo, (unsigned)a->port_hi);
	if (n < 0 || n >= NETADDR_STRLEN) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n;
}

bool
netaddr_same_cidr(const struct netaddr *a, const struct netaddr *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	    memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/*
 * IPv6 in its shortest text.  inet_ntop(3) follows RFC 5952, which never
 * compresses a single zero group and writes some addresses with an IPv4
 * tail ("::ffff:255.255.255.255"); both can be longer than plain hex.
 * "::" over a run of k zero groups saves 2k - 1 bytes inside the address,
 * 2k - 2 at one end and 2k - 3 for the whole of it: the run that saves
 * most is compressed, the first of equals.
 */
static size_t
v6_short(const uint8_t addr[16], char *buf)
{
	unsigned	 g[8], i, k, save, best = 0, bs = 8, be = 8;
	size_t		 n = 0;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
	for (i = 0; i < 8; i++) {
		for (k = 0; i + k < 8 && g[i + k] == 0; k++)
			continue;
		if (k == 0)
			continue;
		save = 2 * k - (i == 0 && k == 8 ? 3 :
		    i == 0 || i + k == 8 ? 2 : 1);
		if (save > best) {
			best = save;
			bs = i;
			be = i + k;
		}
		i += k - 1;
	}
	for (i = 0; i < 8; i++) {
		if (i == bs) {
			n += (size_t)sprintf(buf + n, "::");
			i = be - 1;
			continue;
		}
		n += (size_t)sprintf(buf + n, "%x%s", g[i],
		    i < 7 && i + 1 != bs ? ":" : "");
	}
	return n;
}

size_t
netaddr_cidr_short(const struct netaddr *a, char buf[NETADDR_STRLEN])
{
	struct netaddr	 one[NETADDR_EXPAND_MAX];
	size_t		 n, i;

	buf[0] = '\0';
	if (a->family == AF_INET) {
		if (inet_ntop(AF_INET, a->addr, buf, NETADDR_STRLEN) == NULL)
			return 0;
		n = strlen(buf);
	} else if (a->family == AF_INET6)
		n = v6_short(a->addr, buf);
	else
		return 0;
	if (a->prefix < width(a->family))
		n += (size_t)sprintf(buf + n, "/%u", (unsigned)a->prefix);
	for (i = 0; i < NALIASES; i++) {
		if (aliases[i].n != 1 || strlen(aliases[i].name) >= n)
			continue;
		alias_expand(i, a, one);
		if (netaddr_same_cidr(&one[0], a))
			n = (size_t)sprintf(buf, "%s", aliases[i].name);
	}
	return n;
}

int
netaddr_parse_target(const char *s, size_t len, struct netaddr *out)
{
	const char	*bang;
	struct netaddr	 a;
	unsigned long	 port;
	size_t		 alen;

	if ((bang = memchr(s, '!', len)) == NULL)
		return einval();
	alen = (size_t)(bang - s);
	memset(&a, 0, sizeof(a));
	if (parse_dec(bang + 1, len - alen - 1, 65535, &port) == -1 ||
	    parse_addr(s, alen, &a) == -1)
		return einval();
	a.prefix = (uint8_t)width(a.family);
	a.port_lo = a.port_hi = (uint16_t)port;
	*out = a;
	return 0;
}

/*
 * Containment: target's CIDR inside rule's, target's ports inside rule's.
 * For a target from netaddr_parse_target (full prefix, one port) that is
 * "the address is in the network and the port in the range".  Families
 * must be equal: an IPv4 target never matches an IPv6 rule, not even
 * ::ffff:0:0/96.
 */
bool
netaddr_match(const struct netaddr *rule, const struct netaddr *target)
{
	unsigned	full, rest;

	if (rule->family != target->family ||
	    (rule->family != AF_INET && rule->family != AF_INET6) ||
	    rule->prefix > width(rule->family) ||
	    target->prefix < rule->prefix)
		return false;
	if (target->port_lo < rule->port_lo || target->port_hi > rule->port_hi)
		return false;
	full = rule->prefix / 8;
	rest = rule->prefix % 8;
	if (memcmp(rule->addr, target->addr, full) != 0)
		return false;
	if (rest != 0 && ((rule->addr[full] ^ target->addr[full]) &
	    (uint8_t)(0xff << (8 - rest))) != 0)
		return false;
	return true;
}
