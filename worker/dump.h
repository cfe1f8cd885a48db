/*
 * The policy as the shortest profile that rebuilds it (privconfd
 * --compact-journal, docs/design.md 6).
 */
#ifndef PRIVCONF_DUMP_H
#define PRIVCONF_DUMP_H

#include "common/buf.h"

struct policy;

/*
 * Append to out command lines, each ending in '\n', that applied in
 * order as profile lines (CMD_PROFILE) to a fresh policy_new() given the
 * same policy_set_ipc() arguments give a policy with the same stat and
 * stats and the same rules in the same order.  Only what differs from a
 * fresh policy is written: a fresh policy dumps to nothing.  Returns 0;
 * ENOMEM; or E2BIG when a setting cannot be written as one profile line
 * (a value longer than PROFILE_LINE_MAX allows, which only a line longer
 * than any profile or client line can have stored).  On failure out is
 * as it was.
 */
int	policy_dump(const struct policy *p, struct buf *out);
/*
 * The same against base instead of a fresh policy: lines that, applied
 * after the lines that built base (privconfd's profiles), give p.  What
 * differs, in the same order; lists and rules that still start with
 * base's get the rest, others are rebuilt.  Also EINVAL when the command
 * language cannot say a difference (a name base has and p lacks).
 */
int	policy_dump_since(const struct policy *p, const struct policy *base,
	    struct buf *out);

#endif
