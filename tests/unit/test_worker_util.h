/*
 * Helpers shared by the policy tests (tests/unit/test_worker_*.c): run a
 * line through cmd_exec() and look at the policy through stat, the only
 * window a client has.
 */
#ifndef PRIVCONF_TEST_WORKER_UTIL_H
#define PRIVCONF_TEST_WORKER_UTIL_H

#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/errtab.h"
#include "worker/cmd.h"
#include "worker/policy.h"

#define IPC	CMD_IPC
#define PROF	CMD_PROFILE

static inline struct policy *
tw_new(void)
{
	struct policy *p = policy_new();

	cr_assert_not_null(p);
	return p;
}

/* The stat JSON, NUL-terminated, malloc'd. */
static inline char *
tw_stat(struct policy *p)
{
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	char		*s;

	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stat", 4, CMD_IPC, &out,
	    &res), 0, "stat failed: %d", res.err);
	cr_assert(res.output);
	cr_assert(!res.changed);
	s = malloc(out.len + 1);
	cr_assert_not_null(s);
	memcpy(s, out.data, out.len);
	s[out.len] = '\0';
	buf_free(&out);
	return s;
}

static inline int
tw_run_n(struct policy *p, const char *line, size_t len, enum cmd_origin o,
    struct cmd_result *res)
{
	struct buf	 out = BUF_INIT;
	int		 err;

	err = cmd_exec(p, (const uint8_t *)line, len, o, &out, res);
	cr_assert_eq(err, res->err);
	if (!res->output)
		cr_assert_eq(out.len, 0, "%s: out written without output",
		    line);
	buf_free(&out);
	return err;
}

static inline int
tw_run_res(struct policy *p, const char *line, enum cmd_origin o,
    struct cmd_result *res)
{
	return tw_run_n(p, line, strlen(line), o, res);
}

static inline int
tw_run(struct policy *p, const char *line, enum cmd_origin o)
{
	struct cmd_result res;

	return tw_run_res(p, line, o, &res);
}

/* line must be ACKed, and say it changed the policy iff stat changed. */
static inline void
tw_ok(struct policy *p, const char *line, enum cmd_origin o)
{
	struct cmd_result res;
	char	*before, *after;
	int	 err;

	before = tw_stat(p);
	err = tw_run_res(p, line, o, &res);
	after = tw_stat(p);
	cr_assert_eq(err, 0, "%s: err %d, want ACK", line, err);
	cr_assert_eq(res.changed, strcmp(before, after) != 0,
	    "%s: changed=%d but stat %s", line, res.changed,
	    strcmp(before, after) != 0 ? "changed" : "did not change");
	free(before);
	free(after);
}

/* Each line, up to a NULL, must be ACKed as tw_ok() wants it. */
static inline void
tw_oks(struct policy *p, enum cmd_origin o, const char *const *lines)
{
	for (; *lines != NULL; lines++)
		tw_ok(p, *lines, o);
}

#define TW_OKS(p, o, ...) \
	tw_oks(p, o, (const char *const[]){ __VA_ARGS__, NULL })

/* xorshift64*, for the random tests: small, the same on every machine. */
static inline size_t
tw_pick(uint64_t *s, size_t n)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (size_t)((*s * 0x2545f4914f6cdd1dULL) % n);
}

/*
 * line[0..len) must answer want (an errno, or 0 for an ACKed no-op) and
 * change nothing at all: stat is byte-identical before and after.
 */
static inline void
tw_same_n(struct policy *p, const char *line, size_t len, enum cmd_origin o,
    int want)
{
	struct cmd_result res;
	char	*before, *after;
	int	 err;

	before = tw_stat(p);
	err = tw_run_n(p, line, len, o, &res);
	after = tw_stat(p);
	cr_assert_eq(err, want, "%.*s: err %d, want %d", (int)len, line, err,
	    want);
	cr_assert(!res.changed && !res.locked && !res.output, "%.*s",
	    (int)len, line);
	cr_assert_str_eq(after, before, "%.*s changed the policy", (int)len,
	    line);
	free(before);
	free(after);
}

static inline void
tw_refused(struct policy *p, const char *line, enum cmd_origin o, int want)
{
	tw_same_n(p, line, strlen(line), o, want);
}

/* stat holds frag, byte for byte. */
static inline void
tw_has(struct policy *p, const char *frag)
{
	char	*s = tw_stat(p);

	cr_assert_not_null(strstr(s, frag), "stat lacks %s:\n%s", frag, s);
	free(s);
}

/* The "rules":[...] part of stat, exactly. */
static inline void
tw_rules(struct policy *p, const char *rules)
{
	char	*s = tw_stat(p), *a, *b;

	a = strstr(s, "\"rules\":");
	cr_assert_not_null(a);
	a += strlen("\"rules\":");
	b = strstr(a, "],\"ioctl\":{");
	cr_assert_not_null(b);
	b++;
	cr_assert_eq((size_t)(b - a), strlen(rules), "rules %.*s, want %s",
	    (int)(b - a), a, rules);
	cr_assert_arr_eq(a, rules, strlen(rules), "rules %.*s, want %s",
	    (int)(b - a), a, rules);
	free(s);
}

#endif
