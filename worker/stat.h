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
/*
 * s[0..len) as stat writes a string, without its quotes: '"', '\\' and
 * control bytes escaped, other bytes as they are (UTF-8 was checked on
 * the way in).  0, or -1 when out of memory, out then holding part of it.
 */
int	stat_json_escape(struct buf *out, const char *s, size_t len);

#endif
