/*
 * Landlock alone (common/landlock.c), without seccomp: the ABI table, and
 * a forked child that applies only the Landlock step and then finds that
 * it can open no file, bind or connect no TCP port, reach no abstract
 * socket and signal no process outside its domain, while the fds it had
 * still work.  Each refusal has a control: the same call without the step
 * succeeds, so the refusal is Landlock's.
 */
#define _GNU_SOURCE

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <seccomp.h>

#include "common/landlock.h"

#define T(name)	Test(landlock, name, .timeout = 60)

#define EXIT_SUCCEEDED	200	/* the call worked */
#define EXIT_NO_STEP	201	/* landlock_restrict_all() failed */

static pid_t	 parent;
static struct sockaddr_in tcp_addr;	/* the test's TCP listener */
static int	 inherited = -1;	/* opened before the step */

static int
enforced_abi(void)
{
	int	 abi = landlock_abi();

	return abi > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : abi;
}

static void
need_abi(int abi)
{
	if (enforced_abi() < abi)
		cr_skip_test("kernel Landlock ABI %d < %d", landlock_abi(),
		    abi);
}

/*
 * Fork; the child applies Landlock (when landlock is set) and exits with
 * what body returns.  Returns the child's wait status.
 */
static int
run(bool landlock, int (*body)(void))
{
	int	 st, want;
	pid_t	 pid;

	parent = getpid();
	want = enforced_abi();
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			_exit(EXIT_NO_STEP);
		if (landlock && landlock_restrict_all(false) != want)
			_exit(EXIT_NO_STEP);
		_exit(body());
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static void
assert_exit(int st, int code)
{
	cr_assert(WIFEXITED(st), "status %#x", st);
	cr_assert_eq(WEXITSTATUS(st), code, "exit %d, expected %d",
	    WEXITSTATUS(st), code);
}

/* ---- The ABI table. ---- */

T(fs_rights_grow_with_the_abi)
{
	cr_assert_eq(landlock_fs_rights(0), 0);
	cr_assert_eq(landlock_fs_rights(1), 0x1fff);	/* EXECUTE..SYM */
	cr_assert_eq(landlock_fs_rights(2), 0x3fff);	/* + REFER */
	cr_assert_eq(landlock_fs_rights(3), 0x7fff);	/* + TRUNCATE */
	cr_assert_eq(landlock_fs_rights(4), 0x7fff);
	cr_assert_eq(landlock_fs_rights(5), 0xffff);	/* + IOCTL_DEV */
	cr_assert_eq(landlock_fs_rights(6), 0xffff);
	cr_assert_eq(landlock_fs_rights(7), 0xffff);
}

T(net_rights_from_abi_4)
{
	cr_assert_eq(landlock_net_rights(3), 0);
	cr_assert_eq(landlock_net_rights(4),
	    LANDLOCK_NET_BIND_TCP | LANDLOCK_NET_CONNECT_TCP);
	cr_assert_eq(landlock_net_rights(4), 0x3);
	cr_assert_eq(landlock_net_rights(7), 0x3);
}

T(scopes_from_abi_6)
{
	cr_assert_eq(landlock_scoped(5), 0);
	cr_assert_eq(landlock_scoped(6),
	    LANDLOCK_SCOPED_ABSTRACT_UNIX | LANDLOCK_SCOPED_SIGNAL);
	cr_assert_eq(landlock_scoped(6), 0x3);
	cr_assert_eq(landlock_scoped(7), 0x3);
}

/* The kernel refuses an attr with non-zero fields it does not know. */
T(attr_size_follows_the_abi)
{
	cr_assert_eq(landlock_attr_size(0), 0);
	cr_assert_eq(landlock_attr_size(1), 8);
	cr_assert_eq(landlock_attr_size(3), 8);
	cr_assert_eq(landlock_attr_size(4), 16);
	cr_assert_eq(landlock_attr_size(5), 16);
	cr_assert_eq(landlock_attr_size(6), 24);
	cr_assert_eq(landlock_attr_size(7), 24);
}

T(abi_past_the_known_one_is_used_as_the_known_one)
{
	cr_assert_eq(LANDLOCK_ABI_KNOWN, 7);
	cr_assert_eq(landlock_fs_rights(8), landlock_fs_rights(7));
	cr_assert_eq(landlock_net_rights(99), landlock_net_rights(7));
	cr_assert_eq(landlock_scoped(8), landlock_scoped(7));
	cr_assert_eq(landlock_attr_size(8), 24);
}

/* ---- Files. ---- */

static int
body_open_passwd(void)
{
	return open("/etc/passwd", O_RDONLY) == -1 ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_opening_files)
{
	need_abi(1);
	assert_exit(run(false, body_open_passwd), EXIT_SUCCEEDED);
	assert_exit(run(true, body_open_passwd), EACCES);
}

static int
body_open_devnull_write(void)
{
	return open("/dev/null", O_WRONLY) == -1 ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_opening_devices)
{
	need_abi(1);
	assert_exit(run(false, body_open_devnull_write), EXIT_SUCCEEDED);
	assert_exit(run(true, body_open_devnull_write), EACCES);
}

static int
body_list_root(void)
{
	DIR	*d = opendir("/");

	return d == NULL ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_listing_directories)
{
	need_abi(1);
	assert_exit(run(false, body_list_root), EXIT_SUCCEEDED);
	assert_exit(run(true, body_list_root), EACCES);
}

static char	 made[64];

static int
body_mkdir(void)
{
	return mkdir(made, 0700) == -1 ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_creating_files)
{
	need_abi(1);
	snprintf(made, sizeof(made), "/tmp/privconf-landlock-%d",
	    (int)getpid());
	assert_exit(run(true, body_mkdir), EACCES);
	assert_exit(run(false, body_mkdir), EXIT_SUCCEEDED);
	cr_assert_eq(rmdir(made), 0);
}

static int
body_write_inherited(void)
{
	return write(inherited, "kept", 4) == 4 ? 0 : errno;
}

/* Landlock checks at open time: what the process was given stays usable. */
T(alone_it_keeps_inherited_fds_usable)
{
	char	 buf[5] = "";
	int	 p[2];

	need_abi(1);
	cr_assert_eq(pipe(p), 0);
	inherited = p[1];
	assert_exit(run(true, body_write_inherited), 0);
	close(p[1]);
	cr_assert_eq(read(p[0], buf, 4), 4);
	cr_assert_str_eq(buf, "kept");
	close(p[0]);
}

/* ---- TCP (ABI 4). ---- */

static int
tcp_listener(void)
{
	socklen_t len = sizeof(tcp_addr);
	int	 s;

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(s, 0);
	memset(&tcp_addr, 0, sizeof(tcp_addr));
	tcp_addr.sin_family = AF_INET;
	tcp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)),
	    0, "bind: %s", strerror(errno));
	cr_assert_eq(listen(s, 4), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&tcp_addr, &len), 0);
	return s;
}

static int
body_tcp_connect(void)
{
	int	 s = socket(AF_INET, SOCK_STREAM, 0);

	if (s == -1)
		return 100;
	return connect(s, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr))
	    == -1 ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_tcp_connect)
{
	int	 s;

	need_abi(4);
	s = tcp_listener();
	assert_exit(run(false, body_tcp_connect), EXIT_SUCCEEDED);
	assert_exit(run(true, body_tcp_connect), EACCES);
	close(s);
}

static int
body_tcp_bind(void)
{
	struct sockaddr_in sin;
	int	 s = socket(AF_INET, SOCK_STREAM, 0);

	if (s == -1)
		return 100;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(0);
	return bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ?
	    errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_tcp_bind)
{
	need_abi(4);
	assert_exit(run(false, body_tcp_bind), EXIT_SUCCEEDED);
	assert_exit(run(true, body_tcp_bind), EACCES);
}

/* ---- Scopes (ABI 6). ---- */

static int
body_connect_abstract(void)
{
	struct sockaddr_un sun;
	int	 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "privconf-landlock-%d", (int)parent);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 100;
	return connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ?
	    errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_connecting_to_an_outside_abstract_socket)
{
	struct sockaddr_un sun;
	int	 s;

	need_abi(6);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "privconf-landlock-%d", (int)getpid());
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	cr_assert_eq(listen(s, 4), 0);
	assert_exit(run(false, body_connect_abstract), EXIT_SUCCEEDED);
	assert_exit(run(true, body_connect_abstract), EPERM);
	close(s);
}

static int
body_signal_parent(void)
{
	return kill(parent, 0) == -1 ? errno : EXIT_SUCCEEDED;
}

T(alone_it_stops_signalling_the_parent)
{
	need_abi(6);
	assert_exit(run(false, body_signal_parent), EXIT_SUCCEEDED);
	assert_exit(run(true, body_signal_parent), EPERM);
}

/* ---- Landlock missing, simulated by a filter loaded first. ---- */

static void
hide_landlock(int err)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);

	if (f == NULL || seccomp_rule_add(f, SCMP_ACT_ERRNO(err),
	    LANDLOCK_NR_CREATE_RULESET, 0) != 0 || seccomp_load(f) != 0)
		_exit(EXIT_NO_STEP);
	seccomp_release(f);
}

static int	 hidden_err;

static int
body_missing_strict(void)
{
	hide_landlock(hidden_err);
	if (landlock_abi() != 0)
		return 10;
	if (landlock_restrict_all(false) != -1)
		return 11;
	return errno;
}

static int
body_missing_weak(void)
{
	hide_landlock(hidden_err);
	if (landlock_restrict_all(true) != 0)
		return 10;
	/* Nothing was enforced: the file still opens. */
	return body_open_passwd();
}

T(missing_landlock_fails_unless_weak_is_allowed)
{
	hidden_err = ENOSYS;
	assert_exit(run(false, body_missing_strict), ENOSYS);
	assert_exit(run(false, body_missing_weak), EXIT_SUCCEEDED);
	hidden_err = EOPNOTSUPP;
	assert_exit(run(false, body_missing_strict), EOPNOTSUPP);
	assert_exit(run(false, body_missing_weak), EXIT_SUCCEEDED);
}

static int
body_other_error(void)
{
	hide_landlock(EINVAL);
	if (landlock_restrict_all(true) != -1)
		return 10;
	return errno;
}

/* Only "not there" is weak; any other failure is a failure. */
T(other_landlock_errors_fail_even_when_weak_is_allowed)
{
	assert_exit(run(false, body_other_error), EINVAL);
}

/*
 * landlock_restrict() with grants, as privconfd uses it: removing a file
 * beneath the granted directory works, removing one elsewhere and
 * creating one even there are refused.
 */
T(grant_allows_only_the_removal_beneath_its_directory)
{
	char	 yes[] = "/tmp/privconf-ll-yes.XXXXXX";
	char	 no[] = "/tmp/privconf-ll-no.XXXXXX";
	char	*a, *b, *c;
	pid_t	 pid;
	int	 st, fd;

	need_abi(1);
	cr_assert_not_null(mkdtemp(yes));
	cr_assert_not_null(mkdtemp(no));
	cr_assert(asprintf(&a, "%s/sock", yes) > 0);
	cr_assert(asprintf(&b, "%s/sock", no) > 0);
	cr_assert(asprintf(&c, "%s/new", yes) > 0);
	cr_assert((fd = open(a, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	cr_assert((fd = open(b, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct landlock_grant g;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			_exit(EXIT_NO_STEP);
		g.dirfd = open(yes, O_PATH | O_DIRECTORY);
		g.access = LANDLOCK_FS_REMOVE_FILE;
		if (landlock_restrict(false, 0, &g, 1) < 1)
			_exit(EXIT_NO_STEP);
		if (unlink(b) != -1 || errno != EACCES)
			_exit(10);
		if (open(c, O_CREAT | O_WRONLY, 0600) != -1 || errno != EACCES)
			_exit(11);
		if (unlink(a) == -1)
			_exit(12);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	cr_assert(access(a, F_OK) == -1, "the granted removal did not happen");
	cr_assert(access(b, F_OK) == 0, "the other file was removed");
	unlink(b);
	rmdir(yes);
	rmdir(no);
	free(a);
	free(b);
	free(c);
}
