/*
 * docs/protocol.md section 4, one cell of the table per branch.  The bytes are
 * returned, not written, so the caller can queue them behind replies the
 * worker still owes on this connection.
 */
#include <string.h>

#include "listener/prompt.h"

static void
prompt_out(struct prompt_step *st, enum prompt_mode m, const char *s)
{
	st->mode = m;
	st->out = s;
	st->outlen = strlen(s);
}

void
prompt_apply(enum prompt_mode cur, const uint8_t *arg, size_t arglen,
    struct prompt_step *st)
{
	if (arg == NULL) {
		/* Toggle: prompt goes back to interactive, others to prompt. */
		if (cur == PROMPT_PROMPT)
			prompt_out(st, PROMPT_INTERACTIVE, "");
		else
			prompt_out(st, PROMPT_PROMPT, PROMPT_STR);
		return;
	}
	if (arglen == 1 && arg[0] == 'n') {
		/* Nothing now; the next reply closes the connection. */
		prompt_out(st, PROMPT_NONINTERACTIVE, "");
		return;
	}
	if (arglen == 1 && arg[0] == 'i') {
		prompt_out(st, PROMPT_INTERACTIVE, "");
		return;
	}
	if (arglen == 1 && arg[0] == 'p') {
		prompt_out(st, PROMPT_PROMPT, PROMPT_STR);
		return;
	}
	/* Not a reply: it never closes a non-interactive connection. */
	if (cur == PROMPT_PROMPT)
		prompt_out(st, cur, PROMPT_UNKNOWN PROMPT_STR);
	else
		prompt_out(st, cur, PROMPT_UNKNOWN);
}

bool
prompt_shows(enum prompt_mode m)
{
	return m == PROMPT_PROMPT;
}

bool
prompt_closes(enum prompt_mode m)
{
	return m == PROMPT_NONINTERACTIVE;
}

const char *
prompt_mode_name(enum prompt_mode m)
{
	switch (m) {
	case PROMPT_NONINTERACTIVE:
		return "non-interactive";
	case PROMPT_INTERACTIVE:
		return "interactive";
	case PROMPT_PROMPT:
		return "prompt";
	}
	return "unknown";
}
