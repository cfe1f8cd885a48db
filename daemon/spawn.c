/*
 * fork+exec of the children.  Between fork and exec the child only
 * rearranges descriptors; a failure there or in execve() is written to a
 * close-on-exec pipe, so privconfd can say why a child never started
 * instead of reporting a lost child with status 127.
 */
#define _GNU_SOURCE	/* pipe2, dup3 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/contract.h"
#include "common/log.h"
#include "daemon/spawn.h"

/*
 * The only variables a child inherits, when privconfd has them: the
 * seccomp debug switch (docs/design.md 4) and the sanitizer runtimes'
 * options (read by them alone, in SANITIZE=1 builds).  Anything else of
 * privconfd's environment (a service manager's, a shell's) stays behind.
 */
static const char *const spawn_env_keep[] = {
	"PRIVCONF_SECCOMP_DEBUG", "ASAN_OPTIONS", "UBSAN_OPTIONS",
	"LSAN_OPTIONS",
#ifdef PRIVCONF_BENCH_NO_SANDBOX
	/*
	 * Benchmark builds only (common/confine.c): the children's switch,
	 * and where bench/callgrind.sh's wrappers write their counts.
	 */
	"PRIVCONF_BENCH_NO_SANDBOX", "PRIVCONF_BENCH_CG_OUT",
#endif
};
#define SPAWN_ENV_MAX	(sizeof(spawn_env_keep) / sizeof(spawn_env_keep[0]))

/* Where the child parks its descriptors while it renumbers them. */
#define SPAWN_FD_PARK	10
/* The child's end of the exec-error pipe, just past the contract's fds. */
#define SPAWN_FD_ERR	5

_Static_assert(CONTRACT_FD_LISTEN == CONTRACT_FD_JOURNAL,
    "a child's fd 4 is the listening socket or the journal");
_Static_assert(SPAWN_FD_ERR > CONTRACT_FD_LISTEN &&
    SPAWN_FD_PARK > SPAWN_FD_ERR, "parked fds clash with the contract's");

/* dir/prog into c->path: 0 when it can be executed, else -1 (errno). */
static int
spawn_try(struct child *c, const char *dir, const char *prog)
{
	int	 r;

	r = snprintf(c->path, sizeof(c->path), "%s/%s", dir, prog);
	if (r < 0 || (size_t)r >= sizeof(c->path))
		fatalx("op=spawn dir=\"%s\" prog=%s why=\"path too long\"",
		    dir, prog);
	return access(c->path, X_OK);
}

void
spawn_find(struct child *c, const char *name, const char *libexec,
    const char *prog)
{
	char		 self[PATH_MAX], installed[PATH_MAX + 32], real[PATH_MAX];
	char		*slash;
	ssize_t		 n;

	c->name = name;
	c->pid = 0;
	c->status = 0;
	relay_init(&c->log, -1);
	if (libexec != NULL) {
		if (spawn_try(c, libexec, prog) == -1)
			fatal("op=spawn path=\"%s\" why=\"cannot execute "
			    "(--libexec-dir)\"", c->path);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n == -1)
		fatal("op=spawn why=\"readlink /proc/self/exe\"");
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		fatalx("op=spawn exe=\"%s\" why=\"not an absolute path\"",
		    self);
	*slash = '\0';
	/*
	 * Next to privconfd (the build tree), else where make install puts
	 * them: PREFIX/libexec/privconf beside PREFIX/sbin.  Relative to
	 * the executable, so a tree installed under DESTDIR or moved whole
	 * finds its own children and never those of another install.
	 */
	if (spawn_try(c, self, prog) == 0)
		return;
	snprintf(installed, sizeof(installed), "%s/../libexec/privconf", self);
	if (realpath(installed, real) != NULL && spawn_try(c, real, prog) == 0)
		return;
	fatal("op=spawn prog=%s dirs=\"%s %s\" why=\"cannot execute\"",
	    prog, self, installed);
}

/* In the child: report errno to privconfd and die. */
static void __attribute__((noreturn))
spawn_fail(int errfd)
{
	int	 e = errno;
	ssize_t	 w;

	do
		w = write(errfd, &e, sizeof(e));
	while (w == -1 && errno == EINTR);
	_exit(127);
}

static int
spawn_park(int fd, int errfd)
{
	int	 p;

	if (fd == -1)
		return -1;
	if ((p = fcntl(fd, F_DUPFD_CLOEXEC, SPAWN_FD_PARK)) == -1)
		spawn_fail(errfd);
	return p;
}

/* The environment of spawn_env_keep, built before the fork. */
static void
spawn_env(char *env[SPAWN_ENV_MAX + 1])
{
	size_t	 i, n = 0, k;

	for (i = 0; environ != NULL && environ[i] != NULL; i++)
		for (k = 0; k < SPAWN_ENV_MAX; k++)
			if (strncmp(environ[i], spawn_env_keep[k],
			    strlen(spawn_env_keep[k])) == 0 &&
			    environ[i][strlen(spawn_env_keep[k])] == '=' &&
			    n < SPAWN_ENV_MAX)
				env[n++] = environ[i];
	env[n] = NULL;
}

static void __attribute__((noreturn))
spawn_exec(const struct child *c, char *const argv[], int linkfd, int fd4,
    int logw, int errw, const sigset_t *mask, pid_t parent, char *env[])
{
	int	 null;

	/* Die with privconfd even before the child's own main() says so. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		spawn_fail(errw);
	if (getppid() != parent)
		_exit(127);
	/*
	 * Its own session: a terminal's ^C or a signal to privconfd's
	 * process group reaches privconfd only, which then stops the
	 * children in order instead of seeing them die as lost.
	 */
	if (setsid() == -1)
		spawn_fail(errw);
	signal(SIGPIPE, SIG_DFL);
	if (sigprocmask(SIG_SETMASK, mask, NULL) == -1)
		spawn_fail(errw);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		spawn_fail(errw);

	/* Park every source above the targets, then place each one. */
	errw = spawn_park(errw, errw);
	null = spawn_park(null, errw);
	logw = spawn_park(logw, errw);
	linkfd = spawn_park(linkfd, errw);
	fd4 = spawn_park(fd4, errw);
	if (dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(logw, 2) == -1 || dup2(linkfd, CONTRACT_FD_LINK) == -1)
		spawn_fail(errw);
	if (fd4 != -1 ? dup2(fd4, CONTRACT_FD_LISTEN) == -1 :
	    close(CONTRACT_FD_LISTEN) == -1 && errno != EBADF)
		spawn_fail(errw);
	if (dup3(errw, SPAWN_FD_ERR, O_CLOEXEC) == -1)
		spawn_fail(errw);
	errw = SPAWN_FD_ERR;
	closefrom(SPAWN_FD_ERR + 1);

	execve(c->path, argv, env);
	spawn_fail(errw);
}

void
spawn_child(struct child *c, char *const argv[], int linkfd, int fd4,
    const sigset_t *mask)
{
	char	*env[SPAWN_ENV_MAX + 1];
	int	 logp[2], errp[2], e;
	pid_t	 parent = getpid(), pid;
	ssize_t	 n;

	spawn_env(env);
	if (pipe2(logp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1)
		fatal("op=spawn why=\"pipe2\"");
	/* The child's log writes must never block it: a full pipe drops. */
	if (fcntl(logp[1], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(logp[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("op=spawn why=\"O_NONBLOCK\"");
	if ((pid = fork()) == -1)
		fatal("op=spawn why=\"fork\"");
	if (pid == 0)
		spawn_exec(c, argv, linkfd, fd4, logp[1], errp[1], mask, parent,
		    env);
	close(logp[1]);
	close(errp[1]);
	c->pid = pid;
	relay_init(&c->log, logp[0]);

	/* EOF: the exec happened and closed the pipe. */
	do
		n = read(errp[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	close(errp[0]);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(pid, &c->status, 0) == -1 && errno == EINTR)
			;
		c->pid = 0;
		errno = e;
		fatal("op=spawn child=%s path=\"%s\" why=\"cannot start\"",
		    c->name, c->path);
	}
	log_debug("op=spawn child=%s pid=%ld", c->name, (long)pid);
}
