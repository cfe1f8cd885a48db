/*
 * The output rules of reply.h.  The shape of a reply is checked against
 * its command before anything is printed, so bytes from something that
 * is not our server print nothing and end the run (exit 3).
 */
#include <string.h>

#include "client/json.h"
#include "client/jsonfmt.h"
#include "client/reply.h"

/* An error object: 0 and *err (may be 0 for success), -1 if none. */
static int
err_of(const struct json_obj *o, int *err)
{
	const struct json_field	*f;

	if ((f = json_get(o, "err")) == NULL)
		return -1;
	return json_int(f, err);
}

static bool
is_string(const struct json_field *f)
{
	return f != NULL && f->vallen >= 2 && f->val[0] == '"';
}

static bool
field_is(const struct json_field *f, const char *s)
{
	size_t	 len = strlen(s);

	return f != NULL && f->vallen == len + 2 &&
	    memcmp(f->val + 1, s, len) == 0;
}

static enum reply_status
print_failure(const struct request *rq, const struct json_obj *o,
    FILE *out, FILE *err)
{
	const struct json_field	*msg = json_get(o, "msg");

	if (!is_string(msg))
		return REPLY_BAD;
	/* stdout first, so a terminal shows both in the order they came. */
	fflush(out);
	fprintf(err, "privconfctl: %s: ", rq->line);
	json_string(msg, err);
	putc('\n', err);
	fflush(err);
	return REPLY_FAILED;
}

/* A success object, or REPLY_BAD; out is NULL to check only. */
static enum reply_status
print_object(const struct request *rq, const struct json_obj *o,
    const uint8_t *p, size_t n, const struct reply_opts *opt, FILE *out)
{
	const struct json_field	*f, *g;

	switch (rq->kind) {
	case REQ_STAT:
		if (out == NULL)
			return REPLY_OK;
		if (opt->compact)
			fwrite(p, 1, n, out);
		else if (jsonfmt_indent(p, n, out) == -1)
			return REPLY_BAD;
		putc('\n', out);
		return REPLY_OK;
	case REQ_VERSION:
		if (!is_string(f = json_get(o, "version")))
			return REPLY_BAD;
		if (out != NULL) {
			json_string(f, out);
			putc('\n', out);
		}
		return REPLY_OK;
	case REQ_CHECK:
		f = json_get(o, "action");
		g = json_get(o, "rule");
		if (!is_string(f) || !is_string(g))
			return REPLY_BAD;
		if (out != NULL) {
			json_string(f, out);
			putc(' ', out);
			json_string(g, out);
			putc('\n', out);
		}
		return REPLY_OK;
	case REQ_MSG:
	case REQ_LOCK:
		if (!is_string(f = json_get(o, "msg")))
			return REPLY_BAD;
		if (out != NULL && !field_is(f, "ACK")) {
			json_string(f, out);
			putc('\n', out);
		}
		return REPLY_OK;
	case REQ_STATS:
	case REQ_PROMPT:
		break;
	}
	return REPLY_BAD;
}

/*
 * What the reply means, printing nothing: REPLY_FAILED with *o filled
 * for an error object.
 */
static enum reply_status
judge(const struct request *rq, const uint8_t *body, size_t len,
    struct json_obj *o, size_t *objlen)
{
	bool	 nl, has_err;
	int	 e;

	if (rq->kind == REQ_PROMPT || len == 0)
		return rq->kind == REQ_PROMPT && len == 0 ? REPLY_OK :
		    REPLY_BAD;
	if (body[0] != '{')
		return rq->kind == REQ_STATS && body[len - 1] == '\n' ?
		    REPLY_OK : REPLY_BAD;
	nl = body[len - 1] == '\n';
	*objlen = len - nl;
	if (json_object(body, *objlen, o) == -1)
		return REPLY_BAD;
	if (err_of(o, &e) == 0 && e != 0)
		return nl && is_string(json_get(o, "msg")) ? REPLY_FAILED :
		    REPLY_BAD;
	/* Only stat comes without a newline; an error never does. */
	if (nl == (rq->kind == REQ_STAT))
		return REPLY_BAD;
	/* stat and version carry no "err"; every other reply "err":0. */
	has_err = json_get(o, "err") != NULL;
	if (has_err == (rq->kind == REQ_STAT || rq->kind == REQ_VERSION) ||
	    (has_err && err_of(o, &e) == -1))
		return REPLY_BAD;
	return print_object(rq, o, body, *objlen, NULL, NULL);
}

enum reply_status
reply_print(const struct request *rq, const uint8_t *body, size_t len,
    const struct reply_opts *opt, FILE *out, FILE *err)
{
	struct json_obj		 o;
	enum reply_status	 st;
	size_t			 objlen = 0;

	st = judge(rq, body, len, &o, &objlen);
	if (st == REPLY_BAD || rq->kind == REQ_PROMPT)
		return st;
	if (opt->raw) {
		fwrite(body, 1, len, out);
		return st;
	}
	if (st == REPLY_FAILED)
		return print_failure(rq, &o, out, err);
	if (body[0] != '{') {
		fwrite(body, 1, len, out);
		return REPLY_OK;
	}
	return print_object(rq, &o, body, objlen, opt, out);
}

int
reply_last_word(const uint8_t *body, size_t len, FILE *out)
{
	struct json_obj	 o;
	int		 e;

	if (len < 2 || body[len - 1] != '\n' ||
	    json_object(body, len - 1, &o) == -1 || err_of(&o, &e) == -1 ||
	    e == 0 || !is_string(json_get(&o, "msg")))
		return -1;
	json_string(json_get(&o, "msg"), out);
	return 0;
}
