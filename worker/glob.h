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
 * Matching is bytewise and case-sensitive, and costs at most
 * O(len(path) * len(pattern)) whatever the pattern: no backtracking.
 */
#ifndef PRIVCONF_GLOB_H
#define PRIVCONF_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when pat[0..len) is a well-formed glob (every [ class closed, no
 * trailing lone backslash, len <= PATTERN_MAX), else EINVAL. */
int	glob_check(const char *pat, size_t len);
/*
 * Does path[0..pathlen) match pat (docs/commands.md 3.3)?  pat passed
 * glob_check.
 */
bool	glob_match(const char *pat, size_t patlen, const char *path,
	    size_t pathlen);

#endif
