/*
 * cmd_exec(): one command line of docs/commands.md against the policy.  The
 * order is fixed: the line is checked as bytes, split, found in the
 * table and parsed completely; only then does cmd_permit() consult the
 * lock state, and only then does the row's handler change anything.  So
 * a malformed line is EINVAL whatever the lock state, and a refused
 * command has changed nothing.
 *
 * res->changed is true only when the policy is now different: an ACKed
 * no-op (allow/read-/x with no such rule, sandbox/read:on when read is
 * already on) is not journaled, since replaying it would change nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/utf8.h"
#include "worker/cmd.h"
#include "worker/cmdtab.h"

/* docs/protocol.md 3.2's ASCII whitespace, plus \v: no command holds one. */
static bool
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* The bytes that end a command word: the operators of docs/commands.md 1. */
static bool
is_op(char c)
{
	return c == ':' || c == '?' || c == '+' || c == '-' || c == '^';
}

static bool
is_comment(const uint8_t *line, size_t len)
{
	size_t	 i;

	if (len > 0 && line[0] == '#')
		return true;
	for (i = 0; i < len; i++)
		if (!is_blank(line[i]))
			return false;
	return true;
}

static int
cmd_run(struct policy *p, const uint8_t *line, size_t len,
    enum cmd_origin origin, struct buf *out, struct cmd_result *res)
{
	struct cmd	 c;
	const char	*s = (const char *)line;
	size_t		 i;
	int		 bit, err;

	/* Comments and blank lines exist in profiles only. */
	if (is_comment(line, len))
		return origin == CMD_PROFILE ? 0 : EINVAL;
	/*
	 * The listener checked UTF-8 already; checking again keeps stat's
	 * JSON valid whoever sent the line.
	 */
	if (!utf8_valid(line, len))
		return EINVAL;
	/*
	 * Profiles and the listener split lines at '\n', so only a peer
	 * that builds frames itself can send one inside a line.  Stored, it
	 * would become two lines of the journal and of a compacted profile
	 * (worker/dump.c), the second a command nobody sent.
	 */
	if (memchr(line, '\n', len) != NULL)
		return EINVAL;
	if (is_blank(line[0]) || is_blank(line[len - 1]))
		return EINVAL;

	memset(&c, 0, offsetof(struct cmd, spec));
	for (i = 0; i < len; i++)
		if (is_op(s[i]))
			break;
	if ((c.row = cmdtab_lookup(s, i, &c.sub, &c.sublen)) == NULL)
		return EINVAL;
	if (i < len) {
		c.op = s[i];
		c.arg = s + i + 1;
		c.arglen = len - i - 1;
	}
	bit = cmdtab_op_bit(c.op);
	if (!(c.row->ops & bit))
		return EINVAL;
	if (c.op == '?' && c.arglen != 0)
		return EINVAL;
	if ((err = c.row->parse(&c)) != 0)
		return err;
	res->query = !(c.row->flags & CMD_F_MUTATES) || c.op == '?';
	/* docs/commands.md 5: parsed first, then the level, then the lock. */
	if (origin == CMD_IPC_READ && !res->query)
		return EACCES;
	if ((err = cmd_permit(p, &c, origin)) != 0)
		return err;
	return c.row->apply(p, &c, res, out);
}

int
cmd_exec_lazy(struct policy *p, const uint8_t *line, size_t len,
    enum cmd_origin origin, struct buf *out, struct cmd_result *res)
{
	memset(res, 0, sizeof(*res));
	res->err = cmd_run(p, line, len, origin, out, res);
	if (res->err != 0) {
		/* A handler that failed has applied nothing. */
		res->changed = false;
		res->locked = false;
		res->output = false;
		res->show = CMD_SHOW_NONE;
	}
	return res->err;
}

int
cmd_exec(struct policy *p, const uint8_t *line, size_t len,
    enum cmd_origin origin, struct buf *out, struct cmd_result *res)
{
	if (cmd_exec_lazy(p, line, len, origin, out, res) != 0 ||
	    res->show == CMD_SHOW_NONE)
		return res->err;
	if ((res->err = cmd_render(p, res->show, out)) == 0)
		res->output = true;
	res->show = CMD_SHOW_NONE;
	return res->err;
}
