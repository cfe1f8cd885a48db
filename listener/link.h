/*
 * The listener's end of the worker link (docs/design.md 3): REQUEST frames
 * out, REPLY frames in.  The worker is trusted for nothing: a frame that
 * is malformed, of another type, for an id that is not the oldest
 * outstanding one, or a reply longer than WIRE_REPLY_TOTAL_MAX is fatal.
 */
#ifndef PRIVCONF_LISTENER_LINK_H
#define PRIVCONF_LISTENER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "listener/auth.h"
#include "listener/slot.h"

/* Bytes asked of one recv from the worker. */
#define LINK_READ_SIZE	(256 * 1024)

struct link {
	int			 fd;
	struct buf		 out;		/* REQUEST frames to write */
	struct buf		 in;		/* REPLY bytes to decode */
	uint64_t		 next_id;
	struct conn_slotq	 fifo;		/* outstanding, oldest first */
	size_t			 nfifo;
	uint64_t		 joined;	/* bytes of the reply so far */
};

void	link_init(struct link *, int fd);
/* Queue the REQUEST for line[0..len) from who; s waits for its reply. */
void	link_request(struct link *, struct conn_slot *s,
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

#endif
