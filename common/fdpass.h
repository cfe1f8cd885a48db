/*
 * One descriptor with some bytes over a UNIX socket (SCM_RIGHTS): how the
 * listener hands a client socket to the worker (docs/design.md 3), and
 * how tests play either side.
 */
#ifndef PRIVCONF_FDPASS_H
#define PRIVCONF_FDPASS_H

#include <sys/types.h>

#include <stddef.h>

/* sendmsg(2) of p[0..n) with fd attached (-1: none); what it returns. */
ssize_t	fdpass_send(int sock, const void *p, size_t n, int fd, int flags);
/* The same with fds[0..nfd) attached, nfd at most WIRE_FDS_PER_MSG. */
ssize_t	fdpass_sendv(int sock, const void *p, size_t n, const int *fds,
	    size_t nfd, int flags);
/*
 * recvmsg(2) into p[0..n) with MSG_CMSG_CLOEXEC: what it returns, and
 * *fd the descriptor that came with the bytes, or -1.
 */
ssize_t	fdpass_recv(int sock, void *p, size_t n, int *fd);

#endif
