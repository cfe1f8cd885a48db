/* The worker's table of client connections; see conns.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/errtab.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/conns.h"

int
conns_init(struct conns *cs, size_t max, struct render_cache *rc)
{
	memset(cs, 0, sizeof(*cs));
	/* calloc: pages of the table are touched only as slots are used. */
	if ((cs->slot = calloc(max, sizeof(*cs->slot))) == NULL)
		return -1;
	cs->max = max;
	cs->rc = rc;
	TAILQ_INIT(&cs->ready);
	return 0;
}

static void
reply_clear(struct conns *cs, struct wreply *w)
{
	if (w->r != NULL)
		render_put(cs->rc, w->r);
	buf_free(&w->body);
	memset(w, 0, sizeof(*w));
}

static void
conn_drop(struct conns *cs, struct wconn *c)
{
	while (c->n > 0) {
		reply_clear(cs, &c->ring[c->head]);
		c->head = (c->head + 1) % CONN_INFLIGHT_MAX;
		c->n--;
	}
	if (c->ready)
		TAILQ_REMOVE(&cs->ready, c, rentry);
	cs->slot[WIRE_CONN_INDEX(c->id)] = NULL;
	cs->open--;
	free(c);
}

void
conns_free(struct conns *cs)
{
	size_t	 i;

	for (i = 0; cs->slot != NULL && i < cs->max; i++)
		if (cs->slot[i] != NULL)
			conn_drop(cs, cs->slot[i]);
	free(cs->slot);
	cs->slot = NULL;
}

struct wconn *
conns_find(struct conns *cs, uint64_t id)
{
	uint32_t idx = WIRE_CONN_INDEX(id);

	if (idx >= cs->max || cs->slot[idx] == NULL ||
	    cs->slot[idx]->id != id)
		return NULL;
	return cs->slot[idx];
}

/* Put c on the ready list when it is owed bytes and may be sent some. */
static void
conn_wake(struct conns *cs, struct wconn *c)
{
	if (!c->ready && c->n > 0 && c->credit > 0) {
		c->ready = true;
		TAILQ_INSERT_TAIL(&cs->ready, c, rentry);
	}
}

int
conns_open(struct conns *cs, uint64_t id, uint32_t credit,
    const struct wpeer *peer)
{
	uint32_t	 idx = WIRE_CONN_INDEX(id);
	struct wconn	*c;

	if (idx >= cs->max) {
		log_warnx("op=protocol why=\"connection %llu past --max-conn "
		    "%zu\"", (unsigned long long)id, cs->max);
		return -1;
	}
	if (cs->slot[idx] != NULL) {
		log_warnx("op=protocol why=\"connection %llu opened while "
		    "%llu is open\"", (unsigned long long)id,
		    (unsigned long long)cs->slot[idx]->id);
		return -1;
	}
	/*
	 * Not zeroed: conns_push writes each ring entry before it is read,
	 * and clearing the ring was most of a one-shot connection's cost.
	 */
	if ((c = malloc(sizeof(*c))) == NULL)
		fatal("op=conns why=\"malloc\"");
	c->id = id;
	c->credit = credit;
	c->peer = *peer;
	c->head = c->n = 0;
	c->ready = false;
	cs->slot[idx] = c;
	cs->open++;
	return 0;
}

int
conns_close(struct conns *cs, uint64_t id)
{
	struct wconn	*c;

	if ((c = conns_find(cs, id)) == NULL) {
		log_warnx("op=protocol why=\"close of connection %llu, which "
		    "is not open\"", (unsigned long long)id);
		return -1;
	}
	conn_drop(cs, c);
	return 0;
}

int
conns_credit(struct conns *cs, uint64_t id, uint32_t credit)
{
	struct wconn	*c;

	if ((c = conns_find(cs, id)) == NULL) {
		log_warnx("op=protocol why=\"credit for connection %llu, "
		    "which is not open\"", (unsigned long long)id);
		return -1;
	}
	/* Saturate: a lying listener only gets sent what is owed anyway. */
	c->credit = c->credit > UINT64_MAX - credit ? UINT64_MAX :
	    c->credit + credit;
	conn_wake(cs, c);
	return 0;
}

struct wreply *
conns_push(struct conns *cs, struct wconn *c, uint64_t id)
{
	struct wreply	*w;

	if (c->n == CONN_INFLIGHT_MAX)
		return NULL;
	w = &c->ring[(c->head + c->n) % CONN_INFLIGHT_MAX];
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->body = (struct buf)BUF_INIT;
	c->n++;
	conn_wake(cs, c);
	return w;
}

/* The whole reply of w, and its length. */
static const uint8_t *
reply_bytes(struct wreply *w, size_t *len)
{
	if (w->r != NULL) {
		*len = buf_unread(&w->r->body);
		return buf_head(&w->r->body);
	}
	/* An ACK or an errno: the table's constant bytes, no buffer. */
	if (buf_unread(&w->body) == 0)
		return (const uint8_t *)errtab_reply_text(w->err, len);
	*len = buf_unread(&w->body);
	return buf_head(&w->body);
}

/* Send what c may be sent now; true when it is done or out of credit. */
static bool
conn_send(struct conns *cs, struct wconn *c, struct buf *out, size_t stop)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .conn = c->id };
	struct wreply	*w;
	const uint8_t	*p;
	size_t		 len, n;

	while (c->n > 0 && c->credit > 0) {
		if (out->len >= stop)
			return false;
		w = &c->ring[c->head];
		p = reply_bytes(w, &len);
		n = len - w->off;
		if (n > WIRE_REPLY_CHUNK)
			n = WIRE_REPLY_CHUNK;
		if (n > c->credit)
			n = (size_t)c->credit;
		m.id = w->id;
		m.flags = w->off + n < len ? WIRE_F_MORE : 0;
		m.data = p + w->off;
		m.data_len = n;
		if (wire_encode(out, &m) == -1)
			fatal("op=encode type=REPLY");
		w->off += n;
		c->credit -= n;
		if (w->off == len) {
			reply_clear(cs, w);
			c->head = (c->head + 1) % CONN_INFLIGHT_MAX;
			c->n--;
		}
	}
	return true;
}

bool
conns_flush(struct conns *cs, struct buf *out, size_t stop)
{
	struct wconn	*c;

	while ((c = TAILQ_FIRST(&cs->ready)) != NULL) {
		if (!conn_send(cs, c, out, stop))
			return false;
		TAILQ_REMOVE(&cs->ready, c, rentry);
		c->ready = false;
	}
	return true;
}
