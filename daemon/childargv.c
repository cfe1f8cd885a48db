/* Building the children's command lines of the process contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/childargv.h"

static void
childargv_add(struct childargv *a, const char *s)
{
	/* The longest line has 25 words: running out is a programming error. */
	if (a->n >= CHILDARGV_MAX)
		abort();
	a->v[a->n++] = (char *)s;
	a->v[a->n] = NULL;
}

static void
childargv_num(struct childargv *a, const char *opt, unsigned long n)
{
	childargv_add(a, opt);
	if (a->n >= CHILDARGV_MAX)
		abort();
	/* The number's storage is the slot of the word it becomes. */
	snprintf(a->num[a->n], sizeof(a->num[0]), "%lu", n);
	childargv_add(a, a->num[a->n]);
}

static void
childargv_id(struct childargv *a, const char *opt, const struct opt_id *id,
    const char *word)
{
	if (id->kind == OPT_ID_NUM)
		childargv_num(a, opt, id->id);
	else {
		childargv_add(a, opt);
		childargv_add(a, word);
	}
}

static void
childargv_start(struct childargv *a, const char *prog,
    const struct child_conf *c)
{
	memset(a, 0, sizeof(*a));
	childargv_add(a, prog);
	if (c->opts->verbose > 0)
		childargv_add(a, "-v");
}

static void
childargv_end(struct childargv *a, const struct child_conf *c)
{
	if (c->runas) {
		childargv_num(a, "--run-uid", c->run_uid);
		childargv_num(a, "--run-gid", c->run_gid);
		childargv_add(a, "--chroot");
		childargv_add(a, c->chroot);
	}
	if (c->opts->allow_weak_sandbox)
		childargv_add(a, "--allow-weak-sandbox");
}

void
childargv_worker(struct childargv *a, const struct child_conf *c)
{
	childargv_start(a, "privconf-worker", c);
	childargv_add(a, "--ipc-addr");
	childargv_add(a, c->addr);
	childargv_id(a, "--ipc-uid", &c->ipc_uid, "any");
	childargv_id(a, "--ipc-gid", &c->ipc_gid, "none");
	childargv_end(a, c);
}

void
childargv_listener(struct childargv *a, const struct child_conf *c)
{
	const struct options *o = c->opts;

	childargv_start(a, "privconf-listener", c);
	childargv_id(a, "--ipc-uid", &c->ipc_uid, "any");
	childargv_id(a, "--ipc-gid", &c->ipc_gid, "none");
	childargv_num(a, "--max-conn", o->max_conn);
	childargv_num(a, "--max-conn-per-uid", o->max_conn_per_uid);
	childargv_num(a, "--auth-timeout", o->auth_timeout);
	childargv_num(a, "--idle-timeout", o->idle_timeout);
	childargv_num(a, "--max-queue", o->max_queue);
	childargv_num(a, "--fd-reserve", o->fd_reserve);
	childargv_end(a, c);
}
