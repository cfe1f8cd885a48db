/*
 * client/request.c: what privconfctl refuses to send, and which commands
 * it may pipeline (privconfctl(1), PIPELINING).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "client/request.h"
#include "common/limits.h"

static int
parse(const char *s, struct request *rq)
{
	char	 why[REQUEST_WHY_MAX];

	return request_parse(s, strlen(s), rq, why, sizeof(why));
}

static void
assert_kind(const char *s, enum request_kind kind, bool query)
{
	struct request	 rq;

	cr_assert_eq(parse(s, &rq), 0, "%s refused", s);
	cr_assert_eq(rq.kind, kind, "%s: kind %d", s, rq.kind);
	cr_assert_eq(rq.query, query, "%s: query %d", s, rq.query);
}

static void
assert_refused(const char *s, size_t len, const char *why_has)
{
	struct request	 rq;
	char		 why[REQUEST_WHY_MAX] = "";

	cr_assert_eq(request_parse(s, len, &rq, why, sizeof(why)), -1,
	    "%s accepted", s);
	cr_assert(strstr(why, why_has) != NULL, "why: %s", why);
}

Test(client_request, queries_are_those_that_change_nothing)
{
	assert_kind("sandbox/read?", REQ_MSG, true);
	assert_kind("trace/deny_dotdot?", REQ_MSG, true);
	assert_kind("ping", REQ_MSG, true);
	assert_kind("  ping extra", REQ_MSG, true);
	assert_kind("pink", REQ_MSG, true);
	assert_kind("version", REQ_VERSION, true);
	assert_kind("stat", REQ_STAT, true);
	assert_kind("stats", REQ_STATS, true);
	assert_kind("check/read/etc/passwd", REQ_CHECK, true);
}

Test(client_request, a_question_mark_after_an_operator_is_a_change)
{
	/* The worker's operator is the first of ":?+-^": here "+". */
	assert_kind("allow/read+/tmp/file?", REQ_MSG, false);
	assert_kind("sandbox/read:on?", REQ_MSG, false);
	assert_kind("deny/write-/x?", REQ_MSG, false);
}

Test(client_request, anything_else_is_a_change)
{
	assert_kind("sandbox/read:off", REQ_MSG, false);
	assert_kind("allow/read+/a b", REQ_MSG, false);
	assert_kind("reset", REQ_MSG, false);
	assert_kind("bogus", REQ_MSG, false);
	assert_kind("stat ", REQ_MSG, false);	/* not stat: EINVAL */
	assert_kind("lock:on", REQ_LOCK, false);
	assert_kind("lock:read", REQ_MSG, false);
	assert_kind("check/", REQ_MSG, false);
}

Test(client_request, a_command_fits_one_protocol_line)
{
	char		 line[CTL_CMD_MAX + 2];
	struct request	 rq;
	char		 why[REQUEST_WHY_MAX];

	memset(line, 'a', sizeof(line));
	cr_assert_eq(request_parse(line, CTL_CMD_MAX, &rq, why, sizeof(why)),
	    0);
	cr_assert_eq(rq.len, CTL_CMD_MAX);
	assert_refused(line, CTL_CMD_MAX + 1, "longer than 4094 bytes");
}

Test(client_request, refuses_what_would_break_the_line_or_the_connection)
{
	assert_refused("ping\nping", 9, "newline");
	assert_refused("a\0b", 3, "NUL");
	assert_refused("allow/read+/\xff", 13, "not UTF-8");
	assert_refused("", 0, "blank");
	assert_refused(" \t", 2, "blank");
	assert_refused("prompt i", 8, "prompt mode");
	assert_refused("prompt", 6, "prompt mode");
	assert_refused("quit", 4, "closes the connection");
	assert_refused(" exit", 5, "closes the connection");
}

Test(client_request, lock_on_must_be_last)
{
	struct reqlist	 l = REQLIST_INIT;
	char		 why[REQUEST_WHY_MAX];

	cr_assert_eq(reqlist_add(&l, "ping", 4, why, sizeof(why)), 0);
	cr_assert_eq(reqlist_add(&l, "lock:on", 7, why, sizeof(why)), 0);
	cr_assert_eq(reqlist_check(&l, why, sizeof(why)), 0);
	cr_assert_eq(reqlist_add(&l, "stat", 4, why, sizeof(why)), 0);
	cr_assert_eq(reqlist_check(&l, why, sizeof(why)), -1);
	cr_assert(strstr(why, "lock:on must be the last") != NULL);
	cr_assert_str_eq(l.v[2].line, "stat");
	reqlist_free(&l);
}

Test(client_request, the_list_keeps_its_own_copies)
{
	struct reqlist	 l = REQLIST_INIT;
	char		 why[REQUEST_WHY_MAX], line[32];
	int		 i;

	for (i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "allow/read+/x/%d", i);
		cr_assert_eq(reqlist_add(&l, line, strlen(line), why,
		    sizeof(why)), 0);
	}
	cr_assert_eq(l.n, 100);
	cr_assert_str_eq(l.v[0].line, "allow/read+/x/0");
	cr_assert_str_eq(l.v[99].line, "allow/read+/x/99");
	reqlist_free(&l);
	cr_assert_eq(l.n, 0);
}
