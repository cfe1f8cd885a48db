/*
 * The settings of one value or one list entry per line: ioctl lists,
 * limits, trace options and the umask, uid and gid transitions, names,
 * the root and the IPC address (docs/commands.md 3.4 to 3.7), as they
 * differ from a reference policy (a fresh one: ref NULL).  Each line
 * is written in the shortest spelling the parser takes, so that a dump
 * is never longer than the lines that made the policy: one line per
 * list entry, as each was added (lists keep their order), and numbers
 * without leading zeros or names (an ioctl request's decimal is never
 * longer than its name or its hexadecimal).
 *
 * Against a reference: a list that still starts with the reference's
 * entries gets the rest appended; any other list is rebuilt, the
 * reference's entries removed with '^' first.  A value the command
 * language cannot unset (a name set in the reference, unset here) makes
 * the dump fail with EINVAL: compaction then leaves the journal alone.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "worker/dump-int.h"
#include "worker/policy-ops.h"

static const struct policy_u32list	 no_list;
static const struct policy_idmap	 no_map;
static const struct policy_str		 no_str;

static bool
u32_prefix(const struct policy_u32list *a, const struct policy_u32list *pre)
{
	return pre->n <= a->n && (pre->n == 0 ||
	    memcmp(a->v, pre->v, pre->n * sizeof(*a->v)) == 0);
}

/* Entry i of l is the first of its value. */
static bool
u32_first(const struct policy_u32list *l, size_t i)
{
	size_t	 j;

	for (j = 0; j < i; j++)
		if (l->v[j] == l->v[i])
			return false;
	return true;
}

static void
u32list(struct dump *d, const char *cmd, const struct policy_u32list *l,
    const struct policy_u32list *ref)
{
	size_t	 i, from = ref->n;

	if (!u32_prefix(l, ref)) {
		for (i = 0; i < ref->n; i++) {
			if (!u32_first(ref, i))
				continue;
			dump_puts(d, cmd);
			dump_put(d, "^", 1);
			dump_putu(d, ref->v[i]);
			dump_eol(d);
		}
		from = 0;
	}
	for (i = from; i < l->n; i++) {
		dump_puts(d, cmd);
		dump_put(d, "+", 1);
		dump_putu(d, l->v[i]);
		dump_eol(d);
	}
}

static bool
idmap_prefix(const struct policy_idmap *a, const struct policy_idmap *pre)
{
	size_t	 i;

	if (pre->n > a->n)
		return false;
	for (i = 0; i < pre->n; i++)
		if (a->v[i].src != pre->v[i].src ||
		    a->v[i].dst != pre->v[i].dst)
			return false;
	return true;
}

static void
idmap(struct dump *d, const char *cmd, const struct policy_idmap *m,
    const struct policy_idmap *ref)
{
	size_t	 i, j, from = ref->n;

	if (!idmap_prefix(m, ref)) {
		/* cmd^SRC removes every transition from SRC. */
		for (i = 0; i < ref->n; i++) {
			for (j = 0; j < i && ref->v[j].src != ref->v[i].src;
			    j++)
				;
			if (j < i)
				continue;
			dump_puts(d, cmd);
			dump_put(d, "^", 1);
			dump_putu(d, ref->v[i].src);
			dump_eol(d);
		}
		from = 0;
	}
	for (i = from; i < m->n; i++) {
		dump_puts(d, cmd);
		dump_put(d, "+", 1);
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
size_line(struct dump *d, const char *cmd, uint64_t v, uint64_t ref)
{
	static const char units[] = "KMGTP";
	char	 best[24], num[24];
	size_t	 n, k;

	if (v == ref)
		return;
	n = dump_utoa(v, best);
	for (k = 1; v != 0 && k <= sizeof(units) - 1 &&
	    v % (1ULL << (10 * k)) == 0; k++) {
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
trace(const struct policy *p, const struct policy *ref, struct dump *d)
{
	uint32_t had = ref != NULL ? ref->trace : 0;
	int32_t	 um = ref != NULL ? ref->force_umask : POLICY_UMASK_UNSET;
	char	 oct[12];
	int	 i;

	for (i = 0; i < POLICY_TRACE_COUNT; i++) {
		if (((p->trace ^ had) & POLICY_TRACE_BIT(i)) == 0)
			continue;
		dump_puts(d, "trace/");
		dump_puts(d, policy_trace_name(i));
		dump_puts(d, p->trace & POLICY_TRACE_BIT(i) ? ":1" : ":0");
		dump_eol(d);
	}
	if (p->force_umask == um)
		return;
	if (p->force_umask == POLICY_UMASK_UNSET)
		snprintf(oct, sizeof(oct), "off");
	else
		snprintf(oct, sizeof(oct), "%o", (unsigned)p->force_umask);
	dump_puts(d, "trace/force_umask:");
	dump_puts(d, oct);
	dump_eol(d);
}

/* A string setting is written as it is stored: the parser took it so. */
static void
str(struct dump *d, const char *cmd, const struct policy_str *s,
    const struct policy_str *ref)
{
	if (s->len == ref->len && (s->s == NULL) == (ref->s == NULL) &&
	    (s->len == 0 || memcmp(s->s, ref->s, s->len) == 0))
		return;
	if (s->s == NULL) {
		if (d->err == 0)
			d->err = EINVAL;
		return;
	}
	dump_puts(d, cmd);
	dump_put(d, s->s, s->len);
	dump_eol(d);
}

static void
id(struct dump *d, const char *cmd, int64_t v, int64_t ref)
{
	if (v == ref)
		return;
	/* "any" says not checked for a uid; a gid has no such word. */
	if (v == POLICY_ID_NONE && strcmp(cmd, "ipc/uid:") == 0) {
		dump_puts(d, cmd);
		dump_puts(d, "any");
		dump_eol(d);
		return;
	}
	if (v == POLICY_ID_NONE) {
		if (d->err == 0)
			d->err = EINVAL;
		return;
	}
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
ipc(const struct policy *p, const struct policy *ref, struct dump *d)
{
	if (p->ipc_bound)
		return;
	str(d, "ipc:", &p->ipc_addr, ref != NULL ? &ref->ipc_addr : &no_str);
	id(d, "ipc/uid:", p->ipc_uid, ref != NULL ? ref->ipc_uid :
	    POLICY_ID_NONE);
	id(d, "ipc/gid:", p->ipc_gid, ref != NULL ? ref->ipc_gid :
	    POLICY_ID_NONE);
}

void
dump_settings(const struct policy *p, const struct policy *ref,
    struct dump *d)
{
	u32list(d, "ioctl/allow", &p->ioctl_allow,
	    ref != NULL ? &ref->ioctl_allow : &no_list);
	u32list(d, "ioctl/deny", &p->ioctl_deny,
	    ref != NULL ? &ref->ioctl_deny : &no_list);
	size_line(d, "mem/max:", p->mem_max, ref != NULL ? ref->mem_max : 0);
	size_line(d, "mem/vm_max:", p->mem_vm_max,
	    ref != NULL ? ref->mem_vm_max : 0);
	if (p->pid_max != (ref != NULL ? ref->pid_max : 0)) {
		dump_puts(d, "pid/max:");
		dump_putu(d, p->pid_max);
		dump_eol(d);
	}
	trace(p, ref, d);
	idmap(d, "setuid", &p->setuid, ref != NULL ? &ref->setuid : &no_map);
	idmap(d, "setgid", &p->setgid, ref != NULL ? &ref->setgid : &no_map);
	str(d, "name/host:", &p->host, ref != NULL ? &ref->host : &no_str);
	str(d, "name/domain:", &p->domain, ref != NULL ? &ref->domain :
	    &no_str);
	str(d, "root:", &p->root, ref != NULL ? &ref->root : &no_str);
	ipc(p, ref, d);
}
