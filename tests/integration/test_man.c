/*
 * The man pages: every page of docs/ passes mandoc -T lint, and every
 * option that privconfd -h and privconfctl -h print is documented by an
 * .It line of its page, found mechanically from the usage text.
 */
#define _GNU_SOURCE

#include <sys/wait.h>

#include <criterion/criterion.h>
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/integration/harness.h"

TestSuite(man, .timeout = 120);

Test(man, every_page_is_lint_clean)
{
	glob_t		 g;
	struct h_run	 r;
	const char	*argv[] = { "/usr/bin/mandoc", "-T", "lint", "-W",
	    "warning", NULL, NULL };
	size_t		 i;

	cr_assert(glob(h_printf("%s/docs/*.[158]", h_src_dir()), 0, NULL,
	    &g) == 0, "no man pages under %s/docs", h_src_dir());
	cr_assert_geq(g.gl_pathc, 3);
	for (i = 0; i < g.gl_pathc; i++) {
		argv[5] = g.gl_pathv[i];
		h_run(&r, H_IO_MS, argv, NULL);
		cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 &&
		    r.out.len == 0 && r.err.len == 0, "mandoc -T lint %s: "
		    "%s\n%s%s", g.gl_pathv[i], h_status_text(r.status),
		    r.out.p, r.err.p);
		h_run_free(&r);
	}
	globfree(&g);
}

/* The page's .It lines, one a line. */
static char *
items(const char *page)
{
	FILE	*fp;
	char	*line = NULL, *all = "";
	size_t	 cap = 0;

	cr_assert((fp = fopen(page, "r")) != NULL, "%s", page);
	while (getline(&line, &cap, fp) != -1)
		if (strncmp(line, ".It ", 4) == 0)
			all = h_printf("%s%s", all, line);
	fclose(fp);
	free(line);
	return all;
}

/* Is "Fl NAME" (long: "Fl Fl NAME") a whole word of an .It line? */
static int
documented(const char *its, const char *name, int is_long)
{
	const char	*s = its;
	char		*want = h_printf(is_long ? "Fl Fl %s" : "Fl %s", name);
	size_t		 n = strlen(want);

	while ((s = strstr(s, want)) != NULL) {
		if (!isalnum((unsigned char)s[n]) && s[n] != '-')
			return 1;
		s += n;
	}
	return 0;
}

/*
 * Each option word of the usage: "--name" is a long option, "-abc" the
 * short options a, b and c ("[-fhnv]" too).  Returns how many it saw.
 */
static int
check_usage(const char *prog, const char *page)
{
	struct h_run	 r;
	const char	*argv[] = { NULL, "-h", NULL };
	char		*its, *s, name[64];
	size_t		 n;
	int		 seen = 0;

	argv[0] = h_printf("%s/%s", h_build_dir(), prog);
	h_run(&r, H_IO_MS, argv, NULL);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
	    "%s -h: %s", prog, h_status_text(r.status));
	its = items(h_printf("%s/docs/%s", h_src_dir(), page));
	for (s = r.out.p; *s != '\0'; s++) {
		if (*s != '-' || (s > r.out.p && (isalnum((unsigned char)s[-1]) ||
		    s[-1] == '-')))
			continue;
		if (s[1] == '-') {
			n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz-");
			if (n == 0 || n >= sizeof(name))
				continue;
			memcpy(name, s + 2, n);
			name[n] = '\0';
			cr_assert(documented(its, name, 1), "%s -h prints --%s, "
			    "which no .It line of %s documents", prog, name, page);
			seen++;
			s += n + 1;
			continue;
		}
		for (s++; isalpha((unsigned char)*s); s++) {
			name[0] = *s;
			name[1] = '\0';
			cr_assert(documented(its, name, 0), "%s -h prints -%s, "
			    "which no .It line of %s documents", prog, name, page);
			seen++;
		}
		s--;
	}
	h_run_free(&r);
	return seen;
}

Test(man, every_option_of_privconfd_h_is_in_privconfd_8)
{
	cr_assert_geq(check_usage("privconfd", "privconfd.8"), 25);
}

Test(man, every_option_of_privconfctl_h_is_in_privconfctl_1)
{
	cr_assert_geq(check_usage("privconfctl", "privconfctl.1"), 10);
}
