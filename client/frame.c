/*
 * The prompt-mode framer of frame.h: a small state machine over bytes,
 * one byte at a time inside JSON (strings and brackets), memchr through
 * the text of stats.
 */
#include <string.h>

#include "client/frame.h"
#include "common/limits.h"

void
frame_begin(struct frame *f, enum frame_expect expect)
{
	memset(f, 0, sizeof(*f));
	f->expect = expect;
	f->st = FRAME_S_START;
}

size_t
frame_len(const struct frame *f)
{
	return f->pos;
}

/* One byte of a JSON value; false when it cannot be ours. */
static bool
json_byte(struct frame *f, uint8_t c)
{
	if (f->in_str) {
		if (f->esc)
			f->esc = false;
		else if (c == '\\')
			f->esc = true;
		else if (c == '"')
			f->in_str = false;
		else if (c < 0x20)
			return false;	/* JSON escapes control bytes */
		return true;
	}
	switch (c) {
	case '"':
		f->in_str = true;
		break;
	case '{':
	case '[':
		if (++f->depth > CTL_JSON_DEPTH_MAX)
			return false;
		break;
	case '}':
	case ']':
		if (--f->depth == 0)
			f->st = FRAME_S_AFTER;
		break;
	case '\n':
		return false;	/* compact JSON has no newline */
	}
	return true;
}

/* The text of stats: up to the first "\n; ". */
static enum frame_result
scan_text(struct frame *f, const uint8_t *p, size_t n)
{
	const uint8_t	*nl;

	while (f->pos < n) {
		nl = memchr(p + f->pos, '\n', n - f->pos);
		if (nl == NULL) {
			f->pos = n;
			return FRAME_MORE;
		}
		f->pos = (size_t)(nl - p);
		if (n - f->pos < 3)
			return FRAME_MORE;
		if (nl[1] == ';' && nl[2] == ' ') {
			f->body = f->pos + 1;
			f->pos += 3;
			return FRAME_DONE;
		}
		f->pos++;
	}
	return FRAME_MORE;
}

static enum frame_result
scan(struct frame *f, const uint8_t *p, size_t n)
{
	uint8_t	 c;

	while (f->pos < n) {
		if (f->st == FRAME_S_TEXT)
			return scan_text(f, p, n);
		c = p[f->pos];
		switch (f->st) {
		case FRAME_S_START:
			if (c == '{')
				f->st = FRAME_S_JSON;
			else if (c == ';' && f->expect == FRAME_PROMPT) {
				f->st = FRAME_S_PROMPT;
				f->body = 0;
				f->pos++;
				continue;
			} else if (f->expect == FRAME_TEXT && c != ';')
				f->st = FRAME_S_TEXT;
			else
				return FRAME_BAD;
			continue;
		case FRAME_S_JSON:
			if (!json_byte(f, c))
				return FRAME_BAD;
			break;
		case FRAME_S_AFTER:
			f->body = f->pos + (c == '\n');
			if (c == '\n')
				f->st = FRAME_S_NEWLINE;
			else if (c == ';')
				f->st = FRAME_S_PROMPT;
			else
				return FRAME_BAD;
			break;
		case FRAME_S_NEWLINE:
			if (c != ';')
				return FRAME_BAD;
			f->st = FRAME_S_PROMPT;
			break;
		case FRAME_S_PROMPT:
			if (c != ' ')
				return FRAME_BAD;
			f->pos++;
			return FRAME_DONE;
		case FRAME_S_TEXT:
			break;
		}
		f->pos++;
	}
	return FRAME_MORE;
}

enum frame_result
frame_scan(struct frame *f, const uint8_t *p, size_t n)
{
	enum frame_result r;

	r = scan(f, p, n);
	if (r == FRAME_MORE && f->pos > CTL_REPLY_MAX)
		return FRAME_BIG;
	return r;
}

enum frame_eof
frame_at_eof(const struct frame *f, size_t n)
{
	if (n == 0)
		return FRAME_EOF_CLEAN;
	if (f->st == FRAME_S_NEWLINE && f->pos == n)
		return FRAME_EOF_LAST;
	return FRAME_EOF_CUT;
}
