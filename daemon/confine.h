/*
 * privconfd's own confinement, once both children run: it only reaps,
 * signals, relays log lines and removes what it created, so that is all
 * it keeps (docs/design.md 4; issue "Confine both processes").
 */
#ifndef PRIVCONF_DAEMON_CONFINE_H
#define PRIVCONF_DAEMON_CONFINE_H

#include <stdbool.h>

#include "daemon/supervise.h"

/*
 * no_new_privs; as root every capability but CAP_KILL (the children run
 * as another user), bounding set included; Landlock granting only the
 * removal of files beneath the socket's directory (sock_path, or NULL for
 * an abstract socket) and of directories beneath the empty root's parent
 * (empty_root, or NULL); then a seccomp allow-list: read only the signalfd
 * and the log pipes, wait for and signal only the two children, poll,
 * write stderr, stat, unlink and rmdir.  Exits 1 (logged) on failure.
 */
void	daemon_confine(const struct supervisor *sv, const char *sock_path,
	    const char *empty_root, bool allow_weak);

#endif
