/*
 * Every row of docs/commands.md section 6, through cmd_exec() with CMD_IPC,
 * each on a fresh policy (one connection each, from the initial state).
 * The reply bytes are built as the session builds them: errtab_reply()
 * of the result, or nothing at all after lock:on.
 */
#include "tests/unit/test_worker_util.h"

#define ACK	"{\"err\":0,\"msg\":\"ACK\"}\n"
#define NOENT	"{\"err\":2,\"msg\":\"ENOENT: No such file or directory\"}\n"
#define INVAL	"{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n"
#define BUSY	"{\"err\":16,\"msg\":\"EBUSY: Device or resource busy\"}\n"
#define PERM	"{\"err\":1,\"msg\":\"EPERM: Operation not permitted\"}\n"

/* The reply a client gets for line; "" when there is none. */
static char *
reply(struct policy *p, const char *line)
{
	struct buf	 out = BUF_INIT, r = BUF_INIT;
	struct cmd_result res;
	char		*s;

	cmd_exec(p, (const uint8_t *)line, strlen(line), CMD_IPC, &out, &res);
	if (res.output)
		cr_assert_eq(buf_append(&r, out.data, out.len), 0);
	else if (!res.locked)
		cr_assert_eq(errtab_reply(&r, res.err), 0);
	s = calloc(1, r.len + 1);
	cr_assert_not_null(s);
	if (r.len > 0)
		memcpy(s, r.data, r.len);
	buf_free(&out);
	buf_free(&r);
	return s;
}

static void
expect(struct policy *p, const char *line, const char *want)
{
	char	*got = reply(p, line);

	cr_assert_str_eq(got, want, "%s", line);
	free(got);
}

struct example {
	const char	*before;	/* a line sent first, or NULL */
	const char	*before_reply;
	const char	*line;
	const char	*reply;
	const char	*frag;		/* stat holds it afterwards, or NULL */
};

Test(worker_examples, every_row_of_section_6)
{
	static const struct example t[] = {
		{ NULL, NULL, "sandbox/read:off", ACK,
		  "\"stat\":true,\"read\":false," },
		{ "sandbox/read:off", ACK, "sandbox/read?", NOENT, NULL },
		{ NULL, NULL, "sandbox/mem?", NOENT, NULL },
		{ NULL, NULL, "sandbox/bogus:on", INVAL, NULL },
		{ NULL, NULL, "default/write,exec:kill", ACK,
		  "\"write\":\"kill\",\"exec\":\"kill\"" },
		{ NULL, NULL, "allow/read+/usr/***", ACK,
		  "\"rules\":[{\"act\":\"allow\",\"cap\":\"read\","
		  "\"pat\":\"/usr/***\"}]" },
		{ NULL, NULL, "allow/read+usr/***", INVAL, NULL },
		{ NULL, NULL, "allow/net/connect+loopback!80", ACK,
		  "\"rules\":[{\"act\":\"allow\",\"cap\":\"net/connect\","
		  "\"pat\":\"127.0.0.0/8!80-80\"},{\"act\":\"allow\","
		  "\"cap\":\"net/connect\",\"pat\":\"::1/128!80-80\"}]" },
		{ NULL, NULL, "allow/net/connect+10.1.2.3/8!1024-65535", ACK,
		  "\"rules\":[{\"act\":\"allow\",\"cap\":\"net/connect\","
		  "\"pat\":\"10.0.0.0/8!1024-65535\"}]" },
		{ NULL, NULL, "allow/net/connect+127.0.0.1", INVAL, NULL },
		{ NULL, NULL, "allow/net/connect+127.0.0.1!70000", INVAL,
		  NULL },
		{ NULL, NULL, "mem/max:1G", ACK, "\"mem_max\":1073741824" },
		{ NULL, NULL, "pid/max:-1", INVAL, NULL },
		{ NULL, NULL, "name/host:box", BUSY, NULL },
		{ "lock:drop", ACK, "allow/read+/tmp/***", PERM, NULL },
		{ "lock:drop", ACK, "deny/read+/tmp/***", ACK,
		  "\"rules\":[{\"act\":\"deny\",\"cap\":\"read\","
		  "\"pat\":\"/tmp/***\"}]" },
		/* lock:on: no reply at all; the session ends the server. */
		{ NULL, NULL, "lock:on", "", NULL },
	};
	struct policy *p;
	size_t	 i;
	char	*before, *after;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = tw_new();
		if (t[i].before != NULL)
			expect(p, t[i].before, t[i].before_reply);
		before = tw_stat(p);
		expect(p, t[i].line, t[i].reply);
		if (t[i].frag != NULL) {
			tw_has(p, t[i].frag);
		} else if (strcmp(t[i].line, "lock:on") != 0) {
			/* An error reply changed nothing. */
			after = tw_stat(p);
			cr_assert_str_eq(after, before, "%s", t[i].line);
			free(after);
		}
		free(before);
		policy_free(p);
	}
}

/* "lock:on: nothing; the IPC server ends": locked, and no more stat. */
Test(worker_examples, lock_on_ends_the_server)
{
	struct policy	*p = tw_new();
	struct buf	 out = BUF_INIT;
	struct cmd_result res;

	cr_assert_eq(cmd_exec(p, (const uint8_t *)"lock:on", 7, CMD_IPC, &out,
	    &res), 0);
	cr_assert(res.locked && res.changed && !res.output);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(cmd_exec(p, (const uint8_t *)"stat", 4, CMD_IPC, &out,
	    &res), EPERM);
	cr_assert_eq(out.len, 0);
	buf_free(&out);
	policy_free(p);
}
