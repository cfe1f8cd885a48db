/*
 * The worker's side of the wire: the SETUP phase with privconfd, then the
 * REQUEST phase with the listener, on the same fd.  Like OpenSSH's
 * monitor, the worker accepts only the message types of its current phase
 * and treats anything else as a hostile peer.
 */
#ifndef PRIVCONF_SESSION_H
#define PRIVCONF_SESSION_H

struct policy;

/*
 * Serve fd until the peer is done.  Returns the process exit status: 0
 * after lock:on, 1 on a SETUP_ERROR, on a protocol violation or when the
 * peer goes away (all logged).
 */
int	session_serve(int fd, struct policy *p);

#endif
