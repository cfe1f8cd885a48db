/*
 * Golden files: each tests/golden/NAME.syd profile, loaded line by line
 * through cmd_exec() with CMD_PROFILE as privconfd would send it
 * (comments and blank lines skipped), must give a stat equal to
 * tests/golden/NAME.json byte for byte.  The JSON files were written by
 * hand from docs/commands.md section 4, not produced by this code.
 *
 * Paths are relative to the repository root, where make runs the tests;
 * PRIVCONF_SRCDIR overrides it.
 */
#include <stdio.h>

#include "tests/unit/test_worker_util.h"

static char *
slurp(const char *name, const char *ext, size_t *len)
{
	const char *dir = getenv("PRIVCONF_SRCDIR");
	char	 path[4096];
	char	*s;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s%stests/golden/%s.%s",
	    dir != NULL ? dir : "", dir != NULL ? "/" : "", name, ext);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: run from the repository root", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

static void
golden(const char *name)
{
	struct policy *p = tw_new();
	struct cmd_result res;
	char	*prof, *want, *got, *line, *nl;
	size_t	 plen, wlen, lineno = 0;

	prof = slurp(name, "syd", &plen);
	want = slurp(name, "json", &wlen);
	for (line = prof; *line != '\0'; line = nl + 1) {
		lineno++;
		nl = strchr(line, '\n');
		cr_assert_not_null(nl, "%s.syd:%zu: no newline", name, lineno);
		*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		cr_assert_eq(tw_run_res(p, line, PROF, &res), 0,
		    "%s.syd:%zu: %s: err %d", name, lineno, line, res.err);
	}
	got = tw_stat(p);
	cr_assert_eq(strlen(got), wlen, "%s: stat is\n%s\nwant\n%s", name, got,
	    want);
	cr_assert_str_eq(got, want, "%s: stat differs", name);
	free(got);
	free(want);
	free(prof);
	policy_free(p);
}

Test(worker_golden, initial_state)
{
	golden("initial");
}

Test(worker_golden, network_aliases_and_canonical_forms)
{
	golden("network");
}

Test(worker_golden, startup_only_settings)
{
	golden("startup");
}

Test(worker_golden, categories_defaults_escapes_ioctl_limits)
{
	golden("mixed");
}

/* s with its one occurrence of from replaced by to, malloc'd. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char	*r;

	cr_assert_not_null(at, "no %s", from);
	cr_assert_null(strstr(at + 1, from));
	r = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	cr_assert_not_null(r);
	memcpy(r, s, (size_t)(at - s));
	strcpy(r + (at - s), to);
	strcat(r, at + strlen(from));
	return r;
}

/* reset of a loaded profile is the initial state plus what 3.9 keeps. */
Test(worker_golden, reset_of_startup_profile_keeps_startup_settings)
{
	struct policy *p = tw_new();
	char	*prof, *want, *got, *line, *nl, *a, *b;
	size_t	 plen, wlen;

	prof = slurp("startup", "syd", &plen);
	want = slurp("startup", "json", &wlen);
	for (line = prof; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		cr_assert_not_null(nl);
		*nl = '\0';
		if (line[0] != '#' && line[0] != '\0')
			tw_ok(p, line, PROF);
	}
	tw_ok(p, "reset", IPC);
	/* The two runtime settings of the profile go back to their start. */
	a = replace(want, "\"deny_dotdot\":true", "\"deny_dotdot\":false");
	b = replace(a, "\"force_umask\":63}", "\"force_umask\":null}");
	got = tw_stat(p);
	cr_assert_str_eq(got, b);
	free(got);
	free(a);
	free(b);
	free(want);
	free(prof);
	policy_free(p);
}
