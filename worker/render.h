/*
 * One rendering of stat or stats per policy version, shared by every
 * request that asks for it (docs/design.md 3, "long replies").  A reply
 * that streams to a slow client holds a reference, not a copy: a
 * thousand `stat` lines of a 1 MB policy cost one megabyte, not a
 * gigabyte.  A rendering lives only while a reply still streams from it
 * (an idle worker holds none, so its memory returns after a burst); the
 * newest of a kind is shared by every request of the same version; at
 * most RENDER_LIVE_MAX of each kind are alive at once.
 */
#ifndef PRIVCONF_WORKER_RENDER_H
#define PRIVCONF_WORKER_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "worker/cmd.h"

/* Renderings of one kind alive at once (the newest, plus old versions). */
#define RENDER_LIVE_MAX	4

struct policy;

struct render {
	enum cmd_show	 show;
	uint64_t	 version;
	unsigned	 refs;		/* replies streaming from it */
	struct buf	 body;
};

struct render_cache {
	struct render	*newest[3];	/* by enum cmd_show, NULL when none */
	unsigned	 live[3];
};

/*
 * A reference to the rendering of show for p at version: the cached one
 * when its version matches, else a new one.  NULL with *err ENOMEM,
 * E2BIG (past WIRE_REPLY_TOTAL_MAX), or EAGAIN when RENDER_LIVE_MAX old
 * renderings of that kind are still streaming.
 */
struct render	*render_get(struct render_cache *, const struct policy *,
		    uint64_t version, enum cmd_show show, int *err);
/* Drop a reference taken with render_get; the last one frees it. */
void		 render_put(struct render_cache *, struct render *);

#endif
