/*
 * What privconfctl sends, decided before it connects: a command the
 * server would refuse as a line (too long, a newline, not UTF-8) or one
 * that would change the connection under our feet (prompt, quit) is a
 * usage error, so nothing half-done reaches the server.
 *
 * A command is a query when the server cannot change the policy for it;
 * the dispatch is the listener's own (listener/line.c) and the worker's
 * rule that the operator is the first of ":?+-^" (worker/cmd.c).  Anything
 * we are unsure of counts as a change: that only costs a round trip.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/request.h"
#include "common/limits.h"
#include "common/utf8.h"
#include "listener/line.h"

static bool
is_query_op(const char *line, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (memchr(":?+-^", line[i], 5) != NULL)
			break;
	return i + 1 == len && line[i] == '?';
}

static bool
is(const char *line, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(line, word, len) == 0;
}

static void
classify_forward(const char *line, size_t len, struct request *rq)
{
	rq->kind = REQ_MSG;
	rq->query = false;
	if (is(line, len, "stat")) {
		rq->kind = REQ_STAT;
		rq->query = true;
	} else if (is(line, len, "stats")) {
		rq->kind = REQ_STATS;
		rq->query = true;
	} else if (is(line, len, "lock:on"))
		rq->kind = REQ_LOCK;
	else if (len > 6 && memcmp(line, "check/", 6) == 0) {
		rq->kind = REQ_CHECK;
		rq->query = true;
	} else
		rq->query = is_query_op(line, len);
}

int
request_parse(const char *line, size_t len, struct request *rq, char *why,
    size_t whylen)
{
	struct line_cmd	 lc;

	memset(rq, 0, sizeof(*rq));
	if (len > CTL_CMD_MAX) {
		snprintf(why, whylen, "longer than %d bytes", CTL_CMD_MAX);
		return -1;
	}
	if (memchr(line, '\n', len) != NULL || memchr(line, '\0', len)) {
		snprintf(why, whylen, "holds a %s", memchr(line, '\n', len) ?
		    "newline" : "NUL byte");
		return -1;
	}
	line_parse((const uint8_t *)line, len, &lc);
	switch (lc.kind) {
	case LINE_BADUTF8:
		snprintf(why, whylen, "not UTF-8");
		return -1;
	case LINE_BLANK:
		snprintf(why, whylen, "blank");
		return -1;
	case LINE_PROMPT:
		snprintf(why, whylen, "privconfctl sets the prompt mode "
		    "itself");
		return -1;
	case LINE_QUIT:
		snprintf(why, whylen, "privconfctl closes the connection "
		    "itself");
		return -1;
	case LINE_PING:
	case LINE_PINK:
		rq->kind = REQ_MSG;
		rq->query = true;
		break;
	case LINE_VERSION:
		rq->kind = REQ_VERSION;
		rq->query = true;
		break;
	case LINE_FORWARD:
		classify_forward(line, len, rq);
		break;
	}
	rq->len = len;
	return 0;
}

int
reqlist_add(struct reqlist *l, const char *line, size_t len, char *why,
    size_t whylen)
{
	struct request	 rq, *v;
	size_t		 cap;

	if (request_parse(line, len, &rq, why, whylen) == -1)
		return -1;
	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(*v) ||
		    (v = realloc(l->v, cap * sizeof(*v))) == NULL) {
			snprintf(why, whylen, "%s", strerror(ENOMEM));
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	if ((rq.line = malloc(len + 1)) == NULL) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	memcpy(rq.line, line, len);
	rq.line[len] = '\0';
	l->v[l->n++] = rq;
	return 0;
}

int
reqlist_check(const struct reqlist *l, char *why, size_t whylen)
{
	size_t	 i;

	for (i = 0; i + 1 < l->n; i++)
		if (l->v[i].kind == REQ_LOCK) {
			snprintf(why, whylen, "lock:on must be the last "
			    "command: the server closes every connection "
			    "once it is applied");
			return -1;
		}
	return 0;
}

void
reqlist_free(struct reqlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].line);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
