/*
 * A property test of the rule index: random policies, built and torn
 * down by random lines (adds, '-' and '^' of rules added before, defaults,
 * categories off and on, reset), from a fixed seed.  After every line
 * the index holds the rules of the oracle (tests/unit/decide_oracle.h,
 * the plain array and linear decision from before the index) in the
 * same order, and for random targets of every kind the decision, its
 * rule and the check reply are the oracle's, byte for byte.
 *
 * Patterns and targets come from a small alphabet so that they collide:
 * equal rules, rules under one key, globs that match.
 */
#include <stdio.h>

#include "tests/unit/decide_oracle.h"
#include "tests/unit/test_worker_util.h"

#define LINES		20000
#define TARGETS		6	/* checked after each line */
#define SEED		0x2545f4914f6cdd1dULL

static uint64_t rng = SEED;

static size_t
pick(size_t n)
{
	return tw_pick(&rng, n);
}

#define ONE(set)	(set)[pick(sizeof(set) / sizeof((set)[0]))]

static const char *const acts[] = {
	"allow", "warn", "filter", "deny", "panic", "stop", "abort", "kill",
	"exit",
};
static const char *const pathcats[] = {
	"read", "write", "exec", "read,write",
};
static const char *const sockcats[] = {
	"net/bind", "net/connect", "net/sendfd", "net/bind,net/sendfd",
};
static const char *const addrcats[] = {
	"net/bind", "net/connect", "net/bind,net/connect",
};
/* What a path component of a pattern may be. */
static const char *const pcomp[] = {
	"a", "b", "usr", "lib", "x.so", "*", "*.so", "?", "[ab]", "[!a]*",
	"\\*", "**", "a*b", "l?b", "", "u[r-t]r",
};
/* What a path component of a target may be. */
static const char *const tcomp[] = {
	"a", "b", "usr", "lib", "x.so", "ab", "lib.so", "*", "", "urr", "aab",
};
static const char *const addrs[] = {
	"127.0.0.1", "10.1.2.3/8", "10.1.0.0/16", "::1", "fe80::1/10",
	"0.0.0.0/0", "::/0", "192.168.1.0/24", "loopback", "local", "any4",
	"10.1.2.3",
};
static const char *const ports[] = {
	"!80", "!1-1024", "!0-65535", "!443", "!22",
};
static const char *const taddrs[] = {
	"127.0.0.1", "10.1.2.3", "10.1.9.9", "10.2.0.1", "192.168.1.7",
	"8.8.8.8", "::1", "fe80::2", "2001:db8::1",
};
static const char *const tports[] = {
	"!80", "!1", "!1024", "!443", "!22", "!65535",
};
static const char *const links[] = {
	"route", "audit", "all", "netfilter",
};
static const char *const tlinks[] = {
	"route", "audit", "netfilter", "smc",
};

static void
put(struct buf *b, const char *s)
{
	cr_assert_eq(buf_appendstr(b, s), 0);
}

static void
path_glob(struct buf *b, bool target)
{
	size_t	 i, n = 1 + pick(4);

	for (i = 0; i < n; i++) {
		put(b, "/");
		put(b, target ? ONE(tcomp) : ONE(pcomp));
	}
	if (!target && pick(5) == 0)
		put(b, "/***");
}

static void
rule_line(struct buf *b)
{
	put(b, ONE(acts));
	put(b, "/");
	switch (pick(5)) {
	case 0:
	case 1:
		put(b, ONE(pathcats));
		put(b, "+");
		path_glob(b, false);
		break;
	case 2:
		put(b, ONE(sockcats));
		put(b, "+");
		if (pick(2)) {
			put(b, "@");
			put(b, ONE(pcomp));
			put(b, pick(2) ? "/" : "");
			put(b, ONE(pcomp));
		} else
			path_glob(b, false);
		break;
	case 3:
		put(b, ONE(addrcats));
		put(b, "+");
		put(b, ONE(addrs));
		put(b, ONE(ports));
		break;
	default:
		put(b, "net/link+");
		put(b, ONE(links));
		break;
	}
}

/* Lines ACKed so far, to remove: '-' and '^' hit rules that exist. */
#define KEEP	64
static char	*added[KEEP];
static size_t	 nadded;

static void
gen(struct buf *b)
{
	static const char *const cats[] = {
		"read", "write", "exec", "net/bind", "net/connect",
		"net/sendfd", "net/link",
	};
	char	*s, *op;
	size_t	 r = pick(100);

	if (r < 25 && nadded > 0) {
		/* The same rule, taken off again. */
		s = added[pick(nadded < KEEP ? nadded : KEEP)];
		put(b, s);
		op = b->data == NULL ? NULL :
		    memchr(b->data, '+', b->len);
		cr_assert_not_null(op);
		*op = pick(3) ? '-' : '^';
	} else if (r < 30) {
		put(b, "default/");
		put(b, ONE(cats));
		put(b, ":");
		put(b, ONE(acts));
	} else if (r < 34) {
		put(b, "sandbox/");
		put(b, ONE(cats));
		put(b, pick(3) ? ":on" : ":off");
	} else if (r < 35)
		put(b, "reset");
	else
		rule_line(b);
}

static void
target(struct buf *b, enum policy_cat *cat)
{
	switch (pick(5)) {
	case 0:
	case 1:
		*cat = ONE(((enum policy_cat[]){ POLICY_CAT_READ,
		    POLICY_CAT_WRITE, POLICY_CAT_EXEC }));
		path_glob(b, true);
		break;
	case 2:
		*cat = ONE(((enum policy_cat[]){ POLICY_CAT_NET_BIND,
		    POLICY_CAT_NET_CONNECT, POLICY_CAT_NET_SENDFD }));
		if (pick(2)) {
			put(b, "@");
			put(b, ONE(tcomp));
			put(b, pick(2) ? "/" : "");
			put(b, ONE(tcomp));
			if (b->len == 1)
				put(b, "a");
		} else
			path_glob(b, true);
		break;
	case 3:
		*cat = pick(2) ? POLICY_CAT_NET_BIND : POLICY_CAT_NET_CONNECT;
		put(b, ONE(taddrs));
		put(b, ONE(tports));
		break;
	default:
		*cat = POLICY_CAT_NET_LINK;
		put(b, ONE(tlinks));
		break;
	}
}

Test(worker_oracle, index_decides_as_the_linear_oracle, .timeout = 600)
{
	struct policy	*p = tw_new();
	struct oracle	 o = { NULL, 0, 0 };
	struct buf	 line = BUF_INIT, out = BUF_INIT, tb = BUF_INIT;
	struct cmd_result res;
	struct decide_target t;
	enum policy_cat	 cat;
	size_t		 i, k, acked = 0, matched = 0, peak = 0;
	int		 err;

	for (i = 0; i < LINES; i++) {
		buf_reset(&line);
		gen(&line);
		buf_reset(&out);
		err = cmd_exec(p, line.data, line.len, CMD_IPC, &out, &res);
		if (err == 0) {
			acked++;
			oracle_line(&o, (const char *)line.data, line.len);
			if (memchr(line.data, '+', line.len) != NULL) {
				free(added[nadded % KEEP]);
				added[nadded++ % KEEP] = strndup(
				    (const char *)line.data, line.len);
			}
		}
		oracle_same_order(&o, p);
		if (o.n > peak)
			peak = o.n;
		for (k = 0; k < TARGETS; k++) {
			buf_reset(&tb);
			target(&tb, &cat);
			cr_assert_eq(decide_target(cat, (const char *)tb.data,
			    tb.len, &t), 0, "target %.*s", (int)tb.len,
			    tb.data);
			oracle_check(p, &o, &t);
			if ((p->on & POLICY_CAT_BIT(cat)) &&
			    oracle_match(&o, &t) != NULL)
				matched++;
		}
	}
	/* The run was worth something: rules built up, rules matched. */
	cr_assert_gt(acked, LINES / 2);
	cr_assert_gt(peak, 100);
	cr_assert_gt(matched, LINES * TARGETS / 10);
	for (i = 0; i < KEEP; i++)
		free(added[i]);
	oracle_free(&o);
	buf_free(&line);
	buf_free(&out);
	buf_free(&tb);
	policy_free(p);
}
