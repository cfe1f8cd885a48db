/* Shared renderings of stat and stats; see render.h. */
#include <errno.h>
#include <stdlib.h>

#include "worker/render.h"

void
render_put(struct render_cache *rc, struct render *r)
{
	if (--r->refs > 0)
		return;
	if (rc->newest[r->show] == r)
		rc->newest[r->show] = NULL;
	rc->live[r->show]--;
	buf_free(&r->body);
	free(r);
}

struct render *
render_get(struct render_cache *rc, const struct policy *p, uint64_t version,
    enum cmd_show show, int *err)
{
	struct render	*r = rc->newest[show];

	if (r != NULL && r->version == version) {
		r->refs++;
		return r;
	}
	if (rc->live[show] >= RENDER_LIVE_MAX) {
		*err = EAGAIN;
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		*err = ENOMEM;
		return NULL;
	}
	r->show = show;
	r->version = version;
	r->body = (struct buf)BUF_INIT;
	if ((*err = cmd_render(p, show, &r->body)) != 0) {
		buf_free(&r->body);
		free(r);
		return NULL;
	}
	rc->live[show]++;
	r->refs = 1;
	rc->newest[show] = r;
	return r;
}
