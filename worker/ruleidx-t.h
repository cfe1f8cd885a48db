/*
 * Types of the rule index (worker/ruleidx.c).  Rules live in slots
 * numbered by uint32_t ids and sit on three lists at once:
 *
 *  - every rule, in insertion order: what stat shows;
 *  - its group: the rules equal to it (docs/commands.md 3.3: same action,
 *    category and canonical pattern), newest first, found by hash: what
 *    '-', '^' and the duplicate count need;
 *  - its node: the rules of one category whose matches all start with
 *    one key (a glob's literal head up to its last '/', a literal path,
 *    a CIDR, a netlink family), in insertion order, found by hash: what
 *    a decision reads, newest first, only for the keys of its target.
 */
#ifndef PRIVCONF_RULEIDX_T_H
#define PRIVCONF_RULEIDX_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker/glob.h"
#include "worker/htab.h"
#include "worker/netaddr.h"
#include "worker/policy-t.h"

#define RULEIDX_NONE	UINT32_MAX

/* What a node's key is. */
enum ruleidx_tag {
	RULEIDX_GLOB,		/* a glob's head up to and with its last '/' */
	RULEIDX_EXACT,		/* a literal path or socket name, whole */
	RULEIDX_NET,		/* a CIDR: ruleidx_netkey() */
	RULEIDX_NETLINK,	/* a netlink family name, or "all" */
};
#define RULEIDX_NETKEY	18	/* family, prefix, 16 address bytes */

/* The rules equal to each other, and what their pattern says. */
struct policy_group {
	struct htab_entry he;
	uint32_t	 newest;	/* a rule id; each links an older */
	uint32_t	 nrules;
	uint8_t		 zombie;	/* empty, kept for a transaction */
	uint8_t		 act;		/* enum policy_act */
	uint8_t		 cat;		/* enum policy_cat */
	uint8_t		 kind;		/* enum policy_pat */
	struct glob_info glob;		/* POLICY_PAT_PATH, _ABSTRACT */
	struct netaddr	 net;		/* POLICY_PAT_NET */
	uint32_t	 patlen;
	char		 pat[];		/* canonical, NUL-terminated */
};

struct policy_node {
	struct htab_entry he;
	/* A group with rules here: its pattern spells the key. */
	const struct policy_group *keyg;
	uint32_t	 newest;	/* a rule id; each links an older */
	uint32_t	 nrules;
	uint16_t	 keylen;
	uint8_t		 cat;
	uint8_t		 tag;		/* enum ruleidx_tag */
	uint8_t		 zombie;	/* empty, kept for a transaction */
};

/* A rule older than a transaction that the transaction removed. */
struct ruleidx_kept {
	uint64_t	 seq;
	struct policy_group *grp;	/* kept alive until the end */
};

/* A group or node a transaction left empty and keeps until its end. */
struct ruleidx_zombie {
	struct htab_entry *he;
	uint8_t		 node;		/* 0: a group, 1: a node */
};

struct policy_rule {
	struct policy_group *grp;	/* NULL: a free slot */
	struct policy_node *node;
	uint64_t	 seq;		/* greater: added later */
	uint32_t	 prev, next;	/* insertion order; next: free list */
	uint32_t	 nprev, nnext;	/* the node's rules, in that order */
	uint32_t	 golder;	/* the group's next older rule */
};

struct ruleidx {
	struct policy_rule *slot;
	uint32_t	 nslot;		/* slots ever used */
	uint32_t	 capslot;
	uint32_t	 freeslot;	/* a free slot's next is the next one */
	uint32_t	 first, last;	/* the oldest and the newest rule */
	size_t		 n;		/* rules */
	size_t		 patbytes;	/* sum of their patlen */
	uint64_t	 seq;
	uint64_t	 key[2];	/* of every hash */
	struct htab	 groups;
	struct htab	 nodes;
	size_t		 bytes;		/* groups and nodes */
	/* Per category: rules by action (lock:drop), automaton words. */
	uint32_t	 nact[POLICY_CAT_COUNT][POLICY_ACT_COUNT];
	uint32_t	 words[POLICY_CAT_COUNT];
	/*
	 * net/bind and net/connect, IPv4 and IPv6: nodes per prefix
	 * length, and the lengths that have any, which are all a decision
	 * has to look up.
	 */
	uint32_t	 netlen[2][2][129];
	uint64_t	 netbits[2][2][3];
	/*
	 * A transaction (ruleidx_txn_begin): groups and nodes left empty
	 * are kept, not freed, and the rules it removed that are older than
	 * it are remembered, so that ruleidx_txn_rollback() can rebuild the
	 * rules as they were.
	 */
	bool		 txn;
	uint64_t	 txn_seq;	/* rules of seq <= it are older */
	struct ruleidx_kept *kept;
	size_t		 nkept, capkept;
	struct ruleidx_zombie *zombies;
	size_t		 nzombie, capzombie;
};

#endif
