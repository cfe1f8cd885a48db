/*
 * libFuzzer target for path globs (worker/glob.c, docs/commands.md 3.3):
 * the pattern of every path rule a client adds, and every path a check
 * decides.
 *
 * Input: a pattern, then paths, separated by '\n'.  Checked:
 *  - glob_check() accepts exactly the well-formed patterns of glob.h
 *    (every class closed, no lone backslash at the end, PATTERN_MAX
 *    bytes at most), as the reference matcher of tests/unit/glob_ref.h
 *    reads them;
 *  - on short inputs, glob_match() and glob_match_path() (with
 *    glob_analyze's shape) say what the reference matcher says;
 *  - canonicalised (needless escapes dropped, a run of three or more
 *    stars written "**", except the '/' '***' ending), the pattern is
 *    well-formed, canonicalising it again changes nothing (a fixed
 *    point), glob_analyze() finds the same key, and it matches exactly
 *    the paths the original does;
 *  - a path the pattern matches starts with its key (glob_info.key, the
 *    bytes the rule index files it under), or is the key without its
 *    last '/' for the directory ending;
 *  - a witness path built from a pattern without classes ('*' and '?'
 *    as one byte that is not '/', escapes undone) is matched.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"
#include "tests/unit/glob_ref.h"
#include "worker/glob.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_glob: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* The reference matcher is polynomial: keep its inputs short. */
#define REF_MAX		64
#define NPATH_MAX	16

/* Well-formed, as glob_ref.h reads a pattern: classes closed, escapes whole. */
static bool
ref_wellformed(const char *p, size_t pl)
{
	size_t	 i;
	bool	 ok;

	if (pl > PATTERN_MAX)
		return false;
	for (i = 0; i < pl;) {
		if (p[i] == '\\') {
			if (i + 1 >= pl)
				return false;
			i += 2;
		} else if (p[i] == '[') {
			ref_class(p, pl, &i, 0, &ok);
			/* A class member escape may not end the pattern. */
			if (!ok || i > pl)
				return false;
		} else
			i++;
	}
	return true;
}

/* The end of the token at p[i] of a well-formed pattern. */
static size_t
token_end(const char *p, size_t pl, size_t i)
{
	bool	 ok;

	if (p[i] == '\\')
		return i + 2;
	if (p[i] == '[') {
		ref_class(p, pl, &i, 0, &ok);
		return i;
	}
	if (p[i] == '*') {
		while (i < pl && p[i] == '*')
			i++;
		return i;
	}
	return i + 1;
}

static bool
plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	    c == '/';
}

/* The canonical form of a well-formed pattern, into out (len returned). */
static size_t
canon(const char *p, size_t pl, char *out)
{
	size_t	 i, e, o = 0, prev = SIZE_MAX;
	bool	 dir_end;

	for (i = 0; i < pl; prev = i, i = e) {
		e = token_end(p, pl, i);
		if (p[i] == '\\' && plain(p[i + 1])) {
			out[o++] = p[i + 1];
			continue;
		}
		if (p[i] == '*' && e - i >= 3) {
			/* '/' '***' ending: the slash token, then 3 stars. */
			dir_end = e == pl && e - i == 3 && prev != SIZE_MAX &&
			    (p[prev] == '/' || (p[prev] == '\\' &&
			    p[prev + 1] == '/'));
			if (!dir_end) {
				out[o++] = '*';
				out[o++] = '*';
				continue;
			}
		}
		memcpy(out + o, p + i, e - i);
		o += e - i;
	}
	return o;
}

/* A path the pattern must match, or false when it has a class. */
static bool
witness(const char *p, size_t pl, char *out, size_t *len)
{
	size_t	 i, o = 0;

	for (i = 0; i < pl; i++) {
		switch (p[i]) {
		case '[':
			return false;
		case '\\':
			out[o++] = p[++i];
			break;
		case '*':
			while (i + 1 < pl && p[i + 1] == '*')
				i++;
			out[o++] = 'x';
			break;
		case '?':
			out[o++] = 'y';
			break;
		default:
			out[o++] = p[i];
			break;
		}
	}
	*len = o;
	return true;
}

static bool
matches(const char *p, size_t pl, const struct glob_info *gi, const char *s,
    size_t sl)
{
	struct glob_path gp;
	bool	 a, b;

	a = glob_match(p, pl, s, sl);
	glob_path_init(&gp, s, sl);
	b = glob_match_path(p, pl, gi, &gp);
	if (a != b)
		FAIL("\"%.*s\" on \"%.*s\": glob_match %d, glob_match_path %d",
		    (int)pl, p, (int)sl, s, a, b);
	return a;
}

static void
check_path(const char *p, size_t pl, const struct glob_info *gi,
    const char *c, size_t cl, const struct glob_info *ci, const char *s,
    size_t sl)
{
	bool	 m, r;

	m = matches(p, pl, gi, s, sl);
	if (pl <= REF_MAX && sl <= REF_MAX &&
	    (r = ref_glob(p, pl, s, sl)) != m)
		FAIL("\"%.*s\" on \"%.*s\": %d, the reference says %d", (int)pl,
		    p, (int)sl, s, m, r);
	if (matches(c, cl, ci, s, sl) != m)
		FAIL("\"%.*s\" and its canonical \"%.*s\" differ on \"%.*s\"",
		    (int)pl, p, (int)cl, c, (int)sl, s);
	if (m && !(sl >= gi->key && memcmp(s, p, gi->key) == 0) &&
	    !(gi->shape == GLOB_DIR && sl + 1 == gi->key &&
	    memcmp(s, p, sl) == 0))
		FAIL("\"%.*s\" matches \"%.*s\", which does not start with its "
		    "key \"%.*s\"", (int)pl, p, (int)sl, s, (int)gi->key, p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data, *nl, *s;
	char		*pat, *c, *c2, *w;
	struct glob_info gi, ci, c2i;
	size_t		 pl, cl, c2l, wl, sl, left, k;
	bool		 ok;

	nl = memchr(in, '\n', size);
	pl = nl != NULL ? (size_t)(nl - in) : size;
	/* Copies with room: glob_ref.h's class reader looks one byte on. */
	if ((pat = calloc(1, pl + 2)) == NULL || (c = calloc(1, pl + 2)) ==
	    NULL || (c2 = calloc(1, pl + 2)) == NULL ||
	    (w = calloc(1, pl + 2)) == NULL)
		FAIL("out of memory");
	memcpy(pat, in, pl);
	ok = ref_wellformed(pat, pl);
	if ((glob_check(pat, pl) == 0) != ok)
		FAIL("glob_check says %s \"%.*s\"", ok ? "no to" : "yes to",
		    (int)pl, pat);
	if (!ok)
		goto out;
	glob_analyze(pat, pl, &gi);
	cl = canon(pat, pl, c);
	if (glob_check(c, cl) != 0)
		FAIL("the canonical \"%.*s\" is not well-formed", (int)cl, c);
	c2l = canon(c, cl, c2);
	if (c2l != cl || memcmp(c, c2, cl) != 0)
		FAIL("canonical twice: \"%.*s\", then \"%.*s\"", (int)cl, c,
		    (int)c2l, c2);
	glob_analyze(c, cl, &ci);
	glob_analyze(c2, c2l, &c2i);
	if (ci.shape != c2i.shape || ci.key != c2i.key)
		FAIL("the canonical pattern analyzes two ways");
	if (witness(pat, pl, w, &wl))
		check_path(pat, pl, &gi, c, cl, &ci, w, wl);
	check_path(pat, pl, &gi, c, cl, &ci, pat, pl);
	s = nl != NULL ? nl + 1 : in + size;
	left = (size_t)(in + size - s);
	for (k = 0; k < NPATH_MAX && nl != NULL; k++) {
		nl = memchr(s, '\n', left);
		sl = nl != NULL ? (size_t)(nl - s) : left;
		check_path(pat, pl, &gi, c, cl, &ci, s, sl);
		if (nl != NULL) {
			left -= sl + 1;
			s = nl + 1;
		}
	}
out:
	free(pat);
	free(c);
	free(c2);
	free(w);
	return 0;
}
