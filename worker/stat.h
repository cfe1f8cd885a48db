/*
 * The two renderings of the policy: stat's frozen JSON (docs/commands.md
 * section 4) and stats' text.  Both append to out and return 0, ENOMEM,
 * or E2BIG when the reply would pass WIRE_REPLY_TOTAL_MAX; on failure out
 * is as it was.
 */
#ifndef PRIVCONF_STAT_H
#define PRIVCONF_STAT_H

#include "common/buf.h"

struct policy;

int	stat_json(const struct policy *, struct buf *out);
int	stats_text(const struct policy *, struct buf *out);

#endif
