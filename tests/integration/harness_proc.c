/*
 * Processes of the harness: privconfd's children found through /proc,
 * and checks that none is left behind.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

/* Fields of /proc/PID/stat after the command name: state and ppid. */
static int
proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char	 path[64], buf[1024], *s;
	ssize_t	 n;
	int	 fd, pp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((s = strrchr(buf, ')')) == NULL)
		return -1;
	if (sscanf(s + 1, " %c %d", state, &pp) != 2)
		return -1;
	*ppid = pp;
	return 0;
}

int
h_children(pid_t parent, pid_t *out, int max)
{
	DIR		*dir;
	struct dirent	*de;
	char		 state, *end;
	pid_t		 ppid;
	long		 v;
	int		 n = 0;

	cr_assert((dir = opendir("/proc")) != NULL, "/proc: %s",
	    strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0)
			continue;
		if (proc_stat((pid_t)v, &state, &ppid) == 0 &&
		    ppid == parent && n < max)
			out[n++] = (pid_t)v;
	}
	closedir(dir);
	return n;
}

static int
proc_is_named(pid_t pid, const char *name)
{
	char	 path[64], buf[4096], *base;
	ssize_t	 n;
	int	 fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			base = strrchr(buf, '/');
			base = base != NULL ? base + 1 : buf;
			if (strcmp(base, name) == 0)
				return 1;
		}
	}
	/* comm holds at most 15 bytes of the name. */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (strncmp(buf, name, 15) == 0 && buf[0] != '\0')
				return 1;
		}
	}
	return 0;
}

pid_t
h_child_named(pid_t parent, const char *name)
{
	pid_t	kids[16];
	int	i, n;

	n = h_children(parent, kids, 16);
	for (i = 0; i < n; i++)
		if (proc_is_named(kids[i], name))
			return kids[i];
	cr_assert_fail("privconfd (pid %d) has no child named %s (%d children)",
	    (int)parent, name, n);
	return -1;
}

/* 1 when pid exists and is not a zombie. */
int
h_proc_running(pid_t pid)
{
	char	state;
	pid_t	ppid;

	if (proc_stat(pid, &state, &ppid) == -1)
		return 0;
	return state != 'Z' && state != 'X';
}

/*
 * A child of a privconfd that has ended is gone: privconfd reaped it.  One
 * that was left running dies of PR_SET_PDEATHSIG and is reaped by init a
 * moment later, so "running" is the failure, and the wait below only lets
 * a zombie of that kind clear.
 */
void
h_assert_proc_gone(pid_t pid)
{
	long long	end = h_now_ms() + H_EXIT_MS;
	char		state;
	pid_t		ppid;

	cr_assert(!h_proc_running(pid), "process %d still runs", (int)pid);
	while (proc_stat(pid, &state, &ppid) == 0) {
		cr_assert(h_now_ms() < end, "process %d still exists (%c)",
		    (int)pid, state);
		h_sleep_ms(10);
	}
}
