/*
 * Supervision (docs/design.md 2.5 and the process contract): signals through
 * a signalfd, reaping, the log relay, the lost-child rules and the exit
 * status of privconfd.
 */
#ifndef PRIVCONF_DAEMON_SUPERVISE_H
#define PRIVCONF_DAEMON_SUPERVISE_H

#include <signal.h>
#include <stdint.h>

#include "daemon/spawn.h"

#define SUPERVISE_KIDS	2

struct supervisor {
	struct child	*kids[SUPERVISE_KIDS];
	int		 nkids;
	int		 sigfd;
	int		 stopping;	/* a stop signal was seen */
	sigset_t	 childmask;	/* the mask children start with */
};

/*
 * Block SIGCHLD, SIGTERM, SIGINT and SIGHUP and read them from a
 * signalfd from now on; ignore SIGPIPE.  Call before the first fork.
 */
void	supervise_init(struct supervisor *sv);
/*
 * First thing in main: hold SIGHUP until supervise_init reads it, so that
 * one sent while the profiles and the journal are read (a 256 MiB journal
 * takes a while) is a log reopen like any other, not death.  The children
 * still start with the mask privconfd was started with.
 */
void	supervise_hold_sighup(void);
void	supervise_add(struct supervisor *sv, struct child *c);
/*
 * Read the pending signals: 1 when one of them asks privconfd to stop
 * (SIGTERM, SIGINT), else 0.  SIGHUP reopens the log file (-l) and is
 * otherwise only logged; SIGCHLD is only noted here, the caller reaps.
 */
int	supervise_signals(struct supervisor *sv);
/*
 * Run until the children are gone.  Returns privconfd's exit status:
 * 0 after a stop signal or when both children ended with status 0
 * (lock:on), 1 after a lost child.
 */
int	supervise_run(struct supervisor *sv);
/*
 * Stop the children that still run: SIGTERM first when term is set,
 * then wait up to TERM_GRACE_MS for them to exit, then SIGKILL.
 */
void	supervise_stop(struct supervisor *sv, int term);
/* SIGKILL and reap whatever still runs, and flush every log pipe. */
void	supervise_kill(struct supervisor *sv);

/* "exited with status 1", "terminated by signal 31 (SIGSYS)". */
void	supervise_describe(char *dst, size_t n, int status);

#endif
