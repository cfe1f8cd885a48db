/*
 * One client connection as a state machine without sockets: chunks and
 * their credentials go in (conn_input), bytes for the client come out in
 * c->out and lines for the worker go to the link.  The event loop owns the
 * fd and does the system calls; tests drive the same functions directly.
 *
 * Replies leave in line order.  Every line that produces output while an
 * earlier line still waits for the worker gets a slot in c->slots; a slot
 * remembers whether "; " follows its reply (the mode at the time of its
 * line).  Built-in replies queue behind the worker's that are due first.
 */
#ifndef PRIVCONF_LISTENER_CONN_H
#define PRIVCONF_LISTENER_CONN_H

#include <sys/queue.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "listener/auth.h"
#include "listener/prompt.h"
#include "listener/slot.h"

struct conn;
struct link;

TAILQ_HEAD(conn_list, conn);

/* Timeouts in ms, 0: never; max_queue: reply bytes before reading stops. */
struct conn_cfg {
	struct auth_policy	 auth;
	size_t			 max_queue;
	uint64_t		 auth_timeout_ms;
	uint64_t		 idle_timeout_ms;
};

/*
 * What every connection shares with the event loop: now (ms of
 * CLOCK_MONOTONIC, set once per pass), a time before which no connection
 * expires, the connections changed this pass (to flush and re-arm), and
 * whether the worker's queue is full (then no client is read).
 */
struct conn_ctx {
	const struct conn_cfg	*cfg;
	struct link		*link;
	uint64_t		 now;
	uint64_t		 next_deadline;
	struct conn_list	 dirty;
	bool			 link_full;
};

struct conn {
	TAILQ_ENTRY(conn)	 entry;		/* the loop's connections */
	TAILQ_ENTRY(conn)	 dentry;	/* ctx->dirty */
	struct conn_ctx		*ctx;
	int			 fd;
	struct auth_cred	 peer;		/* SO_PEERCRED at accept */
	enum prompt_mode	 mode;
	struct buf		 in;		/* the incomplete line */
	struct buf		 out;		/* bytes for the client */
	struct conn_slotq	 slots;
	size_t			 held;		/* bytes held in slots */
	size_t			 nwaiting;	/* slots owed by the worker */
	uint64_t		 t_accept;
	uint64_t		 t_active;	/* last byte in or out */
	uint32_t		 events;	/* armed in epoll */
	bool			 dirty;
	bool			 authed;	/* had an authenticated line */
	bool			 eof;
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
/* Free everything; slots the worker still owes stay with the link. */
void	conn_release(struct conn *);

/*
 * The size rule of docs/protocol.md 2.2.  partial bytes of the current line
 * are buffered and chunk p[0..n) arrives: true when some line reaches
 * IPC_LINE_MAX bytes (its \n counted); *good is then the number of chunk
 * bytes of the complete lines before it.
 */
bool	conn_size_exceeded(size_t partial, const uint8_t *p, size_t n,
	    size_t *good);

/* One chunk of n > 0 bytes and the credentials the kernel attached. */
void	conn_input(struct conn *, const uint8_t *p, size_t n,
	    const struct auth_cred *creds, size_t ncreds);
/* The client shut down its writing side. */
void	conn_eof(struct conn *);
/* n bytes of c->out reached the client. */
void	conn_sent(struct conn *, size_t n);

bool	conn_wants_read(const struct conn *);
size_t	conn_queued(const struct conn *);
/* Closing and nothing left to send or to wait for. */
bool	conn_finished(const struct conn *);
/* When the auth or idle timeout closes it; UINT64_MAX: not now. */
uint64_t conn_deadline(const struct conn *);
/* The loop must look at c at the end of this pass. */
void	conn_touch(struct conn *);

#endif
