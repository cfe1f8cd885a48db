/*
 * One client line (docs/protocol.md 3): UTF-8 check, ASCII-whitespace tokens,
 * and the built-in commands the listener answers itself.
 */
#ifndef PRIVCONF_LISTENER_LINE_H
#define PRIVCONF_LISTENER_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"

#define LINE_STR_(x)	#x
#define LINE_STR(x)	LINE_STR_(x)

#define LINE_REPLY_PONG	"{\"err\":0,\"msg\":\"PONG\"}\n"
#define LINE_REPLY_PINK	"{\"err\":0,\"msg\":\"Change return success. " \
	"Going and coming without error. Action brings good fortune.\"}\n"
#define LINE_REPLY_VERSION	"{\"major\":" LINE_STR(IPC_API_MAJOR) \
	",\"minor\":" LINE_STR(IPC_API_MINOR) ",\"version\":\"" \
	LINE_STR(IPC_API_MAJOR) "." LINE_STR(IPC_API_MINOR) "\"}\n"
#define LINE_REPLY_RATE	"{\"err\":7,\"msg\":\"RATE\"}\n"
#define LINE_REPLY_AUTH	"{\"err\":13,\"msg\":\"AUTH\"}\n"

enum line_kind {
	LINE_BADUTF8,	/* not UTF-8: EINVAL, then close */
	LINE_BLANK,	/* no token at all */
	LINE_PROMPT,
	LINE_QUIT,	/* quit or exit */
	LINE_PING,
	LINE_PINK,
	LINE_VERSION,
	LINE_FORWARD,	/* anything else: the line goes to the worker */
};

struct line_cmd {
	enum line_kind	 kind;
	/* LINE_PROMPT: the second token, NULL if none. */
	const uint8_t	*arg;
	size_t		 arglen;
};

/* Space, \t, \n, \f, \r; not \v (Rust's is_ascii_whitespace). */
bool	line_isspace(uint8_t);
/*
 * The next token of p[0..n) at or after *pos; returns its length (0: no
 * more tokens) and moves *pos past it.
 */
size_t	line_token(const uint8_t *p, size_t n, size_t *pos,
	    const uint8_t **tok);
/* Classify line p[0..n) (without its \n); dispatch is on the first token. */
void	line_parse(const uint8_t *p, size_t n, struct line_cmd *);
const char *line_kind_name(enum line_kind);

#endif
