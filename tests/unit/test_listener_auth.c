/*
 * docs/protocol.md 2.3: the SCM_CREDENTIALS decision table, cell by cell, and
 * what a refused chunk costs the connection.
 */
#include <criterion/criterion.h>

#include "common/access.h"
#include "listener/auth.h"
#include "listener/line.h"
#include "test_listener_fixture.h"

static uint32_t u1000[] = { 1000 }, g100[] = { 100 };
static uint32_t u_many[] = { 7, 1000, 1001 }, members[] = { 42 };
#define IDS(a)	{ (a), sizeof(a) / sizeof((a)[0]) }

static const struct access uid_only = {
	.admin = { .on = true, .uids = IDS(u1000) },
};
static const struct access uid_gid = {
	.admin = { .on = true, .uids = IDS(u1000), .check_gid = true,
	    .gids = IDS(g100) },
};
static const struct access any_none = {
	.admin = { .on = true, .any_uid = true },
};
static const struct access any_gid = {
	.admin = { .on = true, .any_uid = true, .check_gid = true,
	    .gids = IDS(g100) },
};
/* docs/protocol.md 9: admin a few uids, read the members of group 100. */
static const struct access levels = {
	.admin = { .on = true, .uids = IDS(u_many) },
	.read = { .on = true, .any_uid = true, .check_gid = true,
	    .gids = IDS(g100), .members = IDS(members) },
};

static bool
one(const struct access *ap, pid_t pid, uid_t uid, gid_t gid)
{
	struct auth_cred c = { .pid = pid, .uid = uid, .gid = gid }, who;

	return auth_check(ap, &c, 1, &who);
}

/* A chunk passes with either level; the worker tells them apart. */
Test(listener_auth, auth_passes_both_levels_and_members)
{
	cr_assert(one(&levels, 5, 7, 5));
	cr_assert(one(&levels, 5, 1001, 5));
	cr_assert(one(&levels, 5, 3, 100), "read: the group's gid");
	cr_assert(one(&levels, 5, 42, 5), "read: a member of the group");
	cr_assert_not(one(&levels, 5, 43, 5));
	cr_assert_not(one(&levels, 0, 42, 100));
	cr_assert_eq(access_of(&levels, 1000, 1), ACCESS_ADMIN);
	cr_assert_eq(access_of(&levels, 1000, 100), ACCESS_ADMIN);
	cr_assert_eq(access_of(&levels, 42, 1), ACCESS_READ);
	cr_assert_eq(access_of(&levels, 2, 100), ACCESS_READ);
	cr_assert_eq(access_of(&levels, 0, 0), ACCESS_ADMIN);
	cr_assert_eq(access_of(&levels, 0, 1), ACCESS_NONE);
	cr_assert_eq(access_of(&levels, 8, 8), ACCESS_NONE);
}

Test(listener_auth, auth_accepts_matching_uid_without_gid_check)
{
	cr_assert(one(&uid_only, 42, 1000, 1000));
	cr_assert(one(&uid_only, 42, 1000, 5));
}

Test(listener_auth, auth_rejects_other_uid)
{
	cr_assert_not(one(&uid_only, 42, 1001, 1000));
	cr_assert_not(one(&uid_only, 42, 999, 1000));
	cr_assert_not(one(&uid_gid, 42, 1001, 100));
}

Test(listener_auth, auth_rejects_other_gid_when_configured)
{
	cr_assert(one(&uid_gid, 42, 1000, 100));
	cr_assert_not(one(&uid_gid, 42, 1000, 101));
	cr_assert_not(one(&any_gid, 42, 1000, 101));
	cr_assert(one(&any_gid, 42, 7, 100));
}

Test(listener_auth, auth_accepts_root_always)
{
	cr_assert(one(&uid_only, 1, 0, 0));
	cr_assert(one(&uid_gid, 1, 0, 0));
	cr_assert(one(&any_gid, 1, 0, 0));
}

Test(listener_auth, auth_root_uid_with_other_gid_is_no_root)
{
	/* Only uid 0 together with gid 0 is root for the table. */
	cr_assert_not(one(&uid_only, 1, 0, 100));
	cr_assert_not(one(&uid_gid, 1, 0, 100));
	cr_assert_not(one(&uid_gid, 1, 1000, 0));
}

Test(listener_auth, auth_rejects_pid_zero_even_for_root)
{
	cr_assert_not(one(&uid_only, 0, 1000, 1000));
	cr_assert_not(one(&uid_only, 0, 0, 0));
	cr_assert_not(one(&any_none, 0, 1000, 1000));
}

Test(listener_auth, auth_rejects_no_credentials)
{
	struct auth_cred who;

	cr_assert_not(auth_check(&any_none, NULL, 0, &who));
	cr_assert_not(auth_check(&uid_only, NULL, 0, &who));
}

Test(listener_auth, auth_any_uid_and_no_gid_accepts_everyone_with_a_pid)
{
	cr_assert(one(&any_none, 1, 65534, 65534));
	cr_assert(one(&any_none, 99, 1, 2));
}

Test(listener_auth, auth_passes_on_any_credential_and_reports_it)
{
	struct auth_cred cs[3] = {
		{ .pid = 0, .uid = 1000, .gid = 1 },
		{ .pid = 10, .uid = 1001, .gid = 1 },
		{ .pid = 11, .uid = 1000, .gid = 2 },
	}, who = { 0 };

	cr_assert(auth_check(&uid_only, cs, 3, &who));
	cr_assert_eq(who.pid, 11);
	cr_assert_eq(who.uid, 1000);
	cr_assert_eq(who.gid, 2);
	cr_assert_not(auth_check(&uid_only, cs, 2, &who));
}

Test(listener_auth, conn_refused_chunk_gets_auth_and_runs_nothing)
{
	struct fx	 f;
	struct auth_cred other = { .pid = 9, .uid = 1001, .gid = 1000 };

	fx_init(&f);
	fx_feedc(&f, "prompt i\nping\nallow/read+/x\n", 28, &other);
	fx_expect_out(&f, LINE_REPLY_AUTH);
	cr_assert_str_eq(LINE_REPLY_AUTH, "{\"err\":13,\"msg\":\"AUTH\"}\n");
	fx_expect_no_request(&f);
	cr_assert(f.c.closing);
	cr_assert(conn_finished(&f.c));
	cr_assert_not(conn_wants_read(&f.c));
}

Test(listener_auth, conn_chunk_without_credentials_gets_auth)
{
	struct fx	 f;

	fx_init(&f);
	fx_feedc(&f, "ping\n", 5, NULL);
	fx_expect_out(&f, LINE_REPLY_AUTH);
	cr_assert(f.c.closing);
}

Test(listener_auth, conn_authenticates_every_chunk)
{
	struct fx	 f;
	struct auth_cred other = { .pid = 9, .uid = 1001, .gid = 1000 };

	fx_init(&f);
	fx_feed(&f, "prompt i\nping\n");
	fx_expect_out(&f, LINE_REPLY_PONG);
	fx_feedc(&f, "ping\n", 5, &other);
	fx_expect_out(&f, LINE_REPLY_AUTH);
	cr_assert(f.c.closing);
}

Test(listener_auth, conn_auth_reply_waits_for_earlier_worker_replies)
{
	struct fx	 f;
	struct auth_cred other = { .pid = 9, .uid = 1001, .gid = 1000 };

	fx_init(&f);
	fx_feed(&f, "prompt i\nsandbox/read?\n");
	fx_feedc(&f, "ping\n", 5, &other);
	fx_expect_out(&f, "");
	cr_assert_not(conn_finished(&f.c));
	cr_assert_eq(fx_reply(&f, 1, "{\"err\":2,\"msg\":\"x\"}\n"), 0);
	fx_expect_out(&f, "{\"err\":2,\"msg\":\"x\"}\n" LINE_REPLY_AUTH);
	cr_assert(conn_finished(&f.c));
}

Test(listener_auth, conn_forwards_with_credentials_of_completing_chunk)
{
	struct fx	 f;
	struct auth_cred a = { .pid = 11, .uid = 1000, .gid = 5 };
	struct auth_cred b = { .pid = 12, .uid = 1000, .gid = 6 };

	fx_init(&f);
	fx_feedc(&f, "prompt i\nsandbox/", 17, &a);
	fx_feedc(&f, "read?\nlock", 10, &b);
	fx_expect_request(&f, 1, &b, "sandbox/read?", 13);
	fx_feedc(&f, ":on\n", 4, &a);
	fx_expect_request(&f, 2, &a, "lock:on", 7);
}

Test(listener_auth, conn_root_passes_against_other_ipc_uid)
{
	struct fx	 f;
	struct auth_cred root = { .pid = 1, .uid = 0, .gid = 0 };

	fx_init(&f);
	fx_feedc(&f, "ping\n", 5, &root);
	fx_expect_out(&f, LINE_REPLY_PONG);
}
