/*
 * The listener confined for real (listener_confine): what a taken-over
 * listener tries is refused, what its event loop needs still works.
 * Every test forks a child (tests/unit/confine_child.h); as root it runs
 * as 65534 in an empty chroot.
 */
#define _GNU_SOURCE
#define CC_CONFINE	listener_confine

#include <sys/resource.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <limits.h>

#include "common/landlock.h"
#include "listener/confine.h"
#include "tests/unit/confine_child.h"	/* calls CC_CONFINE */

#define T(name)	Test(listener_confine, name, .timeout = 60, \
		    .fini = cc_fini)

static struct cc c;

static void
run_expect_exit(int (*body)(void), int code)
{
	struct cc_cfg cfg = { .body = body };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, code);
	cc_end(&c);
}

static void
run_expect_signal(int (*body)(void), int sig)
{
	struct cc_cfg cfg = { .body = body };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_signal(&c, sig);
	cc_end(&c);
}

/* The confine log line the child writes, for the ids it runs with. */
static const char *
confine_line(const char *root)
{
	static char line[256];
	unsigned int id = cc_root() ? CC_ID : (unsigned int)getuid();
	unsigned int gid = cc_root() ? CC_ID : (unsigned int)getgid();
	int	 abi = landlock_abi();

	if (abi > LANDLOCK_ABI_KNOWN)
		abi = LANDLOCK_ABI_KNOWN;
	snprintf(line, sizeof(line), "privconf[listener]: op=confine "
	    "landlock=%d seccomp=kill uid=%u gid=%u root=%s\n", abi, id, gid,
	    root);
	return line;
}

/* ---- What a taken-over listener tries. ---- */

#include "tests/unit/confine_attacks.h"

/* Logging goes to fd 2; fd 1 is /dev/null and nothing writes there. */
T(write_to_stdout_is_killed)
{
	run_expect_signal(cc_body_write_stdout, SIGSYS);
}

static int
body_accept_on_peer(void)
{
	return accept4(3, NULL, NULL, SOCK_CLOEXEC) == -1 ?
	    errno : CC_SUCCEEDED;
}

T(accept_on_other_fd_than_listening_socket_is_killed)
{
	run_expect_signal(body_accept_on_peer, SIGSYS);
}

static int
body_epoll_wait_other_fd(void)
{
	struct epoll_event ev;

	return epoll_wait(3, &ev, 1, 0) == -1 ? errno : CC_SUCCEEDED;
}

T(epoll_wait_on_other_fd_than_epoll_fd_is_killed)
{
	run_expect_signal(body_epoll_wait_other_fd, SIGSYS);
}

static int
body_epoll_watch_stdout(void)
{
	struct epoll_event ev = { .events = EPOLLOUT };

	return epoll_ctl(5, EPOLL_CTL_ADD, 1, &ev) == -1 ? errno : CC_SUCCEEDED;
}

T(epoll_ctl_on_fd_not_owned_and_not_client_is_killed)
{
	run_expect_signal(body_epoll_watch_stdout, SIGSYS);
}

static int
body_close_epoll(void)
{
	return close(5) == -1 ? errno : CC_SUCCEEDED;
}

/* close() is for clients, the listening socket and the worker link. */
T(close_of_epoll_fd_is_killed)
{
	run_expect_signal(body_close_epoll, SIGSYS);
}

/*
 * The kernel reads fd arguments as 32 bits: 1 << 32 | 5 closes fd 5.  The
 * client range is checked on all 64 bits, so this is not a client.
 */
static int
body_close_epoll_high_bits(void)
{
	return syscall(SYS_close, (1L << 32) | 5) == -1 ? errno : CC_SUCCEEDED;
}

T(fd_argument_with_upper_bits_set_is_not_a_client)
{
	run_expect_signal(body_close_epoll_high_bits, SIGSYS);
}

static int
body_read_high_bits_client(void)
{
	char	 b;

	/* Would be fd 6, the first client number, if the top half counted. */
	return syscall(SYS_read, (1L << 32) | 6, &b, 1) == -1 ?
	    errno : CC_SUCCEEDED;
}

T(client_call_with_upper_bits_set_is_killed)
{
	run_expect_signal(body_read_high_bits_client, SIGSYS);
}

static int
body_client_fd_not_open(void)
{
	char	 b;

	/* In the client range but not open: allowed, and the kernel says so. */
	return read(6, &b, 1) == -1 ? errno : CC_SUCCEEDED;
}

T(client_range_starts_above_the_owned_fds)
{
	run_expect_exit(body_client_fd_not_open, EBADF);
}

static int
body_client_fd_at_nofile_limit(void)
{
	char	 b;

	/* getrlimit is not allowed once confined: the setup passed it on. */
	return read(atoi(getenv("CC_NOFILE")), &b, 1) == -1 ?
	    errno : CC_SUCCEEDED;
}

static int
body_client_fd_below_nofile_limit(void)
{
	char	 b;

	return read(atoi(getenv("CC_NOFILE")) - 1, &b, 1) == -1 ?
	    errno : CC_SUCCEEDED;
}

static void
setup_nofile_env(struct confine_opts *o)
{
	struct rlimit rl;
	char	 v[32];

	(void)o;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		_exit(CC_EXIT_SETUP + 10);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)rl.rlim_cur);
	setenv("CC_NOFILE", v, 1);
}

/* Clients are below RLIMIT_NOFILE: limit - 1 is allowed, the limit not. */
T(client_range_ends_below_nofile_limit)
{
	struct cc_cfg cfg = { .setup = setup_nofile_env,
	    .body = body_client_fd_below_nofile_limit };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, EBADF);
	cc_end(&c);

	cfg.body = body_client_fd_at_nofile_limit;
	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

static int
body_x32_syscall(void)
{
	return syscall(0x40000000 | SYS_getpid) == -1 ? errno : CC_SUCCEEDED;
}

T(other_abi_syscall_is_killed)
{
	run_expect_signal(body_x32_syscall, SIGSYS);
}

/* ---- What the event loop needs. ---- */

/* Accept one client, check who it is, read a line, answer, close. */
static int
body_serve_one_client(void)
{
	struct epoll_event ev;
	struct ucred uc, *scm;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	socklen_t ul = sizeof(uc);
	char	 in[64], out[128];
	ssize_t	 n;
	int	 fd, len;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = 4;
	if (epoll_ctl(5, EPOLL_CTL_ADD, 4, &ev) == -1)
		return 10;
	if (write(3, "R", 1) != 1)
		return 11;
	if (epoll_wait(5, &ev, 1, -1) != 1 || ev.data.fd != 4)
		return 12;
	fd = accept4(4, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return 13;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul) == -1)
		return 14;
	ev.events = EPOLLIN;
	ev.data.fd = fd;
	if (epoll_ctl(5, EPOLL_CTL_ADD, fd, &ev) == -1)
		return 15;
	if (epoll_wait(5, &ev, 1, -1) != 1 || ev.data.fd != fd)
		return 16;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = in;
	iov.iov_len = sizeof(in);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	if ((n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC)) != 5 ||
	    memcmp(in, "ping\n", 5) != 0)
		return 17;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm == NULL || cm->cmsg_type != SCM_CREDENTIALS)
		return 18;
	scm = (struct ucred *)(void *)CMSG_DATA(cm);
	len = snprintf(out, sizeof(out), "pong fd=%d uid=%u pid=%d scm=%d\n",
	    fd, (unsigned int)uc.uid, (int)uc.pid, (int)scm->pid);
	if (send(fd, out, (size_t)len, MSG_NOSIGNAL) != len)
		return 19;
	if (epoll_ctl(5, EPOLL_CTL_DEL, fd, NULL) == -1)
		return 20;
	if (shutdown(fd, SHUT_RDWR) == -1 || close(fd) == -1)
		return 21;
	if (write(3, "D", 1) != 1)
		return 22;
	return 0;
}

T(event_loop_calls_still_work)
{
	struct cc_cfg cfg = { .body = body_serve_one_client };
	char	 want[128], got[128], b;
	size_t	 n = 0;
	ssize_t	 r;
	int	 s;

	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_eq(b, 'R');
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&c.addr, c.addrlen), 0);
	cr_assert_eq(write(s, "ping\n", 5), 5);
	while ((r = read(s, got + n, sizeof(got) - 1 - n)) > 0)
		n += (size_t)r;
	got[n] = '\0';
	close(s);
	cc_read(&c, &b, 1);
	cr_assert_eq(b, 'D');
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	/* fd 6: the first number above 0-5, the fds the listener owns. */
	snprintf(want, sizeof(want), "pong fd=6 uid=%u pid=%d scm=%d\n",
	    (unsigned int)getuid(), (int)getpid(), (int)getpid());
	cr_assert_str_eq(got, want);
	cc_end(&c);
}

/* Accept a client, then ask it for something other than SO_PEERCRED. */
static int
body_getsockopt_other(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	socklen_t l;
	int	 fd, v;

	ev.data.fd = 4;
	if (epoll_ctl(5, EPOLL_CTL_ADD, 4, &ev) == -1 || write(3, "R", 1) != 1)
		return 10;
	if (epoll_wait(5, &ev, 1, -1) != 1)
		return 11;
	if ((fd = accept4(4, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return 12;
	l = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l) == -1 ?
	    errno : CC_SUCCEEDED;
}

T(getsockopt_other_than_peercred_is_killed)
{
	struct cc_cfg cfg = { .body = body_getsockopt_other };
	char	 b;
	int	 s;

	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(connect(s, (struct sockaddr *)&c.addr, c.addrlen), 0);
	cc_wait(&c);
	close(s);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

static int
body_worker_link(void)
{
	char	 buf[5];

	/* The link is recv/send in listener/link.c, read/write also allowed. */
	if (recv(3, buf, 5, MSG_WAITALL) != 5 || memcmp(buf, "frame", 5) != 0)
		return 10;
	if (send(3, "reply", 5, MSG_NOSIGNAL) != 5)
		return 11;
	if (read(3, buf, 5) != 5 || write(3, buf, 5) != 5)
		return 12;
	return 0;
}

T(worker_link_calls_still_work)
{
	struct cc_cfg cfg = { .body = body_worker_link };
	char	 buf[11];

	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_write(&c, "frame");
	cc_read(&c, buf, 5);
	cc_write(&c, "again");
	cc_read(&c, buf + 5, 5);
	buf[10] = '\0';
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cr_assert_str_eq(buf, "replyagain");
	cc_end(&c);
}

/* ---- What the confined listener looks like from outside. ---- */

static int
body_wait_for_q(void)
{
	struct epoll_event ev;
	char	 b;

	if (write(3, "R", 1) != 1)
		return 10;
	if (epoll_wait(5, &ev, 1, -1) != 1 || ev.data.fd != 3)
		return 11;
	if (read(3, &b, 1) != 1)
		return 12;
	return b == 'Q' ? 0 : 13;
}

/*
 * From /proc/PID/limits: prlimit(2) on another process needs
 * CAP_SYS_RESOURCE, which a test's root may lack (containers).
 */
static void
assert_limit(pid_t pid, const char *name, rlim_t cur, rlim_t max)
{
	char	 path[64], line[256], soft[32], hard[32], want[32];
	size_t	 len = strlen(name);
	FILE	*f;
	bool	 found = false;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	cr_assert_not_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) != 0 || line[len] != ' ')
			continue;
		cr_assert_eq(sscanf(line + 26, "%31s %31s", soft, hard), 2);
		found = true;
	}
	fclose(f);
	cr_assert(found, "%s: no %s", path, name);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)cur);
	cr_assert_str_eq(soft, cur == RLIM_INFINITY ? "unlimited" : want,
	    "%s soft", name);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)max);
	cr_assert_str_eq(hard, max == RLIM_INFINITY ? "unlimited" : want,
	    "%s hard", name);
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

T(proc_status_shows_ids_nnp_seccomp_and_no_capability)
{
	struct cc_cfg cfg = { .body = body_wait_for_q };
	struct rlimit nofile;
	char	 ids[64], path[64];
	struct stat st;
	char	 b;

	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &nofile), 0);
	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_eq(b, 'R');

	snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u",
	    cc_root() ? CC_ID : getuid(), cc_root() ? CC_ID : getuid(),
	    cc_root() ? CC_ID : getuid(), cc_root() ? CC_ID : getuid());
	cr_assert_str_eq(cc_status_field(c.pid, "Uid"), ids);
	snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u",
	    cc_root() ? CC_ID : getgid(), cc_root() ? CC_ID : getgid(),
	    cc_root() ? CC_ID : getgid(), cc_root() ? CC_ID : getgid());
	cr_assert_str_eq(cc_status_field(c.pid, "Gid"), ids);
	cr_assert_str_eq(cc_status_field(c.pid, "NoNewPrivs"), "1");
	cr_assert_str_eq(cc_status_field(c.pid, "Seccomp"), "2");
	cr_assert_str_eq(cc_status_field(c.pid, "CapInh"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapPrm"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapEff"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapAmb"), "0000000000000000");

	/* Not dumpable: /proc/PID/fd belongs to root, not to the process. */
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)c.pid);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_uid, 0);

	assert_limit(c.pid, "Max processes", 0, 0);
	assert_limit(c.pid, "Max core file size", 0, 0);
	assert_limit(c.pid, "Max file size", 0, 0);
	assert_limit(c.pid, "Max open files", nofile.rlim_cur, nofile.rlim_cur);

	if (cc_root()) {
		cr_assert_str_eq(cc_status_field(c.pid, "Groups"), "");
		cr_assert_str_eq(cc_status_field(c.pid, "CapBnd"),
		    "0000000000000000");
	}
	cc_write(&c, "Q");
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

T(as_root_runs_in_new_net_and_ipc_namespaces_in_the_chroot)
{
	struct cc_cfg cfg = { .body = body_wait_for_q };
	char	 path[64], link[PATH_MAX], real[PATH_MAX];
	ssize_t	 n;
	char	 b;

	if (!cc_root())
		cr_skip_test("needs root");
	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_not(same_ns(c.pid, "net"));
	cr_assert_not(same_ns(c.pid, "ipc"));
	cr_assert(same_ns(c.pid, "mnt"), "the listener keeps the mount ns");
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

T(only_owned_fds_stay_open)
{
	struct cc_cfg cfg = { .body = body_wait_for_q };
	char	 path[64], names[64] = "";
	struct dirent *de;
	int	 fds[16], n = 0, i, j, t;
	DIR	*d;
	char	 b;

	if (!cc_root())
		cr_skip_test("needs root to read a non-dumpable /proc/PID/fd");
	/*
	 * The child inherits criterion's fds and keeps the copies it made
	 * above 5 while setting fds 0-4: confine closes them all.
	 */
	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)c.pid);
	d = opendir(path);
	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL && n < 16)
		if (de->d_name[0] != '.')
			fds[n++] = atoi(de->d_name);
	closedir(d);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (fds[j] < fds[i]) {
				t = fds[i];
				fds[i] = fds[j];
				fds[j] = t;
			}
	for (i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
		    "%d ", fds[i]);
	cr_assert_str_eq(names, "0 1 2 3 4 5 ");
	cc_write(&c, "Q");
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

static int
body_report(void)
{
	struct confine_report r;

	confine_get_report(&r);
	return write(3, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 10;
}

T(report_gives_landlock_abi_seccomp_and_ids)
{
	struct cc_cfg cfg = { .body = body_report };
	struct confine_report r;
	int	 abi = landlock_abi();

	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, (char *)&r, sizeof(r));
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cr_assert_eq(r.landlock_abi, abi > LANDLOCK_ABI_KNOWN ?
	    LANDLOCK_ABI_KNOWN : abi);
	cr_assert(r.seccomp);
	cr_assert_not(r.seccomp_debug);
	cr_assert_eq(r.dropped, cc_root());
	cr_assert_eq(r.uid, cc_root() ? CC_ID : getuid());
	cr_assert_eq(r.gid, cc_root() ? CC_ID : getgid());
	cc_end(&c);
}

T(logs_one_confine_line)
{
	struct cc_cfg cfg = { .body = NULL };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, 0);
	cr_assert_str_eq(cc_stderr(&c),
	    confine_line(cc_root() ? "chroot" : "unchanged"));
	cc_end(&c);
}

T(started_as_a_user_still_gets_nnp_landlock_and_seccomp)
{
	struct cc_cfg cfg = { .as_user = true, .body = cc_body_open_passwd };
	char	 want[512];

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, EACCES);
	snprintf(want, sizeof(want), "%s", confine_line("unchanged"));
	cr_assert_str_eq(cc_stderr(&c), want);
	cc_end(&c);

	cfg.body = cc_body_execve;
	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_signal(&c, SIGSYS);
	cc_end(&c);
}

/*
 * A user's process is dumpable, and may hold capabilities (ambient ones
 * from a service manager): confine takes both away without needing root.
 */
T(started_as_a_user_with_capabilities_ends_with_none_and_not_dumpable)
{
	struct cc_cfg cfg = { .as_user = true, .keep_caps = true,
	    .body = body_wait_for_q };
	char	 path[64], b;
	struct stat st;

	if (!cc_root())
		cr_skip_test("needs root to hand the child capabilities");
	cc_start(&c, CONFINE_LISTENER, &cfg);
	cc_read(&c, &b, 1);
	cr_assert_str_eq(cc_status_field(c.pid, "Uid"),
	    "65534\t65534\t65534\t65534");
	cr_assert_str_eq(cc_status_field(c.pid, "CapPrm"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapEff"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "CapInh"), "0000000000000000");
	cr_assert_str_eq(cc_status_field(c.pid, "Seccomp"), "2");
	cr_assert_str_eq(cc_status_field(c.pid, "NoNewPrivs"), "1");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)c.pid);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_uid, 0, "dumpable: /proc/PID/fd is %u's",
	    (unsigned int)st.st_uid);
	cc_write(&c, "Q");
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

/* Before confining: what the user's process holds, sent on fd 3. */
static void
setup_report_caps(struct confine_opts *o)
{
	char	 out[128];
	int	 n;

	(void)o;
	n = snprintf(out, sizeof(out), "%s dumpable=%d\n",
	    cc_status_field(getpid(), "CapEff"), prctl(PR_GET_DUMPABLE));
	if (write(3, out, (size_t)n) != n)
		_exit(CC_EXIT_SETUP + 10);
}

/* The control: that set-up does hand the child capabilities to lose. */
T(user_start_control_holds_capabilities_before_confining)
{
	struct cc_cfg cfg = { .as_user = true, .keep_caps = true,
	    .setup = setup_report_caps, .body = NULL };
	char	 want[128], got[128];
	size_t	 n = 0;

	if (!cc_root())
		cr_skip_test("needs root");
	snprintf(want, sizeof(want), "%s dumpable=1\n",
	    cc_status_field(getpid(), "CapEff"));
	cr_assert_str_neq(want, "0000000000000000 dumpable=1\n");
	cc_start(&c, CONFINE_LISTENER, &cfg);
	do
		cc_read(&c, got + n, 1);
	while (got[n++] != '\n' && n < sizeof(got) - 1);
	got[n] = '\0';
	cr_assert_str_eq(got, want);
	cc_wait(&c);
	cc_assert_exit(&c, 0);
	cc_end(&c);
}

static void
setup_debug(struct confine_opts *o)
{
	(void)o;
	setenv("PRIVCONF_SECCOMP_DEBUG", "1", 1);
}

T(debug_switch_logs_the_refused_call_by_name_and_exits_159)
{
	struct cc_cfg cfg = { .setup = setup_debug, .body = cc_body_execve };
	char	 want[512];
	int	 abi = landlock_abi();

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, SECCOMP_TRAP_EXIT);
	snprintf(want, sizeof(want), "privconf[listener]: op=confine "
	    "landlock=%d seccomp=trap uid=%u gid=%u root=%s\n"
	    "privconf[listener]: op=seccomp_trap syscall=%d name=execve\n",
	    abi > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : abi,
	    cc_root() ? CC_ID : getuid(), cc_root() ? CC_ID : getgid(),
	    cc_root() ? "chroot" : "unchanged", SYS_execve);
	cr_assert_str_eq(cc_stderr(&c), want);
	cc_end(&c);
}

static int	 life_w = -1;	/* the test's "alive" pipe */

static void
setup_keep_life(struct confine_opts *o)
{
	/* At 6, right above the owned fds, so that no hole opens below it. */
	if (dup2(life_w, 6) == -1)
		_exit(CC_EXIT_SETUP + 10);
	o->keep_fds[0] = 6;
	o->nkeep = 1;
}

static int
body_block_forever(void)
{
	struct epoll_event ev;

	/* Watch nothing, so that the parent's death cannot wake the loop. */
	if (epoll_ctl(5, EPOLL_CTL_DEL, 3, NULL) == -1 || write(3, "R", 1) != 1)
		return 10;
	epoll_wait(5, &ev, 1, -1);
	return 11;
}

/*
 * PDEATHSIG survives the change of ids (the kernel clears it then, and
 * confine arms it again): when the parent dies, the listener dies.  The
 * test sees it as EOF on a pipe only the confined process still holds.
 */
T(dies_when_its_parent_dies)
{
	struct cc_cfg cfg = { .setup = setup_keep_life,
	    .body = body_block_forever };
	char	 root[sizeof(c.root)] = "", b;
	int	 life[2], info[2], st;
	ssize_t	 n;
	pid_t	 p;

	cr_assert_eq(pipe2(life, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(info, O_CLOEXEC), 0);
	life_w = life[1];
	p = fork();
	cr_assert_geq(p, 0);
	if (p == 0) {
		/* The middle process: starts the listener, then dies. */
		cc_helper = true;
		cc_start(&c, CONFINE_LISTENER, &cfg);
		close(life[1]);
		cc_read(&c, &b, 1);
		if (write(info[1], c.root, sizeof(c.root)) !=
		    (ssize_t)sizeof(c.root))
			_exit(1);
		_exit(0);
	}
	close(life[1]);
	close(info[1]);
	n = read(info[0], root, sizeof(root));
	cr_assert_eq(waitpid(p, &st, 0), p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "middle process: status %#x", st);
	cr_assert_eq(n, (ssize_t)sizeof(root));
	/* Blocks until the confined listener is gone. */
	cr_assert_eq(read(life[0], &b, 1), 0);
	close(life[0]);
	close(info[0]);
	if (root[0] != '\0')
		cr_assert_eq(rmdir(root), 0);
}

/* ---- Refusals before anything runs. ---- */

T(root_without_run_ids_is_refused)
{
	struct cc_cfg cfg = { .no_ids = true, .body = NULL };

	if (!cc_root())
		cr_skip_test("needs root");
	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c), "privconf[listener]: op=confine "
	    "why=\"running as root needs --run-uid, --run-gid and "
	    "--chroot\"\n");
	cc_end(&c);
}

static void
setup_epoll_at_7(struct confine_opts *o)
{
	if (dup2(5, 7) == -1 || close(5) == -1)
		_exit(CC_EXIT_SETUP + 10);
	o->epoll_fd = 7;
}

/* A hole under an owned fd would be the next client's number. */
T(hole_below_an_owned_fd_is_refused)
{
	struct cc_cfg cfg = { .setup = setup_epoll_at_7, .body = NULL };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c), "privconf[listener]: op=confine "
	    "why=\"a hole in the owned fds: clients must be numbered above "
	    "them\" fd=5 last=7\n");
	cc_end(&c);
}

static void
setup_listen_fd_9(struct confine_opts *o)
{
	close(9);	/* criterion may have left something there */
	o->listen_fd = 9;
}

T(owned_fd_that_is_not_open_is_refused)
{
	struct cc_cfg cfg = { .setup = setup_listen_fd_9, .body = NULL };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c),
	    "privconf[listener]: op=confine why=\"fd to keep\" fd=9 "
	    "err=\"Bad file descriptor\"\n");
	cc_end(&c);
}

static void
setup_worker_opts(struct confine_opts *o)
{
	o->proc = CONFINE_WORKER;
}

T(worker_options_are_refused)
{
	struct cc_cfg cfg = { .setup = setup_worker_opts, .body = NULL };

	cc_run(&c, CONFINE_LISTENER, &cfg);
	cc_assert_exit(&c, 1);
	cr_assert_str_eq(cc_stderr(&c), "privconf[listener]: "
	    "op=confine why=\"options are not the listener's\"\n");
	cc_end(&c);
}
