/*
 * The policy's state: its initial state, reset, and the storage of its
 * lists (the rules have their own: worker/ruleidx.c).  Every change that
 * can fail (allocation, a limit) is checked before the first byte of the
 * policy moves, so a refused command leaves the policy exactly as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "worker/policy-ops.h"
#include "worker/policy.h"
#include "worker/ruleidx.h"

/*
 * docs/commands.md section 2.  The lock state is not in that list: privconf
 * starts in lock:ipc, Syd's state for "only the IPC socket may change the
 * policy", which is what a privconf daemon is.
 */
static void
policy_init(struct policy *p)
{
	size_t	 i;

	memset(p, 0, sizeof(*p));
	p->lock = POLICY_INIT_LOCK;
	p->on = POLICY_INIT_ON;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		p->def[i] = POLICY_INIT_ACT;
	p->force_umask = POLICY_UMASK_UNSET;
	p->ipc_uid = POLICY_ID_NONE;
	p->ipc_gid = POLICY_ID_NONE;
}

struct policy *
policy_new(void)
{
	struct policy	*p;

	if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	policy_init(p);
	if ((p->rules = ruleidx_new()) == NULL) {
		free(p);
		return NULL;
	}
	return p;
}

static void
str_free(struct policy_str *s)
{
	free(s->s);
	s->s = NULL;
	s->len = 0;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	ruleidx_free(p->rules);
	free(p->ioctl_allow.v);
	free(p->ioctl_deny.v);
	free(p->setuid.v);
	free(p->setgid.v);
	str_free(&p->host);
	str_free(&p->domain);
	str_free(&p->root);
	str_free(&p->ipc_addr);
	free(p);
}

/*
 * docs/commands.md 3.9: back to section 2, but the lock state and every
 * startup-only setting stay.  The lists are emptied, not freed, except the
 * rules, whose index gives its memory back.
 */
int
policy_reset(struct policy *p, bool *changed)
{
	uint64_t on;
	uint32_t trace;
	size_t	 i;

	on = POLICY_INIT_ON | (p->on & POLICY_CATS_STARTUP);
	trace = p->trace & POLICY_TRACE_STARTUP;
	*changed = p->on != on || p->trace != trace ||
	    ruleidx_count(p->rules) != 0 || p->ioctl_allow.n != 0 ||
	    p->ioctl_deny.n != 0 || p->mem_max != 0 || p->mem_vm_max != 0 ||
	    p->pid_max != 0 || p->force_umask != POLICY_UMASK_UNSET;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		if (p->def[i] != POLICY_INIT_ACT)
			*changed = true;
	/* The only step that can fail goes first: then nothing moved. */
	if (policy_txn_reset_rules(p) != 0)
		return ENOMEM;
	for (i = 0; i < POLICY_CAT_COUNT; i++)
		p->def[i] = POLICY_INIT_ACT;
	p->on = on;
	p->trace = trace;
	policy_txn_ioctl(p);
	p->ioctl_allow.n = 0;
	p->ioctl_deny.n = 0;
	p->mem_max = p->mem_vm_max = p->pid_max = 0;
	p->force_umask = POLICY_UMASK_UNSET;
	return 0;
}

bool
policy_ipc_addr_valid(const char *s, size_t len)
{
	size_t	 max;

	/* A path needs its NUL in sun_path; an abstract name does not. */
	max = (len > 0 && s[0] == '@') ? POLICY_IPC_ADDR_MAX :
	    POLICY_IPC_ADDR_MAX - 1;
	if (len == 0 || len > max || (s[0] == '@' && len == 1))
		return false;
	if (memchr(s, '\0', len) != NULL)
		return false;
	return utf8_valid((const uint8_t *)s, len);
}

int
policy_str_set(struct policy_str *d, const char *s, size_t len)
{
	char	*n;

	if ((n = malloc(len + 1)) == NULL)
		return ENOMEM;
	memcpy(n, s, len);
	n[len] = '\0';
	free(d->s);
	d->s = n;
	d->len = len;
	return 0;
}

int
policy_set_ipc(struct policy *p, const char *addr, int64_t uid, int64_t gid)
{
	struct policy_str s = { NULL, 0 };
	size_t	 len;

	if ((uid != POLICY_ID_NONE && (uid < 0 || uid > POLICY_ID_MAX)) ||
	    (gid != POLICY_ID_NONE && (gid < 0 || gid > POLICY_ID_MAX))) {
		errno = EINVAL;
		return -1;
	}
	/* NULL or "" leave the address unset: stat shows null. */
	if (addr != NULL && (len = strlen(addr)) > 0) {
		if (!policy_ipc_addr_valid(addr, len)) {
			errno = EINVAL;
			return -1;
		}
		if (policy_str_set(&s, addr, len) != 0) {
			errno = ENOMEM;
			return -1;
		}
	}
	str_free(&p->ipc_addr);
	p->ipc_addr = s;
	p->ipc_uid = uid;
	p->ipc_gid = gid;
	p->ipc_bound = true;
	return 0;
}

/*
 * Room for n more elements of size sz in *pp, never past max elements.
 * Growth only: the caller's contents are unchanged on failure.
 */
static int
grow(void **pp, size_t *cap, size_t have, size_t n, size_t max, size_t sz)
{
	size_t	 ncap;
	void	*np;

	if (n > max || have > max - n)
		return ENOMEM;
	if (have + n <= *cap)
		return 0;
	ncap = *cap < 16 ? 16 : *cap;
	while (ncap < have + n)
		ncap = ncap > max / 2 ? max : ncap * 2;
	if (ncap > max)
		ncap = max;
	if ((np = reallocarray(*pp, ncap, sz)) == NULL)
		return ENOMEM;
	*pp = np;
	*cap = ncap;
	return 0;
}

/* ioctl lists. */

int
policy_u32_add(struct policy_u32list *l, uint32_t v, size_t max)
{
	void	*nv = l->v;
	int	 err;

	if ((err = grow(&nv, &l->cap, l->n, 1, max, sizeof(*l->v))) != 0)
		return err;
	l->v = nv;
	l->v[l->n++] = v;
	return 0;
}

bool
policy_u32_remove(struct policy_u32list *l, uint32_t v, bool every)
{
	size_t	 i, keep = 0;
	bool	 removed = false;

	if (!every) {
		for (i = l->n; i-- > 0; ) {
			if (l->v[i] == v) {
				memmove(&l->v[i], &l->v[i + 1],
				    (l->n - i - 1) * sizeof(*l->v));
				l->n--;
				return true;
			}
		}
		return false;
	}
	for (i = 0; i < l->n; i++) {
		if (l->v[i] == v)
			removed = true;
		else
			l->v[keep++] = l->v[i];
	}
	l->n = keep;
	return removed;
}

/* uid and gid transitions. */

int
policy_idmap_add(struct policy_idmap *m, uint32_t src, uint32_t dst)
{
	void	*v = m->v;
	int	 err;

	if ((err = grow(&v, &m->cap, m->n, 1, POLICY_IDMAP_MAX,
	    sizeof(*m->v))) != 0)
		return err;
	m->v = v;
	m->v[m->n++] = (struct policy_idpair){ src, dst };
	return 0;
}

bool
policy_idmap_remove(struct policy_idmap *m, uint32_t src, uint32_t dst)
{
	size_t	 i;

	for (i = m->n; i-- > 0; ) {
		if (m->v[i].src == src && m->v[i].dst == dst) {
			memmove(&m->v[i], &m->v[i + 1],
			    (m->n - i - 1) * sizeof(*m->v));
			m->n--;
			return true;
		}
	}
	return false;
}

bool
policy_idmap_remove_src(struct policy_idmap *m, uint32_t src)
{
	size_t	 i, keep = 0;

	for (i = 0; i < m->n; i++)
		if (m->v[i].src != src)
			m->v[keep++] = m->v[i];
	if (keep == m->n)
		return false;
	m->n = keep;
	return true;
}

void
policy_set_confine(struct policy *p, enum policy_proc which, uint32_t uid,
    uint32_t gid, uint32_t landlock, uint32_t seccomp)
{
	struct policy_confine *c = &p->confine[which];

	c->known = true;
	c->uid = uid;
	c->gid = gid;
	c->landlock = landlock;
	c->seccomp = seccomp;
}

void
policy_set_access(struct policy *p, const struct access *acc)
{
	p->access = acc;
}
