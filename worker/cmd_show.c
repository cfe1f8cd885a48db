/*
 * stat and stats (docs/protocol.md section 5): the exact lines "stat" and
 * "stats" answer the policy itself instead of ACK.
 */
#include "worker/cmdtab.h"
#include "worker/stat.h"

/* Plain commands take nothing: the table already refused any operator. */
int
cmd_none_parse(struct cmd *c)
{
	(void)c;
	return 0;
}

int
cmd_stat_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	int	 err;

	(void)c;
	if ((err = stat_json(p, out)) == 0)
		res->output = true;
	return err;
}

int
cmd_stats_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	int	 err;

	(void)c;
	if ((err = stats_text(p, out)) == 0)
		res->output = true;
	return err;
}
