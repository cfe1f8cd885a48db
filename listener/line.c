/*
 * Dispatch of one line on its first token, as Syd does with
 * split_ascii_whitespace: only an exact token matches, so "ping\0" or
 * "PING" are ordinary commands for the worker.
 */
#include <string.h>

#include "common/utf8.h"
#include "listener/line.h"

/* Bit c is set for each byte c that line_isspace takes. */
#define LINE_SPACES	(1ull << ' ' | 1ull << '\t' | 1ull << '\n' | \
	1ull << '\f' | 1ull << '\r')

/* The longest built-in word, "version": a longer first token is forwarded. */
#define LINE_WORD_MAX	7

bool
line_isspace(uint8_t c)
{
	return c <= ' ' && (LINE_SPACES >> c & 1) != 0;
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
	/* A constant size: the compiler compares in a load or two. */
	return len == strlen(word) && memcmp(tok, word, strlen(word)) == 0;
}

/*
 * Whether one of the 8 bytes at p is below 0x21 (whitespace, or a
 * control byte the loop then looks at): the classic "has a byte less
 * than" word test, exact as a yes or no for a bound up to 0x80.
 */
static bool
line_space_in8(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return ((w - 0x2121212121212121ull) & ~w & 0x8080808080808080ull) != 0;
}

/* The built-in a first token of len (1..LINE_WORD_MAX) bytes names. */
static enum line_kind
line_builtin(const uint8_t *tok, size_t len)
{
	if (line_is(tok, len, "ping"))
		return LINE_PING;
	if (line_is(tok, len, "prompt"))
		return LINE_PROMPT;
	if (line_is(tok, len, "quit") || line_is(tok, len, "exit"))
		return LINE_QUIT;
	if (line_is(tok, len, "pink"))
		return LINE_PINK;
	if (line_is(tok, len, "version"))
		return LINE_VERSION;
	return LINE_FORWARD;
}

void
line_parse(const uint8_t *p, size_t n, struct line_cmd *cmd)
{
	const uint8_t	*tok;
	size_t		 pos = 0, len;

	cmd->arg = NULL;
	cmd->arglen = 0;
	if (!utf8_valid(p, n)) {
		cmd->kind = LINE_BADUTF8;
		return;
	}
	while (pos < n && line_isspace(p[pos]))
		pos++;
	if (pos == n) {
		cmd->kind = LINE_BLANK;
		return;
	}
	/*
	 * Only as far as a built-in word could reach: a command line such
	 * as "sandbox/read?" is known to go to the worker after 8 bytes.
	 */
	tok = p + pos;
	if (n - pos > LINE_WORD_MAX && !line_space_in8(tok)) {
		cmd->kind = LINE_FORWARD;
		return;
	}
	for (len = 0; len <= LINE_WORD_MAX && pos + len < n &&
	    !line_isspace(tok[len]); len++)
		;
	cmd->kind = len > LINE_WORD_MAX ? LINE_FORWARD : line_builtin(tok, len);
	if (cmd->kind == LINE_PROMPT) {
		pos += len;
		if ((len = line_token(p, n, &pos, &tok)) > 0) {
			cmd->arg = tok;
			cmd->arglen = len;
		}
	}
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
