/*
 * The size limits of the policy: POLICY_RULES_MAX rules in all (the last
 * one ACKed, one more ENOMEM with nothing added, an alias that would
 * cross the limit adds none of its rules), and the limits privconf adds
 * to the other lists and to the bytes of all patterns.
 */
#include "common/limits.h"
#include "worker/policy-t.h"
#include "tests/unit/test_worker_util.h"

static void
fill(struct policy *p, size_t n)
{
	char	 line[64];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "deny/read+/r/%zu", i);
		cr_assert_eq(tw_run(p, line, IPC), 0, "%s", line);
	}
}

static size_t
count(struct policy *p, const char *what)
{
	char	*s = tw_stat(p), *q = s;
	size_t	 n = 0;

	while ((q = strstr(q, what)) != NULL) {
		n++;
		q += strlen(what);
	}
	free(s);
	return n;
}

Test(worker_limits, rule_at_limit_acks_and_one_past_is_enomem)
{
	struct policy *p = tw_new();
	char	 line[64];

	fill(p, POLICY_RULES_MAX - 1);
	tw_ok(p, "allow/write+/last", IPC);		/* the 65536th */
	cr_assert_eq(count(p, "{\"act\":"), POLICY_RULES_MAX);
	tw_refused(p, "allow/write+/one-more", IPC, ENOMEM);
	tw_refused(p, "allow/write+/one-more", PROF, ENOMEM);
	/* Removing makes room again. */
	tw_ok(p, "allow/write-/last", IPC);
	snprintf(line, sizeof(line), "allow/write+/again");
	tw_ok(p, line, IPC);
	cr_assert_eq(count(p, "{\"act\":"), POLICY_RULES_MAX);
	policy_free(p);
}

Test(worker_limits, alias_crossing_the_limit_adds_nothing)
{
	struct policy *p = tw_new();

	fill(p, POLICY_RULES_MAX - 1);
	/* loopback is two rules: one would fit, the other not. */
	tw_refused(p, "allow/net/connect+loopback!80", IPC, ENOMEM);
	tw_refused(p, "allow/read,write+/x", IPC, ENOMEM);
	cr_assert_eq(count(p, "{\"act\":"), POLICY_RULES_MAX - 1);
	tw_ok(p, "deny/read-/r/0", IPC);
	tw_ok(p, "allow/net/connect+loopback!80", IPC);	/* exactly full */
	cr_assert_eq(count(p, "{\"act\":"), POLICY_RULES_MAX);
	tw_refused(p, "allow/net/connect+any4!80", IPC, ENOMEM);
	policy_free(p);
}

Test(worker_limits, ioctl_list_at_limit_and_one_past)
{
	struct policy *p = tw_new();
	char	 line[64];
	size_t	 i;

	for (i = 0; i < POLICY_IOCTL_MAX; i++) {
		snprintf(line, sizeof(line), "ioctl/deny+%zu", i);
		cr_assert_eq(tw_run(p, line, IPC), 0, "%s", line);
	}
	tw_refused(p, "ioctl/deny+7", IPC, ENOMEM);
	/* The other list has its own room. */
	tw_ok(p, "ioctl/allow+7", IPC);
	policy_free(p);
}

Test(worker_limits, idmap_at_limit_and_one_past)
{
	struct policy *p = tw_new();
	char	 line[64];
	size_t	 i;

	for (i = 0; i < POLICY_IDMAP_MAX; i++) {
		snprintf(line, sizeof(line), "setuid+%zu:1", i);
		cr_assert_eq(tw_run(p, line, PROF), 0, "%s", line);
	}
	tw_refused(p, "setuid+1:2", PROF, ENOMEM);
	tw_ok(p, "setgid+1:2", PROF);
	policy_free(p);
}

/* POLICY_PATTERN_BYTES_MAX bytes of patterns in all, then ENOMEM. */
Test(worker_limits, pattern_bytes_at_limit_and_one_past)
{
	struct policy *p = tw_new();
	size_t	 pre = strlen("deny/read+"), i, n, left;
	char	*line = malloc(pre + PATTERN_MAX + 1);

	cr_assert_not_null(line);
	memcpy(line, "deny/read+/", pre + 1);
	n = POLICY_PATTERN_BYTES_MAX / PATTERN_MAX;
	for (i = 0; i < n; i++) {
		/* Distinct patterns of PATTERN_MAX bytes. */
		memset(line + pre + 1, 'a', PATTERN_MAX - 1);
		snprintf(line + pre + 1, 16, "%zu", i);
		line[strlen(line)] = 'a';
		line[pre + PATTERN_MAX] = '\0';
		cr_assert_eq(tw_run(p, line, IPC), 0, "rule %zu", i);
	}
	left = POLICY_PATTERN_BYTES_MAX - n * PATTERN_MAX;
	cr_assert(left >= 1 && left < PATTERN_MAX);
	/* One byte more than is left is refused; exactly what is left fits. */
	memset(line + pre + 1, 'z', left);
	line[pre + left + 1] = '\0';
	tw_refused(p, line, IPC, ENOMEM);
	line[pre + left] = '\0';
	tw_ok(p, line, IPC);
	tw_refused(p, "deny/read+/", IPC, ENOMEM);
	free(line);
	policy_free(p);
}
