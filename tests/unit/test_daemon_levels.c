/*
 * daemon/levels.c: names resolved at start, the admin default, what the
 * children are told, and the socket file's owner, group and mode.  Names
 * come from this machine's databases: root and nobody exist on Debian.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "daemon/levels.h"

static struct levels_in
in_of(const char *iu, const char *ig, const char *ru, const char *rg)
{
	struct levels_in in = { .starter = 4242 };

#define IDS(t, w) ((t) == NULL ? (struct contract_ids){ CONTRACT_ID_UNSET, \
	NULL } : strcmp((t), (w)) == 0 ? (struct contract_ids){ \
	CONTRACT_ID_ANY, NULL } : (struct contract_ids){ CONTRACT_ID_NUM, (t) })
	in.ipc_uid = IDS(iu, "any");
	in.ipc_gid = IDS(ig, "none");
	in.read_uid = IDS(ru, "any");
	in.read_gid = IDS(rg, "\n");
#undef IDS
	return in;
}

Test(daemon_levels, the_starter_is_admin_by_default)
{
	struct levels_in in = in_of(NULL, NULL, NULL, NULL);
	struct access	 acc;
	char		 err[256];

	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(access_of(&acc, 4242, 1), ACCESS_ADMIN);
	cr_assert_eq(access_of(&acc, 4243, 1), ACCESS_NONE);
	cr_assert(!acc.read.on);
	access_free(&acc);
	/* A gid alone: any uid of it, not the starter's default. */
	in = in_of(NULL, "77", NULL, NULL);
	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), 0);
	cr_assert_eq(access_of(&acc, 1, 77), ACCESS_ADMIN);
	cr_assert_eq(access_of(&acc, 4242, 1), ACCESS_NONE);
	access_free(&acc);
}

Test(daemon_levels, names_become_numbers_for_the_children)
{
	struct levels_in in = in_of("root,nobody,5", "none", "any", NULL);
	struct contract_args c;
	struct access	 acc;
	char		 err[256];

	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), 0, "%s",
	    err);
	contract_args_init(&c);
	cr_assert_eq(levels_contract(&acc, &c), 0);
	cr_assert_eq(c.ipc_uid.kind, CONTRACT_ID_NUM);
	cr_assert_str_eq(c.ipc_uid.text, "0,5,65534");
	cr_assert_eq(c.ipc_gid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(c.read_uid.kind, CONTRACT_ID_ANY);
	cr_assert_eq(c.read_gid.kind, CONTRACT_ID_UNSET);
	access_free(&acc);
}

Test(daemon_levels, an_unknown_name_is_named)
{
	struct levels_in in = in_of("root,privconf-no-such-user", NULL, NULL,
	    NULL);
	struct access	 acc;
	char		 err[256];

	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--ipc-uid: privconf-no-such-user: no such "
	    "user");
	in = in_of(NULL, NULL, NULL, "privconf-no-such-group");
	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "--read-gid: privconf-no-such-group: no such "
	    "group");
}

static struct levels_sock
sock_of(const char *iu, const char *ig, const char *ru, const char *rg)
{
	struct levels_in in = in_of(iu, ig, ru, rg);
	struct levels_sock s;
	struct access	 acc;
	char		 err[256];

	cr_assert_eq(levels_resolve(&in, &acc, err, sizeof(err)), 0, "%s",
	    err);
	levels_socket(&acc, &s);
	access_free(&acc);
	return s;
}

#define SOCK_IS(s, u, g, m) do {					\
	cr_assert_eq((s).uid, (uid_t)(u));				\
	cr_assert_eq((s).gid, (gid_t)(g));				\
	cr_assert_eq((s).mode, (mode_t)(m), "mode %04o", (s).mode);	\
} while (0)

Test(daemon_levels, the_narrowest_socket_that_lets_every_level_in)
{
	SOCK_IS(sock_of("5", "none", NULL, NULL), 5, -1, 0600);
	SOCK_IS(sock_of(NULL, "50", NULL, NULL), -1, 50, 0660);
	SOCK_IS(sock_of("5", "none", NULL, "50"), 5, 50, 0660);
	SOCK_IS(sock_of("5", "none", "5", NULL), 5, -1, 0600);
	SOCK_IS(sock_of("5", "none", "6", NULL), -1, -1, 0666);
	SOCK_IS(sock_of("5,6", "none", NULL, NULL), -1, -1, 0666);
	SOCK_IS(sock_of("any", "none", NULL, NULL), -1, -1, 0666);
	SOCK_IS(sock_of(NULL, "50,51", NULL, NULL), -1, -1, 0666);
	/* Both a uid and a gid listed: one uid must match, it owns it. */
	SOCK_IS(sock_of("5", "50", NULL, NULL), 5, -1, 0600);
}
