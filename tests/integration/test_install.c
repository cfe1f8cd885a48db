/*
 * make install (README.md, Makefile): PREFIX and DESTDIR put the tree
 * where asked, with these modes and nothing else, and the installed
 * privconfd finds its children in PREFIX/libexec/privconf by itself.
 */
#define _GNU_SOURCE

#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define MAKE_MS	120000

static struct h_daemon	d;

static void
setup(void)
{
	h_init(&d, H_PATH);
}

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(install, .init = setup, .fini = teardown, .timeout = 240);

/* make -C SRC TARGET ARGS..., out of any make that runs these tests. */
static void
make(const char *target, const char *a1, const char *a2)
{
	const char	*argv[] = { "/usr/bin/make", "-C", h_src_dir(),
	    "--no-print-directory", target, a1, a2, NULL };
	const char	*env[] = { "MAKEFLAGS", "MFLAGS", "MAKELEVEL", NULL };
	struct h_run	 r;

	h_run(&r, MAKE_MS, argv, env);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
	    "make %s: %s\n%s%s", target, h_status_text(r.status), r.out.p,
	    r.err.p);
	h_run_free(&r);
}

/* Every file and directory under root as "MODE path", sorted by nftw. */
static char	*tree;
static size_t	 rootlen;

static int
tree_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)flag;
	(void)f;
	if (strlen(path) > rootlen)
		tree = h_printf("%s%04o %s\n", tree,
		    (unsigned)(st->st_mode & 07777), path + rootlen + 1);
	return 0;
}

static char *
list_tree(const char *root)
{
	tree = h_printf("%s", "");
	rootlen = strlen(root);
	cr_assert(nftw(root, tree_entry, 16, FTW_PHYS) == 0);
	return tree;
}

static int
has_line(const char *text, const char *line)
{
	const char	*s = text;
	size_t		 n = strlen(line);

	while ((s = strstr(s, line)) != NULL) {
		if ((s == text || s[-1] == '\n') && (s[n] == '\n' ||
		    s[n] == '\0'))
			return 1;
		s += n;
	}
	return 0;
}

Test(install, destdir_holds_the_expected_tree)
{
	static const char *const want[] = {
		"0755 usr/local/sbin/privconfd",
		"0755 usr/local/bin/privconfctl",
		"0755 usr/local/libexec/privconf/privconf-listener",
		"0755 usr/local/libexec/privconf/privconf-worker",
		"0644 usr/local/share/man/man1/privconfctl.1",
		"0644 usr/local/share/man/man5/privconf.5",
		"0644 usr/local/share/man/man8/privconfd.8",
		"0644 usr/local/lib/systemd/system/privconfd.service",
		"0644 usr/local/lib/systemd/system/privconfd.socket",
		"0644 usr/local/lib/sysusers.d/privconf.conf",
	};
	char	*dest = h_printf("%s/dest", d.dir), *t, *unit;
	size_t	 i, files = 0;
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0;
	int	 execstart = 0;

	make("install", h_printf("DESTDIR=%s", dest), NULL);
	t = list_tree(dest);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(has_line(t, want[i]), "no \"%s\" in:\n%s", want[i], t);
	/* Nothing else but the directories that hold them. */
	for (line = t; (line = strchr(line, '\n')) != NULL; line++)
		files++;
	line = NULL;
	unit = h_printf("%s/usr/local/lib/systemd/system/privconfd.service",
	    dest);
	cr_assert((fp = fopen(unit, "r")) != NULL);
	while (getline(&line, &cap, fp) != -1)
		if (strncmp(line, "ExecStart=/usr/local/sbin/privconfd ",
		    36) == 0)
			execstart = 1;
	fclose(fp);
	free(line);
	cr_assert(execstart, "%s: no ExecStart=/usr/local/sbin/privconfd",
	    unit);
	/* The 10 files and the 15 directories that lead to them. */
	cr_assert_eq(files, 25, "the tree:\n%s", t);

	make("uninstall", h_printf("DESTDIR=%s", dest), NULL);
	t = list_tree(dest);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_assert(strstr(t, want[i] + 5) == NULL, "%s left after "
		    "uninstall:\n%s", want[i] + 5, t);
}

Test(install, prefix_moves_everything_and_the_unit_follows)
{
	char	*dest = h_printf("%s/dest", d.dir), *t, *unit;
	struct h_run r;
	const char *argv[] = { "/bin/grep", "-x", "ExecStart=/opt/pc/sbin/"
	    "privconfd -f -u privconf -j /var/lib/privconf/journal "
	    "$PRIVCONFD_OPTS", NULL, NULL };

	make("install", h_printf("DESTDIR=%s", dest), "PREFIX=/opt/pc");
	t = list_tree(dest);
	cr_assert(has_line(t, "0755 opt/pc/libexec/privconf/privconf-worker"),
	    "%s", t);
	unit = h_printf("%s/opt/pc/lib/systemd/system/privconfd.service", dest);
	argv[3] = unit;
	h_run(&r, H_IO_MS, argv, NULL);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0,
	    "%s: ExecStart= is not under PREFIX", unit);
	h_run_free(&r);
}

/* The installed privconfd serves, with the installed children. */
Test(install, installed_privconfd_finds_its_children)
{
	char	*dest = h_printf("%s/dest", d.dir), *libexec, *exe;
	char	 link[PATH_MAX];
	pid_t	 kid;
	ssize_t	 n;
	struct h_run r;
	const char *argv[] = { NULL, "-n", NULL };

	make("install", h_printf("DESTDIR=%s", dest), NULL);
	d.exe = h_printf("%s/usr/local/sbin/privconfd", dest);
	argv[0] = d.exe;
	h_run(&r, H_START_MS * 3, argv, NULL);
	cr_assert_str_eq(r.out.p, "configuration OK\n", "stderr: %s", r.err.p);
	h_run_free(&r);

	h_spawn(&d, NULL);
	h_ready(&d);
	h_expect(d.addr, "ping\n", H_PONG);
	libexec = h_printf("%s/usr/local/libexec/privconf/", dest);
	kid = h_child_named(d.pid, "privconf-worker");
	cr_assert(kid > 0, "no worker under the installed privconfd");
	exe = h_printf("/proc/%d/exe", (int)kid);
	n = readlink(exe, link, sizeof(link) - 1);
	cr_assert(n > 0, "%s: %s", exe, strerror(errno));
	link[n] = '\0';
	cr_assert(strncmp(link, libexec, strlen(libexec)) == 0,
	    "the worker runs %s, not from %s", link, libexec);
	cr_assert_eq(h_stop(&d), 0);
}
