/* The worker's confinement: the shared steps, then its own allow-list. */
#ifndef PRIVCONF_WORKER_CONFINE_H
#define PRIVCONF_WORKER_CONFINE_H

#include "common/confine.h"

/*
 * Confine the worker for good; call once, right before session_serve().
 * opts: confine_opts_init(&o, CONFINE_WORKER), then peer_fd = 3,
 * journal_fd = 4 or -1, and from argv run_uid, run_gid, chroot_dir,
 * allow_weak.  Exits 1 (logged) when any step fails.
 */
void	worker_confine(const struct confine_opts *);

#endif
