/* -f FILE: commands one per line, "#" comments and blank lines skipped. */
#ifndef PRIVCONF_CLIENT_CMDFILE_H
#define PRIVCONF_CLIENT_CMDFILE_H

#include <stdio.h>

#include "client/request.h"
#include "common/limits.h"

/*
 * One line of fp into buf, without its newline: bytes past CTL_CMD_MAX + 1
 * are read but not kept, so an endless line costs nothing and is still
 * too long.  The bytes kept, or -1 at the end of the file.
 */
long	cmdfile_getline(FILE *fp, char buf[CTL_CMD_MAX + 1]);

/*
 * Append the commands of fp (named name in messages) to l.  0, or -1
 * with "NAME:LINE: reason" in why: a line too long, not UTF-8, ...
 * (request_parse) or a read error.  The whole file is read before
 * anything is sent, so a bad line 9,999 sends nothing.
 */
int	cmdfile_read(FILE *fp, const char *name, struct reqlist *l,
	    char *why, size_t whylen);

#endif
