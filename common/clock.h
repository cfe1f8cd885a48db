/* The one clock of privconf: monotonic milliseconds, for every deadline. */
#ifndef PRIVCONF_CLOCK_H
#define PRIVCONF_CLOCK_H

#include <stdint.h>

/*
 * CLOCK_MONOTONIC in milliseconds.  A clock that cannot be read leaves
 * every deadline meaningless, so that is fatal (exit 1, logged).
 */
uint64_t	clock_ms(void);

#endif
