/*
 * The policy's rules and their index (docs/commands.md 3.3): add and
 * remove in O(1) per rule (expected: hashes), stat's insertion order,
 * and the candidates of a decision (worker/decide.c).
 */
#ifndef PRIVCONF_RULEIDX_H
#define PRIVCONF_RULEIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worker/policy-ops.h"
#include "worker/ruleidx-t.h"
#include "worker/siphash.h"

/* An empty index with a fresh hash key; NULL on ENOMEM. */
struct ruleidx	*ruleidx_new(void);
void		 ruleidx_free(struct ruleidx *);
/* Remove every rule and give back their memory; the key stays. */
void		 ruleidx_clear(struct ruleidx *);

/*
 * Append all n rules or none: 0; EINVAL for a spec past PATTERN_MAX or
 * more than POLICY_EXPAND_MAX of them; ENOMEM past POLICY_RULES_MAX,
 * POLICY_PATTERN_BYTES_MAX or a category's POLICY_GLOB_WORDS_MAX, or
 * out of memory.
 */
int	ruleidx_add(struct ruleidx *, const struct policy_rulespec *, size_t n);
/* Remove the last-added rule equal to each spec in turn; count removed. */
size_t	ruleidx_remove_last(struct ruleidx *, const struct policy_rulespec *,
	    size_t n);
/* Remove every rule equal to any spec; count removed. */
size_t	ruleidx_remove_all(struct ruleidx *, const struct policy_rulespec *,
	    size_t n);

/*
 * A transaction: changes from begin on can be undone as one
 * (docs/design.md 6: a journal write that fails takes back the changes
 * it should have recorded).  commit keeps them; rollback restores the
 * rules exactly as they were at begin, order included, and returns 0 or
 * ENOMEM (the index is then empty and the caller must not go on).
 */
void	ruleidx_txn_begin(struct ruleidx *);
void	ruleidx_txn_commit(struct ruleidx *);
int	ruleidx_txn_rollback(struct ruleidx *);

size_t	ruleidx_count(const struct ruleidx *);
/* The harshest action among cat's rules (enum policy_act), -1: none. */
int	ruleidx_max_act(const struct ruleidx *, enum policy_cat);
/* Heap bytes held, patterns included (malloc's own overhead not). */
size_t	ruleidx_bytes(const struct ruleidx *);

/* Rules in insertion order; NULL past either end. */
const struct policy_rule *ruleidx_first(const struct ruleidx *);
const struct policy_rule *ruleidx_last(const struct ruleidx *);
const struct policy_rule *ruleidx_next(const struct ruleidx *,
	    const struct policy_rule *);
const struct policy_rule *ruleidx_prev(const struct ruleidx *,
	    const struct policy_rule *);

/*
 * Decisions.  A node's key hash is siphash() under the index's key (see
 * ruleidx_hash_init()) of its key bytes; ruleidx_node() finds the node
 * of (cat, tag, key), or NULL.
 */
void	ruleidx_hash_init(const struct ruleidx *, struct siphash *);
const struct policy_node *ruleidx_node(const struct ruleidx *,
	    enum policy_cat, enum ruleidx_tag, const void *key, size_t keylen,
	    uint64_t keyhash);
/* A node's rules, newest first: the newest, then each one's older. */
const struct policy_rule *ruleidx_node_newest(const struct ruleidx *,
	    const struct policy_node *);
const struct policy_rule *ruleidx_node_older(const struct ruleidx *,
	    const struct policy_rule *);
/* The key of a's network at prefix length plen (<= a's width). */
void	ruleidx_netkey(uint8_t key[RULEIDX_NETKEY], const struct netaddr *a,
	    unsigned plen);
/* The prefix lengths (bits 0..128) of cat's nodes of a's family. */
const uint64_t *ruleidx_netlens(const struct ruleidx *, enum policy_cat,
	    const struct netaddr *a);

#endif
