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

/* The row's "which": 0 mem/max, 1 mem/vm_max, 2 pid/max. */
static uint64_t *
limit(struct policy *p, int which)
{
	switch (which) {
	case 0:
		return &p->mem_max;
	case 1:
		return &p->mem_vm_max;
	default:
		return &p->pid_max;
	}
}

static uint64_t
limit_get(const struct policy *p, int which)
{
	switch (which) {
	case 0:
		return p->mem_max;
	case 1:
		return p->mem_vm_max;
	default:
		return p->pid_max;
	}
}

int
cmd_limit_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	uint64_t *v = limit(p, c->row->which);

	(void)out;
	res->changed = *v != c->num;
	*v = c->num;
	return 0;
}

/* lock:drop: a limit may appear or shrink, never grow or vanish. */
bool
cmd_limit_drop_ok(const struct policy *p, const struct cmd *c)
{
	uint64_t cur = limit_get(p, c->row->which);

	return c->num != 0 && (cur == 0 || c->num <= cur);
}
