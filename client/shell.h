/*
 * -i: one command a line over one connection, each answered before the
 * next is read.  On a terminal, libedit gives line editing, history and
 * completion (complete.h); otherwise a plain loop over standard input.
 * A failed command never ends the shell; quit, exit or the end of input
 * does, and so does losing the server.
 */
#ifndef PRIVCONF_CLIENT_SHELL_H
#define PRIVCONF_CLIENT_SHELL_H

#include "client/session.h"

/* Run the shell on an open session: a SESSION_ status for the exit. */
int	shell_run(struct session *, int timeout_s);

#endif
