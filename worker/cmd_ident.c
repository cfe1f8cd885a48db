/*
 * Identity and startup settings (docs/commands.md 3.7): setuid, setgid,
 * name/host, name/domain, root, ipc, ipc/uid, ipc/gid.  All startup-only;
 * the table says so, not these functions.
 */
#include <errno.h>
#include <string.h>

#include "worker/cmdtab.h"
#include "worker/parse.h"

/* setuid+SRC:DST, setuid-SRC:DST, setuid^SRC; no transition to root. */
int
cmd_idmap_parse(struct cmd *c)
{
	const char	*colon;
	size_t		 n;

	if (c->op == '^')
		return parse_id(c->arg, c->arglen, &c->src);
	if ((colon = memchr(c->arg, ':', c->arglen)) == NULL)
		return EINVAL;
	n = (size_t)(colon - c->arg);
	if (parse_id(c->arg, n, &c->src) != 0 ||
	    parse_id(colon + 1, c->arglen - n - 1, &c->dst) != 0 ||
	    c->dst == 0)
		return EINVAL;
	return 0;
}

int
cmd_idmap_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	struct policy_idmap *m = cmd_field(p, c);
	int	 err;

	(void)out;
	switch (c->op) {
	case '+':
		if ((err = policy_idmap_add(m, c->src, c->dst)) != 0)
			return err;
		res->changed = true;
		return 0;
	case '-':
		res->changed = policy_idmap_remove(m, c->src, c->dst);
		return 0;
	case '^':
		res->changed = policy_idmap_remove_src(m, c->src);
		return 0;
	}
	return EINVAL;
}

/* name/host, name/domain: 1 to NAME_MAX_LEN bytes of [A-Za-z0-9.-]. */
int
cmd_name_parse(struct cmd *c)
{
	size_t	 i;
	char	 ch;

	if (c->arglen == 0 || c->arglen > NAME_MAX_LEN)
		return EINVAL;
	for (i = 0; i < c->arglen; i++) {
		ch = c->arg[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'))
			return EINVAL;
	}
	return 0;
}

static int
str_apply(struct policy_str *d, const struct cmd *c, struct cmd_result *res)
{
	if (d->s != NULL && d->len == c->arglen &&
	    memcmp(d->s, c->arg, c->arglen) == 0)
		return 0;
	if (policy_str_set(d, c->arg, c->arglen) != 0)
		return ENOMEM;
	res->changed = true;
	return 0;
}

/* name/host, name/domain, root: the row's string setting. */
int
cmd_str_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	(void)out;
	return str_apply(cmd_field(p, c), c, res);
}

/* root:<absolute path>, at most PATTERN_MAX bytes (PATH_MAX with its NUL). */
int
cmd_root_parse(struct cmd *c)
{
	if (c->arglen == 0 || c->arglen > PATTERN_MAX || c->arg[0] != '/' ||
	    memchr(c->arg, '\0', c->arglen) != NULL)
		return EINVAL;
	return 0;
}

int
cmd_ipc_parse(struct cmd *c)
{
	return policy_ipc_addr_valid(c->arg, c->arglen) ? 0 : EINVAL;
}

int
cmd_ipc_apply(struct policy *p, const struct cmd *c, struct cmd_result *res,
    struct buf *out)
{
	(void)out;
	if (p->ipc_bound)
		return 0;
	return str_apply(cmd_field(p, c), c, res);
}

/* ipc/uid:<n|any>, ipc/gid:<n>. */
int
cmd_ipc_id_parse(struct cmd *c)
{
	uint32_t id;

	if ((c->row->flags & CMD_F_ANY) && c->arglen == 3 &&
	    memcmp(c->arg, "any", 3) == 0) {
		c->num = (uint64_t)-1;
		return 0;
	}
	if (parse_id(c->arg, c->arglen, &id) != 0)
		return EINVAL;
	c->num = id;
	return 0;
}

int
cmd_ipc_id_apply(struct policy *p, const struct cmd *c,
    struct cmd_result *res, struct buf *out)
{
	int64_t	*d = cmd_field(p, c);
	int64_t	 v = c->num == (uint64_t)-1 ? POLICY_ID_NONE : (int64_t)c->num;

	(void)out;
	if (p->ipc_bound)
		return 0;
	res->changed = *d != v;
	*d = v;
	return 0;
}
