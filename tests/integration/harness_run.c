/*
 * Commands run to their end by the harness: privconfd -n, make install,
 * mandoc.  Both outputs are read at once, so that neither pipe can fill
 * and stall the command, and the whole run has a deadline.
 */
#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static void
run_add(struct h_bytes *b, const char *p, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	cr_assert(b->p != NULL, "out of memory");
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void __attribute__((noreturn))
run_child(int out, int err, const char *const *argv, const char *const *env)
{
	const char	*eq;
	char		*name;
	int		 null, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if ((null = open("/dev/null", O_RDONLY)) != -1)
		dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	for (i = 0; env != NULL && env[i] != NULL; i++) {
		if ((eq = strchr(env[i], '=')) == NULL) {
			unsetenv(env[i]);
			continue;
		}
		name = strndup(env[i], (size_t)(eq - env[i]));
		if (name == NULL || setenv(name, eq + 1, 1) == -1)
			_exit(126);
	}
	execv(argv[0], (char *const *)argv);
	dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

void
h_run(struct h_run *r, int ms, const char *const *argv,
    const char *const *env)
{
	struct pollfd	 pfd[2];
	struct h_bytes	*dst[2];
	char		 buf[65536];
	long long	 end = h_now_ms() + ms;
	ssize_t		 k;
	pid_t		 pid;
	int		 pout[2], perr[2], i, open_fds, left;

	memset(r, 0, sizeof(*r));
	run_add(&r->out, "", 0);
	run_add(&r->err, "", 0);
	cr_assert(pipe2(pout, O_CLOEXEC) == 0 && pipe2(perr, O_CLOEXEC) == 0,
	    "pipe: %s", strerror(errno));
	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0)
		run_child(pout[1], perr[1], argv, env);
	close(pout[1]);
	close(perr[1]);
	pfd[0].fd = pout[0];
	pfd[1].fd = perr[0];
	dst[0] = &r->out;
	dst[1] = &r->err;
	for (open_fds = 2; open_fds > 0; ) {
		left = (int)(end - h_now_ms());
		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			cr_assert_fail("%s still runs after %d ms; stdout \"%s\" "
			    "stderr \"%s\"", argv[0], ms,
			    h_escape(r->out.p, r->out.len, 400),
			    h_escape(r->err.p, r->err.len, 400));
		}
		for (i = 0; i < 2; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, 2, left) == -1 && errno != EINTR)
			cr_assert_fail("poll: %s", strerror(errno));
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			k = read(pfd[i].fd, buf, sizeof(buf));
			if (k > 0) {
				run_add(dst[i], buf, (size_t)k);
				continue;
			}
			if (k == -1 && errno == EINTR)
				continue;
			close(pfd[i].fd);
			pfd[i].fd = -1;
			open_fds--;
		}
	}
	while (waitpid(pid, &r->status, 0) == -1)
		cr_assert(errno == EINTR, "waitpid: %s", strerror(errno));
}

void
h_run_free(struct h_run *r)
{
	h_bytes_free(&r->out);
	h_bytes_free(&r->err);
}

const char *
h_src_dir(void)
{
	const char	*s = getenv("PRIVCONF_SRC");

	return (s != NULL && *s != '\0') ? s : ".";
}
