/*
 * Transactions on the policy (worker/policy_txn.c, ruleidx_txn_*): a batch
 * of changes rolled back leaves the policy exactly as before it, seen
 * through stat and through what later commands do; committed, it is what
 * the same changes give without a transaction.
 */
#include "tests/unit/test_worker_util.h"
#include "worker/policy-ops.h"

/* Lines a client may send, chosen to touch every kind of undo. */
static const char *const pool[] = {
	"allow/read+/usr/***", "allow/read+/usr/***", "deny/read+/usr/bin/**",
	"allow/read-/usr/***", "allow/read^/usr/***", "deny/read^/usr/bin/**",
	"allow/write,exec+/tmp/*", "allow/write-/tmp/*", "deny/exec+/tmp/x",
	"warn/exec+/tmp/*", "allow/exec^/tmp/*",
	"allow/net/connect+127.0.0.1/8!80-443", "allow/net/connect-127.0.0.1/8!80-443",
	"deny/net/bind+::1!22", "allow/net/link+route",
	"sandbox/read:on", "sandbox/read:off", "sandbox/net:on",
	"default/read:deny", "default/exec:kill", "default/all:warn",
	"ioctl/allow+FIONREAD", "ioctl/allow-FIONREAD", "ioctl/deny+TIOCSTI",
	"ioctl/deny^TIOCSTI", "ioctl/allow^FIONREAD",
	"mem/max:1G", "mem/vm_max:2G", "pid/max:64", "pid/max:0",
	"trace/deny_dotdot:1", "trace/force_cloexec:true",
	"trace/allow_safe_bind:0", "reset", "reset",
	"lock:exec", "lock:ipc", "lock:drop", "lock:off",
	"allow/read+relative", "bogus", "sandbox/read?",
};
#define NPOOL	(sizeof(pool) / sizeof(pool[0]))

/* A few lines applied to both policies, so the two start the same. */
static void
prefix(struct policy *p)
{
	TW_OKS(p, IPC, "allow/read+/etc/***", "deny/read+/etc/shadow",
	    "allow/read+/etc/***", "sandbox/write:on", "ioctl/deny+FIOCLEX",
	    "allow/net/bind+0.0.0.0/0!1024-65535");
}

/* Run a line, ignoring its answer: both policies get the same one. */
static int
run(struct policy *p, const char *line)
{
	return tw_run(p, line, IPC);
}

/*
 * Lines after a rollback must behave as on a policy that never saw the
 * batch: the index's order and counts, not just stat, came back.
 */
static void
same_future(struct policy *a, struct policy *b, uint64_t seed)
{
	char	*sa, *sb;
	int	 i;

	for (i = 0; i < 40; i++) {
		const char *l = pool[tw_pick(&seed, NPOOL)];

		cr_assert_eq(run(a, l), run(b, l), "%s answered differently",
		    l);
	}
	sa = tw_stat(a);
	sb = tw_stat(b);
	cr_assert_str_eq(sa, sb);
	free(sa);
	free(sb);
}

Test(worker_txn, rollback_restores_the_policy_exactly)
{
	uint64_t seed = 0x5eed0001ULL;
	int	 round, i;

	for (round = 0; round < 300; round++) {
		struct policy *a = tw_new(), *b = tw_new();
		char	*before, *after;
		int	 n = 1 + (int)tw_pick(&seed, 30);

		prefix(a);
		prefix(b);
		before = tw_stat(a);
		policy_txn_begin(a);
		for (i = 0; i < n; i++)
			run(a, pool[tw_pick(&seed, NPOOL)]);
		cr_assert_eq(policy_txn_rollback(a), 0);
		after = tw_stat(a);
		cr_assert_str_eq(after, before, "round %d", round);
		same_future(a, b, seed);
		free(before);
		free(after);
		policy_free(a);
		policy_free(b);
	}
}

Test(worker_txn, commit_keeps_what_the_lines_did)
{
	uint64_t seed = 0x5eed0002ULL;
	int	 round, i;

	for (round = 0; round < 300; round++) {
		struct policy *a = tw_new(), *b = tw_new();
		int	 n = 1 + (int)tw_pick(&seed, 30);

		prefix(a);
		prefix(b);
		policy_txn_begin(a);
		for (i = 0; i < n; i++) {
			const char *l = pool[tw_pick(&seed, NPOOL)];

			cr_assert_eq(run(a, l), run(b, l), "%s", l);
		}
		policy_txn_commit(a);
		same_future(a, b, seed);
		policy_free(a);
		policy_free(b);
	}
}

/* Batch after batch on one policy, each rolled back or kept at random. */
Test(worker_txn, many_batches_on_one_policy)
{
	struct policy *a = tw_new(), *b = tw_new();
	uint64_t seed = 0x5eed0003ULL;
	int	 round, i;

	prefix(a);
	prefix(b);
	for (round = 0; round < 500; round++) {
		const char *lines[8];
		int	 n = 1 + (int)tw_pick(&seed, 8);
		bool	 keep = tw_pick(&seed, 2) == 0;

		policy_txn_begin(a);
		for (i = 0; i < n; i++) {
			lines[i] = pool[tw_pick(&seed, NPOOL)];
			run(a, lines[i]);
		}
		if (!keep) {
			cr_assert_eq(policy_txn_rollback(a), 0);
			continue;
		}
		policy_txn_commit(a);
		for (i = 0; i < n; i++)
			run(b, lines[i]);
	}
	same_future(a, b, seed);
	policy_free(a);
	policy_free(b);
}

/* Outside a transaction, commit and rollback do nothing. */
Test(worker_txn, no_transaction_no_undo)
{
	struct policy *p = tw_new();
	char	*s1, *s2;

	prefix(p);
	s1 = tw_stat(p);
	cr_assert_eq(policy_txn_rollback(p), 0);
	policy_txn_commit(p);
	s2 = tw_stat(p);
	cr_assert_str_eq(s1, s2);
	free(s1);
	free(s2);
	policy_free(p);
}

/*
 * fuzz_worker's finding: a policy freed in the middle of a batch (the
 * worker's session ended by a protocol violation, then freed) leaked
 * what its transaction held: the index a reset set aside, the copied
 * ioctl lists.  policy_free frees them too (LeakSanitizer, under
 * SANITIZE=1, is what sees the difference).
 */
Test(worker_txn, free_in_the_middle_of_a_transaction)
{
	struct policy *p = tw_new();

	prefix(p);
	policy_txn_begin(p);
	TW_OKS(p, IPC, "allow/read+/opt/***", "ioctl/deny+TIOCSTI", "reset",
	    "allow/read+/srv/**");
	cr_assert(p->txn.active);
	cr_assert_not_null(p->txn.rules);
	cr_assert(p->txn.ioctl_saved);
	policy_free(p);
}
