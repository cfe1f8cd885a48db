/*
 * libFuzzer target for the rule index and the decision (worker/ruleidx.c,
 * worker/decide.c, worker/glob.c): the index must decide exactly as the
 * linear oracle of tests/unit/decide_oracle.h, the decision as it was
 * before the index, with the reference glob matcher of glob_ref.h.
 *
 * Input: lines separated by '\n', each run over CMD_IPC on one policy.
 * A line starting with "check/" is a decision: when its category and
 * target are well-formed, the index's action, rule and check reply must
 * be the oracle's, byte for byte; otherwise the line must be EINVAL.
 * Any other line is a command; when it is ACKed, the oracle applies it
 * too (rules, '-', '^', reset), and after every line the index must hold
 * the oracle's rules in the oracle's order.  Lines are cut at LINE_CAP
 * bytes, so that the oracle's matcher stays fast; lock:on ends the run.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "tests/unit/decide_oracle.h"
#include "worker/cmd.h"
#include "worker/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define LINE_CAP	512

/* A check line: its category and target, when both are well-formed. */
static bool
check_line(const char *s, size_t len, struct decide_target *t)
{
	const char	*colon;
	int		 cat;

	if ((colon = memchr(s, ':', len)) == NULL)
		return false;
	cat = policy_cat_lookup(s + 6, (size_t)(colon - s) - 6);
	if (cat < 0 || !(POLICY_CAT_BIT(cat) &
	    (POLICY_CATS_PATH | POLICY_CATS_NET)))
		return false;
	return decide_target(cat, colon + 1, len - (size_t)(colon - s) - 1,
	    t) == 0;
}

/* A line cmd.c refuses for a blank at its end. */
static bool
blank_ends(const char *s, size_t len)
{
	return len > 0 && strchr(" \t\n\v\f\r", s[len - 1]) != NULL &&
	    s[len - 1] != '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy	*p;
	struct oracle	 o = { NULL, 0, 0 };
	struct decide_target t;
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	const uint8_t	*nl;
	const char	*s;
	size_t		 off, end, len;
	int		 err;

	if ((p = policy_new()) == NULL)
		ORACLE_FAIL("policy_new");
	for (off = 0; off <= size; off = end + 1) {
		nl = memchr(data + off, '\n', size - off);
		end = nl != NULL ? (size_t)(nl - data) : size;
		len = end - off > LINE_CAP ? LINE_CAP : end - off;
		s = (const char *)data + off;
		if (len > 6 && memcmp(s, "check/", 6) == 0 &&
		    !blank_ends(s, len) && utf8_valid(data + off, len) &&
		    check_line(s, len, &t)) {
			oracle_check(p, &o, &t);
			continue;
		}
		buf_reset(&out);
		err = cmd_exec(p, data + off, len, CMD_IPC, &out, &res);
		if (len > 6 && memcmp(s, "check/", 6) == 0 && err == 0)
			ORACLE_FAIL("\"%.*s\": ACKed, yet no target",
			    (int)len, s);
		if (res.locked)
			break;
		if (err == 0)
			oracle_line(&o, s, len);
		oracle_same_order(&o, p);
	}
	buf_free(&out);
	oracle_free(&o);
	policy_free(p);
	return 0;
}
