/*
 * Transactions on the policy: a batch of changes whose journal record
 * fails to reach the disk is taken back whole, so that the policy and
 * the journal agree (docs/design.md 6).  Beginning one costs a copy of
 * a few scalars; lists are copied only when a change touches them; the
 * rules keep their own record (ruleidx_txn_*), and a reset sets the
 * whole index aside instead of clearing it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "worker/policy-ops.h"
#include "worker/ruleidx.h"

void
policy_txn_begin(struct policy *p)
{
	struct policy_txn *t = &p->txn;

	t->active = true;
	t->lock = p->lock;
	t->on = p->on;
	memcpy(t->def, p->def, sizeof(t->def));
	t->mem_max = p->mem_max;
	t->mem_vm_max = p->mem_vm_max;
	t->pid_max = p->pid_max;
	t->trace = p->trace;
	t->force_umask = p->force_umask;
	t->ioctl_saved = false;
	t->rules = NULL;
	ruleidx_txn_begin(p->rules);
}

static void
u32_copy(struct policy_u32list *d, const struct policy_u32list *s)
{
	d->n = d->cap = s->n;
	d->v = NULL;
	if (s->n == 0)
		return;
	if ((d->v = reallocarray(NULL, s->n, sizeof(*d->v))) == NULL)
		fatal("op=txn why=\"ioctl list copy\"");
	memcpy(d->v, s->v, s->n * sizeof(*d->v));
}

void
policy_txn_ioctl(struct policy *p)
{
	struct policy_txn *t = &p->txn;

	if (!t->active || t->ioctl_saved)
		return;
	u32_copy(&t->ioctl_allow, &p->ioctl_allow);
	u32_copy(&t->ioctl_deny, &p->ioctl_deny);
	t->ioctl_saved = true;
}

/* Set the rules aside for a reset: a fresh index takes their place. */
int
policy_txn_reset_rules(struct policy *p)
{
	struct ruleidx	*x;

	if (!p->txn.active || p->txn.rules != NULL) {
		ruleidx_clear(p->rules);
		return 0;
	}
	if ((x = ruleidx_new()) == NULL)
		return ENOMEM;
	p->txn.rules = p->rules;
	p->rules = x;
	return 0;
}

static void
txn_end(struct policy *p)
{
	struct policy_txn *t = &p->txn;

	if (t->ioctl_saved) {
		free(t->ioctl_allow.v);
		free(t->ioctl_deny.v);
	}
	t->ioctl_saved = false;
	t->rules = NULL;
	t->active = false;
}

void
policy_txn_commit(struct policy *p)
{
	struct policy_txn *t = &p->txn;

	if (!t->active)
		return;
	if (t->rules != NULL)
		ruleidx_free(t->rules);
	else
		ruleidx_txn_commit(p->rules);
	txn_end(p);
}

int
policy_txn_rollback(struct policy *p)
{
	struct policy_txn *t = &p->txn;
	struct policy_u32list l;

	if (!t->active)
		return 0;
	p->lock = t->lock;
	p->on = t->on;
	memcpy(p->def, t->def, sizeof(p->def));
	p->mem_max = t->mem_max;
	p->mem_vm_max = t->mem_vm_max;
	p->pid_max = t->pid_max;
	p->trace = t->trace;
	p->force_umask = t->force_umask;
	if (t->ioctl_saved) {
		/* Swapped: txn_end frees what the changes made. */
		l = p->ioctl_allow;
		p->ioctl_allow = t->ioctl_allow;
		t->ioctl_allow = l;
		l = p->ioctl_deny;
		p->ioctl_deny = t->ioctl_deny;
		t->ioctl_deny = l;
	}
	if (t->rules != NULL) {
		ruleidx_free(p->rules);
		p->rules = t->rules;
	}
	txn_end(p);
	return ruleidx_txn_rollback(p->rules);
}
