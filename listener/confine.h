/* The listener's confinement: the shared steps, then its own allow-list. */
#ifndef PRIVCONF_LISTENER_CONFINE_H
#define PRIVCONF_LISTENER_CONFINE_H

#include "common/confine.h"

/*
 * Confine the listener for good; call once, right before the event loop.
 * opts: confine_opts_init(&o, CONFINE_LISTENER), then peer_fd = 3,
 * listen_fd = 4, epoll_fd = the loop's epoll fd (created first, with
 * nothing else opened since, so that it is 5), and from argv run_uid,
 * run_gid, chroot_dir, allow_weak.  Exits 1 (logged) when any step fails.
 */
void	listener_confine(const struct confine_opts *);

#endif
