/*
 * The client sockets the listener hands over (docs/protocol.md 9): each
 * CONN_OPEN frame comes with its client's socket (SCM_RIGHTS), sent with
 * the bytes of that frame or before them, in the order of the frames.
 * The worker reads who connected (SO_PEERCRED) and closes the socket at
 * once: it never reads or writes a client socket, and its seccomp filter
 * allows nothing else on one.  So the worker knows each connection's
 * identity from the kernel, not from the listener.
 */
#ifndef PRIVCONF_WORKER_HANDOFF_H
#define PRIVCONF_WORKER_HANDOFF_H

#include <sys/types.h>

#include <stddef.h>

#include "worker/conns.h"

/* Sockets received whose CONN_OPEN has not been handled yet. */
#define HANDOFF_MAX	64

struct handoff {
	int		 fd[HANDOFF_MAX];
	size_t		 head;
	size_t		 n;
};

struct access;

void	handoff_init(struct handoff *);
/* Close what is still queued. */
void	handoff_free(struct handoff *);
/*
 * recvmsg(2) on the link into buf[0..cap), queueing the descriptors that
 * came with the bytes.  Returns what read(2) would; more descriptors
 * than the queue holds, or a truncated control message, is the
 * listener's protocol violation: fatal.
 */
ssize_t	handoff_recv(struct handoff *, int link, void *buf, size_t cap);
/*
 * The next socket's peer, its level under acc, and close it: 0, or -1
 * when no socket came (the listener's violation).  A socket that tells
 * no peer gives a peer that is not known, and no level.
 */
int	handoff_take(struct handoff *, const struct access *acc,
	    struct wpeer *out);

#endif
