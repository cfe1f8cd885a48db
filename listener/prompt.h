/*
 * The HAProxy-style modes of a connection (docs/protocol.md 4) as a pure state
 * machine: the mode, the `prompt` command, and what a reply implies.
 */
#ifndef PRIVCONF_LISTENER_PROMPT_H
#define PRIVCONF_LISTENER_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prompt_mode {
	PROMPT_NONINTERACTIVE = 0,	/* new: one reply, then close */
	PROMPT_INTERACTIVE,
	PROMPT_PROMPT,
};

#define PROMPT_STR	"; "
#define PROMPT_LEN	(sizeof(PROMPT_STR) - 1)
#define PROMPT_UNKNOWN	"Unknown prompt mode!\n"

/* The outcome of one `prompt` command: the new mode and the bytes to write. */
struct prompt_step {
	enum prompt_mode	 mode;
	const char		*out;
	size_t			 outlen;
};

/*
 * Apply `prompt ARG`; arg NULL is the bare `prompt` (toggle).  Only the
 * second token of the line counts, as in Syd.
 */
void	prompt_apply(enum prompt_mode, const uint8_t *arg, size_t arglen,
	    struct prompt_step *);
/* After a reply (ping, pink, version, forwarded line): write "; "? */
bool	prompt_shows(enum prompt_mode);
/* After a reply: close once everything is flushed? */
bool	prompt_closes(enum prompt_mode);
const char *prompt_mode_name(enum prompt_mode);

#endif
