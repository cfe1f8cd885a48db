/*
 * Network rule patterns of net/bind and net/connect (docs/commands.md section
 * 3.3): ADDR[/PREFIX]!PORT[-HI] or ALIAS!PORT[-HI], and the decision
 * targets ADDR!PORT they are matched against.
 */
#ifndef PRIVCONF_NETADDR_H
#define PRIVCONF_NETADDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETADDR_EXPAND_MAX 7	/* "local": four IPv4 and three IPv6 CIDRs */
#define NETADDR_STRLEN 64	/* longest canonical form is 62 bytes + NUL */

struct netaddr {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		prefix;		/* 0..32 or 0..128 */
	uint16_t	port_lo, port_hi;
	uint8_t		addr[16];	/* network order; IPv4 in the first 4 */
};

/* Parse a net/bind|net/connect rule pattern: ADDR[/PREFIX]!PORT[-HI] or
 * ALIAS!PORT[-HI]; fill out[] with one entry per CIDR in the documented
 * order; host bits past the prefix cleared. Returns the count
 * (1..NETADDR_EXPAND_MAX) or -1 (EINVAL: bad address, prefix past the
 * width, no port, port > 65535, LO > HI, junk, ...). */
int	netaddr_parse(const char *s, size_t len,
	    struct netaddr out[NETADDR_EXPAND_MAX]);
/* Canonical "ADDR/PREFIX!LO-HI" (inet_ntop form); returns its length. */
size_t	netaddr_format(const struct netaddr *, char buf[NETADDR_STRLEN]);
/*
 * The shortest address part netaddr_parse() reads back as a's CIDR (its
 * ports are not written): "127.0.0.1", "10.0.0.0/8", "::1", an alias of
 * one CIDR when that is shorter ("any4"), IPv6 in hex with the zero run
 * that saves most compressed.  Returns its length, 0 for a bad family.
 */
size_t	netaddr_cidr_short(const struct netaddr *a, char buf[NETADDR_STRLEN]);
/*
 * The i-th alias, in a fixed order: its name, and out[] filled as
 * netaddr_parse() fills it for "NAME!0".  Returns its count of CIDRs, or
 * 0 past the last alias.
 */
int	netaddr_alias(size_t i, const char **name,
	    struct netaddr out[NETADDR_EXPAND_MAX]);
/* Same family, prefix and address (ports are not compared). */
bool	netaddr_same_cidr(const struct netaddr *, const struct netaddr *);
/* A decision target "ADDR!PORT" (no prefix, no alias, no range). 0 or -1. */
int	netaddr_parse_target(const char *s, size_t len, struct netaddr *out);
/* Does target (from netaddr_parse_target) fall in rule's CIDR and port
 * range? */
bool	netaddr_match(const struct netaddr *rule, const struct netaddr *target);

#endif
