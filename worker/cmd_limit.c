/* mem/max, mem/vm_max and pid/max (docs/commands.md 3.4); 0 is no limit. */
#include <errno.h>

#include "worker/cmdtab.h"
#include "worker/parse.h"

int
cmd_size_parse(struct cmd *c)
{
	return parse_size(c->arg, c->arglen, &c->num);
}

int
cmd_count_parse(struct cmd *c)
{
	return parse_u64(c->arg, c->arglen, &c->num);
}

int
cmd_limit_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	uint64_t *v = cmd_field(p, c);

	(void)out;
	res->changed = *v != c->num;
	*v = c->num;
	return 0;
}

/* lock:drop: a limit may appear or shrink, never grow or vanish. */
bool
cmd_limit_drop_ok(const struct policy *p, const struct cmd *c)
{
	uint64_t cur = *(const uint64_t *)cmd_field_const(p, c);

	return c->num != 0 && (cur == 0 || c->num <= cur);
}
