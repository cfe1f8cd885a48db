/*
 * A reply slot: one reply due to a client, the one object the connection
 * (listener/conn.c) and the worker link (listener/link.c) share.  This
 * header is their whole interface: link.h includes it instead of conn.h,
 * so neither module includes the other's header.
 *
 * Who owns a slot, in each state:
 *
 *   built-in   a reply the listener made itself (ping, an error) that
 *              had to wait behind an earlier one: only in its
 *              connection's queue (centry).  The connection frees it
 *              once its bytes are out (conn_flush_slots).
 *   waiting    a forwarded line: in its connection's queue and in the
 *              link's fifo (lentry), conn set.  Neither frees it: the
 *              link hands the reply to it (conn_slot_data) and removes
 *              it from the fifo at the reply's end (conn_slot_done),
 *              which makes it a built-in.
 *   orphan     waiting, but its connection closed (conn NULL): only in
 *              the link's fifo, which owns it now.  The reply is still
 *              owed (ids stay in step); conn_slot_done frees it when the
 *              reply ends, or loop_free at exit.
 *
 * Every slot is freed by conn_slot_free(), and nowhere else.
 */
#ifndef PRIVCONF_LISTENER_SLOT_H
#define PRIVCONF_LISTENER_SLOT_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct conn;

/*
 * id is 0 for a built-in; waiting: the worker still owes (part of) it;
 * prompt: "; " follows it; body holds its bytes until the slots before
 * it are out.
 */
struct conn_slot {
	TAILQ_ENTRY(conn_slot)	 centry;	/* the connection's order */
	TAILQ_ENTRY(conn_slot)	 lentry;	/* the link's fifo */
	struct conn		*conn;		/* NULL: orphan */
	uint64_t		 id;
	bool			 waiting;
	bool			 prompt;
	struct buf		 body;
};
TAILQ_HEAD(conn_slotq, conn_slot);

/* conn.c: the worker's reply for s, a part of the body, then its end. */
void	conn_slot_data(struct conn_slot *, const uint8_t *, size_t);
void	conn_slot_done(struct conn_slot *);
/* conn.c: the one place a slot is freed (its body too). */
void	conn_slot_free(struct conn_slot *);

#endif
