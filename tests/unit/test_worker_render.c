/*
 * Shared renderings (worker/render.h): one per policy version, shared by
 * every request while one is alive, gone with its last reply, and never
 * more than RENDER_LIVE_MAX of a kind.
 */
#include <criterion/criterion.h>

#include <errno.h>

#include "worker/policy.h"
#include "worker/render.h"

Test(worker_render, one_version_is_rendered_once)
{
	struct render_cache rc = { 0 };
	struct policy	*p = policy_new();
	struct render	*a, *b;
	int		 err;

	cr_assert_not_null(p);
	a = render_get(&rc, p, 1, CMD_SHOW_STAT, &err);
	b = render_get(&rc, p, 1, CMD_SHOW_STAT, &err);
	cr_assert_not_null(a);
	cr_assert_eq(a, b);
	cr_assert_eq(a->refs, 2);
	cr_assert_eq(rc.live[CMD_SHOW_STAT], 1);
	cr_assert_eq(((const char *)buf_head(&a->body))[0], '{');
	/* stats is another kind, rendered apart. */
	b = render_get(&rc, p, 1, CMD_SHOW_STATS, &err);
	cr_assert_neq(a, b);
	render_put(&rc, b);
	render_put(&rc, a);
	cr_assert_eq(rc.newest[CMD_SHOW_STAT], a);
	render_put(&rc, a);
	/* The last reply gone, nothing is held. */
	cr_assert_null(rc.newest[CMD_SHOW_STAT]);
	cr_assert_eq(rc.live[CMD_SHOW_STAT], 0);
	cr_assert_eq(rc.live[CMD_SHOW_STATS], 0);
	policy_free(p);
}

Test(worker_render, a_new_version_is_rendered_anew)
{
	struct render_cache rc = { 0 };
	struct policy	*p = policy_new();
	struct render	*a, *b;
	int		 err;

	a = render_get(&rc, p, 1, CMD_SHOW_STAT, &err);
	b = render_get(&rc, p, 2, CMD_SHOW_STAT, &err);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	cr_assert_eq(rc.live[CMD_SHOW_STAT], 2);
	render_put(&rc, a);
	cr_assert_eq(rc.newest[CMD_SHOW_STAT], b);
	render_put(&rc, b);
	cr_assert_eq(rc.live[CMD_SHOW_STAT], 0);
	policy_free(p);
}

/* Old versions still streaming to slow readers count: EAGAIN past them. */
Test(worker_render, live_renderings_are_bounded)
{
	struct render_cache rc = { 0 };
	struct policy	*p = policy_new();
	struct render	*held[RENDER_LIVE_MAX];
	uint64_t	 v;
	int		 err = 0;

	for (v = 0; v < RENDER_LIVE_MAX; v++) {
		held[v] = render_get(&rc, p, v + 1, CMD_SHOW_STAT, &err);
		cr_assert_not_null(held[v]);
	}
	cr_assert_null(render_get(&rc, p, RENDER_LIVE_MAX + 1, CMD_SHOW_STAT,
	    &err));
	cr_assert_eq(err, EAGAIN);
	/* The newest is still shared; one reader done frees room. */
	cr_assert_eq(render_get(&rc, p, RENDER_LIVE_MAX, CMD_SHOW_STAT, &err),
	    held[RENDER_LIVE_MAX - 1]);
	render_put(&rc, held[RENDER_LIVE_MAX - 1]);
	render_put(&rc, held[0]);
	cr_assert_not_null(held[0] = render_get(&rc, p, RENDER_LIVE_MAX + 1,
	    CMD_SHOW_STAT, &err));
	for (v = 0; v < RENDER_LIVE_MAX; v++)
		render_put(&rc, held[v]);
	cr_assert_eq(rc.live[CMD_SHOW_STAT], 0);
	policy_free(p);
}
