/*
 * The worker's half of `privconfd --compact-journal` (docs/design.md 6).
 * A worker started with --dump gets the profiles' lines, MARK, then the
 * journal's lines, all as SETUP.  The profiles alone build the base; the
 * answer to SETUP_DONE is the shortest text that, replayed after the same
 * profiles, gives the policy all the lines built.  Before it leaves, the
 * text is replayed here on a copy of the base and the two stat renderings
 * must be byte-identical: a compaction that would change the policy is
 * refused, never written.
 */
#ifndef PRIVCONF_WORKER_COMPACT_H
#define PRIVCONF_WORKER_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct compact;
struct policy;

/* With the ipc settings the worker's own policy got: NULL when out of memory. */
struct compact *compact_new(const char *ipc_addr, int64_t ipc_uid,
	    int64_t ipc_gid);
void	compact_free(struct compact *);
/* A profile line that the worker's policy accepted: the base takes it too. */
void	compact_base(struct compact *, const uint8_t *line, size_t len);
/*
 * The compacted journal for p into out (replacing what it held): 0, or
 * ENOMEM, or EINVAL when the text did not rebuild p (logged).
 */
int	compact_finish(struct compact *, struct policy *p, struct buf *out);

#endif
