/*
 * The command table, and the one place where the lock state (docs/commands.md
 * 3.8) and the startup-only rule (section 5) are decided from its flags.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/cmdtab.h"

#define RULE_ROW(act, name) \
	{ name, CMD_OP_LIST, CMD_F_PREFIX | CMD_F_MUTATES, act, CMD_NO_FIELD, \
	  cmd_rule_parse, cmd_rule_apply, cmd_rule_drop_ok, NULL }
#define F(f)	offsetof(struct policy, f)

static const struct cmd_row cmdtab[] = {
	/* Plain commands. */
	{ "stat", CMD_OP_NONE, 0, 0, CMD_NO_FIELD,
	  cmd_none_parse, cmd_stat_apply, NULL, NULL },
	{ "stats", CMD_OP_NONE, 0, 0, CMD_NO_FIELD,
	  cmd_none_parse, cmd_stats_apply, NULL, NULL },
	/* 3.10: a query, so no lock state but on refuses it. */
	{ "check/", CMD_OP_SET, CMD_F_PREFIX, 0, CMD_NO_FIELD,
	  cmd_check_parse, cmd_check_apply, NULL, NULL },
	{ "reset", CMD_OP_NONE, CMD_F_MUTATES, 0, CMD_NO_FIELD,
	  cmd_none_parse, cmd_reset_apply, NULL, NULL },
	{ "lock", CMD_OP_SET, CMD_F_MUTATES, 0, CMD_NO_FIELD,
	  cmd_lock_parse, cmd_lock_apply, cmd_lock_drop_ok,
	  cmd_lock_read_ok },

	/* 3.1, 3.2: sandbox/lock,crypt,proxy,pty are startup-only. */
	{ "sandbox/", CMD_OP_SET | CMD_OP_QUERY,
	  CMD_F_PREFIX | CMD_F_MUTATES | CMD_F_STARTUP_ARG, 0, CMD_NO_FIELD,
	  cmd_sandbox_parse, cmd_sandbox_apply, cmd_sandbox_drop_ok, NULL },
	{ "default/", CMD_OP_SET, CMD_F_PREFIX | CMD_F_MUTATES, 0, CMD_NO_FIELD,
	  cmd_default_parse, cmd_default_apply, cmd_default_drop_ok, NULL },

	/* 3.3: one row per action. */
	RULE_ROW(POLICY_ACT_ALLOW, "allow/"),
	RULE_ROW(POLICY_ACT_WARN, "warn/"),
	RULE_ROW(POLICY_ACT_FILTER, "filter/"),
	RULE_ROW(POLICY_ACT_DENY, "deny/"),
	RULE_ROW(POLICY_ACT_PANIC, "panic/"),
	RULE_ROW(POLICY_ACT_STOP, "stop/"),
	RULE_ROW(POLICY_ACT_ABORT, "abort/"),
	RULE_ROW(POLICY_ACT_KILL, "kill/"),
	RULE_ROW(POLICY_ACT_EXIT, "exit/"),

	/* 3.4 */
	{ "mem/max", CMD_OP_SET, CMD_F_MUTATES, 0, F(mem_max),
	  cmd_size_parse, cmd_limit_apply, cmd_limit_drop_ok, NULL },
	{ "mem/vm_max", CMD_OP_SET, CMD_F_MUTATES, 0, F(mem_vm_max),
	  cmd_size_parse, cmd_limit_apply, cmd_limit_drop_ok, NULL },
	{ "pid/max", CMD_OP_SET, CMD_F_MUTATES, 0, F(pid_max),
	  cmd_count_parse, cmd_limit_apply, cmd_limit_drop_ok, NULL },

	/* 3.5 */
	{ "ioctl/allow", CMD_OP_LIST, CMD_F_MUTATES, 0, F(ioctl_allow),
	  cmd_ioctl_parse, cmd_ioctl_apply, cmd_ioctl_drop_ok, NULL },
	{ "ioctl/deny", CMD_OP_LIST, CMD_F_MUTATES, 0, F(ioctl_deny),
	  cmd_ioctl_parse, cmd_ioctl_apply, cmd_ioctl_drop_ok, NULL },

	/* 3.6: some options are startup-only. */
	{ "trace/", CMD_OP_SET | CMD_OP_QUERY,
	  CMD_F_PREFIX | CMD_F_MUTATES | CMD_F_STARTUP_ARG, 0, CMD_NO_FIELD,
	  cmd_trace_parse, cmd_trace_apply, NULL, NULL },

	/* 3.7: all startup-only. */
	{ "setuid", CMD_OP_LIST, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(setuid),
	  cmd_idmap_parse, cmd_idmap_apply, NULL, NULL },
	{ "setgid", CMD_OP_LIST, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(setgid),
	  cmd_idmap_parse, cmd_idmap_apply, NULL, NULL },
	{ "name/host", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(host),
	  cmd_name_parse, cmd_str_apply, NULL, NULL },
	{ "name/domain", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP, 0,
	  F(domain),
	  cmd_name_parse, cmd_str_apply, NULL, NULL },
	{ "root", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(root),
	  cmd_root_parse, cmd_str_apply, NULL, NULL },
	{ "ipc", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(ipc_addr),
	  cmd_ipc_parse, cmd_ipc_apply, NULL, NULL },
	{ "ipc/uid", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP | CMD_F_ANY,
	  0, F(ipc_uid),
	  cmd_ipc_id_parse, cmd_ipc_id_apply, NULL, NULL },
	{ "ipc/gid", CMD_OP_SET, CMD_F_MUTATES | CMD_F_STARTUP, 0, F(ipc_gid),
	  cmd_ipc_id_parse, cmd_ipc_id_apply, NULL, NULL },
};

void *
cmd_field(struct policy *p, const struct cmd *c)
{
	return (void *)(uintptr_t)cmd_field_const(p, c);
}

const void *
cmd_field_const(const struct policy *p, const struct cmd *c)
{
	/* A handler that asks has a field in its rows: else a table bug. */
	if (c->row->field == CMD_NO_FIELD)
		abort();
	return (const char *)p + c->row->field;
}

const struct cmd_row *
cmdtab_lookup(const char *name, size_t len, const char **sub, size_t *sublen)
{
	const struct cmd_row *r;
	size_t	 i, n;

	for (i = 0; i < sizeof(cmdtab) / sizeof(cmdtab[0]); i++) {
		r = &cmdtab[i];
		n = strlen(r->name);
		if (r->flags & CMD_F_PREFIX) {
			if (len < n || memcmp(name, r->name, n) != 0)
				continue;
			*sub = name + n;
			*sublen = len - n;
			return r;
		}
		if (len == n && memcmp(name, r->name, n) == 0) {
			*sub = NULL;
			*sublen = 0;
			return r;
		}
	}
	return NULL;
}

int
cmdtab_op_bit(char op)
{
	switch (op) {
	case '\0':
		return CMD_OP_NONE;
	case ':':
		return CMD_OP_SET;
	case '?':
		return CMD_OP_QUERY;
	case '+':
		return CMD_OP_ADD;
	case '-':
		return CMD_OP_DEL;
	case '^':
		return CMD_OP_DELALL;
	}
	return 0;
}

/*
 * May c run now?  The whole of docs/commands.md 3.8 and section 5, in this
 * order: lock:on refuses everything (the IPC server is gone, and a
 * profile line after lock:on has nothing left to change); queries, stat
 * and stats pass; lock:read and lock:drop pass only what the row's
 * predicate allows, "anything else: EPERM", startup-only commands
 * included; last, a startup-only command over IPC is EBUSY.  The lock
 * binds a profile too: a profile that says lock:drop means it.
 */
int
cmd_permit(const struct policy *p, const struct cmd *c,
    enum cmd_origin origin)
{
	const struct cmd_row *r = c->row;

	if (p->lock == POLICY_LOCK_ON)
		return EPERM;
	if (!(r->flags & CMD_F_MUTATES) || c->op == '?')
		return 0;
	if (p->lock == POLICY_LOCK_READ &&
	    (r->read_ok == NULL || !r->read_ok(p, c)))
		return EPERM;
	if (p->lock == POLICY_LOCK_DROP &&
	    (r->drop_ok == NULL || !r->drop_ok(p, c)))
		return EPERM;
	if (origin != CMD_PROFILE && ((r->flags & CMD_F_STARTUP) ||
	    ((r->flags & CMD_F_STARTUP_ARG) && c->startup)))
		return EBUSY;
	return 0;
}
