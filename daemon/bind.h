/*
 * The listening socket (docs/protocol.md 1, docs/design.md 2.2): bound under
 * umask 077, a stale path replaced, a live one refused, owner and mode
 * from the IPC ids, SO_PASSCRED, listen.  privconfd removes the path at
 * exit, but only while it is still the socket privconfd created.
 */
#ifndef PRIVCONF_DAEMON_BIND_H
#define PRIVCONF_DAEMON_BIND_H

#include <sys/types.h>

#include <stdbool.h>

#include "common/ipcaddr.h"
#include "daemon/levels.h"
#include "daemon/options.h"

struct bind_req {
	const char	*addr;
	bool		 is_default;	/* create its directory if missing */
	struct levels_sock	 sock;		/* owner, group, mode */
	bool		 root;		/* euid 0: may chown */
};

struct bound {
	int	 fd;		/* listening socket; -1 once handed over */
	bool	 have_path;	/* a path privconfd created and owns */
	char	 path[IPCADDR_PATH_MAX + 1];
	dev_t	 dev;
	ino_t	 ino;
};

#define BOUND_INIT	{ -1, false, "", 0, 0 }

/*
 * Is addr an address privconfd can bind?  fatalx() with the reason if
 * not; a warning for an abstract name (anyone can squat it).
 */
void	bind_check(const char *addr);
/* Bind and listen, or fatalx() with a message that says why. */
void	bind_open(struct bound *b, const struct bind_req *r);
/* Remove the socket path when it is still ours; idempotent. */
void	bind_remove(struct bound *b);

#endif
