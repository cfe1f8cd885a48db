/*
 * libFuzzer target for network rule patterns (worker/netaddr.c,
 * docs/commands.md 3.3): ADDR[/PREFIX]!PORT[-HI] and ALIAS!PORT[-HI] of
 * every net/bind and net/connect rule, and the ADDR!PORT targets a check
 * decides.
 *
 * Input: lines separated by '\n', at most NLINE of them; each is read
 * as a rule pattern and as a target.  Checked for every CIDR a pattern
 * gives:
 *  - it is in range (family, prefix within the width, ports in order)
 *    and its host bits past the prefix are clear;
 *  - parse, format, parse: netaddr_format()'s canonical text parses back
 *    to exactly one CIDR, the same, which formats to the same text (a
 *    fixed point); netaddr_cidr_short()'s text with the same ports parses
 *    back to the same CIDR and ports, and is never longer than the
 *    canonical address part;
 *  - the first and the last address of the CIDR, at its lowest and
 *    highest port, written as targets, parse and are matched; one port
 *    past the range, or the first address past the CIDR, is not;
 * and for every (rule, target) pair of lines, netaddr_match() says what
 * a bitwise reference written here says.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker/netaddr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_netaddr: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define NLINE	8

static unsigned
width(const struct netaddr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static bool
bit(const uint8_t *addr, unsigned i)
{
	return (addr[i / 8] >> (7 - i % 8)) & 1;
}

/* Target t in rule r: same family, first r->prefix bits equal, port in. */
static bool
ref_match(const struct netaddr *r, const struct netaddr *t)
{
	unsigned	 i;

	if (r->family != t->family || t->port_lo < r->port_lo ||
	    t->port_hi > r->port_hi)
		return false;
	for (i = 0; i < r->prefix; i++)
		if (bit(r->addr, i) != bit(t->addr, i))
			return false;
	return true;
}

static bool
same(const struct netaddr *a, const struct netaddr *b)
{
	return netaddr_same_cidr(a, b) && a->port_lo == b->port_lo &&
	    a->port_hi == b->port_hi;
}

/* "ADDR!PORT" for a target: the address as inet_ntop writes it. */
static void
target(const struct netaddr *a, const uint8_t *addr, unsigned port,
    struct netaddr *t, bool want)
{
	char	 text[INET6_ADDRSTRLEN], s[NETADDR_STRLEN];
	int	 n;

	if (inet_ntop(a->family, addr, text, sizeof(text)) == NULL)
		FAIL("inet_ntop");
	n = snprintf(s, sizeof(s), "%s!%u", text, port);
	if (netaddr_parse_target(s, (size_t)n, t) != 0)
		FAIL("target \"%s\" refused", s);
	if (netaddr_match(a, t) != want || ref_match(a, t) != want)
		FAIL("target \"%s\" %s the rule's CIDR", s, want ?
		    "outside" : "inside");
}

static void
check_cidr(const struct netaddr *a)
{
	struct netaddr	 b[NETADDR_EXPAND_MAX], t;
	char		 f[NETADDR_STRLEN], g[NETADDR_STRLEN];
	char		 sh[NETADDR_STRLEN + 16];
	uint8_t		 lo[16], hi[16];
	size_t		 fl, gl, sl;
	unsigned	 i, w = width(a);
	int		 n;

	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    a->prefix > w || a->port_lo > a->port_hi)
		FAIL("a CIDR out of range");
	for (i = a->prefix; i < w; i++)
		if (bit(a->addr, i))
			FAIL("host bit %u set past prefix %u", i, a->prefix);
	for (i = w / 8; i < 16; i++)
		if (a->addr[i] != 0)
			FAIL("a byte past the address is set");
	/* parse, format, parse. */
	if ((fl = netaddr_format(a, f)) == 0)
		FAIL("netaddr_format refused a parsed CIDR");
	if (netaddr_parse(f, fl, b) != 1 || !same(a, &b[0]))
		FAIL("\"%s\" does not parse back to itself", f);
	gl = netaddr_format(&b[0], g);
	if (gl != fl || memcmp(f, g, fl) != 0)
		FAIL("\"%s\" formats again as \"%s\"", f, g);
	/* The shortest text, with the same ports. */
	if ((sl = netaddr_cidr_short(a, sh)) == 0)
		FAIL("netaddr_cidr_short refused \"%s\"", f);
	if (sl > (size_t)(strchr(f, '!') - f))
		FAIL("\"%.*s\" is longer than \"%s\"", (int)sl, sh, f);
	n = snprintf(sh + sl, sizeof(sh) - sl, "!%u-%u", a->port_lo,
	    a->port_hi);
	if (netaddr_parse(sh, sl + (size_t)n, b) != 1 || !same(a, &b[0]))
		FAIL("the short \"%s\" is not \"%s\"", sh, f);
	/* The first and the last address, and just past either side. */
	memcpy(lo, a->addr, 16);
	memcpy(hi, a->addr, 16);
	for (i = a->prefix; i < w; i++)
		hi[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	target(a, lo, a->port_lo, &t, true);
	target(a, hi, a->port_hi, &t, true);
	if (a->port_hi < 65535)
		target(a, lo, a->port_hi + 1u, &t, false);
	if (a->port_lo > 0)
		target(a, hi, a->port_lo - 1u, &t, false);
	if (a->prefix > 0) {
		/* Flip the last bit of the network part. */
		i = a->prefix - 1;
		lo[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		target(a, lo, a->port_lo, &t, false);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netaddr	 rules[NLINE][NETADDR_EXPAND_MAX], t;
	const char	*s[NLINE], *in = (const char *)data, *nl;
	size_t		 len[NLINE], nlines = 0, i, j;
	int		 nr[NLINE], k;

	while (nlines < NLINE) {
		nl = memchr(in, '\n', size);
		s[nlines] = in;
		len[nlines] = nl != NULL ? (size_t)(nl - in) : size;
		nlines++;
		if (nl == NULL)
			break;
		size -= len[nlines - 1] + 1;
		in = nl + 1;
	}
	for (i = 0; i < nlines; i++) {
		nr[i] = netaddr_parse(s[i], len[i], rules[i]);
		if (nr[i] == 0 || nr[i] > NETADDR_EXPAND_MAX || nr[i] < -1)
			FAIL("netaddr_parse returned %d", nr[i]);
		for (k = 0; k < nr[i]; k++)
			check_cidr(&rules[i][k]);
	}
	for (j = 0; j < nlines; j++) {
		if (netaddr_parse_target(s[j], len[j], &t) != 0)
			continue;
		if (t.port_lo != t.port_hi || t.prefix != width(&t))
			FAIL("a target with a range");
		for (i = 0; i < nlines; i++)
			for (k = 0; k < nr[i]; k++)
				if (netaddr_match(&rules[i][k], &t) !=
				    ref_match(&rules[i][k], &t))
					FAIL("line %zu on target %zu: %d, the "
					    "reference says %d", i, j,
					    netaddr_match(&rules[i][k], &t),
					    ref_match(&rules[i][k], &t));
	}
	return 0;
}
