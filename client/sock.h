/*
 * The client's socket: connect within the deadline, then make sure the
 * server is one we trust before a byte is sent (privconfctl(1), WHO
 * ANSWERS).  An abstract name belongs to whoever binds it first, so the
 * name alone proves nothing; SO_PEERCRED names the uid that listens.
 */
#ifndef PRIVCONF_CLIENT_SOCK_H
#define PRIVCONF_CLIENT_SOCK_H

#include <sys/types.h>

#include <stddef.h>

#define SOCK_NO_UID	((uid_t)-1)
#define SOCK_WHY_MAX	256

/* Milliseconds left until deadline, a clock_ms() value (0: none). */
int		sock_left_ms(long long deadline);

/*
 * A connected, non-blocking socket to addr served by root, by our own
 * uid or by trusted (SOCK_NO_UID: nobody else); -1 and why otherwise.
 */
int	sock_connect(const char *addr, long long deadline, uid_t trusted,
	    char *why, size_t whylen);

#endif
