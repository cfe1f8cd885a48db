/*
 * Authentication of one chunk a client sent (docs/protocol.md 2.3): a pure
 * decision over the SCM_CREDENTIALS the kernel attached to it.
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

/* Whom the IPC socket serves; check_uid false is --ipc-uid any. */
struct auth_policy {
	bool	check_uid;
	uid_t	uid;
	bool	check_gid;	/* false: --ipc-gid none */
	gid_t	gid;
};

/*
 * Accept the chunk when one of creds[0..n) passes; *who is then the
 * credential that did (the one the chunk's lines are forwarded with).
 */
bool	auth_check(const struct auth_policy *,
	    const struct auth_cred *creds, size_t n, struct auth_cred *who);

#endif
