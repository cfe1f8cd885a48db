/*
 * Starting the children with the exact descriptors of the process
 * contract (common/contract.h): 0 and 1 /dev/null, 2 the write end of a
 * non-blocking log pipe, 3 the socketpair end, 4 the listening socket or
 * the journal (or not open), nothing else.
 */
#ifndef PRIVCONF_DAEMON_SPAWN_H
#define PRIVCONF_DAEMON_SPAWN_H

#include <sys/types.h>

#include <limits.h>
#include <signal.h>
#include <stddef.h>

#include "daemon/relay.h"

struct child {
	const char	*name;		/* "worker", "listener" */
	char		 path[PATH_MAX];
	pid_t		 pid;		/* 0: not started or reaped */
	int		 status;	/* wait status once reaped */
	struct relay	 log;		/* its stderr */
};

/*
 * Find the binary prog in libexec, or next to /proc/self/exe when
 * libexec is NULL, and check that it can be executed; fatalx() if not.
 */
void	spawn_find(struct child *c, const char *name, const char *libexec,
	    const char *prog);
/*
 * fork+exec c->path with argv; linkfd becomes CONTRACT_FD_LINK and fd4
 * (-1: none) CONTRACT_FD_LISTEN or CONTRACT_FD_JOURNAL, the same number.
 * mask is the signal mask the child starts with.  fatal() when the
 * program cannot be started (the exec error is reported back).
 */
void	spawn_child(struct child *c, char *const argv[], int linkfd, int fd4,
	    const sigset_t *mask);

#endif
