/*
 * libFuzzer target for the command language (worker/cmd.c and the
 * parsers behind its table): the bytes every client line and every
 * profile line reach the policy through.
 *
 * Input: one header byte, then lines separated by '\n'.  Header bit 7:
 * the daemon bound the socket (policy_set_ipc), as the real worker is
 * always told before the profile; bits 0-6: line i runs as CMD_IPC when
 * bit (i % 7) is set, else as CMD_PROFILE.  All lines run on one policy.
 *
 * stat is the only window a client has on the policy, so the checks are
 * made on it, with a small reader of its JSON written here (not the
 * renderer under test).  After every line:
 *  - a refused line changed nothing (stat byte-identical), its errno is
 *    one of docs/protocol.md 5's table, and it produced no output;
 *  - res.changed is true exactly when stat changed (the journal records
 *    a line when, and only when, it changed the policy: docs/design.md 6);
 *  - only "stat", "stats" and check/ produce output, stat and stats
 *    always do while the policy is not locked, stat's output is the
 *    policy as it stands, and check's is one line of docs/commands.md
 *    3.10 that changes nothing;
 *  - over IPC, no startup-only setting changed (docs/commands.md 5);
 *  - over IPC under lock:read only the lock moved, and under lock:drop
 *    only in the stricter directions of docs/commands.md 3.8;
 *  - an ACKed reset left the initial state of section 2 except the lock
 *    state and the startup-only settings, which are as before (3.9);
 *  - after lock:on every line is refused (a profile comment is none).
 * At the end the lines that said changed, replayed on a fresh policy as
 * a journal is, rebuild the same stat; so does policy_dump()'s profile
 * (worker/dump.h), which dumps to itself again; and the policies are
 * freed.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/errtab.h"
#include "common/limits.h"
#include "common/utf8.h"
#include "worker/cmd.h"
#include "worker/dump.h"
#include "worker/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_cmd: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define LINE_FMT(l, n)	(int)((n) > 200 ? 200 : (n)), (const char *)(l)

/* ---- A reader of compact JSON that only finds where values end. ---- */

struct span {
	const char	*p;
	size_t		 n;
};

static bool
span_is(struct span s, const char *w)
{
	return s.n == strlen(w) && memcmp(s.p, w, s.n) == 0;
}

static bool
span_eq(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* The end of the JSON string at s ('"'), or NULL. */
static const char *
jstr_end(const char *s, const char *end)
{
	for (s++; s < end; s++) {
		if (*s == '\\') {
			if (++s == end)
				return NULL;
		} else if (*s == '"')
			return s + 1;
		else if ((unsigned char)*s < 0x20)
			return NULL;
	}
	return NULL;
}

/* The end of the JSON value at s, or NULL when it is not one. */
static const char *
jskip(const char *s, const char *end)
{
	size_t	 depth = 0;

	if (s >= end)
		return NULL;
	if (*s != '{' && *s != '[') {
		if (*s == '"')
			return jstr_end(s, end);
		while (s < end && strchr("0123456789-+.eEtruefalsn", *s) &&
		    *s != '\0')
			s++;
		return s;
	}
	while (s < end) {
		switch (*s) {
		case '"':
			if ((s = jstr_end(s, end)) == NULL)
				return NULL;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return s + 1;
			break;
		}
		s++;
	}
	return NULL;
}

/*
 * The value at s, then past the ',' after it, or up to the byte that
 * closes its container: the end of an object member and of an array
 * element alike.
 */
static void
jvalue(const char **cur, const char *s, const char *end, char close,
    struct span *val)
{
	const char	*e;

	if ((e = jskip(s, end)) == NULL || e == s)
		FAIL("stat: a value expected at \"%.20s\"", s);
	val->p = s;
	val->n = (size_t)(e - s);
	if (e < end && *e == ',')
		e++;
	else if (e >= end || *e != close)
		FAIL("stat: ',' or '%c' expected after \"%.*s\"", close,
		    (int)val->n, val->p);
	*cur = e;
}

/* An object member by member: call with *cur just past '{' or a ','. */
static bool
jmember(const char **cur, const char *end, struct span *key,
    struct span *val)
{
	const char	*s = *cur, *e;

	if (s >= end || *s == '}')
		return false;
	if (*s != '"' || (e = jstr_end(s, end)) == NULL)
		FAIL("stat: a key expected at \"%.20s\"", s);
	key->p = s + 1;
	key->n = (size_t)(e - s) - 2;
	if (e >= end || *e != ':')
		FAIL("stat: ':' expected after \"%.*s\"", (int)key->n, key->p);
	jvalue(cur, e + 1, end, '}', val);
	return true;
}

/* An array element by element: call with *cur just past '[' or a ','. */
static bool
jelem(const char **cur, const char *end, struct span *val)
{
	if (*cur >= end || **cur == ']')
		return false;
	jvalue(cur, *cur, end, ']', val);
	return true;
}

/* The object o's member named key. */
static struct span
jget(struct span o, const char *key)
{
	struct span	 k, v;
	const char	*cur = o.p + 1;

	while (jmember(&cur, o.p + o.n, &k, &v))
		if (span_is(k, key))
			return v;
	FAIL("stat: no \"%s\"", key);
}

/* The whole of a stat reply: one object, nothing after it. */
static struct span
jroot(const struct buf *b)
{
	struct span	 s = { (const char *)b->data, b->len };

	if (s.n < 2 || s.p[0] != '{' || jskip(s.p, s.p + s.n) != s.p + s.n)
		FAIL("stat is not one JSON object: \"%.*s\"", LINE_FMT(s.p,
		    s.n));
	return s;
}

/* ---- The spec's words (docs/commands.md), written out again here. ---- */

/* Top-level members a startup-only command sets (section 5). */
static const char *const startup_top[] = {
	"setuid", "setgid", "name", "root", "ipc",
};
static const char *const startup_cats[] = {
	"lock", "crypt", "proxy", "pty",
};
static const char *const startup_trace[] = {
	"allow_safe_setuid", "allow_safe_setgid",
	"allow_unsafe_exec_speculative", "allow_unsafe_ptrace",
	"allow_unsafe_prctl", "allow_unsafe_prlimit", "allow_unsafe_time",
	"allow_unsafe_uring", "allow_unsafe_memory", "allow_unsafe_caps",
	"allow_unsafe_env", "deny_tsc", "exit_wait_all",
};
/* 3.2, mildest first. */
static const char *const actions[] = {
	"allow", "warn", "filter", "deny", "panic", "stop", "abort", "kill",
	"exit",
};
/* 3.8, weakest first. */
static const char *const locks[] = {
	"off", "exec", "ipc", "drop", "read", "on",
};

static bool
in(struct span k, const char *const *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (span_is(k, set[i]))
			return true;
	return false;
}

/* The rank of a quoted word of set, for the ordered checks. */
static size_t
rank(struct span v, const char *const *set, size_t n)
{
	size_t	 i;

	if (v.n >= 2 && v.p[0] == '"') {
		v.p++;
		v.n -= 2;
		for (i = 0; i < n; i++)
			if (span_is(v, set[i]))
				return i;
	}
	FAIL("stat: unknown word %.*s", (int)v.n, v.p);
}

enum pick {
	PICK_STARTUP,	/* startup-only settings, not the lock */
	PICK_KEPT,	/* what reset keeps: the lock and startup-only */
	PICK_LOCK,	/* the lock only */
	PICK_DROP,	/* what lock:drop may change */
};

/* Does member key (of parent, NULL for the top level) belong to pk? */
static bool
picked(enum pick pk, const char *parent, struct span key)
{
	static const char *const drop[] = {
		"lock", "sandbox", "default", "rules", "ioctl", "mem_max",
		"mem_vm_max", "pid_max",
	};

	if (parent != NULL && strcmp(parent, "sandbox") == 0)
		return (pk == PICK_STARTUP || pk == PICK_KEPT) &&
		    in(key, startup_cats, NELEM(startup_cats));
	if (parent != NULL)
		return (pk == PICK_STARTUP || pk == PICK_KEPT) &&
		    in(key, startup_trace, NELEM(startup_trace));
	switch (pk) {
	case PICK_STARTUP:
		return in(key, startup_top, NELEM(startup_top));
	case PICK_KEPT:
		return span_is(key, "lock") ||
		    in(key, startup_top, NELEM(startup_top));
	case PICK_LOCK:
		return span_is(key, "lock");
	case PICK_DROP:
		return in(key, drop, NELEM(drop));
	}
	return false;
}

static void
put(struct buf *b, const char *p, size_t n)
{
	if (buf_append(b, p, n) == -1)
		FAIL("out of memory");
}

/*
 * Object base with the members pk picks taken from over instead, into
 * out; sandbox and trace are merged member by member.  Both objects have
 * the frozen schema's keys in the same order.
 */
static void
merge(struct buf *out, struct span base, struct span over, enum pick pk,
    const char *parent)
{
	struct span	 bk, bv, ok, ov;
	const char	*bc = base.p + 1, *oc = over.p + 1;
	bool		 first = true;

	put(out, "{", 1);
	while (jmember(&bc, base.p + base.n, &bk, &bv)) {
		if (!jmember(&oc, over.p + over.n, &ok, &ov) ||
		    !span_eq(bk, ok))
			FAIL("stat: the keys differ at \"%.*s\"", (int)bk.n,
			    bk.p);
		if (!first)
			put(out, ",", 1);
		first = false;
		put(out, bk.p - 1, bk.n + 3);
		if (parent == NULL && (pk == PICK_STARTUP ||
		    pk == PICK_KEPT) && (span_is(bk, "sandbox") ||
		    span_is(bk, "trace")))
			merge(out, bv, ov, pk, span_is(bk, "sandbox") ?
			    "sandbox" : "trace");
		else if (picked(pk, parent, bk))
			put(out, ov.p, ov.n);
		else
			put(out, bv.p, bv.n);
	}
	if (jmember(&oc, over.p + over.n, &ok, &ov))
		FAIL("stat: an extra key \"%.*s\"", (int)ok.n, ok.p);
	put(out, "}", 1);
}

/* want must be, byte for byte, base with pk's members from over. */
static void
expect_merge(const struct buf *want, const struct buf *base,
    const struct buf *over, enum pick pk, const char *what,
    const uint8_t *line, size_t len)
{
	struct buf	 m = BUF_INIT;

	merge(&m, jroot(base), jroot(over), pk, NULL);
	if (m.len != want->len || memcmp(m.data, want->data, m.len) != 0)
		FAIL("\"%.*s\": %s\n want %.*s\n  got %.*s", LINE_FMT(line,
		    len), what, LINE_FMT(m.data, m.len),
		    LINE_FMT(want->data, want->len));
	buf_free(&m);
}

static uint64_t
num(struct span v)
{
	char	 tmp[32];

	if (v.n == 0 || v.n >= sizeof(tmp) || v.p[0] < '0' || v.p[0] > '9')
		FAIL("stat: not a number: %.*s", (int)v.n, v.p);
	memcpy(tmp, v.p, v.n);
	tmp[v.n] = '\0';
	return strtoull(tmp, NULL, 10);
}

/* The rank of the harshest of cap's default and rules in policy o. */
static size_t
harshest(struct span o, struct span cap)
{
	struct span	 k, v, r;
	const char	*cur = jget(o, "default").p + 1;
	size_t		 h = 0, a;

	/* cap is quoted, the keys of "default" are not. */
	while (jmember(&cur, jget(o, "default").p + jget(o, "default").n, &k,
	    &v))
		if (k.n + 2 == cap.n && memcmp(k.p, cap.p + 1, k.n) == 0)
			h = rank(v, actions, NELEM(actions));
	cur = jget(o, "rules").p + 1;
	while (jelem(&cur, jget(o, "rules").p + jget(o, "rules").n, &r)) {
		a = rank(jget(r, "act"), actions, NELEM(actions));
		if (span_eq(jget(r, "cap"), cap) && a > h)
			h = a;
	}
	return h;
}

/*
 * lock:drop and rules (docs/commands.md 3.8): a line that adds only
 * appends, each rule at least as harsh as its category's default and
 * every rule that category held before; a line that removes takes allow
 * and warn rules only.
 */
static void
check_drop_rules(struct span b, struct span a, const uint8_t *line,
    size_t len)
{
	struct span	 br = jget(b, "rules"), ar = jget(a, "rules"), x, y;
	const char	*bc = br.p + 1, *ac = ar.p + 1;
	size_t		 act;
	bool		 more;

	while ((more = jelem(&bc, br.p + br.n, &x))) {
		if (!jelem(&ac, ar.p + ar.n, &y))
			break;
		if (!span_eq(x, y))
			break;
	}
	if (!more) {
		/* Before is a prefix of after: what follows was added. */
		while (jelem(&ac, ar.p + ar.n, &y)) {
			act = rank(jget(y, "act"), actions, NELEM(actions));
			if (act < harshest(b, jget(y, "cap")))
				FAIL("\"%.*s\": lock:drop added %.*s, milder "
				    "than its category", LINE_FMT(line, len),
				    (int)y.n, y.p);
		}
		return;
	}
	/* Removed: every rule of before not in after is allow or warn. */
	bc = br.p + 1;
	ac = ar.p + 1;
	more = jelem(&ac, ar.p + ar.n, &y);
	while (jelem(&bc, br.p + br.n, &x)) {
		if (more && span_eq(x, y)) {
			more = jelem(&ac, ar.p + ar.n, &y);
			continue;
		}
		/* actions[0] is allow, actions[1] warn. */
		if (rank(jget(x, "act"), actions, NELEM(actions)) > 1)
			FAIL("\"%.*s\": lock:drop removed %.*s",
			    LINE_FMT(line, len), (int)x.n, x.p);
	}
	if (more)
		FAIL("\"%.*s\": lock:drop both added and removed rules",
		    LINE_FMT(line, len));
}

/* The elements of a JSON array of numbers. */
static size_t
count_elems(struct span a)
{
	size_t	 i, n = 0;

	if (a.n <= 2)
		return 0;
	for (i = 0; i < a.n; i++)
		if (a.p[i] == ',')
			n++;
	return n + 1;
}

/*
 * lock:drop (docs/commands.md 3.8): a successful IPC line may only make the
 * policy stricter.  Members outside PICK_DROP must not move at all.
 */
static void
check_drop(const struct buf *before, const struct buf *after,
    const uint8_t *line, size_t len)
{
	struct span	 b = jroot(before), a = jroot(after), bk, bv, ak, av;
	struct span	 bo, ao;
	const char	*bc, *ac;
	static const char *const limits[] = {
		"mem_max", "mem_vm_max", "pid_max",
	};
	size_t		 i;
	uint64_t	 ol, nl;

	expect_merge(after, before, after, PICK_DROP,
	    "lock:drop changed what it may not", line, len);
	if (rank(jget(a, "lock"), locks, NELEM(locks)) < 3)
		FAIL("\"%.*s\": lock:drop weakened the lock", LINE_FMT(line,
		    len));
	bo = jget(b, "sandbox");
	ao = jget(a, "sandbox");
	bc = bo.p + 1;
	ac = ao.p + 1;
	while (jmember(&bc, bo.p + bo.n, &bk, &bv) &&
	    jmember(&ac, ao.p + ao.n, &ak, &av))
		if (span_is(bv, "true") && !span_is(av, "true"))
			FAIL("\"%.*s\": lock:drop turned sandbox/%.*s off",
			    LINE_FMT(line, len), (int)bk.n, bk.p);
	bo = jget(b, "default");
	ao = jget(a, "default");
	bc = bo.p + 1;
	ac = ao.p + 1;
	while (jmember(&bc, bo.p + bo.n, &bk, &bv) &&
	    jmember(&ac, ao.p + ao.n, &ak, &av))
		if (rank(av, actions, NELEM(actions)) <
		    rank(bv, actions, NELEM(actions)))
			FAIL("\"%.*s\": lock:drop made default/%.*s milder",
			    LINE_FMT(line, len), (int)bk.n, bk.p);
	for (i = 0; i < NELEM(limits); i++) {
		ol = num(jget(b, limits[i]));
		nl = num(jget(a, limits[i]));
		if (nl != ol && (nl == 0 || (ol != 0 && nl > ol)))
			FAIL("\"%.*s\": lock:drop moved %s from %llu to %llu",
			    LINE_FMT(line, len), limits[i],
			    (unsigned long long)ol, (unsigned long long)nl);
	}
	check_drop_rules(b, a, line, len);
	if (count_elems(jget(jget(a, "ioctl"), "allow")) >
	    count_elems(jget(jget(b, "ioctl"), "allow")) ||
	    count_elems(jget(jget(a, "ioctl"), "deny")) <
	    count_elems(jget(jget(b, "ioctl"), "deny")))
		FAIL("\"%.*s\": lock:drop allowed more ioctls",
		    LINE_FMT(line, len));
}

/* ---- Running lines. ---- */

static void
stat_of(struct policy *p, struct buf *out)
{
	struct cmd_result res;

	buf_reset(out);
	if (cmd_exec(p, (const uint8_t *)"stat", 4, CMD_IPC, out, &res) != 0)
		FAIL("stat refused: %d", res.err);
	if (!res.output || res.changed || res.locked)
		FAIL("stat: output %d changed %d locked %d", res.output,
		    res.changed, res.locked);
	if (!utf8_valid(out->data, out->len))
		FAIL("stat is not UTF-8");
	(void)jroot(out);
}

static struct policy *
new_policy(bool bound)
{
	struct policy	*p;

	if ((p = policy_new()) == NULL)
		FAIL("policy_new");
	/* What privconfd passes by default: an abstract name, a uid. */
	if (bound && policy_set_ipc(p, "@privconf", 1000, -1) != 0)
		FAIL("policy_set_ipc");
	return p;
}

static bool
line_is(const uint8_t *line, size_t len, const char *w)
{
	return len == strlen(w) && memcmp(line, w, len) == 0;
}

/* The profile's comments: '#' first, or nothing but blanks. */
static bool
comment(const uint8_t *line, size_t len)
{
	size_t	 i;

	if (len > 0 && line[0] == '#')
		return true;
	for (i = 0; i < len; i++)
		if (strchr(" \t\n\v\f\r", line[i]) == NULL || line[i] == 0)
			return false;
	return true;
}

/* A check line, and one reply line of docs/commands.md 3.10. */
static bool
check_reply(const uint8_t *line, size_t len, const struct buf *out)
{
	static const char head[] = "{\"err\":0,\"action\":\"";
	static const char tail[] = "\"}\n";

	return len > 6 && memcmp(line, "check/", 6) == 0 &&
	    out->len > sizeof(head) + sizeof(tail) &&
	    memcmp(out->data, head, sizeof(head) - 1) == 0 &&
	    memcmp(out->data + out->len - sizeof(tail) + 1, tail,
	    sizeof(tail) - 1) == 0 &&
	    memchr(out->data, '\n', out->len) == out->data + out->len - 1;
}

struct state {
	struct policy	*p;
	bool		 bound;
	bool		 locked;
	struct buf	 before;	/* stat before the line */
	struct buf	 after;
	struct buf	 out;
	struct buf	 journal;	/* the lines that said changed */
	const struct buf *init;		/* stat of a new policy */
};

static void
run_line(struct state *st, const uint8_t *line, size_t len,
    enum cmd_origin o)
{
	struct cmd_result res;
	struct buf	 tmp;
	size_t		 lk;
	int		 err;
	bool		 ipc = o == CMD_IPC, same;

	buf_reset(&st->out);
	err = cmd_exec(st->p, line, len, o, &st->out, &res);
	if (err != res.err)
		FAIL("cmd_exec returned %d, res.err %d", err, res.err);
	if (err != 0 && (res.changed || res.output || res.locked))
		FAIL("\"%.*s\": refused (%d) but changed %d output %d "
		    "locked %d", LINE_FMT(line, len), err, res.changed,
		    res.output, res.locked);
	if (err != 0 && errtab_text(err) == NULL)
		FAIL("\"%.*s\": errno %d is not in docs/protocol.md's table",
		    LINE_FMT(line, len), err);
	if (!res.output && st->out.len != 0)
		FAIL("\"%.*s\": %zu bytes of output without res.output",
		    LINE_FMT(line, len), st->out.len);
	if (res.output && !line_is(line, len, "stat") &&
	    !line_is(line, len, "stats") && !check_reply(line, len, &st->out))
		FAIL("\"%.*s\": output from a line that is not stat, stats "
		    "or check", LINE_FMT(line, len));
	if (res.output && res.changed)
		FAIL("\"%.*s\": a query changed the policy",
		    LINE_FMT(line, len));
	if (res.locked && !line_is(line, len, "lock:on"))
		FAIL("\"%.*s\": locked by a line that is not lock:on",
		    LINE_FMT(line, len));

	if (st->locked) {
		/*
		 * lock:on: nothing is allowed (a malformed line may still
		 * be EINVAL first); a profile comment is no command at all.
		 */
		if ((err == 0) != (o == CMD_PROFILE && comment(line, len)))
			FAIL("\"%.*s\" after lock:on: %d", LINE_FMT(line, len),
			    err);
		return;
	}
	if ((line_is(line, len, "stat") || line_is(line, len, "stats")) &&
	    (err != 0 || !res.output))
		FAIL("\"%.*s\" refused (%d) while not locked",
		    LINE_FMT(line, len), err);
	if (line_is(line, len, "stat") && (st->out.len != st->before.len ||
	    memcmp(st->out.data, st->before.data, st->out.len) != 0))
		FAIL("stat's reply is not the policy");
	if (line_is(line, len, "lock:on") && err == 0 && !res.locked)
		FAIL("lock:on ACKed without locking");
	if (res.changed && (buf_append(&st->journal, line, len) == -1 ||
	    buf_append(&st->journal, "\n", 1) == -1))
		FAIL("out of memory");
	if (res.locked) {
		st->locked = true;
		return;
	}

	stat_of(st->p, &st->after);
	same = st->after.len == st->before.len &&
	    memcmp(st->after.data, st->before.data, st->after.len) == 0;
	if (err != 0 && !same)
		FAIL("\"%.*s\": refused (%d) but stat changed",
		    LINE_FMT(line, len), err);
	if (err == 0 && res.changed == same)
		FAIL("\"%.*s\": changed=%d but stat %s", LINE_FMT(line, len),
		    res.changed, same ? "is the same" : "changed");
	if (err == 0 && !same) {
		if (ipc)
			expect_merge(&st->after, &st->after, &st->before,
			    PICK_STARTUP, "a startup-only setting changed "
			    "over IPC", line, len);
		lk = rank(jget(jroot(&st->before), "lock"), locks,
		    NELEM(locks));
		if (ipc && lk == 4)
			expect_merge(&st->after, &st->before, &st->after,
			    PICK_LOCK, "lock:read let more than the lock "
			    "change", line, len);
		if (ipc && lk == 3)
			check_drop(&st->before, &st->after, line, len);
	}
	if (err == 0 && line_is(line, len, "reset"))
		expect_merge(&st->after, st->init, &st->before, PICK_KEPT,
		    "reset is not the initial state with the lock and "
		    "startup-only settings kept", line, len);
	tmp = st->before;
	st->before = st->after;
	st->after = tmp;
}

/* A journal replayed on a new policy, as privconfd -j does. */
static void
replay(struct state *st)
{
	struct policy	*q = new_policy(st->bound);
	struct cmd_result res;
	struct buf	 out = BUF_INIT;
	const uint8_t	*s, *nl;
	size_t		 off, len;

	/* Every journal line ends in '\n'. */
	for (off = 0; off < st->journal.len; off += len + 1) {
		s = st->journal.data + off;
		nl = memchr(s, '\n', st->journal.len - off);
		len = (size_t)(nl - s);
		buf_reset(&out);
		if (cmd_exec(q, s, len, CMD_PROFILE, &out, &res) != 0)
			FAIL("journal replay: \"%.*s\" refused: %d",
			    LINE_FMT(s, len), res.err);
	}
	stat_of(q, &out);
	if (out.len != st->before.len ||
	    memcmp(out.data, st->before.data, out.len) != 0)
		FAIL("journal replay differs\n want %.*s\n  got %.*s",
		    LINE_FMT(st->before.data, st->before.len),
		    LINE_FMT(out.data, out.len));
	buf_free(&out);
	policy_free(q);
}

/* Each line of text, as profile lines, into q: all ACKed. */
static void
apply_profile(struct policy *q, const struct buf *text, const char *what)
{
	struct cmd_result res;
	struct buf	 out = BUF_INIT;
	const uint8_t	*s, *nl;
	size_t		 off, len;

	for (off = 0; off < text->len; off += len + 1) {
		s = text->data + off;
		if ((nl = memchr(s, '\n', text->len - off)) == NULL)
			FAIL("%s: a last line without its '\\n'", what);
		len = (size_t)(nl - s);
		buf_reset(&out);
		if (cmd_exec(q, s, len, CMD_PROFILE, &out, &res) != 0)
			FAIL("%s: \"%.*s\" refused: %d", what,
			    LINE_FMT(s, len), res.err);
	}
	buf_free(&out);
}

/*
 * The dump, replayed as a profile, rebuilds the same stat and dumps to
 * the same text.  A line of IPC_LINE_MAX - 1 bytes can store a pattern
 * that no profile line holds: then the dump is refused (E2BIG).
 */
static void
dump_check(struct state *st)
{
	struct policy	*q = new_policy(st->bound);
	struct buf	 d = BUF_INIT, d2 = BUF_INIT, out = BUF_INIT;
	int		 err;

	if ((err = policy_dump(st->p, &d)) == E2BIG)
		goto done;
	if (err != 0)
		FAIL("policy_dump: %d", err);
	apply_profile(q, &d, "dump replay");
	stat_of(q, &out);
	if (out.len != st->before.len ||
	    memcmp(out.data, st->before.data, out.len) != 0)
		FAIL("dump replay differs\n want %.*s\n  got %.*s\n dump %.*s",
		    LINE_FMT(st->before.data, st->before.len),
		    LINE_FMT(out.data, out.len), LINE_FMT(d.data, d.len));
	/* A fresh policy dumps to nothing: no memcmp of NULLs. */
	if (policy_dump(q, &d2) != 0 || d2.len != d.len ||
	    (d.len > 0 && memcmp(d2.data, d.data, d.len) != 0))
		FAIL("the dump of the dump's replay differs");
done:
	buf_free(&d);
	buf_free(&d2);
	buf_free(&out);
	policy_free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf init[2] = { BUF_INIT, BUF_INIT };
	struct state	 st;
	size_t		 i, off, end, len;
	const uint8_t	*nl;
	uint8_t		 h;

	if (size < 1)
		return 0;
	h = data[0];
	memset(&st, 0, sizeof(st));
	st.bound = (h & 0x80) != 0;
	st.p = new_policy(st.bound);
	if (init[st.bound].len == 0) {
		/* Kept for the whole run: the initial state never changes. */
		struct policy *q = new_policy(st.bound);

		stat_of(q, &init[st.bound]);
		policy_free(q);
	}
	st.init = &init[st.bound];
	stat_of(st.p, &st.before);

	/* Every piece between '\n's is a line, the last one too. */
	for (i = 0, off = 1; off <= size; i++, off = end + 1) {
		nl = memchr(data + off, '\n', size - off);
		end = nl != NULL ? (size_t)(nl - data) : size;
		len = end - off;
		/* The most a REQUEST or SETUP frame can carry (wire.h). */
		if (len > IPC_LINE_MAX - 1)
			len = IPC_LINE_MAX - 1;
		run_line(&st, data + off, len, (h >> (i % 7)) & 1 ? CMD_IPC :
		    CMD_PROFILE);
	}
	if (!st.locked) {
		replay(&st);
		dump_check(&st);
	}
	policy_free(st.p);
	buf_free(&st.before);
	buf_free(&st.after);
	buf_free(&st.out);
	buf_free(&st.journal);
	return 0;
}
