/*
 * The listener's client connections as the worker sees them: which are
 * open, how many reply bytes each may still be sent (its credit), and
 * the replies each is owed, in the order of its requests.  The listener
 * is trusted for nothing here: an id it did not open, a second open of
 * the same slot, or more than CONN_INFLIGHT_MAX requests of one
 * connection at once are its protocol violations, and every bound the
 * worker's memory depends on is checked on this side.
 *
 * Memory: one struct wconn (its reply ring included) per open
 * connection, at most --max-conn of them; a reply holds an errno, a
 * reference to a shared rendering (worker/render.h), or its own bytes (a
 * check reply, at most a few KiB).
 */
#ifndef PRIVCONF_WORKER_CONNS_H
#define PRIVCONF_WORKER_CONNS_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/limits.h"
#include "worker/render.h"

/* One reply owed: its bytes are err's errtab reply, *r, or body. */
struct wreply {
	uint64_t	 id;
	int		 err;		/* r == NULL, body empty: ACK or err */
	struct render	*r;
	struct buf	 body;
	size_t		 off;		/* bytes already sent */
};

/* Who connected: SO_PEERCRED of the client socket, read by the worker. */
struct wpeer {
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 pid;
	uint8_t		 level;		/* enum access_level */
	bool		 known;		/* false: the socket told nothing */
};

struct wconn {
	uint64_t	 id;
	uint64_t	 credit;	/* reply bytes the listener can take */
	struct wpeer	 peer;
	struct wreply	 ring[CONN_INFLIGHT_MAX];
	unsigned	 head;		/* oldest reply owed */
	unsigned	 n;		/* replies owed */
	bool		 ready;		/* on the ready list */
	TAILQ_ENTRY(wconn) rentry;
};
TAILQ_HEAD(wconnq, wconn);

struct conns {
	struct wconn	**slot;		/* by WIRE_CONN_INDEX */
	size_t		 max;		/* --max-conn */
	size_t		 open;
	struct wconnq	 ready;		/* owed bytes and have credit */
	struct render_cache *rc;	/* where references are returned */
};

/* 0, or -1 (ENOMEM). */
int	conns_init(struct conns *, size_t max, struct render_cache *);
void	conns_free(struct conns *);

/* CONN_OPEN, CONN_CLOSE, CREDIT: 0, or -1 when the listener lied. */
int	conns_open(struct conns *, uint64_t id, uint32_t credit,
	    const struct wpeer *);
int	conns_close(struct conns *, uint64_t id);
int	conns_credit(struct conns *, uint64_t id, uint32_t credit);
/* The open connection id, or NULL (never opened, or closed). */
struct wconn *conns_find(struct conns *, uint64_t id);

/*
 * A place for the reply to request id of c, in order; NULL when c
 * already owes CONN_INFLIGHT_MAX replies (the listener's violation).
 * The caller fills err, r or body; conns_flush sends it.
 */
struct wreply *conns_push(struct conns *, struct wconn *c, uint64_t id);

/*
 * Append REPLY frames to out for every connection owed bytes, within
 * each one's credit and in each one's order, until out holds at least
 * stop bytes.  Returns true when everything sendable was sent.
 */
bool	conns_flush(struct conns *, struct buf *out, size_t stop);

#endif
