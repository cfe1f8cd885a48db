/* The listener's command line (the process contract of privconfd). */
#ifndef PRIVCONF_LISTENER_OPTS_H
#define PRIVCONF_LISTENER_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "listener/auth.h"

/* The fds privconfd hands over. */
#define LISTENER_LINK_FD	3
#define LISTENER_LISTEN_FD	4

/* Upper bounds of the options, so that no later computation overflows. */
#define LISTENER_CONN_MAX	1048576
#define LISTENER_TIMEOUT_MAX	86400000UL	/* seconds, 1000 days */
#define LISTENER_QUEUE_MAX	((size_t)1 << 40)
#define LISTENER_RESERVE_MAX	65536

struct listener_opts {
	struct auth_policy auth;
	unsigned long	 max_conn;
	unsigned long	 max_conn_per_uid;
	unsigned long	 auth_timeout;	/* seconds, >= 1 */
	unsigned long	 idle_timeout;	/* seconds, 0: never */
	size_t		 max_queue;	/* bytes, >= 1 */
	unsigned long	 fd_reserve;
	int		 verbose;
	bool		 run_ids;	/* --run-uid and --run-gid given */
	uid_t		 run_uid;
	gid_t		 run_gid;
	const char	*chroot_dir;
	bool		 allow_weak;
};

/*
 * privconf-listener [-v] --ipc-uid N|any --ipc-gid N|none [--max-conn N]
 * [--max-conn-per-uid N] [--auth-timeout S] [--idle-timeout S]
 * [--max-queue BYTES] [--fd-reserve N] [--run-uid N --run-gid N]
 * [--chroot DIR] [--allow-weak-sandbox].  Limits left out take the
 * defaults of common/limits.h; the ids must be given.  0, or -1 with a
 * message in err.
 */
int	listener_opts_parse(int argc, char **argv, struct listener_opts *,
	    char *err, size_t errlen);

#endif
