/*
 * The settings of one value or one list entry per line: ioctl lists,
 * limits, trace options and the umask, uid and gid transitions, names,
 * the root and the IPC address (docs/commands.md 3.4 to 3.7).  Each line
 * is written in the shortest spelling the parser takes, so that a dump
 * is never longer than the lines that made the policy: one line per
 * list entry, as each was added (lists keep their order), and numbers
 * without leading zeros or names (an ioctl request's decimal is never
 * longer than its name or its hexadecimal).
 */
#include <stdio.h>
#include <string.h>

#include "worker/dump-int.h"
#include "worker/policy-ops.h"

static void
u32list(struct dump *d, const char *cmd, const struct policy_u32list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		dump_puts(d, cmd);
		dump_putu(d, l->v[i]);
		dump_eol(d);
	}
}

static void
idmap(struct dump *d, const char *cmd, const struct policy_idmap *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++) {
		dump_puts(d, cmd);
		dump_putu(d, m->v[i].src);
		dump_put(d, ":", 1);
		dump_putu(d, m->v[i].dst);
		dump_eol(d);
	}
}

/*
 * A size of docs/commands.md 3.4: decimal, or shorter with the largest
 * binary suffix that divides it ("1G", not "1073741824").
 */
static void
size_line(struct dump *d, const char *cmd, uint64_t v)
{
	static const char units[] = "KMGTP";
	char	 best[24], num[24];
	size_t	 n, k;

	if (v == 0)
		return;
	n = dump_utoa(v, best);
	for (k = 1; k <= sizeof(units) - 1 && v % (1ULL << (10 * k)) == 0;
	    k++) {
		if (dump_utoa(v >> (10 * k), num) + 1 < n) {
			n = (size_t)snprintf(best, sizeof(best), "%s%c", num,
			    units[k - 1]);
		}
	}
	dump_puts(d, cmd);
	dump_put(d, best, n);
	dump_eol(d);
}

static void
trace(const struct policy *p, struct dump *d)
{
	char	 um[12];
	int	 i;

	for (i = 0; i < POLICY_TRACE_COUNT; i++) {
		if (!(p->trace & POLICY_TRACE_BIT(i)))
			continue;
		dump_puts(d, "trace/");
		dump_puts(d, policy_trace_name(i));
		dump_puts(d, ":1");
		dump_eol(d);
	}
	if (p->force_umask == POLICY_UMASK_UNSET)
		return;
	snprintf(um, sizeof(um), "%o", (unsigned)p->force_umask);
	dump_puts(d, "trace/force_umask:");
	dump_puts(d, um);
	dump_eol(d);
}

/* A string setting is written as it is stored: the parser took it so. */
static void
str(struct dump *d, const char *cmd, const struct policy_str *s)
{
	if (s->s == NULL)
		return;
	dump_puts(d, cmd);
	dump_put(d, s->s, s->len);
	dump_eol(d);
}

static void
id(struct dump *d, const char *cmd, int64_t v)
{
	if (v == POLICY_ID_NONE)
		return;
	dump_puts(d, cmd);
	dump_putu(d, (unsigned long long)v);
	dump_eol(d);
}

/*
 * Once privconfd has said what it bound (policy_set_ipc), ipc lines
 * change nothing and the policy that replays the dump is told the same:
 * they are written only for a policy that was never told.
 */
static void
ipc(const struct policy *p, struct dump *d)
{
	if (p->ipc_bound)
		return;
	str(d, "ipc:", &p->ipc_addr);
	id(d, "ipc/uid:", p->ipc_uid);
	id(d, "ipc/gid:", p->ipc_gid);
}

void
dump_settings(const struct policy *p, struct dump *d)
{
	u32list(d, "ioctl/allow+", &p->ioctl_allow);
	u32list(d, "ioctl/deny+", &p->ioctl_deny);
	size_line(d, "mem/max:", p->mem_max);
	size_line(d, "mem/vm_max:", p->mem_vm_max);
	if (p->pid_max != 0) {
		dump_puts(d, "pid/max:");
		dump_putu(d, p->pid_max);
		dump_eol(d);
	}
	trace(p, d);
	idmap(d, "setuid+", &p->setuid);
	idmap(d, "setgid+", &p->setgid);
	str(d, "name/host:", &p->host);
	str(d, "name/domain:", &p->domain);
	str(d, "root:", &p->root);
	ipc(p, d);
}
