/*
 * The daemon's life: lock:on ends IPC (docs/protocol.md 6), SIGTERM, a lost
 * child fails closed (docs/design.md 2.5), live and stale socket paths
 * (docs/protocol.md 1), abstract sockets.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/integration/harness.h"

static struct h_daemon	d, d2;

static void
teardown(void)
{
	h_done(&d);
	h_done(&d2);
}

TestSuite(lifecycle, .fini = teardown, .timeout = 180);

static int
open_interactive(const char *addr)
{
	int	fd;

	fd = h_connect(addr);
	h_sends(fd, "prompt i\nping\n");
	h_expect_read(fd, H_PONG);
	return fd;
}

/* The worker and the listener, and nothing else, are privconfd's children. */
static void
children(pid_t *worker, pid_t *listener)
{
	pid_t	kids[8];
	int	n;

	n = h_children(d.pid, kids, 8);
	cr_assert_eq(n, 2, "privconfd has %d children, want 2", n);
	*worker = h_child_named(d.pid, "privconf-worker");
	*listener = h_child_named(d.pid, "privconf-listener");
	cr_assert_neq(*worker, *listener);
}

static void
assert_path_gone(const char *path)
{
	struct stat	st;

	cr_assert(lstat(path, &st) == -1 && errno == ENOENT,
	    "%s is still there", path);
}

static void
assert_refused(const char *addr)
{
	int	fd;

	fd = h_try_connect(addr);
	if (fd >= 0)
		close(fd);
	cr_assert(fd == -ECONNREFUSED || fd == -ENOENT,
	    "connect to %s after the end: %s", addr,
	    fd >= 0 ? "accepted" : strerror(-fd));
}

static void
lock_on_ends_everything(void)
{
	pid_t	worker, listener;
	int	a, b;

	children(&worker, &listener);
	a = open_interactive(d.addr);
	b = h_connect(d.addr);
	h_sends(b, "lock:on\n");
	/* No reply for lock:on, and no bytes for anyone after it. */
	h_expect_closed(b, "");
	h_expect_closed(a, "");
	h_assert_exit(&d, 0);
	if (d.path[0] != '\0')
		assert_path_gone(d.path);
	assert_refused(d.addr);
	h_assert_proc_gone(worker);
	h_assert_proc_gone(listener);
}

Test(lifecycle, lock_on_ends_ipc_and_the_daemon)
{
	h_start(&d, NULL);
	lock_on_ends_everything();
}

Test(lifecycle, lock_on_ends_ipc_on_abstract_socket)
{
	h_start_abstract(&d, NULL);
	lock_on_ends_everything();
}

Test(lifecycle, lock_on_writes_no_prompt)
{
	int	fd;

	h_start(&d, NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt p\n");
	h_expect_read(fd, H_PROMPT);
	h_sends(fd, "lock:on\n");
	h_expect_closed(fd, "");
	h_assert_exit(&d, 0);
	assert_path_gone(d.path);
}

Test(lifecycle, lock_on_after_replies_of_the_same_connection)
{
	int	fd;

	h_start(&d, NULL);
	fd = open_interactive(d.addr);
	h_sends(fd, "sandbox/read?\n");
	h_expect_read(fd, H_ACK);
	h_sends(fd, "lock:on\n");
	h_expect_closed(fd, "");
	h_assert_exit(&d, 0);
}

static void
term_stops_cleanly(int sig)
{
	pid_t	worker, listener;
	int	a;

	h_start(&d, NULL);
	children(&worker, &listener);
	a = open_interactive(d.addr);
	cr_assert(kill(d.pid, sig) == 0);
	h_assert_exit(&d, 0);
	h_expect_closed(a, "");
	assert_path_gone(d.path);
	h_assert_proc_gone(worker);
	h_assert_proc_gone(listener);
}

Test(lifecycle, sigterm_exits_0_and_leaves_nothing)
{
	term_stops_cleanly(SIGTERM);
}

Test(lifecycle, sigint_exits_0_and_leaves_nothing)
{
	term_stops_cleanly(SIGINT);
}

static void
lost_child(const char *victim, const char *other, const char *line)
{
	pid_t	v, o;
	int	a;

	h_start(&d, NULL);
	v = h_child_named(d.pid, victim);
	o = h_child_named(d.pid, other);
	a = open_interactive(d.addr);
	cr_assert(kill(v, SIGKILL) == 0);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, line);
	assert_path_gone(d.path);
	h_assert_proc_gone(v);
	h_assert_proc_gone(o);
	/* Fail closed: the client is cut off, nothing more is served. */
	h_expect_closed(a, "");
	assert_refused(d.addr);
}

Test(lifecycle, killed_worker_fails_closed)
{
	lost_child("privconf-worker", "privconf-listener",
	    "privconfd: lost child: worker terminated by signal 9 (SIGKILL)");
}

Test(lifecycle, killed_listener_fails_closed)
{
	lost_child("privconf-listener", "privconf-worker",
	    "privconfd: lost child: listener terminated by signal 9 "
	    "(SIGKILL)");
}

Test(lifecycle, live_path_makes_second_daemon_refuse)
{
	struct stat	st;

	h_start(&d, NULL);
	h_init(&d2, H_PATH);
	snprintf(d2.addr, sizeof(d2.addr), "%s", d.path);
	h_spawn(&d2, NULL);
	h_assert_exit(&d2, 1);
	/* The first keeps its socket and serves on. */
	cr_assert(stat(d.path, &st) == 0 && S_ISSOCK(st.st_mode),
	    "the second daemon removed the first's socket");
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
}

Test(lifecycle, live_abstract_name_makes_second_daemon_refuse)
{
	h_start_abstract(&d, NULL);
	h_init(&d2, H_PATH);
	snprintf(d2.addr, sizeof(d2.addr), "%s", d.addr);
	d2.path[0] = '\0';
	h_spawn(&d2, NULL);
	h_assert_exit(&d2, 1);
	h_expect(d.addr, "ping\n", H_PONG);
}

Test(lifecycle, stale_socket_is_replaced)
{
	struct sockaddr_un	sun;
	int			fd;

	h_init(&d, H_PATH);
	/* A socket file that nothing accepts on any more. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(fd != -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	cr_assert(strlen(d.path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, d.path, strlen(d.path));
	cr_assert(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind: %s", strerror(errno));
	close(fd);
	cr_assert_eq(h_try_connect(d.path), -ECONNREFUSED);
	h_spawn(&d, NULL);
	h_ready(&d);
	h_expect(d.addr, "ping\n", H_PONG);
	cr_assert_eq(h_stop(&d), 0, "SIGTERM: wait status %#x", d.status);
}

Test(lifecycle, abstract_socket_serves_and_creates_no_file)
{
	struct dirent	*de;
	DIR		*dir;

	h_start_abstract(&d, NULL);
	cr_assert(d.addr[0] == '@');
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read:off\n", H_ACK);
	h_expect(d.addr, "sandbox/read?\n", H_ENOENT);
	/* Our directory holds the log and nothing else. */
	cr_assert((dir = opendir(d.dir)) != NULL);
	while ((de = readdir(dir)) != NULL)
		cr_assert(strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "log") == 0,
		    "unexpected file %s", de->d_name);
	closedir(dir);
	cr_assert_eq(h_stop(&d), 0, "SIGTERM: wait status %#x", d.status);
}

Test(lifecycle, abstract_name_has_exact_length)
{
	struct sockaddr_un	sun;
	size_t			len;
	int			fd;

	h_start_abstract(&d, NULL);
	len = strlen(d.addr);
	/* The same name padded with NULs to the full sun_path is another. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, d.addr + 1, len - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert(fd != -1);
	cr_assert(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    errno == ECONNREFUSED, "the name was bound with NUL padding");
	close(fd);
	h_expect(d.addr, "ping\n", H_PONG);
}

Test(lifecycle, children_do_not_run_as_root)
{
	char	 path[64], line[256];
	pid_t	 worker, listener, pids[2];
	FILE	*f;
	int	 i, seen;
	unsigned	r, e, s, fs;

	if (!h_is_root())
		cr_skip_test("needs root: children drop from root");
	h_start(&d, NULL);
	children(&worker, &listener);
	pids[0] = worker;
	pids[1] = listener;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		cr_assert((f = fopen(path, "r")) != NULL);
		seen = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "Uid: %u %u %u %u", &r, &e, &s,
			    &fs) == 4 || sscanf(line, "Gid: %u %u %u %u",
			    &r, &e, &s, &fs) == 4) {
				/* --user defaults to nobody. */
				cr_assert(r == 65534 && e == 65534 &&
				    s == 65534 && fs == 65534,
				    "pid %d: %s", (int)pids[i], line);
				seen++;
			}
		}
		fclose(f);
		cr_assert_eq(seen, 2);
	}
}

/* docs/design.md 4: both children end start-up under seccomp, no_new_privs. */
Test(lifecycle, children_run_under_seccomp_and_no_new_privs)
{
	char	 path[64], line[256];
	pid_t	 worker, listener, pids[2];
	FILE	*f;
	int	 i, nnp, sc;

	h_start(&d, NULL);
	children(&worker, &listener);
	pids[0] = worker;
	pids[1] = listener;
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		cr_assert((f = fopen(path, "r")) != NULL);
		nnp = sc = -1;
		while (fgets(line, sizeof(line), f) != NULL) {
			sscanf(line, "NoNewPrivs: %d", &nnp);
			sscanf(line, "Seccomp: %d", &sc);
		}
		fclose(f);
		cr_assert_eq(nnp, 1, "pid %d: NoNewPrivs %d", (int)pids[i],
		    nnp);
		cr_assert_eq(sc, 2, "pid %d: Seccomp %d (2 = filter)",
		    (int)pids[i], sc);
	}
}
