/*
 * A reply slot, and the whole interface between a connection
 * (listener/conn.c) and the worker link (listener/link.c): link.h
 * includes this header instead of conn.h, so neither module includes the
 * other's header.  The link maps a REPLY to its connection by id and
 * hands the bytes over through the four conn_ functions below.
 *
 * A slot is one reply due to the client, in line order.  Its owner is
 * always its connection, which frees it with conn_slot_free() and
 * nowhere else (a few freed slots are kept for the next lines, so a
 * pipelined line costs no malloc):
 *
 *   built-in   bytes the listener made itself (ping, an error, prompts)
 *              that must wait behind an earlier reply; consecutive ones
 *              share one slot.  Freed once its bytes are out.
 *   waiting    a forwarded line: in the connection's slots and in its
 *              waiting queue (wentry), id set.  The link hands it the
 *              reply's bytes (conn_slot_data) and its end
 *              (conn_slot_done), which makes it a built-in.
 *
 * When a connection closes, its slots go with it at once: the link
 * tells the worker (CONN_CLOSE) and drops any reply still arriving for
 * that connection id, which is never reused.
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
 * id: the REQUEST's id (0 for a built-in); waiting: the worker still
 * owes (part of) it; prompt: "; " follows it; body holds its bytes until
 * the slots before it are out; joined: reply bytes so far.
 */
struct conn_slot {
	TAILQ_ENTRY(conn_slot)	 centry;	/* the connection's order */
	TAILQ_ENTRY(conn_slot)	 wentry;	/* its waiting slots */
	uint64_t		 id;
	uint64_t		 joined;
	bool			 waiting;
	bool			 prompt;
	struct buf		 body;
};
TAILQ_HEAD(conn_slotq, conn_slot);

/* conn.c: the oldest slot of c still waiting for the worker, or NULL. */
struct conn_slot *conn_oldest_waiting(struct conn *);
/*
 * conn.c: n reply bytes for c arrived; -1 when that is more than c
 * granted the worker (the worker broke the protocol).
 */
int	conn_take_credit(struct conn *, size_t n);
/*
 * conn.c: the worker's reply for s, a part of the body (more: another
 * part follows), then its end.
 */
void	conn_slot_data(struct conn *, struct conn_slot *, const uint8_t *,
	    size_t, bool more);
void	conn_slot_done(struct conn *, struct conn_slot *);
/* conn.c: the one place a slot is freed (its body too). */
void	conn_slot_free(struct conn_slot *);

#endif
