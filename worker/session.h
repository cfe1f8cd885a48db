/*
 * The worker's side of the wire: the SETUP phase with privconfd, then the
 * REQUEST phase with the listener, on the same fd.  Like OpenSSH's
 * monitor, the worker accepts only the message types of its current phase
 * and treats anything else as a hostile peer.
 */
#ifndef PRIVCONF_SESSION_H
#define PRIVCONF_SESSION_H

#include <stddef.h>

#include "common/contract.h"

struct access;
struct compact;
struct policy;

/*
 * Serve fd until the peer is done, for at most cfg->max_conn connections
 * of the listener at once, journaling to cfg->journal_fd.  Returns the
 * process exit status: 0 after lock:on (over IPC, or by the profile:
 * LOCKED) or after a DUMP, 1 on a SETUP_ERROR or when the peer goes away;
 * a protocol violation exits 1 at once (all logged).
 */
struct session_cfg {
	size_t		 max_conn;	/* the listener's connections at once */
	int		 journal_fd;	/* -1: no journal */
	enum contract_sync journal_sync;
	/* --dump: MARK, then DUMP answers SETUP_DONE (worker/compact.h). */
	struct compact	*compact;
	/* Who may do what (docs/protocol.md 9): the worker decides. */
	const struct access *access;
};

int	session_serve(int fd, struct policy *p, const struct session_cfg *);

#endif
