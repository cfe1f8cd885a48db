/*
 * The commands privconfctl sends: each checked before anything is sent,
 * and classified by the shape of its reply and by whether it can change
 * the policy (privconfctl(1), PIPELINING).
 */
#ifndef PRIVCONF_CLIENT_REQUEST_H
#define PRIVCONF_CLIENT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

enum request_kind {
	REQ_MSG,	/* {"err":N,"msg":"..."}\n: ping, queries, changes */
	REQ_VERSION,	/* {"major":3,"minor":1,"version":"3.1"}\n */
	REQ_STAT,	/* compact JSON, no \n */
	REQ_STATS,	/* text ending in \n */
	REQ_CHECK,	/* {"err":0,"action":"...","rule":"..."}\n */
	REQ_LOCK,	/* lock:on: no reply, the server closes */
	REQ_PROMPT	/* "prompt p", ours only: the prompt alone */
};

struct request {
	char			*line;	/* NUL-terminated, no \n */
	size_t			 len;
	enum request_kind	 kind;
	bool			 query;	/* changes nothing */
};

struct reqlist {
	struct request	*v;
	size_t		 n;
	size_t		 cap;
};

#define REQLIST_INIT	{ NULL, 0, 0 }
#define REQUEST_WHY_MAX	128

/*
 * Classify line[0..len).  0, or -1 with the reason in why (a usage error:
 * too long, a newline, not UTF-8, blank, or a command that would break
 * the connection privconfctl relies on).  rq->line is left NULL.
 */
int	request_parse(const char *line, size_t len, struct request *rq,
	    char *why, size_t whylen);
/* Parse and append a copy of line; -1 with why set, or errno ENOMEM. */
int	reqlist_add(struct reqlist *, const char *line, size_t len,
	    char *why, size_t whylen);
/* Rules between commands: lock:on ends IPC, so it must come last. */
int	reqlist_check(const struct reqlist *, char *why, size_t whylen);
void	reqlist_free(struct reqlist *);

#endif
