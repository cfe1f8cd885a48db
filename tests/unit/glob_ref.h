/*
 * A reference glob matcher for the tests (test_worker_glob.c, the
 * decision oracle of tests/unit/decide_oracle.h): written straight from
 * the spec text of docs/commands.md 3.3, sharing nothing with
 * worker/glob.c.  It tries every split a star allows, as the words say;
 * the '/' '***' ending is split into two patterns as the spec words it.
 * Each (rest of pattern, rest of path) it has answered is remembered,
 * so it stays polynomial.
 */
#ifndef PRIVCONF_GLOB_REF_H
#define PRIVCONF_GLOB_REF_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct ref_memo {
	size_t		 sl;		/* the whole path's length */
	signed char	*m;		/* per (pattern rest, path rest) */
};

static bool
ref_class(const char *p, size_t pl, size_t *pi, unsigned char c, bool *ok)
{
	size_t		i = *pi + 1;
	bool		neg = false, hit = false, first = true;
	unsigned char	lo, hi;

	if (i < pl && (p[i] == '!' || p[i] == '^')) {
		neg = true;
		i++;
	}
	while (i < pl && (p[i] != ']' || first)) {
		first = false;
		if (p[i] == '\\')
			i++;
		lo = hi = (unsigned char)p[i++];
		if (i + 1 < pl && p[i] == '-' && p[i + 1] != ']') {
			if (p[++i] == '\\')
				i++;
			hi = (unsigned char)p[i++];
		}
		hit |= lo <= c && c <= hi;
	}
	*ok = i < pl;
	*pi = i + 1;
	return c != '/' && hit != neg;
}

static bool	ref_rest(struct ref_memo *, const char *, size_t,
		    const char *, size_t);

static bool
ref_step(struct ref_memo *mm, const char *p, size_t pl, const char *s,
    size_t sl)
{
	size_t	i, stars;
	bool	ok;

	if (pl == 0)
		return sl == 0;
	if (p[0] == '*') {
		for (stars = 0; stars < pl && p[stars] == '*'; stars++)
			;
		for (i = 0; i <= sl; i++) {
			if (ref_rest(mm, p + stars, pl - stars, s + i, sl - i))
				return true;
			if (i < sl && stars == 1 && s[i] == '/')
				return false;
		}
		return false;
	}
	if (sl == 0)
		return false;
	if (p[0] == '?')
		return s[0] != '/' &&
		    ref_rest(mm, p + 1, pl - 1, s + 1, sl - 1);
	if (p[0] == '[') {
		i = 0;
		if (!ref_class(p, pl, &i, (unsigned char)s[0], &ok))
			return false;
		return ref_rest(mm, p + i, pl - i, s + 1, sl - 1);
	}
	if (p[0] == '\\')
		return p[1] == s[0] &&
		    ref_rest(mm, p + 2, pl - 2, s + 1, sl - 1);
	return p[0] == s[0] && ref_rest(mm, p + 1, pl - 1, s + 1, sl - 1);
}

/* p[0..pl) and s[0..sl) are the rests of the pattern and path. */
static bool
ref_rest(struct ref_memo *mm, const char *p, size_t pl, const char *s,
    size_t sl)
{
	signed char	*m = &mm->m[pl * (mm->sl + 1) + sl];

	if (*m < 0)
		*m = ref_step(mm, p, pl, s, sl);
	return *m;
}

static bool
ref_match(const char *p, size_t pl, const char *s, size_t sl)
{
	struct ref_memo	 mm = { sl, NULL };
	bool		 r;

	mm.m = malloc((pl + 1) * (sl + 1));
	if (mm.m == NULL)
		abort();
	memset(mm.m, -1, (pl + 1) * (sl + 1));
	r = ref_rest(&mm, p, pl, s, sl);
	free(mm.m);
	return r;
}

static bool
ref_glob(const char *p, size_t pl, const char *s, size_t sl)
{
	size_t	i, slash = pl;

	/* Find whether p ends in a real slash token then exactly "***". */
	if (pl >= 4 && memcmp(p + pl - 4, "/***", 4) == 0) {
		for (i = 0; i < pl - 3; i++) {
			if (p[i] == '\\') {
				if (++i == pl - 4)
					slash = i - 1;
			} else if (p[i] == '[') {
				bool ok;

				ref_class(p, pl, &i, 0, &ok);
				i--;
			} else if (i == pl - 4)
				slash = i;
		}
	}
	if (slash != pl && ref_match(p, slash, s, sl))
		return true;
	return ref_match(p, pl, s, sl);
}

#endif
