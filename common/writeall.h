/*
 * Every byte to a blocking descriptor: the loop that privconfd's log,
 * its journal compaction, the worker's link and journal all need.
 */
#ifndef PRIVCONF_WRITEALL_H
#define PRIVCONF_WRITEALL_H

#include <stddef.h>

/*
 * write(2) p[0..n) to fd, resuming after a short write or EINTR.  0, or
 * -1 with errno (EIO when the descriptor took no byte at all); on -1 an
 * unknown part of p may have been written.
 */
int	write_all(int fd, const void *p, size_t n);

#endif
