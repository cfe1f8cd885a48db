/*
 * The rules of a dump (worker/dump_rules.c, worker/dump_net.c).
 *
 * One rule command adds a run of rules: one per category of its list,
 * and for a network alias one per CIDR of it, categories outer.  The
 * dump cuts the rules, in their order, into such runs and writes each
 * as one line, choosing the cut that costs the fewest bytes: a dynamic
 * programme from the last rule back, where a run starting at rule i is
 * one of a bounded number of shapes (at most one rule per category, 30
 * of them, or two categories times an alias of at most seven CIDRs).
 * So it is linear in the rules.
 *
 * A network run may also be written as its alias followed by lines that
 * remove what is missing of it ("allow/net/connect+local!80" then
 * "allow/net/connect-loopback!80"): '-' removes the newest equal rule,
 * which is then the one just added.
 */
#ifndef PRIVCONF_DUMP_RULES_H
#define PRIVCONF_DUMP_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "worker/dump-int.h"
#include "worker/netaddr.h"
#include "worker/ruleidx.h"

#define DUMP_ALIAS_MAX	16
#define DUMP_NMASK	(1 << NETADDR_EXPAND_MAX)
#define DUMP_NOCOST	UINT8_MAX

/* How the rules from i on are written best: the line for [i, end). */
struct dump_seg {
	uint64_t	 cost;		/* bytes, this line and all after */
	uint32_t	 end;
	int8_t		 alias;		/* network: an alias; -1: its CIDR */
	uint8_t		 ncat;		/* network: categories, 1 or 2 */
	uint8_t		 holes[2];	/* per category: positions removed */
};

/* A way to remove some CIDRs of an alias in one line. */
struct dump_rm {
	uint8_t		 mask;		/* the alias's positions it removes */
	uint8_t		 len;		/* bytes of its text */
	int8_t		 alias;		/* written as this alias, or */
	uint8_t		 pos;		/* as the CIDR at this position */
};

struct dump_alias {
	const char	*name;
	size_t		 namelen;
	int		 n;
	struct netaddr	 cidr[NETADDR_EXPAND_MAX];
	uint8_t		 cidrlen[NETADDR_EXPAND_MAX];	/* shortest text */
	size_t		 nrm;
	struct dump_rm	 rm[DUMP_ALIAS_MAX + NETADDR_EXPAND_MAX];
	/*
	 * The fewest text bytes that remove exactly the positions of mask
	 * in l lines (DUMP_NOCOST: no way), and the first line's rm.
	 */
	uint8_t		 cost[DUMP_NMASK][NETADDR_EXPAND_MAX + 1];
	uint8_t		 first[DUMP_NMASK][NETADDR_EXPAND_MAX + 1];
};

struct dump_rules {
	const struct policy_group **g;	/* the rules, in order */
	uint8_t		*same;		/* g[i] writes as g[i - 1]'s pattern */
	struct dump_seg	*seg;		/* n + 1 of them */
	size_t		 n;
	size_t		 room;		/* more rules a replay may hold */
	struct dump_alias *alias;
	size_t		 nalias;
};

/* dump_rules.c: take cand (its end set) for rule i if it is cheaper. */
void	dump_rules_offer(struct dump_rules *, size_t i,
	    const struct dump_seg *cand, uint64_t cost);
/* The text of a rule's category list: names and commas. */
size_t	dump_rules_catlen(const uint8_t *cats, size_t n);

/* dump_net.c */
int	dump_net_init(struct dump_rules *);
/* Offer every network run that starts at rule i. */
void	dump_net_offer(struct dump_rules *, size_t i);
/* Write the run r->seg[i]. */
void	dump_net_write(const struct dump_rules *, size_t i, struct dump *);

#endif
