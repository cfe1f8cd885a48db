/*
 * Socket activation (privconfd(8), daemon/activate.c): the test plays
 * the service manager.  It binds and listens, then execs privconfd with
 * that socket as fd 3, LISTEN_FDS=1 and LISTEN_PID its pid, and talks to
 * it.  privconfd binds nothing, serves that socket, reports its address
 * in stat, and leaves it in place when it stops.
 */
#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static struct h_daemon	d;
static int		lfd = -1;

static void
setup(void)
{
	h_init(&d, H_PATH);
}

static void
teardown(void)
{
	h_done(&d);
	if (lfd != -1)
		close(lfd);
}

TestSuite(activation, .init = setup, .fini = teardown, .timeout = 120);

/* What the service manager does: bind and listen on path. */
static int
listen_on(const char *path)
{
	struct sockaddr_un sun;
	int		 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1, "socket: %s", strerror(errno));
	cr_assert(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind %s: %s", path, strerror(errno));
	cr_assert(listen(fd, 16) == 0, "listen: %s", strerror(errno));
	return fd;
}

/*
 * fork, fd on 3, LISTEN_FDS=nfds and LISTEN_PID = the child's pid (or
 * another one when wrong_pid), exec privconfd -f and the arguments.
 */
static void
activate(int fd, const char *nfds, int wrong_pid, const char *const *args)
{
	const char	*argv[16];
	char		*exe;
	int		 n = 0, i, log;
	pid_t		 pid;

	exe = h_printf("%s/privconfd", h_build_dir());
	argv[n++] = exe;
	argv[n++] = "-f";
	for (i = 0; args != NULL && args[i] != NULL; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if ((log = open(d.logpath, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) != -1)
			dup2(log, 2);
		/* dup2 clears close-on-exec, as a manager passes it. */
		if (dup2(fd, 3) != 3)
			_exit(126);
		setenv("LISTEN_FDS", nfds, 1);
		setenv("LISTEN_PID", h_printf("%d", (int)getpid() +
		    (wrong_pid ? 1 : 0)), 1);
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	d.pid = pid;
	d.reaped = 0;
}

Test(activation, serves_the_inherited_socket_and_leaves_it)
{
	struct stat	 st;
	char		*stat, *want;

	lfd = listen_on(d.path);
	activate(lfd, "1", 0, NULL);
	h_ready(&d);
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	/* stat names the socket the manager bound. */
	stat = h_stat(d.addr);
	want = h_printf("\"ipc\":{\"addr\":\"%s\"", d.path);
	cr_assert(strstr(stat, want) != NULL, "stat: %s", stat);
	cr_assert_eq(h_stop(&d), 0, "SIGTERM: %s; log:\n%s",
	    h_status_text(d.status), h_log(&d));
	/* Never removed: the manager keeps it for the next start. */
	cr_assert(lstat(d.path, &st) == 0 && S_ISSOCK(st.st_mode),
	    "%s was removed", d.path);
	cr_assert(strstr(h_log(&d), h_printf("privconfd: op=serve addr=\"%s\"",
	    d.path)) != NULL, "log:\n%s", h_log(&d));
}

Test(activation, a_restart_serves_the_same_socket_again)
{
	lfd = listen_on(d.path);
	activate(lfd, "1", 0, NULL);
	h_ready(&d);
	h_expect(d.addr, "allow/read+/a\n", H_ACK);
	cr_assert_eq(h_stop(&d), 0);
	/* A client that connects meanwhile waits in the backlog. */
	activate(lfd, "1", 0, NULL);
	h_ready(&d);
	h_expect(d.addr, "ping\n", H_PONG);
}

Test(activation, variables_for_another_pid_are_ignored)
{
	const char	*args[] = { "-s", d.path, NULL };
	int		 fd;
	char		*other = h_printf("%s/other.sock", d.dir);

	fd = listen_on(other);
	/* privconfd binds -s itself and leaves fd 3 alone. */
	activate(fd, "1", 1, args);
	h_ready(&d);
	h_expect(d.addr, "ping\n", H_PONG);
	cr_assert(h_try_connect(other) >= 0, "%s no longer listens", other);
	close(fd);
}

Test(activation, anything_but_one_listening_unix_socket_is_refused)
{
	int	 p[2], fd;

	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	activate(p[0], "1", 0, NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: op=activate fd=3 why=\"not a "
	    "socket\"");
	close(p[0]);
	close(p[1]);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	activate(fd, "1", 0, NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: op=activate fd=3 why=\"not a "
	    "listening AF_UNIX stream socket (ListenStream= with a path or "
	    "@name)\"");
	close(fd);

	lfd = listen_on(d.path);
	activate(lfd, "2", 0, NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: op=activate why=\"one listening "
	    "socket expected\" listen_fds=many");
}
