/*
 * Path globs of the policy's rules (docs/commands.md section 3.3).
 *
 *	*	any run of bytes except '/'
 *	**	any run of bytes, '/' included (so do three or more stars,
 *		except in the ending below)
 *	?	one byte except '/'
 *	[...]	one byte of a class: single bytes and ranges "a-z"; '!' or
 *		'^' first negates; ']' first (after any negation) is a
 *		member; a class never matches '/'
 *	\x	the byte x itself, also inside a class
 *	'/' then '***' ending the pattern: the directory itself and
 *		everything below it; "/usr" '/' '***' matches "/usr",
 *		"/usr/", "/usr/bin", not "/usrx"
 *
 * Matching is bytewise and case-sensitive.  A pattern of one of the
 * shapes below GLOB_GENERAL costs a memcmp of its literal head and tail
 * and at most one memchr over the path; any other costs at most
 * glob_info.words 64-bit word steps per path byte (a bit-parallel
 * automaton, 64 pattern tokens to the word): O(len(path) *
 * len(pattern) / 64), whatever the pattern, never backtracking.
 */
#ifndef PRIVCONF_GLOB_H
#define PRIVCONF_GLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a pattern is, read once when its rule is added. */
enum glob_shape {
	GLOB_LITERAL,		/* HEAD: exactly that path */
	GLOB_DIR,		/* HEAD ending in '/', then "***" */
	GLOB_PREFIX,		/* HEAD, then '**' ending the pattern */
	GLOB_STAR_TAIL,		/* HEAD '*' TAIL: no '/' between them */
	GLOB_DSTAR_TAIL,	/* HEAD '**' TAIL: anything between them */
	GLOB_GENERAL,		/* anything else: the automaton */
};

struct glob_info {
	uint8_t		 shape;		/* enum glob_shape */
	uint16_t	 head;		/* bytes of the literal head */
	uint16_t	 tail;		/* bytes of the literal tail */
	/*
	 * The head up to and with its last '/': every path the pattern
	 * matches starts with these bytes, or (GLOB_DIR) is them without
	 * their last '/'.  The rule index files the rule under them.
	 */
	uint16_t	 key;
	uint16_t	 words;		/* GLOB_GENERAL: automaton words */
};

/*
 * A path to match many patterns against, read once: which bytes it
 * holds, numbered in byte order (the automaton keeps one row per byte
 * the path holds, not 256).
 */
struct glob_path {
	const char	*s;
	size_t		 len;
	uint64_t	 present[4];	/* bit c: byte c occurs */
	uint16_t	 below[4];	/* bytes present in the words before */
	uint16_t	 nslot;		/* distinct bytes */
	uint8_t		 slot[256];	/* byte -> its rank among them */
};

/* 0 when pat[0..len) is a well-formed glob (every [ class closed, no
 * trailing lone backslash, len <= PATTERN_MAX), else EINVAL. */
int	glob_check(const char *pat, size_t len);
/* The shape of a pattern that passed glob_check. */
void	glob_analyze(const char *pat, size_t len, struct glob_info *);
/* Read path[0..len) for glob_match_path(); path must outlive gp. */
void	glob_path_init(struct glob_path *gp, const char *path, size_t len);
/*
 * Does the path match pat (docs/commands.md 3.3)?  pat passed
 * glob_check; gi is its glob_analyze.
 */
bool	glob_match_path(const char *pat, size_t patlen,
	    const struct glob_info *gi, const struct glob_path *gp);
/* The same for one pattern and one path, read on the way. */
bool	glob_match(const char *pat, size_t patlen, const char *path,
	    size_t pathlen);

#endif
