/*
 * One client connection as a state machine without sockets: chunks and
 * their credentials go in (conn_input), bytes for the client come out in
 * c->out and lines for the worker go to the link.  The event loop owns
 * the fd and does the system calls; tests drive the same functions.
 *
 * What one connection may cost the listener is bounded, whatever the
 * client does (docs/protocol.md 8):
 *   - c->in holds lines read but not yet run: a chunk is read only once
 *     every complete line before it has run, so at most one partial line
 *     and one chunk (2 x IPC_LINE_MAX);
 *   - a line runs only while the bytes queued for the client are under
 *     --max-queue, and a line for the worker only while fewer than
 *     CONN_INFLIGHT_MAX are in flight and the link is not full;
 *   - the worker may send the connection only the reply bytes it was
 *     granted (CONN_OPEN, CREDIT), which keep queued bytes plus credit
 *     under --max-queue;
 *   - at most 2 x CONN_INFLIGHT_MAX + 1 reply slots (listener/slot.h).
 * A connection blocked only by a full link waits in ctx->linkwait and is
 * resumed in that order (round robin) once the link drains.
 */
#ifndef PRIVCONF_LISTENER_CONN_H
#define PRIVCONF_LISTENER_CONN_H

#include <sys/queue.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/access.h"
#include "common/buf.h"
#include "listener/auth.h"
#include "listener/prompt.h"
#include "listener/slot.h"

struct link;

TAILQ_HEAD(conn_list, conn);

/* Timeouts in ms, 0: never; max_queue: reply bytes before reading stops. */
struct conn_cfg {
	struct access		 auth;
	size_t			 max_queue;
	uint64_t		 auth_timeout_ms;
	uint64_t		 idle_timeout_ms;
	uint64_t		 worker_timeout_ms;
};

/*
 * What every connection shares with the event loop: now (ms of
 * CLOCK_MONOTONIC, set once per pass), a time before which no connection
 * expires, the connections changed this pass (to flush and re-arm), and
 * those waiting for room on the link, oldest first.
 */
struct conn_ctx {
	const struct conn_cfg	*cfg;
	struct link		*link;
	uint64_t		 now;
	uint64_t		 next_deadline;
	struct conn_list	 dirty;
	struct conn_list	 linkwait;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;		/* the loop's connections */
	TAILQ_ENTRY(conn)	 dentry;	/* ctx->dirty */
	TAILQ_ENTRY(conn)	 lwentry;	/* ctx->linkwait */
	struct conn_ctx		*ctx;
	int			 fd;
	uint64_t		 cid;		/* its id on the link; 0: none yet */
	struct auth_cred	 peer;		/* SO_PEERCRED at accept */
	struct auth_cred	 who;		/* the last chunk's credentials */
	enum prompt_mode	 mode;
	struct buf		 in;		/* lines not yet run */
	struct buf		 out;		/* bytes for the client */
	struct conn_slotq	 slots;		/* replies due, in order */
	struct conn_slotq	 waitq;		/* those the worker owes */
	size_t			 held;		/* bytes held in slots */
	size_t			 nwaiting;
	uint64_t		 granted;	/* reply bytes the worker may */
	uint64_t		 received;	/* send, and has sent */
	uint64_t		 t_accept;
	uint64_t		 t_active;	/* last byte in or out */
	uint64_t		 t_owed;	/* worker owes progress since; 0 */
	uint32_t		 events;	/* armed in epoll */
	/*
	 * In epoll.  A new connection is not: accept reads it at once (a
	 * one-shot client's line is usually there), and loop_arm adds it
	 * only when it waits for something.  A one-shot client so costs no
	 * epoll_ctl at all, not three (ADD, MOD when reading stops, DEL).
	 */
	bool			 registered;
	bool			 dirty;
	bool			 linkwaiting;	/* on ctx->linkwait */
	bool			 authed;	/* had an authenticated line */
	bool			 lines;		/* c->in holds a complete line */
	bool			 eof;
	bool			 gone;		/* hung up: replies are dropped */
	unsigned		 drained;	/* chunks read since it hung up */
	bool			 rate;		/* RATE once the lines before run */
	/* Read no more, close when done. */
	bool			 closing;
	bool			 halted;	/* run no later line */
	/* Closed, freed after the pass. */
	bool			 dead;
	const char		*why;		/* why it closes, for the log */
};

void	conn_ctx_init(struct conn_ctx *, const struct conn_cfg *,
	    struct link *);
void	conn_init(struct conn *, struct conn_ctx *, int fd,
	    const struct auth_cred *peer);
/* Free everything and tell the worker it is gone. */
void	conn_release(struct conn *);

/*
 * The size rule of docs/protocol.md 2.2.  partial bytes of the current
 * line are buffered and chunk p[0..n) arrives: true when some line
 * reaches IPC_LINE_MAX bytes (its \n counted); *good is then the number
 * of chunk bytes of the complete lines before it.
 */
bool	conn_size_exceeded(size_t partial, const uint8_t *p, size_t n,
	    size_t *good);

/* One chunk of n > 0 bytes and the credentials the kernel attached. */
void	conn_input(struct conn *, const uint8_t *p, size_t n,
	    const struct auth_cred *creds, size_t ncreds);
/* The client shut down its writing side. */
void	conn_eof(struct conn *);
/*
 * The client hung up entirely: the lines it sent still run (up to
 * LOOP_DRAIN_MAX chunks of them), their replies are dropped.
 */
void	conn_gone(struct conn *);
/* n bytes of c->out reached the client. */
void	conn_sent(struct conn *, size_t n);
/* Run the lines that may run now (after anything that unblocks c). */
void	conn_run(struct conn *);
/* The link has room again: resume the connections waiting for it. */
void	conn_link_drained(struct conn_ctx *);

bool	conn_wants_read(const struct conn *);
size_t	conn_queued(const struct conn *);
/* Closing and nothing left to send, run or wait for. */
bool	conn_finished(const struct conn *);
/* When the auth, idle or worker timeout fires; UINT64_MAX: not now. */
uint64_t conn_deadline(const struct conn *);
/* The worker has owed c progress for longer than --worker-timeout. */
bool	conn_worker_stalled(const struct conn *);
/* The loop must look at c at the end of this pass. */
void	conn_touch(struct conn *);

#endif
