/*
 * The command table (HAProxy's cli_kw, OpenSSH's mon_table): one row per
 * command family of docs/commands.md section 3, with its parser, its handler
 * and the flags from which cmd_permit() alone decides what the lock state
 * (3.8) and the startup-only rule (section 5) allow.
 *
 * A line is NAME OP ARG, split at the first byte of ":?+-^" (no name
 * holds one).  A row's name is either the whole NAME ("mem/max") or, for
 * CMD_F_PREFIX rows, a prefix ending in '/' ("sandbox/"), and then the
 * rest of NAME is the row's SUB (a category list, a trace option).
 */
#ifndef PRIVCONF_CMDTAB_H
#define PRIVCONF_CMDTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "worker/cmd.h"
#include "worker/decide.h"
#include "worker/policy-ops.h"

/* The operator bytes a row accepts. */
#define CMD_OP_NONE	0x01	/* "reset", "stat", "stats" */
#define CMD_OP_SET	0x02	/* ':' */
#define CMD_OP_QUERY	0x04	/* '?', with nothing after it */
#define CMD_OP_ADD	0x08	/* '+' */
#define CMD_OP_DEL	0x10	/* '-': the last-added equal entry */
#define CMD_OP_DELALL	0x20	/* '^': every equal entry */
#define CMD_OP_LIST	(CMD_OP_ADD | CMD_OP_DEL | CMD_OP_DELALL)

/* Row flags. */
#define CMD_F_PREFIX	0x01	/* name is a prefix; the rest is SUB */
#define CMD_F_MUTATES	0x02	/* changes the policy (its '?' form does not) */
#define CMD_F_STARTUP	0x04	/* startup-only, the whole family */
#define CMD_F_STARTUP_ARG 0x08	/* startup-only when the parser says so */
#define CMD_F_ANY	0x10	/* the value may also be "any" (ipc/uid) */

struct cmd_row;

/* A command after parsing: everything the handler needs, nothing applied. */
struct cmd {
	const struct cmd_row *row;
	char		 op;		/* ':' '?' '+' '-' '^', or 0 */
	const char	*sub;		/* CMD_F_PREFIX: after the prefix */
	size_t		 sublen;
	const char	*arg;		/* after the operator */
	size_t		 arglen;

	bool		 startup;	/* CMD_F_STARTUP_ARG: startup-only */
	uint64_t	 cats;		/* categories named */
	uint8_t		 catv[POLICY_CAT_COUNT];	/* in list order */
	size_t		 ncat;
	int		 val;		/* boolean, action, lock, option */
	uint64_t	 num;		/* size, count, request, id, umask */
	uint32_t	 src;		/* setuid/setgid */
	uint32_t	 dst;
	struct decide_target target;	/* check/ */
	size_t		 nspec;		/* rules, in expansion order */
	struct policy_rulespec spec[POLICY_EXPAND_MAX];
	/* The canonical text of each CIDR of a network pattern. */
	char		 text[NETADDR_EXPAND_MAX][NETADDR_STRLEN];
	size_t		 textlen[NETADDR_EXPAND_MAX];
};

typedef int	cmd_parse_fn(struct cmd *);
typedef int	cmd_apply_fn(struct policy *, const struct cmd *,
		    struct cmd_result *, struct buf *);
typedef bool	cmd_pred_fn(const struct policy *, const struct cmd *);

struct cmd_row {
	const char	*name;
	uint8_t		 ops;		/* CMD_OP_* */
	uint8_t		 flags;		/* CMD_F_* */
	uint8_t		 act;		/* rule rows: enum policy_act */
	/*
	 * The policy field the row sets, as offsetof(struct policy, f), or
	 * CMD_NO_FIELD: its handler reaches it only through cmd_field().
	 */
	size_t		 field;
	cmd_parse_fn	*parse;		/* fills struct cmd or returns EINVAL */
	cmd_apply_fn	*apply;		/* 0 or an errno; sets res->changed */
	/*
	 * lock:drop allows a change only when drop_ok says it makes the
	 * policy stricter; lock:read only when read_ok holds.  NULL: never.
	 * Queries, stat and stats are always allowed (but under lock:on).
	 */
	cmd_pred_fn	*drop_ok;
	cmd_pred_fn	*read_ok;
};

#define CMD_NO_FIELD	SIZE_MAX

/* cmdtab.c */
/* The row's field in p: the one place a row's field is decoded. */
void	*cmd_field(struct policy *p, const struct cmd *c);
const void *cmd_field_const(const struct policy *p, const struct cmd *c);
const struct cmd_row *cmdtab_lookup(const char *name, size_t len,
	    const char **sub, size_t *sublen);
int	cmdtab_op_bit(char op);
int	cmd_permit(const struct policy *, const struct cmd *,
	    enum cmd_origin);

/* One parser and one handler per family, in the files named. */
cmd_parse_fn	cmd_none_parse;				/* cmd_show.c */
cmd_apply_fn	cmd_stat_apply, cmd_stats_apply;
cmd_parse_fn	cmd_check_parse;			/* cmd_check.c */
cmd_apply_fn	cmd_check_apply;
cmd_parse_fn	cmd_lock_parse;				/* cmd_lock.c */
cmd_apply_fn	cmd_lock_apply, cmd_reset_apply;
cmd_pred_fn	cmd_lock_drop_ok, cmd_lock_read_ok;
cmd_parse_fn	cmd_sandbox_parse, cmd_default_parse;	/* cmd_sandbox.c */
cmd_apply_fn	cmd_sandbox_apply, cmd_default_apply;
cmd_pred_fn	cmd_sandbox_drop_ok, cmd_default_drop_ok;
cmd_parse_fn	cmd_rule_parse;				/* cmd_rule.c */
cmd_apply_fn	cmd_rule_apply;
cmd_pred_fn	cmd_rule_drop_ok;
cmd_parse_fn	cmd_size_parse, cmd_count_parse;	/* cmd_limit.c */
cmd_apply_fn	cmd_limit_apply;
cmd_pred_fn	cmd_limit_drop_ok;
cmd_parse_fn	cmd_ioctl_parse;			/* cmd_ioctl.c */
cmd_apply_fn	cmd_ioctl_apply;
cmd_pred_fn	cmd_ioctl_drop_ok;
cmd_parse_fn	cmd_trace_parse;			/* cmd_trace.c */
cmd_apply_fn	cmd_trace_apply;
cmd_parse_fn	cmd_idmap_parse, cmd_name_parse;	/* cmd_ident.c */
cmd_parse_fn	cmd_root_parse, cmd_ipc_parse, cmd_ipc_id_parse;
cmd_apply_fn	cmd_idmap_apply, cmd_str_apply;
cmd_apply_fn	cmd_ipc_apply, cmd_ipc_id_apply;

#endif
