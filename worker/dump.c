/*
 * policy_dump(): the parts of the policy in stat's order, each written
 * by its own file, and the lock state last.  A lock state of drop or
 * read refuses most later profile lines and on refuses all of them, so
 * the lines before it are applied unlocked and the lock line closes the
 * profile.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "worker/dump-int.h"
#include "worker/dump.h"
#include "worker/policy-ops.h"

void
dump_put(struct dump *d, const void *s, size_t len)
{
	if (d->err == 0 && buf_append(d->b, s, len) == -1)
		d->err = ENOMEM;
}

void
dump_puts(struct dump *d, const char *s)
{
	dump_put(d, s, strlen(s));
}

size_t
dump_utoa(unsigned long long v, char buf[24])
{
	return (size_t)snprintf(buf, 24, "%llu", v);
}

void
dump_putu(struct dump *d, unsigned long long v)
{
	char	 num[24];

	dump_put(d, num, dump_utoa(v, num));
}

/*
 * privconfd reads a profile line of at most PROFILE_LINE_MAX bytes and
 * splits lines at '\n'.  Every value came from one such line, and the
 * parser refuses a '\n' inside a line (worker/cmd.c), so neither check
 * fails for a policy built from profiles and clients; a line longer than
 * any of theirs, given to cmd_exec() directly, can store a pattern that
 * no profile line holds.
 */
void
dump_eol(struct dump *d)
{
	const uint8_t	*s = d->b->data + d->line;
	size_t		 len = d->b->len - d->line;

	if (d->err != 0)
		return;
	if (len > PROFILE_LINE_MAX || memchr(s, '\n', len) != NULL) {
		d->err = E2BIG;
		return;
	}
	dump_put(d, "\n", 1);
	d->line = d->b->len;
}

void
dump_lock(const struct policy *p, const struct policy *ref, struct dump *d)
{
	if (p->lock == (ref != NULL ? ref->lock : POLICY_INIT_LOCK))
		return;
	dump_puts(d, "lock:");
	dump_puts(d, policy_lock_name(p->lock));
	dump_eol(d);
}

static int
dump_all(const struct policy *p, const struct policy *ref, struct buf *out)
{
	struct dump	 d = { out, out->len, 0 };
	size_t		 start = out->len;

	dump_cats(p, ref, &d);
	dump_rules(p, ref != NULL ? dump_rules_since(p, ref, &d) : 0, &d);
	dump_settings(p, ref, &d);
	dump_lock(p, ref, &d);
	if (d.err != 0)
		out->len = start;
	return d.err;
}

int
policy_dump(const struct policy *p, struct buf *out)
{
	return dump_all(p, NULL, out);
}

int
policy_dump_since(const struct policy *p, const struct policy *base,
    struct buf *out)
{
	return dump_all(p, base, out);
}
