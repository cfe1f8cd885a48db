/*
 * Where one reply ends.  privconfctl talks in prompt mode (prompt p), so
 * the server writes "; " after every reply, and the stream reads
 *
 *	"; "			the answer to "prompt p"
 *	reply "; "		one per command, in order
 *
 * where a reply is a JSON object, with a "\n" after it except for stat,
 * or the text of stats: lines ending in "\n", none of which can begin
 * with "; " since each begins with a setting's name and control bytes
 * are escaped (worker/stats_text.c).  A JSON object is followed through
 * its strings and brackets, so "; " or "}" inside a string ends nothing.
 * A reply that the server closes after, without a prompt, is how AUTH,
 * RATE and a refused connection arrive.
 *
 * The scanner is resumable: it keeps its place between calls, so a
 * 64 MiB stat arriving in pieces is read once, not once per piece.
 */
#ifndef PRIVCONF_CLIENT_FRAME_H
#define PRIVCONF_CLIENT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What may come next. */
enum frame_expect {
	FRAME_PROMPT,		/* "; " alone, or an object and a close */
	FRAME_OBJECT,		/* a JSON object */
	FRAME_TEXT		/* a JSON object or the text of stats */
};

enum frame_state {
	FRAME_S_START,
	FRAME_S_JSON,
	FRAME_S_AFTER,		/* after the object: "\n; " or "; " */
	FRAME_S_NEWLINE,	/* after the object's "\n": "; " */
	FRAME_S_TEXT,
	FRAME_S_PROMPT		/* ";" read, " " wanted */
};

struct frame {
	enum frame_expect expect;
	enum frame_state  st;
	size_t		  pos;		/* bytes scanned */
	size_t		  depth;	/* open brackets */
	bool		  in_str;
	bool		  esc;
	size_t		  body;		/* reply bytes, no "; " */
};

enum frame_result {
	FRAME_MORE,		/* need more bytes */
	FRAME_DONE,		/* a reply of f->body bytes, then "; " */
	FRAME_BAD,		/* not a reply of our server */
	FRAME_BIG		/* longer than CTL_REPLY_MAX */
};

/* How the stream ended, when the server closes in the middle. */
enum frame_eof {
	FRAME_EOF_CLEAN,	/* between replies */
	FRAME_EOF_LAST,		/* "{...}\n", then close: a last word */
	FRAME_EOF_CUT		/* in the middle of a reply */
};

void	frame_begin(struct frame *, enum frame_expect);
/*
 * Scan p[0..n), the bytes of the current reply and maybe more, from
 * where the last call stopped.  FRAME_DONE: the reply and its prompt
 * take frame_len() bytes.
 */
enum frame_result frame_scan(struct frame *, const uint8_t *p, size_t n);
size_t	frame_len(const struct frame *);
/* The server closed after n bytes of the current reply. */
enum frame_eof frame_at_eof(const struct frame *, size_t n);

#endif
