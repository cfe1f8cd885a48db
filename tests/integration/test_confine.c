/*
 * Confinement as a user of the real daemon sees it (docs/design.md 4): what
 * /proc says of each child, what stats reports, that a crash of either
 * child fails closed, and that the real worker binary dies on frames a
 * compromised listener could send.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/landlock.h"
#include "common/wire.h"
#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(confine, .fini = teardown, .timeout = 180);

/* The value of "Key:" in /proc/PID/status, as text. */
static char *
status_field(pid_t pid, const char *key)
{
	char	 path[64], line[512];
	size_t	 klen = strlen(key);
	FILE	*f;
	char	*v = NULL, *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	cr_assert((f = fopen(path, "r")) != NULL, "%s: %s", path,
	    strerror(errno));
	while (v == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		for (p = line + klen + 1; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		v = strdup(p);
	}
	fclose(f);
	cr_assert_not_null(v, "%s has no %s", path, key);
	return v;
}

static void
assert_field(pid_t pid, const char *key, const char *want)
{
	char	*v = status_field(pid, key);

	cr_assert_str_eq(v, want, "pid %d %s: %s, want %s", (int)pid, key, v,
	    want);
	free(v);
}

static void
children(pid_t *worker, pid_t *listener)
{
	*worker = h_child_named(d.pid, "privconf-worker");
	*listener = h_child_named(d.pid, "privconf-listener");
}

/* The fd numbers open in pid, as a string "0 1 2 3". */
static char *
fd_list(pid_t pid)
{
	char	 path[64], out[256] = "";
	int	 fds[64], n = 0, i, j, t;
	DIR	*dir;
	struct dirent *de;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	cr_assert((dir = opendir(path)) != NULL, "%s: %s", path,
	    strerror(errno));
	while ((de = readdir(dir)) != NULL && n < 64)
		if (de->d_name[0] != '.')
			fds[n++] = atoi(de->d_name);
	closedir(dir);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (fds[j] < fds[i]) {
				t = fds[i];
				fds[i] = fds[j];
				fds[j] = t;
			}
	for (i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%d",
		    i ? " " : "", fds[i]);
	return strdup(out);
}

static void
assert_fds(pid_t pid, const char *want)
{
	char	*v = fd_list(pid);

	cr_assert_str_eq(v, want, "pid %d holds fds %s, want %s", (int)pid,
	    v, want);
	free(v);
}

static char *
link_of(pid_t pid, const char *what)
{
	char	 path[64], buf[PATH_MAX];
	ssize_t	 n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	n = readlink(path, buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0, "%s: %s", path, strerror(errno));
	buf[n] = '\0';
	return strdup(buf);
}

Test(confine, children_run_as_nobody_with_no_capability)
{
	pid_t	 kids[2];
	int	 i;

	if (!h_is_root())
		cr_skip_test("needs root: the id drop is from root");
	h_start(&d, NULL);
	children(&kids[0], &kids[1]);
	for (i = 0; i < 2; i++) {
		assert_field(kids[i], "Uid", "65534\t65534\t65534\t65534");
		assert_field(kids[i], "Gid", "65534\t65534\t65534\t65534");
		assert_field(kids[i], "Groups", "");
		assert_field(kids[i], "NoNewPrivs", "1");
		assert_field(kids[i], "Seccomp", "2");
		assert_field(kids[i], "CapEff", "0000000000000000");
		assert_field(kids[i], "CapPrm", "0000000000000000");
		assert_field(kids[i], "CapBnd", "0000000000000000");
	}
}

Test(confine, children_live_in_their_own_namespaces_and_empty_root)
{
	pid_t	 kids[2];
	char	*mine, *theirs, *root;
	struct stat st;
	DIR	*dir;
	struct dirent *de;
	int	 i, entries;

	if (!h_is_root())
		cr_skip_test("needs root: namespaces and chroot need it");
	h_start(&d, NULL);
	children(&kids[0], &kids[1]);
	for (i = 0; i < 2; i++) {
		mine = link_of(d.pid, "ns/net");
		theirs = link_of(kids[i], "ns/net");
		cr_assert_str_neq(mine, theirs, "pid %d shares the network "
		    "namespace", (int)kids[i]);
		free(mine);
		free(theirs);
		mine = link_of(d.pid, "ns/ipc");
		theirs = link_of(kids[i], "ns/ipc");
		cr_assert_str_neq(mine, theirs);
		free(mine);
		free(theirs);

		root = link_of(kids[i], "root");
		cr_assert_str_neq(root, "/", "pid %d is not chrooted",
		    (int)kids[i]);
		cr_assert_eq(stat(root, &st), 0, "%s: %s", root,
		    strerror(errno));
		cr_assert(S_ISDIR(st.st_mode) && st.st_uid == 0 &&
		    (st.st_mode & 07777) == 0755, "%s: owner %d mode %o", root,
		    (int)st.st_uid, (unsigned)(st.st_mode & 07777));
		cr_assert((dir = opendir(root)) != NULL);
		entries = 0;
		while ((de = readdir(dir)) != NULL)
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				entries++;
		closedir(dir);
		cr_assert_eq(entries, 0, "%s is not empty", root);
		free(root);
	}
	/* The worker has a mount namespace of its own too. */
	mine = link_of(d.pid, "ns/mnt");
	theirs = link_of(kids[0], "ns/mnt");
	cr_assert_str_neq(mine, theirs);
	free(mine);
	free(theirs);
}

/* stdin and stdout on /dev/null, stderr, then only what each one owns. */
Test(confine, children_hold_only_their_own_fds)
{
	pid_t	 worker, listener;

	h_start(&d, NULL);
	children(&worker, &listener);
	/* The worker: the socketpair (no journal here). */
	assert_fds(worker, "0 1 2 3");
	/* The listener: the socketpair, the listening socket, its epoll. */
	assert_fds(listener, "0 1 2 3 4 5");
	cr_assert_str_eq(link_of(worker, "fd/0"), "/dev/null");
	cr_assert_str_eq(link_of(listener, "fd/1"), "/dev/null");
}

/*
 * Started by a normal user, everything that needs no privilege still
 * applies.  As root, the test starts privconfd as uid 65534 itself.
 */
Test(confine, children_run_confined_as_a_normal_user_too)
{
	pid_t	 kids[2];
	char	*exe, *want, *mine, *theirs;
	int	 i, fd;

	if (!h_is_root()) {
		h_start(&d, NULL);
	} else {
		h_init(&d, H_PATH);
		cr_assert_eq(chown(d.dir, 65534, 65534), 0);
		exe = h_printf("%s/privconfd", h_build_dir());
		d.pid = fork();
		cr_assert_neq(d.pid, -1);
		if (d.pid == 0) {
			fd = open("/dev/null", O_RDWR);
			dup2(fd, 0);
			dup2(fd, 1);
			fd = open(d.logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
			dup2(fd, 2);
			if (setgroups(0, NULL) == -1 ||
			    setresgid(65534, 65534, 65534) == -1 ||
			    setresuid(65534, 65534, 65534) == -1)
				_exit(126);
			execl(exe, exe, "-f", "-s", d.addr, (char *)NULL);
			_exit(127);
		}
		free(exe);
		h_ready(&d);
	}
	children(&kids[0], &kids[1]);
	want = h_printf("%u\t%u\t%u\t%u", (unsigned)(h_is_root() ? 65534 :
	    getuid()), (unsigned)(h_is_root() ? 65534 : getuid()),
	    (unsigned)(h_is_root() ? 65534 : getuid()),
	    (unsigned)(h_is_root() ? 65534 : getuid()));
	for (i = 0; i < 2; i++) {
		assert_field(kids[i], "Uid", want);
		assert_field(kids[i], "NoNewPrivs", "1");
		assert_field(kids[i], "Seccomp", "2");
		assert_field(kids[i], "CapEff", "0000000000000000");
		/* No privilege for namespaces or chroot: those are skipped. */
		mine = link_of(d.pid, "ns/net");
		theirs = link_of(kids[i], "ns/net");
		cr_assert_str_eq(mine, theirs);
		free(mine);
		free(theirs);
	}
	free(want);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
}

/* stats names how each process is confined; the listener told the worker. */
Test(confine, stats_reports_each_process)
{
	struct h_bytes	 b;
	char		*w, *l;
	unsigned	 id = h_is_root() ? 65534 : (unsigned)getuid();
	unsigned	 gid = h_is_root() ? 65534 : (unsigned)getgid();

	h_start(&d, NULL);
	h_request(d.addr, "stats\n", 6, &b);
	w = h_printf("\nconfine/worker: uid=%u gid=%u landlock=", id, gid);
	l = h_printf("\nconfine/listener: uid=%u gid=%u landlock=", id, gid);
	cr_assert_not_null(strstr(b.p, w), "%s", b.p);
	cr_assert_not_null(strstr(b.p, l), "%s", b.p);
	cr_assert_not_null(strstr(strstr(b.p, w), " seccomp=kill\n"));
	cr_assert_not_null(strstr(strstr(b.p, l), " seccomp=kill\n"));
	cr_assert_null(strstr(b.p, "landlock=0 "), "Landlock missing: %s",
	    b.p);
	h_bytes_free(&b);
	free(w);
	free(l);
	/* The start-up log names the enforced state of both. */
	cr_assert_not_null(strstr(h_log(&d), "privconf[listener]: op=confine "
	    "landlock="));
	cr_assert_not_null(strstr(h_log(&d), "privconf[worker]: op=confine "
	    "landlock="));
}

static void
crash_fails_closed(const char *victim, const char *name, int sig,
    const char *signame)
{
	pid_t	 v, other;
	char	*line;

	h_start(&d, NULL);
	v = h_child_named(d.pid, victim);
	other = h_child_named(d.pid, strcmp(name, "worker") == 0 ?
	    "privconf-listener" : "privconf-worker");
	cr_assert_eq(kill(v, sig), 0);
	h_assert_exit(&d, 1);
	line = h_printf("privconfd: lost child: %s terminated by signal %d "
	    "(%s)", name, sig, signame);
	h_assert_log_line(&d, line);
	free(line);
	h_assert_proc_gone(v);
	h_assert_proc_gone(other);
	cr_assert(access(d.path, F_OK) == -1 && errno == ENOENT,
	    "the socket path is still there");
}

Test(confine, worker_segfault_fails_closed)
{
	crash_fails_closed("privconf-worker", "worker", SIGSEGV, "SIGSEGV");
}

Test(confine, listener_segfault_fails_closed)
{
	crash_fails_closed("privconf-listener", "listener", SIGSEGV,
	    "SIGSEGV");
}

/*
 * A fake listener: the test holds the other end of the real worker's fd 3,
 * plays privconfd for the SETUP phase, then sends what a compromised
 * listener could.  The worker must exit non-zero every time.
 */
struct fake {
	pid_t	 pid;
	int	 fd;
	char	 root[64];
};

static void
fake_start(struct fake *f)
{
	char	*exe = h_printf("%s/privconf-worker", h_build_dir());
	int	 sv[2], null;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->root[0] = '\0';
	if (h_is_root()) {
		strcpy(f->root, "/tmp/privconf-root.XXXXXX");
		cr_assert_not_null(mkdtemp(f->root));
		cr_assert_eq(chmod(f->root, 0755), 0);
	}
	f->pid = fork();
	cr_assert_neq(f->pid, -1);
	if (f->pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		dup2(sv[1], 3);
		if (f->root[0] != '\0')
			execl(exe, exe, "--ipc-addr", "@t", "--ipc-uid", "0",
			    "--ipc-gid", "none", "--run-uid", "65534",
			    "--run-gid", "65534", "--chroot", f->root,
			    (char *)NULL);
		else
			execl(exe, exe, "--ipc-addr", "@t", "--ipc-uid", "0",
			    "--ipc-gid", "none", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	f->fd = sv[0];
	free(exe);
}

static void
fake_send(struct fake *f, const void *p, size_t n)
{
	/* The worker may be gone already: that is what the tests want. */
	(void)send(f->fd, p, n, MSG_NOSIGNAL);
}

static void
fake_msg(struct fake *f, const struct wire_msg *m)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(wire_encode(&b, m), 0);
	fake_send(f, b.data, b.len);
	buf_free(&b);
}

/* SETUP_DONE, wait for READY, then HELLO: the REQUEST phase. */
static void
fake_to_requests(struct fake *f)
{
	struct wire_msg	 m = { .type = WIRE_SETUP_DONE };
	uint8_t		 buf[64];
	ssize_t		 n;

	fake_msg(f, &m);
	n = read(f->fd, buf, sizeof(buf));
	cr_assert_eq(n, 6, "READY is 6 bytes, got %zd", n);
	cr_assert_eq(buf[5], WIRE_READY);
	m = (struct wire_msg){ .type = WIRE_HELLO, .uid = 65534, .gid = 65534,
	    .landlock = 7, .seccomp = WIRE_SECCOMP_KILL };
	fake_msg(f, &m);
}

static void
fake_expect_death(struct fake *f)
{
	int	 st, i;
	pid_t	 r = 0;

	/* 30 s guard against a hang; a healthy worker dies at once. */
	for (i = 0; i < 3000 && r == 0; i++) {
		r = waitpid(f->pid, &st, WNOHANG);
		if (r == 0)
			usleep(10000);
	}
	if (r == 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, &st, 0);
		cr_assert_fail("the worker accepted the frame and kept running");
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0,
	    "worker ended with %s, want a non-zero exit", h_status_text(st));
	close(f->fd);
	if (f->root[0] != '\0')
		rmdir(f->root);
}

Test(confine, worker_dies_on_out_of_phase_frame)
{
	struct fake	 f;
	/* A SETUP frame after READY: privconfd's message from the listener. */
	struct wire_msg	 m = { .type = WIRE_SETUP, .lineno = 1,
	    .data = (const uint8_t *)"sandbox/read:off", .data_len = 16 };

	fake_start(&f);
	fake_to_requests(&f);
	fake_msg(&f, &m);
	fake_expect_death(&f);
}

Test(confine, worker_dies_on_request_before_setup_done)
{
	struct fake	 f;
	struct wire_msg	 m = { .type = WIRE_REQUEST, .conn = 1, .id = 1,
	    .pid = 1, .data = (const uint8_t *)"sandbox/read:off",
	    .data_len = 16 };

	fake_start(&f);
	fake_msg(&f, &m);
	fake_expect_death(&f);
}

Test(confine, worker_dies_on_length_over_the_maximum)
{
	struct fake	 f;
	uint32_t	 len = WIRE_BODY_MAX + 1;
	uint8_t		 h[4] = { len >> 24, len >> 16, len >> 8, len };

	fake_start(&f);
	fake_to_requests(&f);
	fake_send(&f, h, sizeof(h));
	fake_expect_death(&f);
}

Test(confine, worker_dies_on_string_where_an_integer_belongs)
{
	struct fake	 f;
	/* REQUEST [1, 1, "x", 0, 0, 1, "ping"]: the id is a bin. */
	static const uint8_t frame[] = { 0, 0, 0, 14, 0x97, 1, 1, 0xc4, 1, 'x',
	    0, 0, 1, 0xc4, 4, 'p', 'i', 'n', 'g' };

	fake_start(&f);
	fake_to_requests(&f);
	fake_send(&f, frame, sizeof(frame));
	fake_expect_death(&f);
}

/* privconfd's own confine log line, for seccomp mode "kill" or "trap". */
static char *
daemon_confine_line(const char *mode)
{
	int	 abi = landlock_abi();

	return h_printf("privconfd: op=confine landlock=%d seccomp=%s caps=%s",
	    abi > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : abi, mode,
	    h_is_root() ? "kill" : "none");
}

/*
 * privconfd itself, once both children run, keeps only what it needs to
 * reap, signal and clean up: no_new_privs, seccomp, and as root no
 * capability but CAP_KILL.  It still does all three afterwards.
 */
Test(confine, privconfd_gives_up_what_it_no_longer_needs)
{
	const char *caps = h_is_root() ? "0000000000000020" :
	    "0000000000000000";
	char	*line = daemon_confine_line("kill");

	h_start(&d, NULL);
	/* It confines itself right after the listener starts: wait for it. */
	h_wait_log_line(&d, line);
	free(line);
	assert_field(d.pid, "NoNewPrivs", "1");
	assert_field(d.pid, "Seccomp", "2");
	assert_field(d.pid, "CapEff", caps);
	assert_field(d.pid, "CapPrm", caps);
	assert_field(d.pid, "CapBnd", h_is_root() ? caps : status_field(d.pid,
	    "CapBnd"));
	/* Signal and reap (SIGTERM), remove the socket and the empty root. */
	cr_assert_eq(h_stop(&d), 0);
	cr_assert(access(d.path, F_OK) == -1 && errno == ENOENT);
	cr_assert_null(strstr(h_log(&d), "cannot remove"), "%s", h_log(&d));
}

/* The debug switch reaches all three processes and shows in stats. */
Test(confine, seccomp_debug_switch_traps_instead_of_killing)
{
	struct h_bytes	 b;

	cr_assert_eq(setenv("PRIVCONF_SECCOMP_DEBUG", "1", 1), 0);
	h_start(&d, NULL);
	unsetenv("PRIVCONF_SECCOMP_DEBUG");
	h_request(d.addr, "stats\n", 6, &b);
	cr_assert_not_null(strstr(b.p, "\nconfine/worker: "), "%s", b.p);
	cr_assert_null(strstr(b.p, "seccomp=kill"), "%s", b.p);
	cr_assert_not_null(strstr(strstr(b.p, "\nconfine/listener: "),
	    " seccomp=trap\n"), "%s", b.p);
	h_wait_log_line(&d, daemon_confine_line("trap"));
	h_bytes_free(&b);
	cr_assert_eq(h_stop(&d), 0);
}

/* Run-as ids are numbers: an empty one is refused, never taken as "none". */
Test(confine, worker_refuses_an_empty_run_id)
{
	char	*exe = h_printf("%s/privconf-worker", h_build_dir());
	char	 log[256] = "";
	int	 sv[2], ep[2], st, null;
	ssize_t	 n;
	pid_t	 pid;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cr_assert_eq(pipe2(ep, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(ep[1], 2);
		dup2(sv[1], 3);
		execl(exe, exe, "--ipc-addr", "@t", "--ipc-uid", "0",
		    "--ipc-gid", "none", "--run-uid", "", "--run-gid", "65534",
		    (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "worker ended with %s",
	    h_status_text(st));
	n = read(ep[0], log, sizeof(log) - 1);
	cr_assert_gt(n, 0);
	/* Its stderr is privconfd's relay: the line starts with its level. */
	cr_assert_str_eq(log,
	    "<3>privconf[worker]: op=start why=\"--run-uid: bad value ''\"\n");
	close(ep[0]);
	close(sv[0]);
	free(exe);
}
