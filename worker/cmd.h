/*
 * The worker's one entry point into the policy: execute one command line
 * of docs/commands.md.  worker/session.c calls it for every SETUP line (origin
 * CMD_PROFILE) and every REQUEST line (origin CMD_IPC).
 */
#ifndef PRIVCONF_CMD_H
#define PRIVCONF_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct policy;

enum cmd_origin {
	CMD_PROFILE,	/* startup profile or journal replay: startup-only commands allowed */
	CMD_IPC,	/* a client line over the socket */
	CMD_IPC_READ,	/* the same from the read level: queries only */
};

/* A command whose reply is a rendering of the whole policy. */
enum cmd_show {
	CMD_SHOW_NONE,
	CMD_SHOW_STAT,		/* the JSON of docs/commands.md 4 */
	CMD_SHOW_STATS,		/* the text */
};

struct cmd_result {
	int	err;		/* 0, or the errno of the reply */
	bool	changed;	/* the policy changed: the journal records the line */
	bool	locked;		/* lock:on took effect: no reply, the IPC server ends */
	bool	output;		/* out holds the whole reply, no ACK */
	bool	query;		/* a query (name?, stat, stats): never journaled */
	enum cmd_show show;	/* cmd_exec_lazy: render this for the reply */
};

/*
 * Execute line[0..len) (no trailing newline, bytes as the client sent
 * them) against p.  Returns res->err.  For stat and stats the reply is
 * appended to out and res->output is set; otherwise out is untouched and
 * the caller writes the ACK or the errno reply.  A refused command
 * changes nothing.
 */
int	cmd_exec(struct policy *p, const uint8_t *line, size_t len,
	    enum cmd_origin origin, struct buf *out, struct cmd_result *res);
/*
 * The same, except that stat and stats are not rendered: res->show says
 * which rendering the reply is, so that the caller can share one
 * rendering among many requests (worker/render.c).
 */
int	cmd_exec_lazy(struct policy *p, const uint8_t *line, size_t len,
	    enum cmd_origin origin, struct buf *out, struct cmd_result *res);
/* Render show for p into out: 0, ENOMEM, or E2BIG past 64 MiB. */
int	cmd_render(const struct policy *p, enum cmd_show show,
	    struct buf *out);

#endif
