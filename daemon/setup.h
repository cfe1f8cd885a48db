/*
 * The start-up handshake with the worker (process contract): one SETUP
 * frame per profile line, SETUP_DONE, then READY, SETUP_ERROR or LOCKED
 * within SETUP_TIMEOUT_MS.
 */
#ifndef PRIVCONF_DAEMON_SETUP_H
#define PRIVCONF_DAEMON_SETUP_H

#include <stdio.h>

#include "daemon/profile.h"
#include "daemon/spawn.h"
#include "daemon/supervise.h"

enum setup_result {
	SETUP_READY,		/* the worker holds the profile's policy */
	SETUP_FAILED,		/* refused, or the worker died: logged */
	SETUP_TIMEOUT,		/* no answer in SETUP_TIMEOUT_MS: logged */
	SETUP_STOPPED,		/* a stop signal arrived meanwhile */
	SETUP_LOCKED,		/* the profile locked the policy: logged */
	SETUP_DUMPED,		/* --dump: the whole DUMP is in the sink */
};

/*
 * privconfd --compact-journal: MARK goes before line mark of the profile
 * (the journal's first), and the DUMP frames that answer SETUP_DONE are
 * written to fd, at most max bytes in all.
 */
struct setup_dump {
	size_t		 mark;
	int		 fd;
	size_t		 max;
	size_t		 bytes;		/* written so far */
};

/*
 * Talk to the worker on fd (privconfd's end of the socketpair, left
 * open and in blocking mode for the listener).  The worker's log is
 * relayed meanwhile and sv's signals are watched.  dump is NULL but for
 * a worker started with --dump.
 */
/*
 * privconfd -n: print a refused line to fp as "FILE:LINE: NAME: the
 * line" (EINVAL, not its text) instead of logging it.
 */
void		setup_report_to(FILE *fp);

enum setup_result setup_run(int fd, const struct profile *p,
		    struct supervisor *sv, struct child *worker,
		    struct setup_dump *dump);

#endif
