/*
 * trace/<option>:<bool>, trace/<option>? and trace/force_umask
 * (docs/commands.md 3.6).  force_umask is a value, not a boolean: it has
 * no '?' form.
 */
#include <errno.h>
#include <string.h>

#include "worker/cmdtab.h"

#define FORCE_UMASK	"force_umask"
/* c->val for force_umask, past every boolean option. */
#define TRACE_UMASK	POLICY_TRACE_COUNT

/* Octal digits, at most 0777; "off" unsets (POLICY_UMASK_UNSET). */
static int
umask_parse(const char *s, size_t len, uint64_t *v)
{
	uint64_t m = 0;
	size_t	 i;

	if (len == 3 && memcmp(s, "off", 3) == 0) {
		*v = (uint64_t)-1;
		return 0;
	}
	if (len == 0)
		return EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7')
			return EINVAL;
		m = m * 8 + (uint64_t)(s[i] - '0');
		if (m > 0777)
			return EINVAL;
	}
	*v = m;
	return 0;
}

int
cmd_trace_parse(struct cmd *c)
{
	if (c->sublen == sizeof(FORCE_UMASK) - 1 &&
	    memcmp(c->sub, FORCE_UMASK, c->sublen) == 0) {
		c->val = TRACE_UMASK;
		if (c->op != ':')
			return EINVAL;
		return umask_parse(c->arg, c->arglen, &c->num);
	}
	if ((c->val = policy_trace_lookup(c->sub, c->sublen)) < 0)
		return EINVAL;
	c->startup = (POLICY_TRACE_STARTUP & POLICY_TRACE_BIT(c->val)) != 0;
	if (c->op == ':') {
		int	 b = policy_bool_lookup(c->arg, c->arglen);

		if (b < 0)
			return EINVAL;
		c->num = (uint64_t)b;
	}
	return 0;
}

int
cmd_trace_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	uint32_t trace, bit;
	int32_t	 um;

	(void)out;
	if (c->val == TRACE_UMASK) {
		um = c->num == (uint64_t)-1 ? POLICY_UMASK_UNSET :
		    (int32_t)c->num;
		res->changed = p->force_umask != um;
		p->force_umask = um;
		return 0;
	}
	bit = POLICY_TRACE_BIT(c->val);
	if (c->op == '?')
		return (p->trace & bit) ? 0 : ENOENT;
	trace = c->num ? (p->trace | bit) : (p->trace & ~bit);
	res->changed = trace != p->trace;
	p->trace = trace;
	return 0;
}
