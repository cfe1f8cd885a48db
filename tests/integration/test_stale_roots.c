/*
 * privconfd removes the empty per-run roots (/run/privconfd-root.PID.*)
 * that a privconfd which is gone left behind, and keeps the others.
 * Alone in its binary: every privconfd sweeps at start, so a daemon of a
 * test running beside this one could remove the root first and log it
 * in its own stderr (docs/design.md 2).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(roots, .fini = teardown, .timeout = 60);

/* Finding 9: empty roots a killed privconfd left behind are removed. */
Test(roots, stale_empty_roots_are_removed)
{
	char	 live[96], dead[96], full[96], *file;
	pid_t	 fake, gone;
	int	 st;

	if (!h_is_root())
		cr_skip_test("needs root: the roots are root's");
	/* A process named privconfd owns one; a pid that is gone another. */
	if ((fake = fork()) == 0) {
		prctl(PR_SET_NAME, "privconfd");
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	if ((gone = fork()) == 0)
		_exit(0);
	cr_assert_eq(waitpid(gone, &st, 0), gone);
	h_sleep_ms(50);
	snprintf(live, sizeof(live), "/run/privconfd-root.%d.abcdef",
	    (int)fake);
	snprintf(dead, sizeof(dead), "/run/privconfd-root.%d.ghijkl",
	    (int)gone);
	snprintf(full, sizeof(full), "/run/privconfd-root.%d.mnopqr",
	    (int)gone);
	cr_assert_eq(mkdir(live, 0755), 0);
	cr_assert_eq(mkdir(dead, 0755), 0);
	cr_assert_eq(mkdir(full, 0755), 0);
	file = h_printf("%s/keep", full);
	cr_assert_neq(open(file, O_WRONLY | O_CREAT, 0600), -1);
	h_start(&d, NULL);
	cr_assert(access(dead, F_OK) == -1 && errno == ENOENT, "%s stays",
	    dead);
	cr_assert_eq(access(live, F_OK), 0, "%s was removed", live);
	cr_assert_eq(access(full, F_OK), 0, "%s was removed", full);
	h_assert_log_line(&d, h_printf("privconfd: op=runas root=\"%s\" "
	    "why=\"removed a stale empty root\"", dead));
	kill(fake, SIGKILL);
	waitpid(fake, &st, 0);
	rmdir(live);
	unlink(file);
	rmdir(full);
}
