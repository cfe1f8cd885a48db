/*
 * client/reply.c: the output rules of privconfctl(1), byte for byte, and
 * the replies that are not our server's.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/reply.h"

struct printed {
	char			*out;
	char			*err;
	enum reply_status	 st;
};

static struct printed
print(const char *line, const char *body, bool raw, bool compact)
{
	struct reply_opts	 opt = { raw, compact };
	struct request		 rq;
	struct printed		 p;
	char			 why[REQUEST_WHY_MAX];
	size_t			 olen, elen;
	FILE			*out, *err;

	cr_assert_eq(request_parse(line, strlen(line), &rq, why,
	    sizeof(why)), 0);
	rq.line = (char *)line;
	out = open_memstream(&p.out, &olen);
	err = open_memstream(&p.err, &elen);
	cr_assert(out != NULL && err != NULL);
	p.st = reply_print(&rq, (const uint8_t *)body, strlen(body), &opt,
	    out, err);
	fclose(out);
	fclose(err);
	return p;
}

static void
assert_prints(const char *line, const char *body, const char *want_out,
    const char *want_err, enum reply_status want_st)
{
	struct printed	 p = print(line, body, false, false);

	cr_assert_eq(p.st, want_st, "%s: status %d", line, p.st);
	cr_assert_str_eq(p.out, want_out, "%s", line);
	cr_assert_str_eq(p.err, want_err, "%s", line);
	free(p.out);
	free(p.err);
}

static void
assert_bad(const char *line, const char *body)
{
	struct printed	 p = print(line, body, false, false);

	cr_assert_eq(p.st, REPLY_BAD, "%s: \"%s\" taken", line, body);
	cr_assert_str_eq(p.out, "");
	cr_assert_str_eq(p.err, "");
	free(p.out);
	free(p.err);
}

#define ACK	"{\"err\":0,\"msg\":\"ACK\"}\n"

Test(client_reply, ack_prints_nothing)
{
	assert_prints("sandbox/read?", ACK, "", "", REPLY_OK);
	assert_prints("allow/read+/x", ACK, "", "", REPLY_OK);
}

Test(client_reply, another_msg_prints_the_msg)
{
	assert_prints("ping", "{\"err\":0,\"msg\":\"PONG\"}\n", "PONG\n", "",
	    REPLY_OK);
	assert_prints("pink", "{\"err\":0,\"msg\":\"a \\\"b\\\"\\u00e9\"}\n",
	    "a \"b\"\xc3\xa9\n", "", REPLY_OK);
}

Test(client_reply, version_prints_the_version_field)
{
	assert_prints("version", "{\"major\":3,\"minor\":1,"
	    "\"version\":\"3.1\"}\n", "3.1\n", "", REPLY_OK);
}

Test(client_reply, stat_is_indented_and_ends_in_a_newline)
{
	assert_prints("stat", "{\"api\":3,\"rules\":[{\"act\":\"allow\"}],"
	    "\"ioctl\":{\"allow\":[]},\"root\":null}",
	    "{\n"
	    "  \"api\": 3,\n"
	    "  \"rules\": [\n"
	    "    {\n"
	    "      \"act\": \"allow\"\n"
	    "    }\n"
	    "  ],\n"
	    "  \"ioctl\": {\n"
	    "    \"allow\": []\n"
	    "  },\n"
	    "  \"root\": null\n"
	    "}\n", "", REPLY_OK);
}

Test(client_reply, stat_compact_is_as_sent_with_a_newline)
{
	const char	*body = "{\"api\":3,\"x\":[1,2]}";
	struct printed	 p = print("stat", body, false, true);

	cr_assert_eq(p.st, REPLY_OK);
	cr_assert_str_eq(p.out, "{\"api\":3,\"x\":[1,2]}\n");
	free(p.out);
	free(p.err);
}

Test(client_reply, stats_prints_its_text)
{
	assert_prints("stats", "api: 3.1\nlock: ipc\n", "api: 3.1\nlock: ipc\n",
	    "", REPLY_OK);
}

Test(client_reply, check_prints_action_and_rule_unescaped)
{
	assert_prints("check/read/etc/passwd",
	    "{\"err\":0,\"action\":\"deny\",\"rule\":\"deny/read+/etc/***\"}\n",
	    "deny deny/read+/etc/***\n", "", REPLY_OK);
	assert_prints("check/read/a",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/a\\\\b\"}\n",
	    "allow allow/read+/a\\b\n", "", REPLY_OK);
}

Test(client_reply, an_error_is_one_line_on_stderr)
{
	assert_prints("sandbox/read?",
	    "{\"err\":2,\"msg\":\"ENOENT: No such file or directory\"}\n", "",
	    "privconfctl: sandbox/read?: ENOENT: No such file or directory\n",
	    REPLY_FAILED);
	assert_prints("stat", "{\"err\":7,\"msg\":\"E2BIG: Argument list too "
	    "long\"}\n", "", "privconfctl: stat: E2BIG: Argument list too "
	    "long\n", REPLY_FAILED);
	assert_prints("stats", "{\"err\":12,\"msg\":\"ENOMEM: Out of "
	    "memory\"}\n", "", "privconfctl: stats: ENOMEM: Out of memory\n",
	    REPLY_FAILED);
}

Test(client_reply, raw_prints_the_reply_only)
{
	const char	*bodies[][2] = {
		{ "ping", "{\"err\":0,\"msg\":\"PONG\"}\n" },
		{ "stat", "{\"api\":3}" },
		{ "sandbox/read?", "{\"err\":2,\"msg\":\"ENOENT: x\"}\n" },
		{ "stats", "api: 3.1\n" },
	};
	struct printed	 p;
	size_t		 i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		p = print(bodies[i][0], bodies[i][1], true, false);
		cr_assert_neq(p.st, REPLY_BAD);
		cr_assert_str_eq(p.out, bodies[i][1]);
		cr_assert_str_eq(p.err, "");
		free(p.out);
		free(p.err);
	}
}

Test(client_reply, shapes_that_are_not_our_servers_are_bad)
{
	assert_bad("ping", "");
	assert_bad("ping", "PONG\n");
	assert_bad("ping", "{\"err\":0}\n");
	assert_bad("ping", "{\"err\":\"0\",\"msg\":\"PONG\"}\n");
	assert_bad("ping", "{\"err\":0,\"msg\":\"PONG\"}");
	assert_bad("ping", "{\"err\":0,\"msg\":\"PONG\"\n");
	assert_bad("sandbox/read?", "{\"err\":2,\"msg\":3}\n");
	assert_bad("stat", "{\"api\":3}\n");
	assert_bad("stat", "{\"err\":0,\"msg\":\"ACK\"}");
	assert_bad("stat", "api: 3.1\n");
	assert_bad("stats", "{\"err\":0,\"msg\":\"ACK\"}\n");
	assert_bad("version", "{\"err\":0,\"msg\":\"ACK\"}\n");
	assert_bad("version", "{\"major\":3}\n");
	assert_bad("check/read/x", ACK);
}
