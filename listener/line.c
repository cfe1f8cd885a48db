/*
 * Dispatch of one line on its first token, as Syd does with
 * split_ascii_whitespace: only an exact token matches, so "ping\0" or
 * "PING" are ordinary commands for the worker.
 */
#include <string.h>

#include "common/utf8.h"
#include "listener/line.h"

bool
line_isspace(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

size_t
line_token(const uint8_t *p, size_t n, size_t *pos, const uint8_t **tok)
{
	size_t	 i = *pos, start;

	while (i < n && line_isspace(p[i]))
		i++;
	start = i;
	while (i < n && !line_isspace(p[i]))
		i++;
	*pos = i;
	*tok = p + start;
	return i - start;
}

static bool
line_is(const uint8_t *tok, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(tok, word, len) == 0;
}

void
line_parse(const uint8_t *p, size_t n, struct line_cmd *cmd)
{
	const uint8_t	*tok;
	size_t		 pos = 0, len;

	memset(cmd, 0, sizeof(*cmd));
	if (!utf8_valid(p, n)) {
		cmd->kind = LINE_BADUTF8;
		return;
	}
	if ((len = line_token(p, n, &pos, &tok)) == 0)
		cmd->kind = LINE_BLANK;
	else if (line_is(tok, len, "prompt")) {
		cmd->kind = LINE_PROMPT;
		if ((len = line_token(p, n, &pos, &tok)) > 0) {
			cmd->arg = tok;
			cmd->arglen = len;
		}
	} else if (line_is(tok, len, "quit") || line_is(tok, len, "exit"))
		cmd->kind = LINE_QUIT;
	else if (line_is(tok, len, "ping"))
		cmd->kind = LINE_PING;
	else if (line_is(tok, len, "pink"))
		cmd->kind = LINE_PINK;
	else if (line_is(tok, len, "version"))
		cmd->kind = LINE_VERSION;
	else
		cmd->kind = LINE_FORWARD;
}

const char *
line_kind_name(enum line_kind k)
{
	switch (k) {
	case LINE_BADUTF8:
		return "badutf8";
	case LINE_BLANK:
		return "blank";
	case LINE_PROMPT:
		return "prompt";
	case LINE_QUIT:
		return "quit";
	case LINE_PING:
		return "ping";
	case LINE_PINK:
		return "pink";
	case LINE_VERSION:
		return "version";
	case LINE_FORWARD:
		return "forward";
	}
	return "unknown";
}
