/* client/complete.c: the words the -i shell offers on Tab. */
#include <criterion/criterion.h>
#include <string.h>

#include "client/complete.h"

static int
has(const struct complete *c, const char *w)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->word[i], w) == 0)
			return 1;
	return 0;
}

static void
words(const char *line, struct complete *c)
{
	complete_word(line, strlen(line), c);
}

Test(client_complete, first_words)
{
	struct complete	 c;

	words("", &c);
	cr_assert(has(&c, "sandbox/") && has(&c, "allow/") &&
	    has(&c, "deny/") && has(&c, "stat") && has(&c, "stats") &&
	    has(&c, "lock:") && has(&c, "ping") && has(&c, "check/"));
	words("sta", &c);
	cr_assert_eq(c.n, 2);
	cr_assert_eq(c.stem, 0);
	cr_assert_eq(complete_common(&c), 4);	/* "stat" */
	words("sa", &c);
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.word[0], "sandbox/");
	words("zz", &c);
	cr_assert_eq(c.n, 0);
}

Test(client_complete, categories_after_sandbox_default_and_actions)
{
	struct complete	 c;

	words("sandbox/re", &c);
	cr_assert_eq(c.stem, 8);
	cr_assert(has(&c, "read") && has(&c, "readdir") && has(&c, "rename"));
	cr_assert(!has(&c, "write"));
	cr_assert_eq(complete_common(&c), 2);
	words("allow/net/c", &c);
	cr_assert_eq(c.stem, 6);
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.word[0], "net/connect");
	words("default/wr", &c);
	cr_assert(has(&c, "write"));
}

Test(client_complete, trace_options_and_lock_states)
{
	struct complete	 c;

	words("trace/deny_", &c);
	cr_assert(has(&c, "deny_dotdot") && has(&c, "deny_tsc"));
	words("lock:", &c);
	cr_assert(has(&c, "on") && has(&c, "read") && has(&c, "drop"));
}

Test(client_complete, nothing_once_an_operator_is_typed)
{
	struct complete	 c;

	words("allow/read+/et", &c);
	cr_assert_eq(c.n, 0);
	words("sandbox/read:o", &c);
	cr_assert_eq(c.n, 0);
}
