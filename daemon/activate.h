/*
 * Socket activation (sd_listen_fds(3)'s protocol, without libsystemd): a
 * service manager that bound the socket itself passes it as fd 3, with
 * LISTEN_FDS=1 and LISTEN_PID set to privconfd's pid.  privconfd then
 * binds nothing and never removes that path: the socket belongs to the
 * manager, which keeps it across restarts of the service.
 */
#ifndef PRIVCONF_DAEMON_ACTIVATE_H
#define PRIVCONF_DAEMON_ACTIVATE_H

#include <stddef.h>

#include "common/ipcaddr.h"

/* The first descriptor passed, as sd_listen_fds(3) says. */
#define ACTIVATE_FD	3

/*
 * The inherited listening socket, ready for the listener (non-blocking,
 * SO_PASSCRED, close-on-exec), and its address in addr ("/path" or
 * "@name"); or -1 when privconfd was not given one (no LISTEN_FDS, or
 * LISTEN_PID names another process).  A socket that is not one
 * listening AF_UNIX stream socket with a name is fatal.  The LISTEN_*
 * variables are removed either way.
 */
int	activate_socket(char addr[IPCADDR_SUN_PATH + 1]);

#endif
