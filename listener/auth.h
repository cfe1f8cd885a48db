/*
 * Authentication of one chunk a client sent (docs/protocol.md 2.3 and 9):
 * a pure decision over the SCM_CREDENTIALS the kernel attached to it.
 */
#ifndef PRIVCONF_LISTENER_AUTH_H
#define PRIVCONF_LISTENER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Credentials as the kernel reports them (struct ucred, minus _GNU_SOURCE). */
struct auth_cred {
	pid_t	pid;
	uid_t	uid;
	gid_t	gid;
};

struct access;

/*
 * Accept the chunk when one of creds[0..n) has an access level (admin or
 * read, common/access.h); *who is then the credential that did (the one
 * the chunk's lines are forwarded with, whose level the worker decides).
 */
bool	auth_check(const struct access *,
	    const struct auth_cred *creds, size_t n, struct auth_cred *who);

#endif
