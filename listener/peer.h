/*
 * The system calls on one client socket: a chunk in with its credentials,
 * bytes out, and the peer's credentials at accept.
 */
#ifndef PRIVCONF_LISTENER_PEER_H
#define PRIVCONF_LISTENER_PEER_H

#include <stddef.h>
#include <sys/types.h>

#include "listener/auth.h"

/* SCM_CREDENTIALS kept from one chunk (the kernel attaches one). */
#define PEER_CREDS_MAX	4

/*
 * recvmsg one chunk of at most cap bytes.  Credentials go to creds
 * (*ncreds of them); descriptors a client passed are closed at once and
 * counted in *nfds.  Returns the byte count, 0 at EOF, -1 with errno.
 */
ssize_t	peer_recv(int fd, void *buf, size_t cap, struct auth_cred *creds,
	    size_t *ncreds, size_t *nfds);
/* send with MSG_NOSIGNAL | MSG_DONTWAIT. */
ssize_t	peer_send(int fd, const void *, size_t);
/* SO_PEERCRED: who connected. */
int	peer_cred(int fd, struct auth_cred *);

#endif
