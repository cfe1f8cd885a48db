/* Path globs of docs/commands.md section 3.3: worker/glob.c. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "common/limits.h"
#include "tests/unit/glob_ref.h"
#include "worker/glob.h"

struct gcase {
	const char	*pat;
	const char	*path;
	bool		 match;
};

static const struct gcase cases[] = {
	/* Literals. */
	{ "/etc/passwd",	"/etc/passwd",		true },
	{ "/etc/passwd",	"/etc/passw",		false },
	{ "/etc/passwd",	"/etc/passwdx",		false },
	{ "/etc/passwd",	"/ETC/passwd",		false },
	{ "",			"",			true },
	{ "",			"/",			false },
	{ "/",			"",			false },

	/* '*' stays inside one component. */
	{ "/tmp/*",		"/tmp/foo",		true },
	{ "/tmp/*",		"/tmp/",		true },
	{ "/tmp/*",		"/tmp",			false },
	{ "/tmp/*",		"/tmp/a/b",		false },
	{ "/tmp/*.c",		"/tmp/x.c",		true },
	{ "/tmp/*.c",		"/tmp/.c",		true },
	{ "/tmp/*.c",		"/tmp/d/x.c",		false },
	{ "/*/bin",		"/usr/bin",		true },
	{ "/*/bin",		"/usr/local/bin",	false },
	{ "/a*b*c",		"/abc",			true },
	{ "/a*b*c",		"/axxbyyc",		true },
	{ "/a*b*c",		"/axxbyyc/",		false },
	{ "/a*b*c",		"/ax/bc",		false },
	{ "/*x",		"/ax/x",		false },
	{ "*",			"abc",			true },
	{ "*",			"",			true },
	{ "*",			"/",			false },

	/* '**' crosses components. */
	{ "/**",		"/",			true },
	{ "/**",		"/a/b/c",		true },
	{ "/**",		"",			false },
	{ "/usr/**",		"/usr/",		true },
	{ "/usr/**",		"/usr",			false },
	{ "/usr/**",		"/usr/lib/x.so",	true },
	{ "/usr/**/bin",	"/usr/local/bin",	true },
	{ "/usr/**/bin",	"/usr/a/b/c/bin",	true },
	{ "/usr/**/bin",	"/usr/bin",		false },
	{ "/usr/**/bin",	"/usr//bin",		true },
	{ "/**.so",		"/usr/lib/libc.so",	true },
	{ "/**.so",		"/usr/lib/libc.so.6",	false },
	{ "/**/*.so",		"/usr/lib/libc.so",	true },
	{ "/**/*.so",		"/libc.so",		false },
	{ "/home/**/.ssh/*",	"/home/u/.ssh/id",	true },
	{ "/home/**/.ssh/*",	"/home/u/.ssh/d/id",	false },
	{ "/home/**/.ssh/**",	"/home/u/.ssh/d/id",	true },
	{ "/a/***/b",		"/a/x/y/b",		true },
	{ "/a/****",		"/a/x/y",		true },
	{ "/a/****",		"/a",			false },

	/* The directory-and-below ending. */
	{ "/usr/***",		"/usr",			true },
	{ "/usr/***",		"/usr/",		true },
	{ "/usr/***",		"/usr/bin",		true },
	{ "/usr/***",		"/usr/bin/env",		true },
	{ "/usr/***",		"/usrx",		false },
	{ "/usr/***",		"/us",			false },
	{ "/usr/***",		"/usr/lib/../bin",	true },
	{ "/***",		"",			true },
	{ "/***",		"/",			true },
	{ "/***",		"/etc/passwd",		true },
	{ "/home/*/***",	"/home/u",		true },
	{ "/home/*/***",	"/home/u/x/y",		true },
	{ "/home/*/***",	"/home",		false },
	{ "/home/*/***",	"/home/",		true },
	{ "/usr\\/***",		"/usr",			true },
	{ "/usr\\/***",		"/usr/bin",		true },
	{ "/usr/\\***",		"/usr",			false },
	{ "/usr/\\***",		"/usr/*x/y",		true },
	{ "/usr/\\***",		"/usr/x",		false },
	{ "/usr/[/]***",	"/usr",			false },

	/* '?' is one byte, never '/'. */
	{ "/tmp/?",		"/tmp/a",		true },
	{ "/tmp/?",		"/tmp/",		false },
	{ "/tmp/?",		"/tmp/ab",		false },
	{ "/tmp?a",		"/tmp/a",		false },
	{ "/???",		"/abc",			true },
	{ "/???",		"/ab",			false },
	{ "/?\xc3\xa9",		"/x\xc3\xa9",		true },

	/* Classes: members, ranges, both negations, ']' first. */
	{ "/dev/tty[0-9]",	"/dev/tty0",		true },
	{ "/dev/tty[0-9]",	"/dev/tty9",		true },
	{ "/dev/tty[0-9]",	"/dev/ttya",		false },
	{ "/dev/tty[0-9]",	"/dev/tty",		false },
	{ "/dev/sd[abc]",	"/dev/sdb",		true },
	{ "/dev/sd[abc]",	"/dev/sdd",		false },
	{ "/x[a-cx-z]",		"/xy",			true },
	{ "/x[a-cx-z]",		"/xd",			false },
	{ "/x[!a-c]",		"/xd",			true },
	{ "/x[!a-c]",		"/xb",			false },
	{ "/x[^a-c]",		"/xd",			true },
	{ "/x[^a-c]",		"/xa",			false },
	{ "/x[!a]",		"/x/",			false },
	{ "/x[^a]",		"/x/",			false },
	{ "/x[/]",		"/x/",			false },
	{ "/x[]]",		"/x]",			true },
	{ "/x[]]",		"/x[",			false },
	{ "/x[]a]",		"/xa",			true },
	{ "/x[!]]",		"/x]",			false },
	{ "/x[!]]",		"/xa",			true },
	{ "/x[^]]",		"/x]",			false },
	{ "/x[]-a]",		"/x^",			true },
	{ "/x[a-]",		"/x-",			true },
	{ "/x[a-]",		"/xb",			false },
	{ "/x[-a]",		"/x-",			true },
	{ "/x[z-a]",		"/xz",			false },
	{ "/x[z-a]",		"/xm",			false },
	{ "/x[\\]]",		"/x]",			true },
	{ "/x[a\\-z]",		"/x-",			true },
	{ "/x[a\\-z]",		"/xm",			false },
	{ "/x[!]!]",		"/x!",			false },
	{ "/x[!]!]",		"/xa",			true },
	{ "/x[\x80-\xff]",	"/x\xc3",		true },
	{ "/x[\x80-\xff]",	"/xa",			false },
	{ "/x[[]",		"/x[",			true },

	/* Escapes. */
	{ "/a\\*b",		"/a*b",			true },
	{ "/a\\*b",		"/axb",			false },
	{ "/a\\?",		"/a?",			true },
	{ "/a\\?",		"/ab",			false },
	{ "/a\\[b]",		"/a[b]",		true },
	{ "/a\\[b]",		"/ab",			false },
	{ "/a\\\\",		"/a\\",			true },
	{ "/a\\b",		"/ab",			true },
	{ "/a\\b",		"/a\\b",		false },

	/* Mixed, with backtracking that a greedy matcher would get wrong. */
	{ "/*a*a",		"/aXa",			true },
	{ "/**/a*/b",		"/x/a/y/ab/b",		true },
	{ "/**a/b*c",		"/xa/bxa/bc",		true },
	{ "/**a/b*c",		"/xa/bxa/bd",		false },
	{ "/*/*/*",		"/a/b/c",		true },
	{ "/*/*/*",		"/a/b",			false },
	{ "/*/*/*",		"/a/b/c/d",		false },

	/* Literal heads and tails, which are compared before anything else. */
	{ "/a\\bc",		"/abc",			true },
	{ "/a\\bc",		"/abd",			false },
	{ "/x*\\]",		"/xy]",			true },
	{ "/*a]",		"/xa]",			true },
	{ "/*a]",		"/xa",			false },
	{ "/a]",		"/a]",			true },
	{ "/*[ab]",		"/xa",			true },
	{ "/*[ab]",		"/xc",			false },
	{ "/a/**",		"/a/",			true },
	{ "/a/**",		"/a",			false },
	{ "**",			"",			true },
	{ "/ab*ba",		"/aba",			false },
	{ "/ab*ba",		"/abba",		true },
	{ "/ab*ba",		"/abxba",		true },
};

Test(glob, table_of_matches)
{
	size_t	i;
	bool	got;

	cr_assert_geq(sizeof(cases) / sizeof(cases[0]), 60);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(glob_check(cases[i].pat, strlen(cases[i].pat)),
		    0, "glob_check(\"%s\")", cases[i].pat);
		got = glob_match(cases[i].pat, strlen(cases[i].pat),
		    cases[i].path, strlen(cases[i].path));
		cr_expect_eq(got, cases[i].match,
		    "glob_match(\"%s\", \"%s\") = %d, want %d",
		    cases[i].pat, cases[i].path, got, cases[i].match);
	}
}

Test(glob, lengths_are_explicit_not_nul_terminated)
{
	/* Only the first 4 bytes of the pattern and 4 of the path count. */
	cr_assert(glob_match("/usrXYZ", 4, "/usr/bin", 4));
	cr_assert(!glob_match("/usr", 4, "/usr/bin", 5));
	cr_assert(glob_match("/a\0b", 4, "/a\0b", 4));
	cr_assert(!glob_match("/a\0b", 4, "/a\0c", 4));
	cr_assert(glob_match("/a?b", 4, "/a\0b", 4));
}

Test(glob, path_shorter_than_literal_tail_is_not_read_outside)
{
	char	*path;

	/* On the heap so that ASan sees a read before the first byte. */
	cr_assert_not_null(path = malloc(1));
	path[0] = '/';
	cr_assert(!glob_match("/*abcdef", 8, path, 1));
	cr_assert(!glob_match("/abcdef/*", 9, path, 1));
	cr_assert(glob_match("/*", 2, path, 1));
	free(path);
}

static const char *const good[] = {
	"", "/", "/usr/***", "[]]", "[!]]", "[^]]", "[a-z]", "[-]", "[a-]",
	"[]-a]", "\\*", "\\\\", "[\\]]", "[[]", "[!]!]", "a\\b", "/**/x",
	"[z-a]",
};

static const char *const bad[] = {
	"[", "[a", "[]", "[!]", "[^]", "[!", "/usr/[a-", "[a-z", "a\\",
	"\\", "[\\]", "[a\\", "/x\\\\\\", "/usr/[/***", "[]-",
};

Test(glob, check_accepts_well_formed)
{
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(glob_check(good[i], strlen(good[i])), 0,
		    "glob_check(\"%s\")", good[i]);
}

Test(glob, check_rejects_unclosed_class_and_lone_backslash)
{
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(glob_check(bad[i], strlen(bad[i])), EINVAL,
		    "glob_check(\"%s\")", bad[i]);
}

Test(glob, check_counts_len_not_nul)
{
	/* A '[' past len is not seen; a '\' at len - 1 is. */
	cr_assert_eq(glob_check("/ab[", 3), 0);
	cr_assert_eq(glob_check("/a\\b", 3), EINVAL);
}

/* A pattern of n bytes: '/', n - 3 'a's, then "*" and 'z'. */
static char *
long_pattern(size_t n)
{
	char	*p;

	cr_assert_geq(n, 3);
	cr_assert_not_null(p = malloc(n));
	p[0] = '/';
	memset(p + 1, 'a', n - 3);
	p[n - 2] = '*';
	p[n - 1] = 'z';
	return p;
}

Test(glob, pattern_max_is_accepted_and_matches)
{
	char	*p, *path;
	size_t	 plen;

	p = long_pattern(PATTERN_MAX);
	cr_assert_eq(glob_check(p, PATTERN_MAX), 0);

	/* The path: the literal part, "xyz": the '*' takes "xy". */
	plen = PATTERN_MAX - 2 + 3;
	cr_assert_not_null(path = malloc(plen));
	memcpy(path, p, PATTERN_MAX - 2);
	memcpy(path + PATTERN_MAX - 2, "xyz", 3);
	cr_assert(glob_match(p, PATTERN_MAX, path, plen));
	/* One byte short of the final 'z'. */
	cr_assert(!glob_match(p, PATTERN_MAX, path, plen - 2));
	path[plen - 1] = 'y';
	cr_assert(!glob_match(p, PATTERN_MAX, path, plen));
	free(path);
	free(p);
}

Test(glob, pattern_max_plus_one_is_refused)
{
	char	*p;

	p = long_pattern(PATTERN_MAX + 1);
	cr_assert_eq(glob_check(p, PATTERN_MAX + 1), EINVAL);
	/* Defensive: an unchecked over-long pattern never matches. */
	cr_assert(!glob_match(p, PATTERN_MAX + 1, p, PATTERN_MAX + 1));
	free(p);
}

Test(glob, dir_suffix_at_pattern_max)
{
	char	*p;

	/* '/', 'a's, then '/' '***': exactly PATTERN_MAX bytes. */
	cr_assert_not_null(p = malloc(PATTERN_MAX));
	p[0] = '/';
	memset(p + 1, 'a', PATTERN_MAX - 5);
	memcpy(p + PATTERN_MAX - 4, "/***", 4);
	cr_assert_eq(glob_check(p, PATTERN_MAX), 0);
	cr_assert(glob_match(p, PATTERN_MAX, p, PATTERN_MAX - 4));
	cr_assert(glob_match(p, PATTERN_MAX, p, PATTERN_MAX - 3));
	cr_assert(!glob_match(p, PATTERN_MAX, p, PATTERN_MAX - 5));
	free(p);
}

/*
 * Patterns that make a backtracking matcher exponential or cubic.  The
 * timeout only guards against a hang; the assertions are on the answers.
 */
Test(glob, pathological_patterns_finish, .timeout = 60)
{
	static const char	*pat = "/**a**a**a**a**a**b";
	char			*path, *pat2;
	size_t			 n = 4096, i, m;

	/*
	 * Four 'a's, filler, then the final 'b': the literal head and tail
	 * agree, so only the automaton can say no.
	 */
	cr_assert_not_null(path = malloc(n));
	path[0] = '/';
	memset(path + 1, 'a', 4);
	memset(path + 5, 'x', n - 6);
	path[n - 1] = 'b';
	for (i = 0; i < 100; i++)
		cr_assert(!glob_match(pat, strlen(pat), path, n));
	path[n / 2] = 'a';
	cr_assert(glob_match(pat, strlen(pat), path, n));
	memset(path + 1, 'a', n - 2);
	cr_assert(glob_match(pat, strlen(pat), path, n));

	/* Slashes everywhere: '**' crosses them all. */
	for (i = 1; i < n - 1; i += 2)
		path[i] = '/';
	cr_assert(glob_match(pat, strlen(pat), path, n));
	for (i = 2; i < n - 1; i += 2)
		path[i] = i < 10 ? 'a' : 'x';
	for (i = 0; i < 100; i++)
		cr_assert(!glob_match(pat, strlen(pat), path, n));
	path[n - 2] = 'a';
	cr_assert(glob_match(pat, strlen(pat), path, n));

	/*
	 * "**a*" then 1994 'a's then "b/", quadratic for a two-pointer
	 * matcher.  The path ends in the literal tail, but its last
	 * component holds one 'a' too few for "a*aaa...a".
	 */
	m = 2000;
	cr_assert_not_null(pat2 = malloc(m));
	memcpy(pat2, "**a*", 4);
	memset(pat2 + 4, 'a', m - 6);
	memcpy(pat2 + m - 2, "b/", 2);
	memset(path, 'a', n);
	path[n - 1997] = '/';
	memcpy(path + n - 2, "b/", 2);
	cr_assert_eq(glob_check(pat2, m), 0);
	cr_assert(!glob_match(pat2, m, path, n));
	path[n - 1997] = 'a';
	cr_assert(glob_match(pat2, m, path, n));
	free(pat2);

	/* Many single stars: '/' then "*a" 499 times then "*b". */
	m = 1001;
	cr_assert_not_null(pat2 = malloc(m));
	pat2[0] = '/';
	for (i = 1; i + 1 < m; i += 2)
		memcpy(pat2 + i, "*a", 2);
	pat2[m - 1] = 'b';
	path[0] = '/';
	memset(path + 1, 'a', n - 2);
	path[n - 1] = 'b';
	path[100] = 'x';
	cr_assert(glob_match(pat2, m, path, n));
	path[n / 2] = '/';
	cr_assert(!glob_match(pat2, m, path, n));
	free(pat2);
	free(path);
}

Test(glob, agrees_with_reference_on_random_inputs)
{
	static const char	 palpha[] = "ab/*?[]!^-\\";
	static const char	 salpha[] = "ab/-]!";
	char			 p[12], s[10];
	size_t			 pl, sl, i, n, checked = 0, matched = 0;
	unsigned int		 seed = 12345;

	for (n = 0; n < 200000; n++) {
		pl = (size_t)rand_r(&seed) % sizeof(p);
		for (i = 0; i < pl; i++)
			p[i] = palpha[rand_r(&seed) % (sizeof(palpha) - 1)];
		/* Now and then, force the directory ending. */
		if (pl >= 5 && rand_r(&seed) % 4 == 0)
			memcpy(p + pl - 4, "/***", 4);
		if (glob_check(p, pl) != 0)
			continue;
		sl = (size_t)rand_r(&seed) % sizeof(s);
		for (i = 0; i < sl; i++)
			s[i] = salpha[rand_r(&seed) % (sizeof(salpha) - 1)];
		checked++;
		if (ref_glob(p, pl, s, sl))
			matched++;
		cr_assert_eq(glob_match(p, pl, s, sl), ref_glob(p, pl, s, sl),
		    "pattern \"%.*s\" path \"%.*s\"", (int)pl, p, (int)sl, s);
	}
	/* The comparison is only worth something if both answers occur. */
	cr_assert_gt(checked, 10000);
	cr_assert_gt(matched, 1000);
}

/*
 * Patterns of more than 64 tokens run the automaton on several words,
 * with carries between them: long patterns made from a path (bytes
 * turned into '?', classes or stars, stars inserted) and then mutated,
 * so that matches and near misses both occur.
 */
Test(glob, agrees_with_reference_on_long_inputs)
{
	static const char	 salpha[] = "ab/";
	/* Tokens that take byte %c (in 11, the byte is the other one). */
	static const char *const takes[16] = {
		[8] = "?", [9] = "?", [10] = "[ab]", [11] = "[!%c]",
		[12] = "\\%c", [13] = "*", [14] = "**", [15] = "*%c",
	};
	char			 p[4 * 400 + 8], s[400], c;
	size_t			 pl, sl, i, n, t, checked = 0, matched = 0;
	unsigned int		 seed = 777;
	bool			 want;

	for (n = 0; n < 3000; n++) {
		sl = 64 + (size_t)rand_r(&seed) % 300;
		for (i = 0; i < sl; i++)
			s[i] = salpha[rand_r(&seed) % (sizeof(salpha) - 1)];
		/* Each path byte becomes a token that takes it, mostly. */
		for (i = 0, pl = 0; i < sl; i++) {
			c = s[i];
			t = c == '/' ? 0 : (size_t)rand_r(&seed) % 16;
			pl += (size_t)snprintf(p + pl, sizeof(p) - pl,
			    takes[t] != NULL ? takes[t] : "%c",
			    t == 11 ? (c == 'a' ? 'b' : 'a') : c);
		}
		if (rand_r(&seed) % 3 == 0)
			p[(size_t)rand_r(&seed) % pl] =
			    salpha[rand_r(&seed) % 3];
		if (rand_r(&seed) % 4 == 0) {
			memcpy(p + pl, "/***", 4);
			pl += 4;
		}
		if (pl > PATTERN_MAX || glob_check(p, pl) != 0)
			continue;
		checked++;
		want = ref_glob(p, pl, s, sl);
		matched += want;
		cr_assert_eq(glob_match(p, pl, s, sl), want,
		    "pattern \"%.*s\" path \"%.*s\"", (int)pl, p, (int)sl, s);
	}
	cr_assert_gt(checked, 2000);
	cr_assert_gt(matched, 300);
	cr_assert_lt(matched, checked - 300);
}
