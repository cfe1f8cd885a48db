/*
 * The log relay: each child's stderr is a pipe whose read end privconfd
 * copies to its own stderr, one whole line per write(2) so that lines of
 * the two children never mix.
 */
#ifndef PRIVCONF_DAEMON_RELAY_H
#define PRIVCONF_DAEMON_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/limits.h"

struct relay {
	int	 fd;		/* read end, non-blocking; -1 after EOF */
	bool	 mute;		/* read and drop (privconfd -n without -v) */
	size_t	 len;
	char	 buf[LOG_LINE_MAX];
};

/* Not muted. */
void	relay_init(struct relay *r, int fd);
/* Copy what can be read now.  0 while the pipe is open, -1 after EOF. */
int	relay_read(struct relay *r);
/* Copy everything still in the pipe, flush a partial line, close. */
void	relay_drain(struct relay *r);

#endif
