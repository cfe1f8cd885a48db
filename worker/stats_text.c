/*
 * stats: the policy as text for people, one line per setting in the
 * words of the command language ("sandbox/read: on"), ending in '\n'.
 * Rules are numbered in the order a decision reads them: the last added
 * first, since the first match in that order decides.  Control bytes in
 * strings are shown as \xHH so that every setting stays on its line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/access.h"
#include "common/limits.h"
#include "worker/policy-ops.h"
#include "worker/ruleidx.h"
#include "worker/stat.h"

static int
put_esc(struct buf *b, const char *s, size_t len)
{
	size_t	 i, run = 0;
	uint8_t	 c;

	for (i = 0; i < len; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (buf_append(b, s + run, i - run) == -1 ||
		    buf_printf(b, "\\x%02x", c) == -1)
			return -1;
		run = i + 1;
	}
	return buf_append(b, s + run, len - run);
}

static int
put_str(struct buf *b, const char *key, const struct policy_str *s)
{
	if (buf_printf(b, "%s: ", key) == -1)
		return -1;
	if (s->s == NULL)
		return buf_appendstr(b, "unset\n");
	if (put_esc(b, s->s, s->len) == -1)
		return -1;
	return buf_appendstr(b, "\n");
}

static int
put_limit(struct buf *b, const char *key, uint64_t v)
{
	if (v == 0)
		return buf_printf(b, "%s: 0 (no limit)\n", key);
	return buf_printf(b, "%s: %" PRIu64 "\n", key, v);
}

static int
put_u32list(struct buf *b, const char *key, const struct policy_u32list *l)
{
	size_t	 i;

	if (buf_printf(b, "%s:", key) == -1)
		return -1;
	if (l->n == 0 && buf_appendstr(b, " none") == -1)
		return -1;
	for (i = 0; i < l->n; i++)
		if (buf_printf(b, " %" PRIu32 " (0x%" PRIx32 ")", l->v[i],
		    l->v[i]) == -1)
			return -1;
	return buf_appendstr(b, "\n");
}

static int
put_idmap(struct buf *b, const char *key, const struct policy_idmap *m)
{
	size_t	 i;

	if (buf_printf(b, "%s:", key) == -1)
		return -1;
	if (m->n == 0 && buf_appendstr(b, " none") == -1)
		return -1;
	for (i = 0; i < m->n; i++)
		if (buf_printf(b, " %" PRIu32 ":%" PRIu32, m->v[i].src,
		    m->v[i].dst) == -1)
			return -1;
	return buf_appendstr(b, "\n");
}

static int
put_id(struct buf *b, const char *key, int64_t id, const char *none)
{
	if (id < 0)
		return buf_printf(b, "%s: %s\n", key, none);
	return buf_printf(b, "%s: %" PRId64 "\n", key, id);
}

static int
put_rules(struct buf *b, const struct policy *p, size_t start)
{
	const struct policy_rule *r;
	size_t	 n = 0;

	if (buf_printf(b, "rules: %zu, the first that matches decides\n",
	    ruleidx_count(p->rules)) == -1)
		return -1;
	for (r = ruleidx_last(p->rules); r != NULL;
	    r = ruleidx_prev(p->rules, r)) {
		if (b->len - start > WIRE_REPLY_TOTAL_MAX) {
			errno = E2BIG;
			return -1;
		}
		if (buf_printf(b, "rule %zu: %s/%s+", ++n,
		    policy_act_name(r->grp->act),
		    policy_cat_name(r->grp->cat)) == -1 ||
		    put_esc(b, r->grp->pat, r->grp->patlen) == -1 ||
		    buf_appendstr(b, "\n") == -1)
			return -1;
	}
	return 0;
}

/* "confine/worker: uid=65534 gid=65534 landlock=7 seccomp=kill" */
static int
put_confine(struct buf *b, const char *name, const struct policy_confine *c)
{
	static const char *const sc[] = { "off", "kill", "trap" };

	if (!c->known)
		return buf_printf(b, "confine/%s: unknown\n", name);
	return buf_printf(b, "confine/%s: uid=%u gid=%u landlock=%u "
	    "seccomp=%s\n", name, c->uid, c->gid, c->landlock,
	    c->seccomp < sizeof(sc) / sizeof(sc[0]) ? sc[c->seccomp] : "?");
}

static int
put_ids(struct buf *b, const char *key, bool all, const char *word,
    const struct access_ids *ids)
{
	size_t	 i;

	if (all)
		return buf_printf(b, " %s=%s", key, word);
	if (buf_printf(b, " %s=", key) == -1)
		return -1;
	for (i = 0; i < ids->n; i++)
		if (buf_printf(b, "%s%u", i > 0 ? "," : "", ids->v[i]) == -1)
			return -1;
	return 0;
}

/* "access/read: uid=any gid=100 members=1000,1001" (docs/protocol.md 9) */
static int
put_access(struct buf *b, const char *name, const struct access_rule *r)
{
	if (!r->on)
		return buf_printf(b, "access/%s: none\n", name);
	if (buf_printf(b, "access/%s:", name) == -1 ||
	    put_ids(b, "uid", r->any_uid, "any", &r->uids) == -1 ||
	    put_ids(b, "gid", !r->check_gid, "none", &r->gids) == -1 ||
	    (r->members.n > 0 && put_ids(b, "members", false, NULL,
	    &r->members) == -1))
		return -1;
	return buf_appendstr(b, "\n");
}

static int
put_levels(struct buf *b, const struct access *acc)
{
	if (acc == NULL)
		return buf_appendstr(b, "access/admin: unknown\n"
		    "access/read: unknown\n");
	if (put_access(b, "admin", &acc->admin) == -1)
		return -1;
	return put_access(b, "read", &acc->read);
}

static int
render(const struct policy *p, struct buf *b, size_t start)
{
	int	 i;

	if (buf_printf(b, "api: %d.%d\nlock: %s\n", IPC_API_MAJOR,
	    IPC_API_MINOR, policy_lock_name(p->lock)) == -1)
		return -1;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		if (buf_printf(b, "sandbox/%s: %s\n", policy_cat_name(i),
		    (p->on & POLICY_CAT_BIT(i)) ? "on" : "off") == -1)
			return -1;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		if (buf_printf(b, "default/%s: %s\n", policy_cat_name(i),
		    policy_act_name(p->def[i])) == -1)
			return -1;
	if (put_rules(b, p, start) == -1 ||
	    put_u32list(b, "ioctl/allow", &p->ioctl_allow) == -1 ||
	    put_u32list(b, "ioctl/deny", &p->ioctl_deny) == -1 ||
	    put_limit(b, "mem/max", p->mem_max) == -1 ||
	    put_limit(b, "mem/vm_max", p->mem_vm_max) == -1 ||
	    put_limit(b, "pid/max", p->pid_max) == -1)
		return -1;
	for (i = 0; i < POLICY_TRACE_COUNT; i++)
		if (buf_printf(b, "trace/%s: %s\n", policy_trace_name(i),
		    (p->trace & POLICY_TRACE_BIT(i)) ? "on" : "off") == -1)
			return -1;
	if ((p->force_umask == POLICY_UMASK_UNSET ?
	    buf_appendstr(b, "trace/force_umask: off\n") :
	    buf_printf(b, "trace/force_umask: %04o\n",
	    (unsigned)p->force_umask)) == -1)
		return -1;
	if (put_idmap(b, "setuid", &p->setuid) == -1 ||
	    put_idmap(b, "setgid", &p->setgid) == -1 ||
	    put_str(b, "name/host", &p->host) == -1 ||
	    put_str(b, "name/domain", &p->domain) == -1 ||
	    put_str(b, "root", &p->root) == -1 ||
	    put_str(b, "ipc", &p->ipc_addr) == -1 ||
	    put_id(b, "ipc/uid", p->ipc_uid, "any") == -1 ||
	    put_id(b, "ipc/gid", p->ipc_gid, "none") == -1 ||
	    put_levels(b, p->access) == -1 ||
	    put_confine(b, "worker", &p->confine[POLICY_PROC_WORKER]) == -1 ||
	    put_confine(b, "listener",
	    &p->confine[POLICY_PROC_LISTENER]) == -1)
		return -1;
	if (b->len - start > WIRE_REPLY_TOTAL_MAX) {
		errno = E2BIG;
		return -1;
	}
	return 0;
}

int
stats_text(const struct policy *p, struct buf *b)
{
	size_t	 start = b->len;

	if (render(p, b, start) == 0)
		return 0;
	b->len = start;
	return errno == E2BIG ? E2BIG : ENOMEM;
}
