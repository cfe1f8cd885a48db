/*
 * The command lines of privconf-worker and privconf-listener, exactly as
 * the process contract spells them.  Pure, so a test pins every word.
 */
#ifndef PRIVCONF_DAEMON_CHILDARGV_H
#define PRIVCONF_DAEMON_CHILDARGV_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/options.h"

#define CHILDARGV_MAX	32

/* What both children are told; ids are OPT_ID_NUM or OPT_ID_ANY. */
struct child_conf {
	const char		*addr;
	struct opt_id		 ipc_uid;
	struct opt_id		 ipc_gid;
	const struct options	*opts;		/* limits, -v, weak */
	bool			 runas;		/* started as root */
	uint32_t		 run_uid;
	uint32_t		 run_gid;
	const char		*chroot;
};

struct childargv {
	char	*v[CHILDARGV_MAX + 1];	/* NULL-terminated */
	int	 n;
	char	 num[CHILDARGV_MAX][24];	/* the numbers in v */
};

/*
 * privconf-worker [-v] --ipc-addr ADDR --ipc-uid N|any --ipc-gid N|none
 *     [--run-uid N --run-gid N --chroot DIR] [--allow-weak-sandbox]
 */
void	childargv_worker(struct childargv *a, const struct child_conf *c);
/*
 * privconf-listener [-v] --ipc-uid N|any --ipc-gid N|none --max-conn N
 *     --max-conn-per-uid N --auth-timeout SECONDS --idle-timeout SECONDS
 *     --max-queue BYTES --fd-reserve N [--run-uid N --run-gid N
 *     --chroot DIR] [--allow-weak-sandbox]
 */
void	childargv_listener(struct childargv *a, const struct child_conf *c);

#endif
