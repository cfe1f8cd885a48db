/*
 * Daemonizing with a status pipe.  The daemon keeps the write end until
 * the listener runs; the parent reads it: one byte means up, EOF means
 * the daemon died trying, and its error is already on stderr.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/detach.h"

static int	detach_fd = -1;

void
detach_start(void)
{
	int	 p[2], null;
	pid_t	 pid;
	char	 c;
	ssize_t	 n;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("op=detach why=\"pipe2\"");
	if ((pid = fork()) == -1)
		fatal("op=detach why=\"fork\"");
	if (pid != 0) {
		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n == -1 && errno == EINTR);
		/* _exit: nothing of the daemon's belongs to this process. */
		_exit(n == 1 ? 0 : 1);
	}
	close(p[0]);
	detach_fd = p[1];
	if (setsid() == -1)
		fatal("op=detach why=\"setsid\"");
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("op=detach why=\"/dev/null\"");
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		fatal("op=detach why=\"dup2\"");
	if (null > STDERR_FILENO)
		close(null);
}

void
detach_done(void)
{
	ssize_t	 n;

	if (detach_fd == -1)
		return;
	do
		n = write(detach_fd, "", 1);
	while (n == -1 && errno == EINTR);
	close(detach_fd);
	detach_fd = -1;
}
