/* ioctl/allow and ioctl/deny with + - ^ (docs/commands.md 3.5). */
#include <errno.h>

#include "worker/cmdtab.h"
#include "worker/parse.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A request: "0x" and hex digits, decimal, or a name; 32 bits at most.
 * A decimal with a leading zero is refused: a reader would take 010 for
 * octal, and the spec has no octal here.
 */
static int
ioctl_request(const char *s, size_t len, uint32_t *req)
{
	uint64_t v = 0;
	size_t	 i;
	int	 d;

	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		for (i = 2; i < len; i++) {
			if ((d = hexval(s[i])) < 0)
				return EINVAL;
			v = v << 4 | (uint64_t)d;
			if (v > UINT32_MAX)
				return EINVAL;
		}
		*req = (uint32_t)v;
		return 0;
	}
	if (len > 0 && s[0] >= '0' && s[0] <= '9') {
		if ((len > 1 && s[0] == '0') || parse_u64(s, len, &v) != 0 ||
		    v > UINT32_MAX)
			return EINVAL;
		*req = (uint32_t)v;
		return 0;
	}
	return policy_ioctl_lookup(s, len, req) == 0 ? 0 : EINVAL;
}

int
cmd_ioctl_parse(struct cmd *c)
{
	uint32_t req;

	if (ioctl_request(c->arg, c->arglen, &req) != 0)
		return EINVAL;
	c->num = req;
	return 0;
}

int
cmd_ioctl_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	struct policy_u32list *l = cmd_field(p, c);
	int	 err;

	(void)out;
	policy_txn_ioctl(p);
	if (c->op == '+') {
		if ((err = policy_u32_add(l, (uint32_t)c->num,
		    POLICY_IOCTL_MAX)) != 0)
			return err;
		res->changed = true;
		return 0;
	}
	res->changed = policy_u32_remove(l, (uint32_t)c->num, c->op == '^');
	return 0;
}

/* lock:drop: deny more, or allow less. */
bool
cmd_ioctl_drop_ok(const struct policy *p, const struct cmd *c)
{
	if (cmd_field_const(p, c) == &p->ioctl_allow)
		return c->op == '-' || c->op == '^';
	return c->op == '+';
}
