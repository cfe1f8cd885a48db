/*
 * Going to the background without -f.  The process that was started
 * waits until the daemon is serving (exit 0) or has failed (exit 1), so
 * that a failed start is seen by whoever started privconfd.
 */
#ifndef PRIVCONF_DAEMON_DETACH_H
#define PRIVCONF_DAEMON_DETACH_H

/* fork; the parent waits and exits; the child is a new session leader
 * with stdin and stdout on /dev/null (stderr stays). */
void	detach_start(void);
/* In the daemon: tell the waiting parent that the start succeeded. */
void	detach_done(void);

#endif
