/*
 * One reply, framed (frame.h), judged and printed by the rules of
 * privconfctl(1): ACK prints nothing, another msg the msg, version its
 * "version", stat the JSON (indented, or compact with -c) and a newline,
 * stats its text, check "ACTION RULE", an error
 * "privconfctl: COMMAND: NAME: text" on stderr; --raw the reply's bytes.
 */
#ifndef PRIVCONF_CLIENT_REPLY_H
#define PRIVCONF_CLIENT_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client/request.h"

enum reply_status {
	REPLY_OK,
	REPLY_FAILED,	/* {"err":N,...} with N != 0 */
	REPLY_BAD	/* not what our server answers to this command */
};

struct reply_opts {
	bool	raw;		/* --raw */
	bool	compact;	/* -c */
};

/*
 * body[0..len) answered rq (the prompt excluded).  Prints to out and err
 * only when the reply is not REPLY_BAD.
 */
enum reply_status reply_print(const struct request *rq, const uint8_t *body,
	    size_t len, const struct reply_opts *, FILE *out, FILE *err);
/*
 * The message of an error object such as {"err":13,"msg":"AUTH"}\n, the
 * last word of a server that closes: 0 and msg written to out, or -1.
 */
int	reply_last_word(const uint8_t *body, size_t len, FILE *out);

#endif
