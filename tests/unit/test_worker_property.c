/*
 * A property test: 10,000 random command lines, valid and invalid, from a
 * fixed seed, applied in sequence.  After every line:
 *  - stat is valid JSON of the frozen schema of docs/commands.md section 4
 *    (checked by the small parser and checker below, not by the code
 *    under test);
 *  - res->changed is true exactly when stat changed, and a refused line
 *    left stat byte-identical;
 *  - an ACKed reset gives the initial JSON, except the lock state and
 *    the startup-only settings, which are those from before (3.9).
 * At the end, replaying only the lines that said changed (the journal)
 * on a fresh policy rebuilds the same stat.
 */
#include <inttypes.h>
#include <stdbool.h>

#include "common/limits.h"
#include "common/utf8.h"
#include "tests/unit/test_worker_gen.h"

#define LINES		10000
#define SEED		0x9e3779b97f4a7c15ULL

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- A strict little JSON parser (compact JSON only). ---- */

enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt		 t;
	bool		 b;
	uint64_t	 num;
	char		*s;		/* J_STR, decoded; keys of J_OBJ too */
	size_t		 n;
	char		**keys;		/* J_OBJ */
	struct jv	*v;		/* J_ARR, J_OBJ */
};

struct jp {
	const char	*p;
	const char	*end;
};

static void	jparse(struct jp *, struct jv *);

static char *
jstring(struct jp *j)
{
	struct buf b = BUF_INIT;
	unsigned c;
	char	*s;
	int	 i;

	cr_assert(j->p < j->end && *j->p == '"', "string expected");
	j->p++;
	for (;;) {
		cr_assert(j->p < j->end, "unterminated string");
		c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		cr_assert(c >= 0x20, "raw control byte 0x%02x in a string", c);
		if (c != '\\') {
			buf_append(&b, &c, 1);
			continue;
		}
		cr_assert(j->p < j->end);
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			cr_assert(j->end - j->p >= 4);
			for (i = 0, c = 0; i < 4; i++) {
				char h = *j->p++;

				cr_assert((h >= '0' && h <= '9') ||
				    (h >= 'a' && h <= 'f'), "bad \\u");
				c = c * 16 + (unsigned)(h <= '9' ? h - '0' :
				    h - 'a' + 10);
			}
			/* Our writer only needs \u for control bytes. */
			cr_assert(c < 0x20, "\\u%04x where a byte would do", c);
			break;
		default:
			cr_assert_fail("bad escape \\%c", c);
		}
		buf_append(&b, &c, 1);
	}
	s = calloc(1, b.len + 1);
	cr_assert_not_null(s);
	if (b.len > 0)
		memcpy(s, b.data, b.len);
	buf_free(&b);
	return s;
}

static void
jparse(struct jp *j, struct jv *v)
{
	size_t	 cap = 0;

	memset(v, 0, sizeof(*v));
	cr_assert(j->p < j->end, "value expected");
	if (*j->p == '"') {
		v->t = J_STR;
		v->s = jstring(j);
	} else if (*j->p >= '0' && *j->p <= '9') {
		v->t = J_NUM;
		cr_assert(*j->p != '0' || j->p + 1 >= j->end ||
		    j->p[1] < '0' || j->p[1] > '9', "leading zero");
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
			cr_assert(v->num <= (UINT64_MAX - 9) / 10 ||
			    v->num <= UINT64_MAX / 10, "number overflow");
			v->num = v->num * 10 + (uint64_t)(*j->p++ - '0');
		}
	} else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
		v->t = J_NULL;
		j->p += 4;
	} else if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0) {
		v->t = J_BOOL;
		v->b = true;
		j->p += 4;
	} else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
		v->t = J_BOOL;
		j->p += 5;
	} else if (*j->p == '[' || *j->p == '{') {
		bool	 obj = *j->p == '{';
		char	 close = obj ? '}' : ']';

		v->t = obj ? J_OBJ : J_ARR;
		j->p++;
		cr_assert(j->p < j->end);
		if (*j->p == close) {
			j->p++;
			return;
		}
		for (;;) {
			if (v->n == cap) {
				cap = cap ? cap * 2 : 8;
				v->v = reallocarray(v->v, cap, sizeof(*v->v));
				v->keys = reallocarray(v->keys, cap,
				    sizeof(*v->keys));
				cr_assert(v->v != NULL && v->keys != NULL);
			}
			v->keys[v->n] = NULL;
			if (obj) {
				v->keys[v->n] = jstring(j);
				cr_assert(j->p < j->end && *j->p == ':',
				    "':' expected");
				j->p++;
			}
			jparse(j, &v->v[v->n++]);
			cr_assert(j->p < j->end, "unterminated container");
			if (*j->p == close) {
				j->p++;
				return;
			}
			cr_assert_eq(*j->p, ',', "',' expected, not '%c'",
			    *j->p);
			j->p++;
		}
	} else
		cr_assert_fail("unexpected byte '%c'", *j->p);
}

static void
jfree(struct jv *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		jfree(&v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
}

static void
jload(const char *s, struct jv *v)
{
	struct jp j = { s, s + strlen(s) };

	cr_assert(utf8_valid((const uint8_t *)s, strlen(s)), "not UTF-8");
	jparse(&j, v);
	cr_assert(j.p == j.end, "bytes after the object: %s", j.p);
}

static bool
jeq(const struct jv *a, const struct jv *b)
{
	size_t	 i;

	if (a->t != b->t || a->n != b->n)
		return false;
	switch (a->t) {
	case J_NULL:
		return true;
	case J_BOOL:
		return a->b == b->b;
	case J_NUM:
		return a->num == b->num;
	case J_STR:
		return strcmp(a->s, b->s) == 0;
	default:
		for (i = 0; i < a->n; i++) {
			if (a->t == J_OBJ &&
			    strcmp(a->keys[i], b->keys[i]) != 0)
				return false;
			if (!jeq(&a->v[i], &b->v[i]))
				return false;
		}
		return true;
	}
}

/* ---- The frozen schema. ---- */

static bool
in(const char *s, const char *const *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

static const struct jv *
key(const struct jv *o, size_t i, const char *name, enum jt t)
{
	cr_assert_eq(o->t, J_OBJ);
	cr_assert(i < o->n, "key %s missing", name);
	cr_assert_str_eq(o->keys[i], name, "key %zu", i);
	cr_assert_eq(o->v[i].t, t, "type of %s", name);
	return &o->v[i];
}

static void
null_or(const struct jv *v, enum jt t, const char *what)
{
	cr_assert(v->t == J_NULL || v->t == t, "%s: bad type", what);
}

static void
check_schema(const struct jv *top)
{
	static const char *const topkeys[] = {
		"api", "version", "lock", "sandbox", "default", "rules",
		"ioctl", "mem_max", "mem_vm_max", "pid_max", "trace", "setuid",
		"setgid", "name", "root", "ipc",
	};
	const struct jv *o, *r, *ids;
	size_t	 i, k;

	cr_assert_eq(top->t, J_OBJ);
	cr_assert_eq(top->n, NELEM(topkeys));
	cr_assert_eq(key(top, 0, "api", J_NUM)->num, 3);
	cr_assert_str_eq(key(top, 1, "version", J_STR)->s, "3.1");
	cr_assert(in(key(top, 2, "lock", J_STR)->s, tw_locks,
	    NELEM(tw_locks)));
	o = key(top, 3, "sandbox", J_OBJ);
	cr_assert_eq(o->n, TW_NCATS);
	for (i = 0; i < TW_NCATS; i++)
		key(o, i, tw_cats[i], J_BOOL);
	o = key(top, 4, "default", J_OBJ);
	cr_assert_eq(o->n, TW_NCATS);
	for (i = 0; i < TW_NCATS; i++)
		cr_assert(in(key(o, i, tw_cats[i], J_STR)->s, tw_acts,
		    NELEM(tw_acts)));
	o = key(top, 5, "rules", J_ARR);
	cr_assert_leq(o->n, POLICY_RULES_MAX);
	for (i = 0; i < o->n; i++) {
		r = &o->v[i];
		cr_assert_eq(r->t, J_OBJ);
		cr_assert_eq(r->n, 3);
		cr_assert(in(key(r, 0, "act", J_STR)->s, tw_acts,
		    NELEM(tw_acts)));
		cr_assert(in(key(r, 1, "cap", J_STR)->s, tw_cats,
		    TW_NRULECATS));
		cr_assert_gt(strlen(key(r, 2, "pat", J_STR)->s), 0);
	}
	o = key(top, 6, "ioctl", J_OBJ);
	cr_assert_eq(o->n, 2);
	for (k = 0; k < 2; k++) {
		r = key(o, k, k == 0 ? "allow" : "deny", J_ARR);
		for (i = 0; i < r->n; i++) {
			cr_assert_eq(r->v[i].t, J_NUM);
			cr_assert_leq(r->v[i].num, UINT32_MAX);
		}
	}
	key(top, 7, "mem_max", J_NUM);
	key(top, 8, "mem_vm_max", J_NUM);
	key(top, 9, "pid_max", J_NUM);
	o = key(top, 10, "trace", J_OBJ);
	cr_assert_eq(o->n, TW_NTRACE + 1);
	for (i = 0; i < TW_NTRACE; i++)
		key(o, i, tw_traces[i], J_BOOL);
	cr_assert_str_eq(o->keys[TW_NTRACE], "force_umask");
	null_or(&o->v[TW_NTRACE], J_NUM, "force_umask");
	if (o->v[TW_NTRACE].t == J_NUM)
		cr_assert_leq(o->v[TW_NTRACE].num, 0777);
	for (k = 0; k < 2; k++) {
		ids = key(top, 11 + k, k == 0 ? "setuid" : "setgid", J_ARR);
		for (i = 0; i < ids->n; i++) {
			r = &ids->v[i];
			cr_assert(r->t == J_ARR && r->n == 2);
			cr_assert(r->v[0].t == J_NUM && r->v[1].t == J_NUM);
			cr_assert(r->v[0].num < UINT32_MAX &&
			    r->v[1].num < UINT32_MAX && r->v[1].num != 0);
		}
	}
	o = &top->v[13];
	cr_assert_str_eq(top->keys[13], "name");
	cr_assert(o->t == J_OBJ && o->n == 2);
	cr_assert_str_eq(o->keys[0], "host");
	cr_assert_str_eq(o->keys[1], "domain");
	null_or(&o->v[0], J_STR, "name/host");
	null_or(&o->v[1], J_STR, "name/domain");
	cr_assert_str_eq(top->keys[14], "root");
	null_or(&top->v[14], J_STR, "root");
	o = &top->v[15];
	cr_assert_str_eq(top->keys[15], "ipc");
	cr_assert(o->t == J_OBJ && o->n == 3);
	cr_assert_str_eq(o->keys[0], "addr");
	cr_assert_str_eq(o->keys[1], "uid");
	cr_assert_str_eq(o->keys[2], "gid");
	null_or(&o->v[0], J_STR, "ipc addr");
	null_or(&o->v[1], J_NUM, "ipc uid");
	null_or(&o->v[2], J_NUM, "ipc gid");
}

/*
 * After reset: the initial state, but the lock and every startup-only
 * setting as they were before it (docs/commands.md 3.9 and section 5).
 */
static void
check_reset(const struct jv *after, const struct jv *before,
    const struct jv *init)
{
	static const char *const kept[] = {
		"lock", "setuid", "setgid", "name", "root", "ipc",
	};
	static const char *const kept_cats[] = {
		"lock", "crypt", "proxy", "pty",
	};
	const struct jv *w;
	size_t	 i, k;

	for (i = 0; i < after->n; i++) {
		const char *name = after->keys[i];

		if (strcmp(name, "sandbox") == 0 ||
		    strcmp(name, "trace") == 0) {
			bool	 sb = name[0] == 's';

			for (k = 0; k < after->v[i].n; k++) {
				bool	 keep = sb ?
				    in(after->v[i].keys[k], kept_cats, 4) :
				    k >= TW_NTRACE_RUNTIME && k < TW_NTRACE;

				w = keep ? &before->v[i].v[k] :
				    &init->v[i].v[k];
				cr_assert(jeq(&after->v[i].v[k], w),
				    "reset: %s/%s", name, after->v[i].keys[k]);
			}
			continue;
		}
		w = in(name, kept, NELEM(kept)) ? &before->v[i] : &init->v[i];
		cr_assert(jeq(&after->v[i], w), "reset: %s", name);
	}
}

static char *
jstat(struct policy *p, struct jv *v)
{
	char	*s = tw_stat(p);

	jload(s, v);
	check_schema(v);
	return s;
}

Test(worker_property, random_lines_keep_stat_valid_and_reset_initial,
    .timeout = 600)
{
	struct policy	*p = tw_new(), *init = tw_new(), *replay = tw_new();
	struct tw_gen	 gen = { SEED };
	struct buf	 line = BUF_INIT, journal = BUF_INIT, out = BUF_INIT;
	struct cmd_result res;
	struct jv	 jinit, jb, ja;
	enum cmd_origin	 o;
	char		*before, *after, *s;
	const uint8_t	*nl;
	size_t		 i, acked = 0, changed = 0, resets = 0, off, end;
	int		 err;

	cr_assert_eq(policy_set_ipc(p, "@privconf", 1000, -1), 0);
	cr_assert_eq(policy_set_ipc(init, "@privconf", 1000, -1), 0);
	cr_assert_eq(policy_set_ipc(replay, "@privconf", 1000, -1), 0);
	free(jstat(init, &jinit));
	before = jstat(p, &jb);
	for (i = 0; i < LINES; i++) {
		buf_reset(&line);
		/*
		 * drop and read cannot be undone: only near the end.  Not
		 * on, which ends stat too (test_worker_lock.c has it).
		 */
		tw_gen_line(&gen, &line, i < LINES * 9 / 10 ? 3 : 5, &o);
		buf_reset(&out);
		err = cmd_exec(p, line.data, line.len, o, &out, &res);
		after = jstat(p, &ja);
		if (err == 0)
			acked++;
		if (res.changed) {
			changed++;
			cr_assert_eq(buf_append(&journal, line.data, line.len),
			    0);
			cr_assert_eq(buf_append(&journal, "\n", 1), 0);
		}
		cr_assert_eq(res.changed, strcmp(before, after) != 0,
		    "line %zu \"%.*s\": changed=%d", i, (int)line.len,
		    line.data, res.changed);
		if (err != 0)
			cr_assert(!res.changed && !res.output);
		if (err == 0 && line.len == 5 &&
		    memcmp(line.data, "reset", 5) == 0) {
			check_reset(&ja, &jb, &jinit);
			resets++;
		}
		jfree(&jb);
		jb = ja;
		free(before);
		before = after;
	}
	/* The journal rebuilds the same policy. */
	for (off = 0; off < journal.len; off = end + 1) {
		nl = memchr(journal.data + off, '\n', journal.len - off);
		cr_assert_not_null(nl);
		end = (size_t)(nl - journal.data);
		cr_assert_eq(cmd_exec(replay, journal.data + off, end - off,
		    CMD_PROFILE, &out, &res), 0, "replay of \"%.*s\"",
		    (int)(end - off), journal.data + off);
	}
	s = tw_stat(replay);
	cr_assert_str_eq(s, before, "replaying the journal differs");
	free(s);
	/* The mix really exercised both sides. */
	cr_assert_gt(acked, LINES / 5);
	cr_assert_lt(acked, LINES * 9 / 10);
	cr_assert_gt(changed, LINES / 10);
	cr_assert_gt(resets, 10);
	cr_log_info("%zu lines, %zu ACKed, %zu changed, %zu resets", i, acked,
	    changed, resets);
	free(before);
	jfree(&jb);
	jfree(&jinit);
	buf_free(&line);
	buf_free(&journal);
	buf_free(&out);
	policy_free(p);
	policy_free(init);
	policy_free(replay);
}
