/*
 * What the files of the dump (worker/dump*.c) share: the line writer,
 * and one function per part of the policy.  Each part writes only what
 * differs from a reference policy: a fresh one when ref is NULL
 * (policy_dump), the profiles' base for compaction (policy_dump_since).
 */
#ifndef PRIVCONF_DUMP_INT_H
#define PRIVCONF_DUMP_INT_H

#include <stddef.h>

#include "common/buf.h"

struct policy;

/* Lines being written: the first failure is kept, later writes do nothing. */
struct dump {
	struct buf	*b;
	size_t		 line;		/* where the current line began */
	int		 err;		/* 0, ENOMEM or E2BIG */
};

/* dump.c */
void	dump_put(struct dump *, const void *, size_t);
void	dump_puts(struct dump *, const char *);
void	dump_putu(struct dump *, unsigned long long);
/* End the line: E2BIG unless it is one profile line, then its '\n'. */
void	dump_eol(struct dump *);
/* The decimal text of v, and its length. */
size_t	dump_utoa(unsigned long long v, char buf[24]);

/* dump_cats.c: sandbox/ and default/. */
void	dump_cats(const struct policy *, const struct policy *ref,
	    struct dump *);
/* dump_rules.c: the rules from the skip-th on, in their order. */
void	dump_rules(const struct policy *, size_t skip, struct dump *);
/*
 * How many of p's first rules are ref's, all of them and in their order;
 * when they are not, lines that remove ref's rules, and 0.
 */
size_t	dump_rules_since(const struct policy *p, const struct policy *ref,
	    struct dump *);
/* dump_settings.c: lists, limits, trace, identities and names. */
void	dump_settings(const struct policy *, const struct policy *ref,
	    struct dump *);
/* dump.c: the lock state, when it differs. */
void	dump_lock(const struct policy *, const struct policy *ref,
	    struct dump *);

#endif
