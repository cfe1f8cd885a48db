/*
 * stat and stats (docs/protocol.md section 5): the exact lines "stat" and
 * "stats" answer the policy itself instead of ACK.
 */
#include <errno.h>

#include "worker/cmdtab.h"
#include "worker/stat.h"

/* Plain commands take nothing: the table already refused any operator. */
int
cmd_none_parse(struct cmd *c)
{
	(void)c;
	return 0;
}

/* The rendering itself is the caller's: cmd_exec() or a shared one. */
int
cmd_stat_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	(void)p;
	(void)c;
	(void)out;
	res->show = CMD_SHOW_STAT;
	return 0;
}

int
cmd_stats_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	(void)p;
	(void)c;
	(void)out;
	res->show = CMD_SHOW_STATS;
	return 0;
}

int
cmd_render(const struct policy *p, enum cmd_show show, struct buf *out)
{
	switch (show) {
	case CMD_SHOW_STAT:
		return stat_json(p, out);
	case CMD_SHOW_STATS:
		return stats_text(p, out);
	case CMD_SHOW_NONE:
		break;
	}
	return EINVAL;
}
