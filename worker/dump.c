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

static void
dump_lock(const struct policy *p, struct dump *d)
{
	if (p->lock == POLICY_INIT_LOCK)
		return;
	dump_puts(d, "lock:");
	dump_puts(d, policy_lock_name(p->lock));
	dump_eol(d);
}

int
policy_dump(const struct policy *p, struct buf *out)
{
	struct dump	 d = { out, out->len, 0 };
	size_t		 start = out->len;

	dump_cats(p, &d);
	dump_rules(p, &d);
	dump_settings(p, &d);
	dump_lock(p, &d);
	if (d.err != 0)
		out->len = start;
	return d.err;
}
