/*
 * The listener's end of the worker link (docs/design.md 3): CONN_OPEN,
 * REQUEST, CREDIT and CONN_CLOSE frames out, REPLY frames in, and the
 * table from connection ids to connections.  The worker is trusted for
 * nothing: a malformed frame, a frame of another type, a reply for an id
 * that is not the connection's oldest outstanding one, more reply bytes
 * than the connection granted, or a reply longer than
 * WIRE_REPLY_TOTAL_MAX is fatal.  A reply for a connection that has
 * closed is dropped: its id is never reused.
 */
#ifndef PRIVCONF_LISTENER_LINK_H
#define PRIVCONF_LISTENER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/limits.h"
#include "listener/auth.h"
#include "listener/slot.h"

/* Bytes asked of one recv from the worker. */
#define LINK_READ_SIZE	(256 * 1024)

/*
 * A client socket to hand to the worker with its CONN_OPEN frame, which
 * starts at byte at of the stream (docs/protocol.md 9).  held: its
 * connection closed meanwhile, so the link closes it once sent.
 */
struct link_pass {
	uint64_t	 at;
	int		 fd;
	bool		 held;
};

struct link {
	int		 fd;
	struct buf	 out;		/* frames to write */
	uint64_t	 sent;		/* bytes of the stream written so far */
	struct link_pass *pass;		/* a ring of max, in stream order */
	size_t		 pass_head;
	size_t		 npass;
	size_t		 nheld;		/* descriptors only the link holds */
	struct buf	 in;		/* REPLY bytes to decode */
	uint64_t	 next_id;	/* of the next REQUEST */
	size_t		 max;		/* --max-conn: slots in the table */
	struct conn	**conns;	/* by WIRE_CONN_INDEX, NULL: free */
	uint32_t	*gen;		/* each slot's generation */
	uint32_t	*freeidx;	/* a stack of free slots */
	size_t		 nfree;
};

/* Room for max connections; fatal when memory runs out. */
void	link_init(struct link *, int fd, size_t max);
void	link_free(struct link *);
/*
 * Tell the worker about c, which may be sent credit reply bytes for now,
 * and hand it c's socket cfd (-1: none, in tests that have no socket)
 * with that frame; returns the connection's id.  The table cannot be
 * full: at most max connections are open.
 */
uint64_t link_open(struct link *, struct conn *c, uint32_t credit, int cfd);
/*
 * cfd's connection is closing: when its socket still waits to be handed
 * over, the link keeps it and closes it once sent (true); else the
 * caller closes it (false).
 */
bool	link_hold(struct link *, int cfd);
/* c is gone: CONN_CLOSE, and its id is dead for good. */
void	link_close(struct link *, uint64_t conn);
/* More reply bytes conn can take. */
void	link_credit(struct link *, uint64_t conn, uint32_t credit);
/* Queue the REQUEST for line[0..len) of conn from who; s gets its id. */
void	link_request(struct link *, uint64_t conn, struct conn_slot *s,
	    const struct auth_cred *who, const uint8_t *line, size_t len);
/* Handle every whole frame in l->in: 1 after WIRE_F_FATAL, else 0. */
int	link_process(struct link *);
/*
 * Queue and send the HELLO frame, the listener's first: the ids it runs
 * as, its Landlock ABI and seccomp state (enum wire_seccomp).
 */
void	link_hello(struct link *, uint32_t uid, uint32_t gid,
	    uint32_t landlock, uint32_t seccomp);
/* One recv from the worker, then link_process. */
int	link_read(struct link *);
/* One send of everything queued (the one write of a loop pass). */
void	link_write(struct link *);

static inline size_t
link_queued(const struct link *l)
{
	return buf_unread(&l->out);
}

/* Past this many bytes queued for the worker, no line is forwarded. */
static inline bool
link_full(const struct link *l)
{
	return link_queued(l) > WIRE_WORKER_OUTQ_MAX;
}

#endif
