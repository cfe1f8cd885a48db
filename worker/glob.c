/*
 * Glob matching for path rules (docs/commands.md section 3.3).
 *
 * A pattern is read as a nondeterministic automaton whose states are byte
 * offsets into the pattern: state o means "every token before offset o has
 * matched".  The path is fed one byte at a time to the whole set of live
 * states, so the cost is at most O(len(path) * len(pattern)) for every
 * pattern.  The textbook two-pointer algorithm is linear for '*' alone,
 * but with '**' it has to restart the '*' search after every '**'
 * extension, which a hostile pattern such as "**a*aaaa...ab/" turns into
 * O(len(path)^2 * len(pattern)); a rule author can be any client allowed
 * on the socket, so the worst case is what counts.
 *
 * The pattern is never copied or compiled: the state sets are two bitmaps
 * on the stack, PATTERN_MAX + 1 bits each.  Before the automaton runs,
 * the literal head and tail of the pattern are compared with memcmp, and
 * a live '**' that ends the pattern accepts at once: most rules are
 * "/dir/..." and most paths miss, so most calls stop there.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "worker/glob.h"

#define NOSTATE		SIZE_MAX
#define SET_WORDS	((PATTERN_MAX + 1 + 63) / 64)

struct stateset {
	uint64_t	w[SET_WORDS];
};

/* Read one class member byte at *i, honouring '\'; -1 if the \ is last. */
static int
class_byte(const char *pat, size_t len, size_t *i, unsigned char *b)
{
	if (pat[*i] == '\\') {
		if (*i + 1 >= len)
			return -1;
		*b = (unsigned char)pat[*i + 1];
		*i += 2;
	} else {
		*b = (unsigned char)pat[*i];
		*i += 1;
	}
	return 0;
}

/*
 * Scan the class starting at pat[o] == '['.  Returns -1 when it is never
 * closed, else whether byte c (-1: none) is in it; *endp is the offset
 * just past the closing ']'.  A reversed range such as "z-a" holds
 * nothing, as in fnmatch(3).  A class never matches '/', negated or not:
 * like '?', it stands for one byte of a single path component.
 */
static int
class_scan(const char *pat, size_t len, size_t o, int c, size_t *endp)
{
	size_t		i = o + 1;
	unsigned char	lo, hi;
	int		neg = 0, hit = 0, first = 1;

	if (i < len && (pat[i] == '!' || pat[i] == '^')) {
		neg = 1;
		i++;
	}
	for (;;) {
		if (i >= len)
			return -1;
		if (pat[i] == ']' && !first)
			break;
		first = 0;
		if (class_byte(pat, len, &i, &lo) == -1)
			return -1;
		hi = lo;
		/* A '-' just before the closing ']' is a member. */
		if (i + 1 < len && pat[i] == '-' && pat[i + 1] != ']') {
			i++;
			if (class_byte(pat, len, &i, &hi) == -1)
				return -1;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	*endp = i + 1;
	return c != '/' && c != -1 && hit != neg;
}

int
glob_check(const char *pat, size_t len)
{
	size_t	o, end;

	if (len > PATTERN_MAX)
		return EINVAL;
	for (o = 0; o < len; ) {
		switch (pat[o]) {
		case '\\':
			if (o + 1 >= len)
				return EINVAL;
			o += 2;
			break;
		case '[':
			if (class_scan(pat, len, o, -1, &end) == -1)
				return EINVAL;
			o = end;
			break;
		default:
			o++;
			break;
		}
	}
	return 0;
}

/* Offset just past the token at pat[o], or NOSTATE for a broken one. */
static size_t
tok_end(const char *pat, size_t len, size_t o)
{
	size_t	end;

	switch (pat[o]) {
	case '\\':
		return o + 1 < len ? o + 2 : NOSTATE;
	case '[':
		return class_scan(pat, len, o, -1, &end) == -1 ? NOSTATE : end;
	case '*':
		while (o < len && pat[o] == '*')
			o++;
		return o;
	default:
		return o + 1;
	}
}

/*
 * For a pattern ending in '/' '***', the offset of that slash token (a
 * bare '/' or an escaped "\/"); NOSTATE otherwise.  Exactly three stars:
 * "/usr/" followed by four stars is "/usr/" '**' like any other run.  The
 * walk from the start is what tells a slash token from the second byte of
 * an escape or from a class member.
 */
static size_t
dir_suffix(const char *pat, size_t len)
{
	size_t	o, end;

	if (len < 4 || pat[len - 4] != '/' ||
	    memcmp(pat + len - 3, "***", 3) != 0)
		return NOSTATE;
	for (o = 0; o < len - 3; o = end) {
		if ((end = tok_end(pat, len, o)) == NOSTATE)
			return NOSTATE;
		if (end == len - 3)
			return o;	/* "/" at len - 4 or "\/" at len - 5 */
	}
	return NOSTATE;
}

/*
 * Add state o and, since a star run may match nothing, the state past it.
 * Returns 1 when o is a '**' run that ends the pattern: from there every
 * remaining path matches, so the caller can stop reading.
 */
static int
set_add(struct stateset *s, const char *pat, size_t len, size_t o)
{
	size_t	end;

	s->w[o / 64] |= UINT64_C(1) << (o % 64);
	if (o < len && pat[o] == '*') {
		end = tok_end(pat, len, o);
		s->w[end / 64] |= UINT64_C(1) << (end % 64);
		return end == len && end - o >= 2;
	}
	return 0;
}

static int
set_has(const struct stateset *s, size_t o)
{
	return (s->w[o / 64] >> (o % 64)) & 1;
}

/* Bytes with a meaning of their own in a pattern. */
static int
special(char c, int with_bracket)
{
	switch (c) {
	case '*':
	case '?':
	case '[':
	case '\\':
		return 1;
	case ']':
		return with_bracket;
	default:
		return 0;
	}
}

/* How many bytes at the start of the pattern stand only for themselves. */
static size_t
literal_prefix(const char *pat, size_t len)
{
	size_t	n;

	for (n = 0; n < len && !special(pat[n], 0); n++)
		;
	return n;
}

/*
 * How many bytes at the end of the pattern, after lo, stand only for
 * themselves.  Stopping at ']' keeps a class out.  The run may start with
 * the byte of a "\\x" escape, which is harmless: escaping a byte that is
 * not special leaves it meaning itself.
 */
static size_t
literal_suffix(const char *pat, size_t len, size_t lo)
{
	size_t	n;

	for (n = 0; n < len - lo && !special(pat[len - 1 - n], 1); n++)
		;
	return n;
}

/* The state reached from state o on byte c, or NOSTATE. */
static size_t
step(const char *pat, size_t len, size_t o, unsigned char c)
{
	size_t	end;
	int	r;

	switch (pat[o]) {
	case '*':
		end = tok_end(pat, len, o);
		if (end - o == 1 && c == '/')
			return NOSTATE;
		return o;
	case '?':
		return c != '/' ? o + 1 : NOSTATE;
	case '[':
		r = class_scan(pat, len, o, c, &end);
		return r == 1 ? end : NOSTATE;
	case '\\':
		if (o + 1 < len && (unsigned char)pat[o + 1] == c)
			return o + 2;
		return NOSTATE;
	default:
		return (unsigned char)pat[o] == c ? o + 1 : NOSTATE;
	}
}

/*
 * Feed byte c to every state of cur, giving nxt.  Returns 1 when every
 * path from here matches, -1 when no state is left, else 0.
 */
static int
advance(const struct stateset *cur, struct stateset *nxt, size_t nw,
    const char *pat, size_t len, unsigned char c)
{
	uint64_t	bits;
	size_t		w, o, to;
	int		live = 0;

	memset(nxt->w, 0, nw * sizeof(nxt->w[0]));
	for (w = 0; w < nw; w++) {
		for (bits = cur->w[w]; bits != 0; bits &= bits - 1) {
			o = w * 64 + (size_t)__builtin_ctzll(bits);
			/* The whole pattern matched, yet bytes remain. */
			if (o == len)
				continue;
			if ((to = step(pat, len, o, c)) == NOSTATE)
				continue;
			if (set_add(nxt, pat, len, to))
				return 1;
			live = 1;
		}
	}
	return live ? 0 : -1;
}

bool
glob_match(const char *pat, size_t patlen, const char *path, size_t pathlen)
{
	struct stateset	 a, b, *cur = &a, *nxt = &b, *tmp;
	size_t		 nw, i, base, lit, tail;
	int		 r;

	/* Past the limit the state set would not fit; glob_check refused it. */
	if (patlen > PATTERN_MAX)
		return false;
	base = dir_suffix(pat, patlen);

	/*
	 * Most rules start with a literal directory and many end with a
	 * literal name: compare those at once, which settles most misses
	 * without running the automaton.  The prefix stops at the slash of
	 * a '/' '***' ending, since that slash is optional in the path.
	 */
	lit = literal_prefix(pat, patlen);
	if (base != NOSTATE && lit > base)
		lit = base;
	if (pathlen < lit || memcmp(pat, path, lit) != 0)
		return false;
	if (lit == patlen)
		return pathlen == patlen;
	tail = literal_suffix(pat, patlen, lit);
	if (pathlen - lit < tail ||
	    memcmp(pat + patlen - tail, path + pathlen - tail, tail) != 0)
		return false;

	nw = patlen / 64 + 1;
	memset(cur->w, 0, nw * sizeof(cur->w[0]));
	if (set_add(cur, pat, patlen, lit))
		return true;
	for (i = lit; i < pathlen; i++) {
		r = advance(cur, nxt, nw, pat, patlen, (unsigned char)path[i]);
		if (r != 0)
			return r > 0;
		tmp = cur;
		cur = nxt;
		nxt = tmp;
	}
	if (set_has(cur, patlen))
		return true;
	return base != NOSTATE && set_has(cur, base);
}
