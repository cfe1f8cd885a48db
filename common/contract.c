/*
 * The process contract as one table: each row is an option of a child,
 * read by contract_argv() to write the argv and by contract_parse() to
 * read it back.  See contract.h for the descriptors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/access.h"
#include "common/contract.h"
#include "common/decimal.h"
#include "common/limits.h"

enum ctype {
	CT_COUNT,	/* -v: no value, each one counts */
	CT_FLAG,	/* no value */
	CT_NUM,		/* uint64_t in [min, max] */
	CT_ID,		/* struct contract_id: a number, or the row's word */
	CT_IDS,		/* struct contract_ids: at most max ids, or the word */
	CT_ADDR,	/* a socket address as privconfd bound it */
	CT_PATH,	/* an absolute path */
	CT_WORD,	/* unsigned: the index of one of the row's words */
};

#define CO_REQUIRED	0x1

struct contract_opt {
	const char	*name;		/* the word as written: "-v", "--max-conn" */
	enum ctype	 type;
	unsigned	 procs;		/* enum contract_proc bits */
	unsigned	 flags;
	uint64_t	 min, max;	/* CT_NUM; CT_ID: max; CT_IDS: ids */
	const char	*word;		/* CT_ID(S): "any", "none", or NULL */
	size_t		 off;		/* in struct contract_args */
	const char *const *words;	/* CT_WORD: NULL-terminated */
};

const char *const contract_sync_words[] = { "batch", "always", "none", NULL };

#define W	CONTRACT_WORKER
#define L	CONTRACT_LISTENER
#define OFF(f)	offsetof(struct contract_args, f)

static const struct contract_opt contract_opts[] = {
	{ "-v", CT_COUNT, W | L, 0, 0, 0, NULL, OFF(verbose), NULL },
	{ "--ipc-addr", CT_ADDR, W, CO_REQUIRED, 0, 0, NULL, OFF(ipc_addr),
	  NULL },
	{ "--ipc-uid", CT_IDS, W | L, CO_REQUIRED, 0, ACCESS_IDS_MAX, "any",
	  OFF(ipc_uid), NULL },
	{ "--ipc-gid", CT_IDS, W | L, CO_REQUIRED, 0, ACCESS_IDS_MAX, "none",
	  OFF(ipc_gid), NULL },
	{ "--ipc-members", CT_IDS, W | L, 0, 0, ACCESS_MEMBERS_MAX, NULL,
	  OFF(ipc_members), NULL },
	{ "--read-uid", CT_IDS, W | L, 0, 0, ACCESS_IDS_MAX, "any",
	  OFF(read_uid), NULL },
	{ "--read-gid", CT_IDS, W | L, 0, 0, ACCESS_IDS_MAX, NULL,
	  OFF(read_gid), NULL },
	{ "--read-members", CT_IDS, W | L, 0, 0, ACCESS_MEMBERS_MAX, NULL,
	  OFF(read_members), NULL },
	{ "--max-conn", CT_NUM, W | L, 0, 1, OPT_MAX_CONN_MAX, NULL,
	  OFF(max_conn), NULL },
	{ "--max-conn-per-uid", CT_NUM, L, 0, 1, OPT_MAX_CONN_MAX, NULL,
	  OFF(max_conn_per_uid), NULL },
	{ "--auth-timeout", CT_NUM, L, 0, 1, OPT_TIMEOUT_MAX_S, NULL,
	  OFF(auth_timeout), NULL },
	{ "--idle-timeout", CT_NUM, L, 0, 0, OPT_TIMEOUT_MAX_S, NULL,
	  OFF(idle_timeout), NULL },
	{ "--max-queue", CT_NUM, L, 0, 1, OPT_MAX_QUEUE_MAX, NULL,
	  OFF(max_queue), NULL },
	{ "--fd-reserve", CT_NUM, L, 0, 0, OPT_FD_RESERVE_MAX, NULL,
	  OFF(fd_reserve), NULL },
	{ "--worker-timeout", CT_NUM, L, 0, 1, OPT_TIMEOUT_MAX_S, NULL,
	  OFF(worker_timeout), NULL },
	{ "--journal", CT_FLAG, W, 0, 0, 0, NULL, OFF(journal), NULL },
	{ "--journal-sync", CT_WORD, W, 0, 0, 0, NULL, OFF(journal_sync),
	  contract_sync_words },
	{ "--dump", CT_FLAG, W, 0, 0, 0, NULL, OFF(dump), NULL },
	{ "--run-uid", CT_ID, W | L, 0, 0, OPT_ID_MAX, NULL, OFF(run_uid),
	  NULL },
	{ "--run-gid", CT_ID, W | L, 0, 0, OPT_ID_MAX, NULL, OFF(run_gid),
	  NULL },
	{ "--chroot", CT_PATH, W | L, 0, 0, 0, NULL, OFF(chroot), NULL },
	{ "--allow-weak-sandbox", CT_FLAG, W | L, 0, 0, 0, NULL,
	  OFF(allow_weak), NULL },
};

#define NOPTS	(sizeof(contract_opts) / sizeof(contract_opts[0]))

#undef W
#undef L
#undef OFF

/* The field a row describes, in a. */
#define FIELD(a, o, type)	((type *)(void *)((char *)(a) + (o)->off))

/* -v is written at most this often; more says nothing more. */
#define VERBOSE_MAX	4

void
contract_args_init(struct contract_args *a)
{
	memset(a, 0, sizeof(*a));
	a->max_conn = DEFAULT_MAX_CONN;
	a->max_conn_per_uid = DEFAULT_MAX_CONN_PER_UID;
	a->auth_timeout = PREAUTH_TIMEOUT_MS / 1000;
	a->idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
	a->max_queue = CONN_OUTQ_MAX;
	a->fd_reserve = FD_RESERVE;
	a->worker_timeout = DEFAULT_WORKER_TIMEOUT_S;
}

/* Building. */

static void
argv_add(struct contract_argv *v, const char *s)
{
	/* The table bounds the words: running out is a programming error. */
	if (v->n >= CONTRACT_ARGV_MAX - 1)
		abort();
	v->v[v->n++] = (char *)s;
	v->v[v->n] = NULL;
}

static void
argv_num(struct contract_argv *v, uint64_t n)
{
	/* The number lives in the slot of the word it becomes. */
	if (v->n >= CONTRACT_ARGV_MAX - 1)
		abort();
	snprintf(v->num[v->n], sizeof(v->num[0]), "%llu",
	    (unsigned long long)n);
	argv_add(v, v->num[v->n]);
}

static void
argv_opt(struct contract_argv *v, const struct contract_opt *o,
    const struct contract_args *a)
{
	const struct contract_id *id;
	const struct contract_ids *ids;
	const char	*s;
	unsigned	 i;

	switch (o->type) {
	case CT_COUNT:
		for (i = 0; i < *FIELD(a, o, const unsigned) &&
		    i < VERBOSE_MAX; i++)
			argv_add(v, o->name);
		break;
	case CT_FLAG:
		if (*FIELD(a, o, const bool))
			argv_add(v, o->name);
		break;
	case CT_NUM:
		argv_add(v, o->name);
		argv_num(v, *FIELD(a, o, const uint64_t));
		break;
	case CT_ID:
		id = FIELD(a, o, const struct contract_id);
		if (id->kind == CONTRACT_ID_UNSET ||
		    (id->kind == CONTRACT_ID_ANY && o->word == NULL))
			break;
		argv_add(v, o->name);
		if (id->kind == CONTRACT_ID_ANY)
			argv_add(v, o->word);
		else
			argv_num(v, id->id);
		break;
	case CT_IDS:
		ids = FIELD(a, o, const struct contract_ids);
		if (ids->kind == CONTRACT_ID_UNSET ||
		    (ids->kind == CONTRACT_ID_ANY && o->word == NULL))
			break;
		argv_add(v, o->name);
		argv_add(v, ids->kind == CONTRACT_ID_ANY ? o->word : ids->text);
		break;
	case CT_ADDR:
	case CT_PATH:
		if ((s = *FIELD(a, o, const char *const)) == NULL)
			break;
		argv_add(v, o->name);
		argv_add(v, s);
		break;
	case CT_WORD:
		/* Written only when not the first word, the default. */
		if ((i = *FIELD(a, o, const unsigned)) == 0)
			break;
		argv_add(v, o->name);
		argv_add(v, o->words[i]);
		break;
	}
}

void
contract_argv(struct contract_argv *v, enum contract_proc proc,
    const struct contract_args *a)
{
	size_t	 i;

	memset(v, 0, sizeof(*v));
	argv_add(v, proc == CONTRACT_WORKER ? "privconf-worker" :
	    "privconf-listener");
	for (i = 0; i < NOPTS; i++)
		if (contract_opts[i].procs & proc)
			argv_opt(v, &contract_opts[i], a);
}

/* Parsing. */

static int
parse_fail(char *err, size_t errlen, const char *what, const char *arg)
{
	/* Single quotes: the message goes into a log line's why="...". */
	snprintf(err, errlen, "%s '%s'", what, arg != NULL ? arg : "");
	return -1;
}

static const struct contract_opt *
parse_find(unsigned procs, const char *word)
{
	size_t	 i;

	for (i = 0; i < NOPTS; i++)
		if ((contract_opts[i].procs & procs) &&
		    strcmp(contract_opts[i].name, word) == 0)
			return &contract_opts[i];
	return NULL;
}

/* One value for row o; 0, or -1 when it is not one. */
static int
parse_value(const struct contract_opt *o, const char *s,
    struct contract_args *a)
{
	struct contract_id *id;
	struct contract_ids *ids;
	struct access_ids set;
	uint64_t	 v;

	switch (o->type) {
	case CT_NUM:
		if (decimal_parse(s, strlen(s), o->min, o->max, &v) == -1)
			return -1;
		*FIELD(a, o, uint64_t) = v;
		return 0;
	case CT_ID:
		id = FIELD(a, o, struct contract_id);
		if (o->word != NULL && strcmp(s, o->word) == 0) {
			id->kind = CONTRACT_ID_ANY;
			id->id = 0;
			return 0;
		}
		if (decimal_parse(s, strlen(s), o->min, o->max, &v) == -1)
			return -1;
		id->kind = CONTRACT_ID_NUM;
		id->id = (uint32_t)v;
		return 0;
	case CT_IDS:
		ids = FIELD(a, o, struct contract_ids);
		if (o->word != NULL && strcmp(s, o->word) == 0) {
			ids->kind = CONTRACT_ID_ANY;
			ids->text = NULL;
			return 0;
		}
		/* Checked whole here, turned into sets by contract_access(). */
		if (access_ids_parse(s, o->max, &set) == -1)
			return -1;
		access_ids_free(&set);
		ids->kind = CONTRACT_ID_NUM;
		ids->text = s;
		return 0;
	case CT_PATH:
		if (s[0] != '/')
			return -1;
		*FIELD(a, o, const char *) = s;
		return 0;
	case CT_ADDR:
		/* The worker checks the address itself (policy_set_ipc). */
		*FIELD(a, o, const char *) = s;
		return 0;
	case CT_WORD:
		for (v = 0; o->words[v] != NULL; v++)
			if (strcmp(s, o->words[v]) == 0) {
				*FIELD(a, o, unsigned) = (unsigned)v;
				return 0;
			}
		return -1;
	case CT_COUNT:
	case CT_FLAG:
		break;
	}
	return -1;
}

int
contract_set(struct contract_args *a, const char *name, const char *value,
    char *err, size_t errlen)
{
	const struct contract_opt *o;

	o = parse_find(CONTRACT_WORKER | CONTRACT_LISTENER, name);
	if (o == NULL || (o->type != CT_NUM && o->type != CT_WORD))
		return parse_fail(err, errlen, "not a value option", name);
	if (parse_value(o, value, a) == 0)
		return 0;
	if (o->type == CT_WORD)
		snprintf(err, errlen, "%s: %s: not one of %s, %s, %s", o->name,
		    value, o->words[0], o->words[1], o->words[2]);
	else
		snprintf(err, errlen, "%s: %s: not a number from %llu to %llu",
		    o->name, value, (unsigned long long)o->min,
		    (unsigned long long)o->max);
	return -1;
}

int
contract_parse(enum contract_proc proc, int argc, char *const argv[],
    struct contract_args *a, char *err, size_t errlen)
{
	const struct contract_opt *o;
	bool		 seen[NOPTS] = { false };
	size_t		 i;
	int		 k;

	contract_args_init(a);
	for (k = 1; k < argc; k++) {
		if ((o = parse_find((unsigned)proc, argv[k])) == NULL)
			return parse_fail(err, errlen, "unknown argument",
			    argv[k]);
		i = (size_t)(o - contract_opts);
		if (o->type == CT_COUNT) {
			if (*FIELD(a, o, unsigned) < VERBOSE_MAX)
				(*FIELD(a, o, unsigned))++;
			continue;
		}
		if (seen[i])
			return parse_fail(err, errlen, "repeated option",
			    o->name);
		seen[i] = true;
		if (o->type == CT_FLAG) {
			*FIELD(a, o, bool) = true;
			continue;
		}
		if (k + 1 >= argc)
			return parse_fail(err, errlen, "missing value of",
			    o->name);
		if (parse_value(o, argv[++k], a) == -1) {
			snprintf(err, errlen, "%s: bad value '%s'", o->name,
			    argv[k]);
			return -1;
		}
	}
	for (i = 0; i < NOPTS; i++)
		if ((contract_opts[i].procs & proc) &&
		    (contract_opts[i].flags & CO_REQUIRED) && !seen[i])
			return parse_fail(err, errlen, "missing option",
			    contract_opts[i].name);
	if ((a->run_uid.kind == CONTRACT_ID_UNSET) !=
	    (a->run_gid.kind == CONTRACT_ID_UNSET))
		return parse_fail(err, errlen, "run ids go together",
		    "--run-uid --run-gid");
	return 0;
}

/* One level's rule from its three lists. */
static int
access_rule_from(struct access_rule *r, const struct contract_ids *uid,
    const struct contract_ids *gid, const struct contract_ids *members)
{
	r->on = uid->kind != CONTRACT_ID_UNSET || gid->kind != CONTRACT_ID_UNSET;
	r->any_uid = uid->kind != CONTRACT_ID_NUM;
	r->check_gid = gid->kind == CONTRACT_ID_NUM;
	if ((uid->kind == CONTRACT_ID_NUM && access_ids_parse(uid->text,
	    ACCESS_IDS_MAX, &r->uids) == -1) ||
	    (gid->kind == CONTRACT_ID_NUM && access_ids_parse(gid->text,
	    ACCESS_IDS_MAX, &r->gids) == -1) ||
	    (members->kind == CONTRACT_ID_NUM &&
	    access_ids_parse(members->text, ACCESS_MEMBERS_MAX,
	    &r->members) == -1))
		return -1;
	return 0;
}

int
contract_access(const struct contract_args *a, struct access *acc)
{
	memset(acc, 0, sizeof(*acc));
	if (access_rule_from(&acc->admin, &a->ipc_uid, &a->ipc_gid,
	    &a->ipc_members) == -1 || access_rule_from(&acc->read,
	    &a->read_uid, &a->read_gid, &a->read_members) == -1) {
		access_free(acc);
		return -1;
	}
	return 0;
}
