/*
 * bench_policy: the cost of the policy's two hot paths, each against a
 * baseline measured in the same run, medians of RUNS runs.
 *
 *  1. The parser: cmd_exec() of a fixed mix of command lines (valid and
 *     invalid, adds balanced by removals) on a scratch policy, against
 *     reading the same bytes (utf8_valid and a scan for the operator),
 *     the least any parser must do.
 *  2. policy_decide() over 10, 1,000 and 65,536 path rules, for a target
 *     that no rule matches, against a memcmp scan of the same patterns,
 *     which a decision without an index would at least have done (the
 *     rule index reads none of them: bench_check.c has the rest).
 *
 *	make build/bench/bench_policy && build/bench/bench_policy
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "worker/cmd.h"
#include "worker/decide.h"
#include "worker/policy.h"
#include "worker/policy-t.h"

static const char *const mix[] = {
	"sandbox/read:off", "sandbox/read:on", "sandbox/read,write?",
	"default/write,exec:kill", "default/write,exec:deny",
	"allow/read+/usr/***", "allow/read-/usr/***",
	"deny/write+/etc/**", "deny/write^/etc/**",
	"allow/net/connect+loopback!80", "allow/net/connect^loopback!80",
	"allow/net/bind+10.1.2.3/8!1024-65535",
	"allow/net/bind-10.0.0.0/8!1024-65535",
	"allow/net/connect+@privconf*", "allow/net/connect-@privconf*",
	"mem/max:1G", "mem/max:0", "pid/max:128", "pid/max:0",
	"ioctl/deny+TIOCSTI", "ioctl/deny-TIOCSTI",
	"trace/deny_dotdot:on", "trace/deny_dotdot:off",
	"trace/force_umask:077", "trace/force_umask:off",
	"sandbox/bogus:on", "allow/read+usr/***", "name/host:box",
	"allow/net/connect+127.0.0.1!70000", "lock:ipc",
};
#define NMIX	(sizeof(mix) / sizeof(mix[0]))

static double
now(void)
{
	return bench_now(CLOCK_MONOTONIC);
}

/* Something the optimiser cannot drop. */
static volatile size_t sink;

static void
must(int err, const char *line)
{
	if (err != 0) {
		fprintf(stderr, "bench_policy: %s: err %d\n", line, err);
		exit(1);
	}
}

static void
bench_parser(void)
{
	struct policy	*p;
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	size_t		 len[NMIX], i, r, rep, reps = 20000;
	double		 t, parse[RUNS], base[RUNS], mp, mb;

	for (i = 0; i < NMIX; i++)
		len[i] = strlen(mix[i]);
	for (r = 0; r < RUNS; r++) {
		if ((p = policy_new()) == NULL)
			exit(1);
		t = now();
		for (rep = 0; rep < reps; rep++)
			for (i = 0; i < NMIX; i++)
				sink += (size_t)cmd_exec(p,
				    (const uint8_t *)mix[i], len[i], CMD_IPC,
				    &out, &res);
		parse[r] = (double)(reps * NMIX) / (now() - t);
		policy_free(p);

		t = now();
		for (rep = 0; rep < reps; rep++)
			for (i = 0; i < NMIX; i++)
				sink += utf8_valid((const uint8_t *)mix[i],
				    len[i]) + strcspn(mix[i], ":?+-^");
		base[r] = (double)(reps * NMIX) / (now() - t);
	}
	mp = bench_median(parse);
	mb = bench_median(base);
	printf("parser: cmd_exec of a %zu-line mix: %.0f commands/s "
	    "(%.0f ns each)\n", NMIX, mp, 1e9 / mp);
	printf("        baseline, read the same bytes: %.0f lines/s; "
	    "parser costs %.1fx the baseline\n", mb, mb / mp);
	buf_free(&out);
}

static void
bench_decide(size_t nrules)
{
	struct policy	*p;
	struct buf	 out = BUF_INIT;
	struct cmd_result res;
	char		 line[64], **pats;
	const char	*target = "/nowhere/matches/this/path";
	size_t		 i, r, rep, reps, tlen = strlen(target), plen;
	double		 t, dec[RUNS], base[RUNS], md, mb;

	if ((p = policy_new()) == NULL ||
	    (pats = calloc(nrules, sizeof(*pats))) == NULL)
		exit(1);
	for (i = 0; i < nrules; i++) {
		snprintf(line, sizeof(line), "allow/read+/srv/%zu/***", i);
		must(cmd_exec(p, (const uint8_t *)line, strlen(line),
		    CMD_PROFILE, &out, &res), line);
		if ((pats[i] = strdup(line + strlen("allow/read+"))) == NULL)
			exit(1);
	}
	if (policy_decide(p, POLICY_CAT_READ, target, tlen) != POLICY_ACT_DENY)
		exit(1);
	reps = nrules >= 65536 ? 40 : nrules >= 1000 ? 4000 : 400000;
	for (r = 0; r < RUNS; r++) {
		t = now();
		for (rep = 0; rep < reps; rep++)
			sink += (size_t)policy_decide(p, POLICY_CAT_READ,
			    target, tlen);
		dec[r] = (double)reps / (now() - t);

		t = now();
		for (rep = 0; rep < reps; rep++)
			for (i = nrules; i-- > 0; ) {
				plen = strlen(pats[i]);
				if (plen == tlen &&
				    memcmp(pats[i], target, tlen) == 0)
					sink++;
			}
		base[r] = (double)reps / (now() - t);
	}
	md = bench_median(dec);
	mb = bench_median(base);
	printf("decide: %6zu rules, no match: %12.0f decisions/s "
	    "(%.1f ns/rule); memcmp scan %12.0f/s; ratio %.1fx\n", nrules, md,
	    1e9 / md / (double)nrules, mb, mb / md);
	for (i = 0; i < nrules; i++)
		free(pats[i]);
	free(pats);
	buf_free(&out);
	policy_free(p);
}

int
main(void)
{
	printf("bench_policy: medians of %d runs\n", RUNS);
	bench_parser();
	bench_decide(10);
	bench_decide(1000);
	bench_decide(POLICY_RULES_MAX);
	return 0;
}
