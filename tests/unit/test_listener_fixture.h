/*
 * A connection without a socket for the listener's unit tests: chunks and
 * credentials go in through conn_input, the client's bytes are read from
 * c.out, frames for the worker from link.out, and REPLY frames are fed to
 * link_process as if the worker had sent them.
 */
#ifndef PRIVCONF_TEST_LISTENER_FIXTURE_H
#define PRIVCONF_TEST_LISTENER_FIXTURE_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "common/wire.h"
#include "listener/conn.h"
#include "listener/link.h"

#define FX_UID	1000
#define FX_GID	1000
#define FX_PID	4242
#define FX_MAX_CONN 8

struct fx {
	struct conn_cfg	 cfg;
	struct conn_ctx	 ctx;
	struct link	 link;
	struct conn	 c;
};

static const struct auth_cred fx_user = {
	.pid = FX_PID, .uid = FX_UID, .gid = FX_GID
};

/* A connection of uid 1000 to a listener serving uid 1000, any gid. */
static inline void
fx_init(struct fx *f)
{
	static uint32_t fx_uids[1] = { FX_UID };

	memset(f, 0, sizeof(*f));
	f->cfg.auth.admin = (struct access_rule){ .on = true,
	    .uids = { fx_uids, 1 } };
	f->cfg.max_queue = CONN_OUTQ_MAX;
	f->cfg.auth_timeout_ms = PREAUTH_TIMEOUT_MS;
	f->cfg.idle_timeout_ms = (uint64_t)DEFAULT_IDLE_TIMEOUT_S * 1000;
	f->cfg.worker_timeout_ms = (uint64_t)DEFAULT_WORKER_TIMEOUT_S * 1000;
	link_init(&f->link, -1, FX_MAX_CONN);
	conn_ctx_init(&f->ctx, &f->cfg, &f->link);
	f->ctx.now = 5000;
	/* No socket: the link hands the worker none (link_open). */
	conn_init(&f->c, &f->ctx, -1, &fx_user);
}

static inline void
fx_feedc(struct fx *f, const void *p, size_t n, const struct auth_cred *cr)
{
	conn_input(&f->c, p, n, cr, cr != NULL ? 1 : 0);
}

static inline void
fx_feedn(struct fx *f, const void *p, size_t n)
{
	fx_feedc(f, p, n, &fx_user);
}

static inline void
fx_feed(struct fx *f, const char *s)
{
	fx_feedn(f, s, strlen(s));
}

/* The client has read everything queued, which must be exactly want[0..n). */
static inline void
fx_expect_outn(struct fx *f, const void *want, size_t n)
{
	size_t	 got = buf_unread(&f->c.out);

	cr_assert_eq(got, n, "client bytes: got %zu, want %zu: \"%.*s\"",
	    got, n, (int)(got > 300 ? 300 : got),
	    got ? (const char *)buf_head(&f->c.out) : "");
	if (n > 0)
		cr_assert(memcmp(buf_head(&f->c.out), want, n) == 0,
		    "client bytes differ: \"%.*s\"", (int)(n > 300 ? 300 : n),
		    (const char *)buf_head(&f->c.out));
	conn_sent(&f->c, got);
}

static inline void
fx_expect_out(struct fx *f, const char *want)
{
	fx_expect_outn(f, want, strlen(want));
}

/*
 * Decode the next frame queued for the worker that is not a connection's
 * CONN_OPEN, CREDIT or CONN_CLOSE (those are dropped); 0 when there is
 * none.  The caller consumes the r bytes once done with m, which points
 * into link.out.
 */
static inline ssize_t
fx_next_frame(struct fx *f, struct wire_msg *m)
{
	const char	*why;
	ssize_t		 r;

	for (;;) {
		r = wire_decode(buf_head(&f->link.out),
		    buf_unread(&f->link.out), m, &why);
		cr_assert_geq(r, 0, "bad frame for the worker: %s", why);
		if (r == 0)
			return 0;
		if (m->type != WIRE_CONN_OPEN && m->type != WIRE_CREDIT &&
		    m->type != WIRE_CONN_CLOSE)
			return r;
		buf_consume(&f->link.out, (size_t)r);
	}
}

/* Decode and drop the next REQUEST queued for the worker. */
static inline void
fx_expect_request(struct fx *f, uint64_t id, const struct auth_cred *who,
    const void *line, size_t len)
{
	struct wire_msg	 m;
	ssize_t		 r;

	r = fx_next_frame(f, &m);
	cr_assert_gt(r, 0, "no whole REQUEST queued");
	cr_assert_eq(m.type, WIRE_REQUEST);
	cr_assert_neq(m.conn, 0);
	cr_assert_eq(m.id, id, "request id %llu, want %llu",
	    (unsigned long long)m.id, (unsigned long long)id);
	cr_assert_eq(m.uid, (uint32_t)who->uid);
	cr_assert_eq(m.gid, (uint32_t)who->gid);
	cr_assert_eq(m.pid, (uint32_t)who->pid);
	cr_assert_eq(m.data_len, len, "line of %zu bytes, want %zu",
	    m.data_len, len);
	cr_assert(len == 0 || memcmp(m.data, line, len) == 0,
	    "line differs: \"%.*s\"", (int)m.data_len, (const char *)m.data);
	buf_consume(&f->link.out, (size_t)r);
}

static inline void
fx_expect_no_request(struct fx *f)
{
	struct wire_msg	 m;

	cr_assert_eq(fx_next_frame(f, &m), 0, "a %s frame queued for the "
	    "worker", wire_type_name(m.type));
}

/* The worker answers request id of connection cid with body. */
static inline int
fx_replyc(struct fx *f, uint64_t cid, uint64_t id, uint32_t flags,
    const void *body, size_t n)
{
	struct wire_msg	 m = {
		.type = WIRE_REPLY, .conn = cid, .id = id, .flags = flags,
		.data = body, .data_len = n,
	};

	cr_assert_eq(wire_encode(&f->link.in, &m), 0);
	return link_process(&f->link);
}

/* The same for the fixture's connection (flags WIRE_F_MORE, _FATAL). */
static inline int
fx_replyn(struct fx *f, uint64_t id, uint32_t flags, const void *body,
    size_t n)
{
	return fx_replyc(f, f->c.cid != 0 ? f->c.cid : WIRE_CONN_ID(1, 0), id,
	    flags, body, n);
}

static inline int
fx_reply(struct fx *f, uint64_t id, const char *body)
{
	return fx_replyn(f, id, 0, body, strlen(body));
}

static inline char *
fx_repeat(char ch, size_t n)
{
	char	*p = malloc(n + 1);

	cr_assert_not_null(p);
	memset(p, ch, n);
	p[n] = '\0';
	return p;
}

#endif
