/* Access levels (common/access.c): id lists and the level of credentials. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "common/access.h"
#include "common/contract.h"
#include "common/limits.h"

Test(access, lists_parse_sorted_once_and_format_back)
{
	struct access_ids s;
	char	*t;

	cr_assert_eq(access_ids_parse("1001,7,1001,4294967294,0", 8, &s), 0);
	cr_assert_eq(s.n, 4);
	t = access_ids_format(&s);
	cr_assert_str_eq(t, "0,7,1001,4294967294");
	free(t);
	cr_assert(access_ids_has(&s, 7));
	cr_assert(!access_ids_has(&s, 8));
	cr_assert_eq(access_ids_add(&s, 8), 0);
	cr_assert_eq(access_ids_add(&s, 8), 0);
	cr_assert_eq(s.n, 5);
	cr_assert(access_ids_has(&s, 8));
	access_ids_free(&s);
	cr_assert_eq(s.n, 0);
}

Test(access, bad_lists_are_refused_and_allocate_nothing)
{
	static const char *const bad[] = { "", ",", "1,", ",1", "1,,2",
	    "4294967295", "-1", "+1", " 1", "1 ", "a", "0x1", "1;2" };
	struct access_ids s;
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(access_ids_parse(bad[i], 8, &s), -1, "%s",
		    bad[i]);
		cr_assert_null(s.v);
	}
	/* At the limit and one past it. */
	cr_assert_eq(access_ids_parse("1,2,3", 3, &s), 0);
	access_ids_free(&s);
	cr_assert_eq(access_ids_parse("1,2,3,4", 3, &s), -1);
}

/* The children read the lists privconfd wrote: contract_access(). */
Test(access, contract_lists_make_the_levels)
{
	struct contract_args a;
	struct access	 acc;

	contract_args_init(&a);
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_NUM, "1000,1001" };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	a.read_gid = (struct contract_ids){ CONTRACT_ID_NUM, "50" };
	a.read_members = (struct contract_ids){ CONTRACT_ID_NUM, "7" };
	cr_assert_eq(contract_access(&a, &acc), 0);
	cr_assert_eq(access_of(&acc, 1001, 5), ACCESS_ADMIN);
	cr_assert_eq(access_of(&acc, 9, 50), ACCESS_READ);
	cr_assert_eq(access_of(&acc, 7, 9), ACCESS_READ);
	cr_assert_eq(access_of(&acc, 9, 9), ACCESS_NONE);
	cr_assert_eq(access_of(&acc, 0, 0), ACCESS_ADMIN);
	cr_assert(acc.read.any_uid);
	access_free(&acc);
	/* No read option at all: nobody reads. */
	contract_args_init(&a);
	a.ipc_uid = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	a.ipc_gid = (struct contract_ids){ CONTRACT_ID_NUM, "50" };
	cr_assert_eq(contract_access(&a, &acc), 0);
	cr_assert(!acc.read.on);
	cr_assert_eq(access_of(&acc, 1, 50), ACCESS_ADMIN);
	cr_assert_eq(access_of(&acc, 1, 51), ACCESS_NONE);
	access_free(&acc);
}

/* A child refuses a list it did not get whole. */
Test(access, children_refuse_bad_lists)
{
	char	 err[256];
	struct contract_args a;
	char	*w1[] = { "w", "--ipc-addr", "@a", "--ipc-uid", "1,,2",
	    "--ipc-gid", "none", NULL };
	char	*w2[] = { "w", "--ipc-addr", "@a", "--ipc-uid", "any",
	    "--ipc-gid", "none", "--read-gid", "any", NULL };
	char	*w3[] = { "w", "--ipc-addr", "@a", "--ipc-uid", "any",
	    "--ipc-gid", "none", "--read-uid", "any", "--read-members",
	    "1,2", NULL };

	cr_assert_eq(contract_parse(CONTRACT_WORKER, 7, w1, &a, err,
	    sizeof(err)), -1);
	cr_assert_eq(contract_parse(CONTRACT_WORKER, 9, w2, &a, err,
	    sizeof(err)), -1, "read-gid has no word");
	cr_assert_eq(contract_parse(CONTRACT_WORKER, 11, w3, &a, err,
	    sizeof(err)), 0, "%s", err);
}
