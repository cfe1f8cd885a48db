/*
 * One connection in prompt mode, and the commands sent over it
 * (privconfctl(1), PIPELINING).  Queries are pipelined freely.  Without
 * keep_going a change, which could be the second of two that must not
 * both apply, is sent only once every earlier reply is in and none
 * failed, so nothing after a failed command changes the policy; with
 * keep_going everything is pipelined.  lock:on is always sent alone,
 * last: the server drops queued replies when it locks.
 *
 * Exit statuses, privconfctl(1): SESSION_OK, SESSION_FAILED (a command
 * failed), SESSION_LOST (no server, or not a server we can talk to).
 */
#ifndef PRIVCONF_CLIENT_SESSION_H
#define PRIVCONF_CLIENT_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "client/reply.h"
#include "client/request.h"
#include "common/buf.h"

#define SESSION_OK	0
#define SESSION_FAILED	1
#define SESSION_USAGE	2
#define SESSION_LOST	3

struct session {
	int		 fd;
	const char	*addr;		/* for messages */
	struct reply_opts ropt;
	bool		 keep_going;
	long long	 deadline;	/* clock_ms() value */
	int		 timeout_s;	/* for messages */
	FILE		*out;
	FILE		*err;
	struct buf	 in;		/* received, not yet printed */
	struct buf	 send;		/* queued, not yet written */
	bool		 closed;	/* the server hung up */
};

/*
 * Take over the connected fd: ask for prompt mode and read its "; ".
 * SESSION_OK or SESSION_LOST (with a message on s->err).
 */
int	session_open(struct session *, int fd);
/* Send rq[0..n) and print their replies: a SESSION_ status. */
int	session_run(struct session *, const struct request *rq, size_t n);
void	session_close(struct session *);

#endif
