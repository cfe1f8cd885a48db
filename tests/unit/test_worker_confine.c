/*
 * The worker confined for real (worker_confine): what a taken-over worker
 * tries is refused; reading and writing frames on fd 3 and appending to
 * the journal on fd 4 still work.  Every test forks a child
 * (tests/unit/confine_child.h); as root it runs as 65534 in an empty
 * chroot.
 */
#define _GNU_SOURCE
#define CC_CONFINE	worker_confine

#include <sys/resource.h>
#include <sys/syscall.h>

#include <limits.h>
#include <seccomp.h>

#include "common/fdpass.h"
#include "common/landlock.h"
#include "worker/confine.h"
#include "tests/unit/confine_child.h"	/* calls CC_CONFINE */

#define T(name)	Test(worker_confine, name, .timeout = 60, \
		    .fini = cc_fini)

static struct cc c;

static void
run_expect_exit(int (*body)(void), int code)
{
	struct cc_cfg cfg = { .journal = true, .body = body };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, code);
	cc_end(&c);
}

static void
run_expect_signal(int (*body)(void), int sig)
{
	struct cc_cfg cfg = { .journal = true, .body = body };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_signal(&c, sig);
	cc_end(&c);
}

static int
enforced_abi(void)
{
	int	 abi = landlock_abi();

	return abi > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : abi;
}

static const char *
confine_line(int abi)
{
	static char line[256];

	snprintf(line, sizeof(line), "privconf[worker]: op=confine "
	    "landlock=%d seccomp=kill uid=%u gid=%u root=%s\n", abi,
	    cc_root() ? CC_ID : getuid(), cc_root() ? CC_ID : getgid(),
	    cc_root() ? "chroot" : "unchanged");
	return line;
}

/* ---- What a taken-over worker tries. ---- */

#include "tests/unit/confine_attacks.h"

T(write_to_stdout_is_killed)
{
	run_expect_signal(cc_body_write_stdout, SIGSYS);
}

static int
body_accept(void)
{
	return accept4(3, NULL, NULL, SOCK_CLOEXEC) == -1 ?
	    errno : CC_SUCCEEDED;
}

T(accept_is_killed)
{
	run_expect_signal(body_accept, SIGSYS);
}

static int
body_epoll_create(void)
{
	return epoll_create1(0) == -1 ? errno : CC_SUCCEEDED;
}

T(epoll_create_is_killed)
{
	run_expect_signal(body_epoll_create, SIGSYS);
}

static int
body_fdatasync_peer(void)
{
	return fdatasync(3) == -1 ? errno : CC_SUCCEEDED;
}

T(fdatasync_on_other_fd_than_journal_is_killed)
{
	run_expect_signal(body_fdatasync_peer, SIGSYS);
}

static int
body_write_fd4(void)
{
	return write(4, "x", 1) == -1 ? errno : CC_SUCCEEDED;
}

/* Without a journal, fd 4 is nothing: writing there is not allowed. */
T(write_to_fd_4_without_journal_is_killed)
{
	struct cc_cfg cfg = { .journal = false, .body = body_write_fd4 };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

static int
body_read_journal(void)
{
	char	 b;

	return read(4, &b, 1) == -1 ? errno : CC_SUCCEEDED;
}

/* The journal is append-only for the worker: it never reads it back. */
T(read_of_journal_is_killed)
{
	run_expect_signal(body_read_journal, SIGSYS);
}

/* ---- What the worker needs. ---- */

static int
body_frames_and_journal(void)
{
	static const char entry[] =
	    "# 2026-11-28T10:15:02Z uid=1000 gid=1000 pid=4242\n"
	    "allow/read+/usr/***\n";
	char	 buf[5];

	if (read(3, buf, 5) != 5 || memcmp(buf, "frame", 5) != 0)
		return 10;
	if (write(4, entry, sizeof(entry) - 1) != (ssize_t)sizeof(entry) - 1)
		return 11;
	if (fdatasync(4) == -1)
		return 12;
	if (fsync(4) == -1)
		return 13;
	if (write(3, "reply", 5) != 5)
		return 14;
	if (recv(3, buf, 5, MSG_WAITALL) != 5 || send(3, buf, 5, 0) != 5)
		return 15;
	return 0;
}

T(frames_and_journal_calls_still_work)
{
	struct cc_cfg cfg = { .journal = true,
	    .body = body_frames_and_journal };
	char	 buf[16], journal[256];
	ssize_t	 n;

	cc_start(&c, CONFINE_WORKER, &cfg);
	cc_write(&c, "frame");
	cc_read(&c, buf, 5);
	cc_write(&c, "again");
	cc_read(&c, buf + 5, 5);
	buf[10] = '\0';
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cr_assert_str_eq(buf, "replyagain");
	n = pread(c.journal, journal, sizeof(journal) - 1, 0);
	cr_assert_geq(n, 0);
	journal[n] = '\0';
	cr_assert_str_eq(journal,
	    "# 2026-11-28T10:15:02Z uid=1000 gid=1000 pid=4242\n"
	    "allow/read+/usr/***\n");
	cc_end(&c);
}

/* ---- What the confined worker looks like from outside. ---- */

static int
body_wait_for_q(void)
{
	char	 b;

	if (write(3, "R", 1) != 1)
		return 10;
	if (read(3, &b, 1) != 1)
		return 11;
	return b == 'Q' ? 0 : 12;
}

static void
assert_limit(pid_t pid, const char *name, const char *soft,
    const char *hard)
{
	char	 path[64], line[256], s[32], h[32];
	size_t	 len = strlen(name);
	FILE	*f;
	bool	 found = false;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	cr_assert_not_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) != 0 || line[len] != ' ')
			continue;
		cr_assert_eq(sscanf(line + 26, "%31s %31s", s, h), 2);
		found = true;
	}
	fclose(f);
	cr_assert(found, "%s: no %s", path, name);
	cr_assert_str_eq(s, soft, "%s soft", name);
	cr_assert_str_eq(h, hard, "%s hard", name);
}

static const char *
rlim_text(rlim_t v, char *buf, size_t n)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, n, "%llu", (unsigned long long)v);
	return buf;
}

static bool
same_ns(pid_t pid, const char *ns)
{
	char	 p1[64], p2[64], a[128], b[128];
	ssize_t	 n1, n2;

	snprintf(p1, sizeof(p1), "/proc/%d/ns/%s", (int)pid, ns);
	snprintf(p2, sizeof(p2), "/proc/self/ns/%s", ns);
	n1 = readlink(p1, a, sizeof(a) - 1);
	n2 = readlink(p2, b, sizeof(b) - 1);
	cr_assert_gt(n1, 0, "%s: %s", p1, strerror(errno));
	cr_assert_gt(n2, 0);
	a[n1] = b[n2] = '\0';
	return strcmp(a, b) == 0;
}

T(proc_status_shows_ids_nnp_seccomp_limits_and_no_capability)
{
	struct cc_cfg cfg = { .journal = true, .body = body_wait_for_q };
	struct rlimit nofile, fsize;
	char	 ids[64], path[64], b1[32], b2[32];
	unsigned int uid, gid;
	struct stat st;
	char	 b;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &nofile), 0);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &fsize), 0);
	uid = cc_root() ? CC_ID : getuid();
	gid = cc_root() ? CC_ID : getgid();
	cc_start(&c, CONFINE_WORKER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_eq(b, 'R');

	snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u", uid, uid, uid, uid);
	cr_assert_str_eq(cc_status_field(c.pid, "Uid"), ids);
	snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u", gid, gid, gid, gid);
	cr_assert_str_eq(cc_status_field(c.pid, "Gid"), ids);
	cr_assert_str_eq(cc_status_field(c.pid, "NoNewPrivs"), "1");
	cr_assert_str_eq(cc_status_field(c.pid, "Seccomp"), "2");
	cr_assert_str_eq(cc_status_field(c.pid, "CapInh"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapPrm"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapEff"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapAmb"), "0000000000000000");
	if (cc_root()) {
		cr_assert_str_eq(cc_status_field(c.pid, "Groups"), "");
		cr_assert_str_eq(cc_status_field(c.pid, "CapBnd"),
		    "0000000000000000");
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)c.pid);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_uid, 0, "not dumpable: /proc/PID/fd is root's");

	assert_limit(c.pid, "Max processes", "0", "0");
	assert_limit(c.pid, "Max core file size", "0", "0");
	/* The journal grows: no file size limit for the worker. */
	assert_limit(c.pid, "Max file size",
	    rlim_text(fsize.rlim_cur, b1, sizeof(b1)),
	    rlim_text(fsize.rlim_max, b2, sizeof(b2)));
	assert_limit(c.pid, "Max open files",
	    rlim_text(nofile.rlim_cur, b1, sizeof(b1)),
	    rlim_text(nofile.rlim_cur, b2, sizeof(b2)));

	cc_write(&c, "Q");
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

T(as_root_runs_in_new_net_ipc_and_mount_namespaces_in_the_chroot)
{
	struct cc_cfg cfg = { .journal = true, .body = body_wait_for_q };
	char	 path[64], link[PATH_MAX], real[PATH_MAX];
	ssize_t	 n;
	char	 b;

	if (!cc_root())
		cr_skip_test("needs root");
	cc_start(&c, CONFINE_WORKER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_not(same_ns(c.pid, "net"));
	cr_assert_not(same_ns(c.pid, "ipc"));
	cr_assert_not(same_ns(c.pid, "mnt"));
	snprintf(path, sizeof(path), "/proc/%d/root", (int)c.pid);
	n = readlink(path, link, sizeof(link) - 1);
	cr_assert_gt(n, 0);
	link[n] = '\0';
	cr_assert_not_null(realpath(c.root, real));
	cr_assert_str_eq(link, real);
	cc_write(&c, "Q");
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

T(logs_one_confine_line)
{
	struct cc_cfg cfg = { .journal = true, .body = NULL };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, 0);
	cr_assert_str_eq(cc_stderr(&c), confine_line(enforced_abi()));
	cc_end(&c);
}

static void
setup_debug(struct confine_opts *o)
{
	(void)o;
	setenv("PRIVCONF_SECCOMP_DEBUG", "1", 1);
}

static int
body_socket_unix(void)
{
	return socket(AF_UNIX, SOCK_STREAM, 0) == -1 ? errno : CC_SUCCEEDED;
}

T(debug_switch_logs_the_refused_call_by_name_and_exits_159)
{
	struct cc_cfg cfg = { .journal = true, .setup = setup_debug,
	    .body = body_socket_unix };
	char	 want[512];
	const char *line = confine_line(enforced_abi());

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, SECCOMP_TRAP_EXIT);
	snprintf(want, sizeof(want), "%.*sseccomp=trap%s"
	    "privconf[worker]: op=seccomp_trap syscall=%d name=socket\n",
	    (int)(strstr(line, "seccomp=kill") - line), line,
	    strstr(line, "seccomp=kill") + strlen("seccomp=kill"), SYS_socket);
	cr_assert_str_eq(cc_stderr(&c), want);
	cc_end(&c);
}

/* Only "1" switches the debug trap on. */
static void
setup_debug_yes(struct confine_opts *o)
{
	(void)o;
	setenv("PRIVCONF_SECCOMP_DEBUG", "yes", 1);
}

T(debug_switch_other_than_1_still_kills)
{
	struct cc_cfg cfg = { .journal = true, .setup = setup_debug_yes,
	    .body = body_socket_unix };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

/* ---- Landlock missing: simulated with a filter loaded first. ---- */

static void
setup_no_landlock(int err)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);

	if (f == NULL || seccomp_rule_add(f, SCMP_ACT_ERRNO(err),
	    LANDLOCK_NR_CREATE_RULESET, 0) != 0 || seccomp_load(f) != 0)
		_exit(CC_EXIT_SETUP + 10);
	seccomp_release(f);
}

static void
setup_landlock_enosys(struct confine_opts *o)
{
	(void)o;
	setup_no_landlock(ENOSYS);
}

static void
setup_landlock_eopnotsupp_weak(struct confine_opts *o)
{
	o->allow_weak = true;
	setup_no_landlock(EOPNOTSUPP);
}

T(missing_landlock_is_fatal_without_allow_weak_sandbox)
{
	struct cc_cfg cfg = { .journal = true, .setup = setup_landlock_enosys,
	    .body = NULL };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c), "privconf[worker]: op=confine "
	    "why=\"Landlock is not available; --allow-weak-sandbox runs "
	    "without it\" err=\"Function not implemented\"\n");
	cc_end(&c);
}

T(missing_landlock_with_allow_weak_sandbox_runs_with_seccomp)
{
	struct cc_cfg cfg = { .journal = true,
	    .setup = setup_landlock_eopnotsupp_weak,
	    .body = cc_body_open_passwd };
	char	 want[512];

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, EACCES);
	snprintf(want, sizeof(want), "privconf[worker]: op=confine "
	    "why=\"Landlock is not available: weak sandbox "
	    "(--allow-weak-sandbox)\"\n%s",
	    confine_line(0));
	cr_assert_str_eq(cc_stderr(&c), want);
	cc_end(&c);

	cfg.body = cc_body_execve;
	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

/* ---- Refusals before anything runs (as root: the privilege drop). ---- */

static const char *
run_refused(void (*setup)(struct confine_opts *))
{
	struct cc_cfg cfg = { .journal = true, .setup = setup, .body = NULL };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, 1);
	return cc_stderr(&c);
}

static void
setup_nonempty_root(struct confine_opts *o)
{
	char	 path[128];
	int	 fd;

	snprintf(path, sizeof(path), "%s/planted", o->chroot_dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		_exit(CC_EXIT_SETUP + 10);
	close(fd);
}

T(chroot_that_is_not_empty_is_refused)
{
	char	 want[256], path[128];
	const char *got;

	if (!cc_root())
		cr_skip_test("needs root");
	got = run_refused(setup_nonempty_root);
	snprintf(want, sizeof(want), "privconf[worker]: op=confine "
	    "chroot=\"%s\" why=\"not empty\"\n", c.root);
	cr_assert_str_eq(got, want);
	snprintf(path, sizeof(path), "%s/planted", c.root);
	cr_assert_eq(unlink(path), 0);
	cc_end(&c);
}

static void
setup_root_0700(struct confine_opts *o)
{
	if (chmod(o->chroot_dir, 0700) == -1)
		_exit(CC_EXIT_SETUP + 10);
}

static void
setup_root_0775(struct confine_opts *o)
{
	if (chmod(o->chroot_dir, 0775) == -1)
		_exit(CC_EXIT_SETUP + 10);
}

static void
setup_root_not_roots(struct confine_opts *o)
{
	if (chown(o->chroot_dir, CC_ID, 0) == -1)
		_exit(CC_EXIT_SETUP + 10);
}

static void
assert_bad_root(void (*setup)(struct confine_opts *))
{
	char	 want[256];
	const char *got;

	got = run_refused(setup);
	snprintf(want, sizeof(want), "privconf[worker]: op=confine "
	    "chroot=\"%s\" why=\"must be a directory owned by root with "
	    "mode 0755\"\n", c.root);
	cr_assert_str_eq(got, want);
	cc_end(&c);
}

T(chroot_with_mode_other_than_0755_is_refused)
{
	if (!cc_root())
		cr_skip_test("needs root");
	assert_bad_root(setup_root_0700);
	assert_bad_root(setup_root_0775);
}

T(chroot_not_owned_by_root_is_refused)
{
	if (!cc_root())
		cr_skip_test("needs root");
	assert_bad_root(setup_root_not_roots);
}

static char	 link_path[128];

static void
setup_root_symlink(struct confine_opts *o)
{
	if (symlink(o->chroot_dir, link_path) == -1)
		_exit(CC_EXIT_SETUP + 10);
	o->chroot_dir = link_path;
}

T(chroot_through_a_symlink_is_refused)
{
	char	 want[256];

	if (!cc_root())
		cr_skip_test("needs root");
	snprintf(link_path, sizeof(link_path), "/tmp/privconf-link-%d",
	    (int)getpid());
	snprintf(want, sizeof(want), "privconf[worker]: op=confine "
	    "chroot=\"%s\" err=\"Not a directory\"\n", link_path);
	cr_assert_str_eq(run_refused(setup_root_symlink), want);
	cr_assert_eq(unlink(link_path), 0);
	cc_end(&c);
}

static void
setup_run_uid_0(struct confine_opts *o)
{
	o->run_uid = 0;
}

static void
setup_run_gid_0(struct confine_opts *o)
{
	o->run_gid = 0;
}

T(run_ids_of_root_are_refused)
{
	if (!cc_root())
		cr_skip_test("needs root");
	cr_assert_str_eq(run_refused(setup_run_uid_0), "privconf[worker]: "
	    "op=confine why=\"refusing to run as uid or gid 0\"\n");
	cc_end(&c);
	cr_assert_str_eq(run_refused(setup_run_gid_0), "privconf[worker]: "
	    "op=confine why=\"refusing to run as uid or gid 0\"\n");
	cc_end(&c);
}

static void
setup_no_chroot(struct confine_opts *o)
{
	o->chroot_dir = NULL;
}

T(run_ids_without_chroot_are_refused)
{
	if (!cc_root())
		cr_skip_test("needs root");
	cr_assert_str_eq(run_refused(setup_no_chroot), "privconf[worker]: "
	    "op=confine why=\"--run-uid, --run-gid and --chroot go "
	    "together\"\n");
	cc_end(&c);
}

static void
setup_ids_as_user(struct confine_opts *o)
{
	o->run_uid = CC_ID;
	o->run_gid = CC_ID;
	o->chroot_dir = "/";
}

T(run_ids_when_not_root_are_refused)
{
	struct cc_cfg cfg = { .journal = true, .as_user = true,
	    .setup = setup_ids_as_user, .body = NULL };

	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c),
	    "privconf[worker]: op=confine why=\"--run-uid needs root\"\n");
	cc_end(&c);
}

T(root_without_run_ids_is_refused)
{
	struct cc_cfg cfg = { .journal = true, .no_ids = true, .body = NULL };

	if (!cc_root())
		cr_skip_test("needs root");
	cc_run(&c, CONFINE_WORKER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c), "privconf[worker]: op=confine "
	    "why=\"running as root needs --run-uid, --run-gid and "
	    "--chroot\"\n");
	cc_end(&c);
}

/* setresuid that claims success and changes nothing: seccomp ERRNO(0). */
static void
setup_fake_setresuid(struct confine_opts *o)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);

	(void)o;
	if (f == NULL || seccomp_rule_add(f, SCMP_ACT_ERRNO(0),
	    SCMP_SYS(setresuid), 0) != 0 || seccomp_load(f) != 0)
		_exit(CC_EXIT_SETUP + 10);
	seccomp_release(f);
}

/* The drop is checked, not trusted (OpenSSH's permanently_set_uid). */
T(id_drop_that_did_not_happen_is_caught)
{
	if (!cc_root())
		cr_skip_test("needs root");
	cr_assert_str_eq(run_refused(setup_fake_setresuid), "privconf[worker]: "
	    "op=confine why=\"can't drop privileges: ids did not all "
	    "change\"\n");
	cc_end(&c);
}

static void
setup_listen_fd(struct confine_opts *o)
{
	o->listen_fd = 3;
}

T(listener_fds_in_worker_options_are_refused)
{
	cr_assert_str_eq(run_refused(setup_listen_fd), "privconf[worker]: "
	    "op=confine why=\"the worker owns no listening socket\"\n");
	cc_end(&c);
}

/*
 * The client sockets the listener hands over (worker/handoff.c): the
 * worker may ask who connected and close one, nothing else.  The test
 * plays the listener: a socket of its own goes to the child's fd 3.
 */
static int
handed_socket(void)
{
	char	 byte;
	int	 fd;

	if (fdpass_recv(3, &byte, 1, &fd) != 1 || fd < 0)
		_exit(CC_EXIT_SETUP);
	return fd;
}

static int
body_peercred_and_close(void)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);
	int		 fd = handed_socket();

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return errno;
	/* The test made the socket: its pid, before any fork of the child. */
	if (uc.pid <= 0)
		return 201;
	return close(fd) == -1 ? errno : CC_SUCCEEDED;
}

static int
body_read_handed(void)
{
	char	 b;

	return read(handed_socket(), &b, 1) == -1 ? errno : CC_SUCCEEDED;
}

static int
body_write_handed(void)
{
	return write(handed_socket(), "x", 1) == -1 ? errno : CC_SUCCEEDED;
}

static int
body_sendmsg_handed(void)
{
	struct iovec	 iov = { "x", 1 };
	struct msghdr	 msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	return sendmsg(handed_socket(), &msg, 0) == -1 ? errno :
	    CC_SUCCEEDED;
}

static int
body_other_getsockopt_handed(void)
{
	int	 v;
	socklen_t len = sizeof(v);

	return getsockopt(handed_socket(), SOL_SOCKET, SO_TYPE, &v, &len) ==
	    -1 ? errno : CC_SUCCEEDED;
}

/* Start body, hand it a socket whose peer is this test, wait. */
static void
run_with_socket(int (*body)(void))
{
	struct cc_cfg	 cfg = { .journal = true, .body = body };
	int		 sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cc_start(&c, CONFINE_WORKER, &cfg);
	cr_assert_eq(fdpass_send(c.peer, "c", 1, sv[0], MSG_NOSIGNAL), 1);
	close(sv[0]);
	cc_wait(&c);
	close(sv[1]);
}

T(handed_socket_tells_who_connected_and_closes)
{
	run_with_socket(body_peercred_and_close);
	cc_assert_exit(&c, CC_SUCCEEDED);
	cc_end(&c);
}

T(read_on_a_handed_socket_is_killed)
{
	run_with_socket(body_read_handed);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

T(write_on_a_handed_socket_is_killed)
{
	run_with_socket(body_write_handed);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

T(sendmsg_on_a_handed_socket_is_killed)
{
	run_with_socket(body_sendmsg_handed);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

T(getsockopt_other_than_peercred_on_a_handed_socket_is_killed)
{
	run_with_socket(body_other_getsockopt_handed);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}
