/*
 * Test harness for the confinement tests: fork a child that sets its fds
 * up the way privconfd does (0, 1 /dev/null; 2 a pipe the test reads; 3
 * the socketpair; 4 the listening socket or the journal; 5 the listener's
 * epoll fd), confines itself for real, then runs a body whose return
 * value is its exit status.  The test asserts the exact exit status or
 * signal, and the exact bytes the child wrote.
 *
 * Run as root (CI), the child gets run ids CC_ID and a fresh empty 0755
 * directory to chroot to, as privconfd would give it.
 *
 * The including file defines CC_CONFINE (listener_confine or
 * worker_confine) before including this header.
 */
#ifndef PRIVCONF_TEST_CONFINE_CHILD_H
#define PRIVCONF_TEST_CONFINE_CHILD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "common/confine.h"
#include "common/log.h"

#define CC_ID		65534	/* nobody, nogroup */
#define CC_UNUSED	__attribute__((unused))

/* Exit statuses of a child whose set-up failed before confining. */
#define CC_EXIT_SETUP	120
/* Exit status of a forked helper (no criterion there) whose check failed. */
#define CC_EXIT_HELPER	119

/*
 * Set in a process the test forks to start a child itself: a failed
 * cr_assert there would wait forever for criterion's runner to answer,
 * so checks end that process with CC_EXIT_HELPER instead.
 */
static bool	 cc_helper;

#define CC_CHECK(cond) do {						\
	if (cc_helper) {						\
		if (!(cond))						\
			_exit(CC_EXIT_HELPER);				\
	} else								\
		cr_assert(cond, "%s: %s", #cond, strerror(errno));	\
} while (0)

struct cc_cfg {
	bool	 journal;	/* worker: fd 4 is a journal file */
	bool	 as_user;	/* drop to CC_ID by hand, no run ids */
	bool	 no_ids;	/* confine without run ids, even as root */
	bool	 keep_caps;	/* as_user: keep root's capabilities */
	/* In the child: before confining; then, confined, the exit status. */
	void	(*setup)(struct confine_opts *);
	int	(*body)(void);
};

struct cc {
	enum confine_proc proc;
	pid_t	 pid;
	int	 peer;		/* the test's end of fd 3 */
	int	 err;		/* read end of the child's stderr */
	int	 journal;	/* the test's fd on the journal, or -1 */
	char	 root[64];	/* chroot directory, "" when not root */
	struct sockaddr_un addr;	/* listener: abstract address of fd 4 */
	socklen_t addrlen;
	int	 status;
};

/* The test process, for bodies that aim at it (getppid() is not allowed). */
static pid_t	 cc_parent;
/* The last child started, for cc_fini() when a test fails half-way. */
static struct cc *cc_current;

static void
cc_exit_now(int status, void *arg)
{
	/* fatal() calls exit(): leave before criterion's atexit handlers. */
	(void)arg;
	_exit(status);
}

static CC_UNUSED bool
cc_root(void)
{
	return geteuid() == 0;
}

/* Effective = permitted, after setresuid with PR_SET_KEEPCAPS. */
static int
cc_raise_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) == -1)
		return -1;
	data[0].effective = data[0].permitted;
	data[1].effective = data[1].permitted;
	return (int)syscall(SYS_capset, &hdr, data);
}

static void
cc_child(struct cc *c, const struct cc_cfg *cfg, int peer, int errw, int fd4)
{
	struct confine_opts o;
	struct epoll_event ev;
	int	 n, p, e, f = -1, ep;

	on_exit(cc_exit_now, NULL);
	log_init(c->proc == CONFINE_LISTENER ? "privconf[listener]: " :
	    "privconf[worker]: ");
	/* Copies above 5 first, so that no dup2 below clobbers a source. */
	if ((n = open("/dev/null", O_RDWR)) == -1 ||
	    (n = fcntl(n, F_DUPFD, 6)) == -1 ||
	    (p = fcntl(peer, F_DUPFD, 6)) == -1 ||
	    (e = fcntl(errw, F_DUPFD, 6)) == -1 ||
	    (fd4 >= 0 && (f = fcntl(fd4, F_DUPFD, 6)) == -1))
		_exit(CC_EXIT_SETUP);
	if (dup2(n, 0) == -1 || dup2(n, 1) == -1 || dup2(e, 2) == -1 ||
	    dup2(p, 3) == -1)
		_exit(CC_EXIT_SETUP + 1);
	if (f >= 0) {
		if (dup2(f, 4) == -1)
			_exit(CC_EXIT_SETUP + 1);
	} else
		close(4);
	if (c->proc == CONFINE_LISTENER) {
		close(5);
		if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
			_exit(CC_EXIT_SETUP + 2);
		if (ep != 5 && (dup2(ep, 5) == -1 || close(ep) == -1))
			_exit(CC_EXIT_SETUP + 2);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = 3;
		if (epoll_ctl(5, EPOLL_CTL_ADD, 3, &ev) == -1)
			_exit(CC_EXIT_SETUP + 2);
	}

	confine_opts_init(&o, c->proc);
	o.peer_fd = 3;
	if (c->proc == CONFINE_LISTENER) {
		o.listen_fd = 4;
		o.epoll_fd = 5;
	} else
		o.journal_fd = f >= 0 ? 4 : -1;
	if (cc_root() && cfg->as_user) {
		/*
		 * A process a user started: dumpable, and (keep_caps) holding
		 * capabilities, as a service manager's AmbientCapabilities
		 * would give it.
		 */
		if (cfg->keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
			_exit(CC_EXIT_SETUP + 3);
		if (setgroups(0, NULL) == -1 ||
		    setresgid(CC_ID, CC_ID, CC_ID) == -1 ||
		    setresuid(CC_ID, CC_ID, CC_ID) == -1 ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == -1)
			_exit(CC_EXIT_SETUP + 3);
		if (cfg->keep_caps && cc_raise_caps() == -1)
			_exit(CC_EXIT_SETUP + 4);
	} else if (cc_root() && !cfg->no_ids) {
		o.run_uid = CC_ID;
		o.run_gid = CC_ID;
		o.chroot_dir = c->root;
	}
	if (cfg->setup != NULL)
		cfg->setup(&o);
	CC_CONFINE(&o);
	_exit(cfg->body != NULL ? cfg->body() : 0);
}

static CC_UNUSED void
cc_start(struct cc *c, enum confine_proc proc, const struct cc_cfg *cfg)
{
	static int serial;
	char	 tmpl[] = "/tmp/privconf-journal-XXXXXX";
	int	 sp[2], ep[2], lsn = -1, one = 1, fd4 = -1;

	memset(c, 0, sizeof(*c));
	cc_current = c;
	c->proc = proc;
	c->journal = -1;
	cc_parent = getpid();
	if (cc_root()) {
		strlcpy(c->root, "/tmp/privconf-root-XXXXXX", sizeof(c->root));
		CC_CHECK(mkdtemp(c->root) != NULL);
		CC_CHECK(chmod(c->root, 0755) == 0);
	}
	CC_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0);
	CC_CHECK(pipe2(ep, O_CLOEXEC) == 0);
	if (proc == CONFINE_LISTENER) {
		/* Bound, listening, SO_PASSCRED: what privconfd hands over. */
		c->addr.sun_family = AF_UNIX;
		snprintf(c->addr.sun_path + 1, sizeof(c->addr.sun_path) - 1,
		    "privconf-test-%d-%d", (int)getpid(), serial++);
		c->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path)
		    + 1 + strlen(c->addr.sun_path + 1));
		lsn = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CC_CHECK(lsn >= 0);
		CC_CHECK(setsockopt(lsn, SOL_SOCKET, SO_PASSCRED, &one,
		    sizeof(one)) == 0);
		CC_CHECK(bind(lsn, (struct sockaddr *)&c->addr, c->addrlen)
		    == 0);
		CC_CHECK(listen(lsn, 8) == 0);
		fd4 = lsn;
	} else if (cfg->journal) {
		c->journal = mkostemp(tmpl, O_CLOEXEC | O_APPEND);
		CC_CHECK(c->journal >= 0);
		CC_CHECK(unlink(tmpl) == 0);
		fd4 = c->journal;
	}

	c->pid = fork();
	CC_CHECK(c->pid >= 0);
	if (c->pid == 0)
		cc_child(c, cfg, sp[1], ep[1], fd4);
	close(sp[1]);
	close(ep[1]);
	if (lsn >= 0)
		close(lsn);
	c->peer = sp[0];
	c->err = ep[0];
}

/* Reap the child; its wait status. */
static CC_UNUSED int
cc_wait(struct cc *c)
{
	pid_t	 r;

	do
		r = waitpid(c->pid, &c->status, 0);
	while (r == -1 && errno == EINTR);
	cr_assert_eq(r, c->pid);
	c->pid = 0;
	return c->status;
}

/* Everything the child wrote to stderr, NUL-terminated; after cc_wait. */
static CC_UNUSED const char *
cc_stderr(struct cc *c)
{
	static char buf[4096];
	size_t	 n = 0;
	ssize_t	 r;

	while (n < sizeof(buf) - 1 &&
	    (r = read(c->err, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		cr_assert_gt(r, 0);
		n += (size_t)r;
	}
	buf[n] = '\0';
	return buf;
}

static CC_UNUSED void
cc_end(struct cc *c)
{
	close(c->peer);
	close(c->err);
	if (c->journal >= 0)
		close(c->journal);
	if (c->root[0] != '\0')
		cr_expect_eq(rmdir(c->root), 0, "rmdir %s: %s", c->root,
		    strerror(errno));
	c->root[0] = '\0';
}

/*
 * Criterion .fini of every test: after a failed assertion, kill and reap
 * a child still running and remove its chroot directory, with whatever a
 * test planted in it.
 */
static CC_UNUSED void
cc_fini(void)
{
	struct cc *c = cc_current;
	struct dirent *de;
	char	 path[sizeof(c->root) + 256 + 2];
	DIR	*d;

	if (c == NULL)
		return;
	cc_current = NULL;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		(void)waitpid(c->pid, NULL, 0);
	}
	if (c->root[0] == '\0')
		return;
	if ((d = opendir(c->root)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", c->root,
			    de->d_name);
			(void)unlink(path);
		}
		closedir(d);
	}
	(void)rmdir(c->root);
}

/* Read exactly n bytes from the child's fd 3. */
static CC_UNUSED void
cc_read(struct cc *c, char *buf, size_t n)
{
	size_t	 got = 0;
	ssize_t	 r;

	while (got < n) {
		r = read(c->peer, buf + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (cc_helper && r <= 0)
			_exit(CC_EXIT_HELPER);
		cr_assert_gt(r, 0, "child closed fd 3 after %zu of %zu bytes",
		    got, n);
		got += (size_t)r;
	}
}

static CC_UNUSED void
cc_write(struct cc *c, const char *s)
{
	cr_assert_eq(write(c->peer, s, strlen(s)), (ssize_t)strlen(s));
}

static CC_UNUSED void
cc_assert_exit(struct cc *c, int code)
{
	cr_assert(WIFEXITED(c->status), "child not exited: status %#x%s%d",
	    c->status, WIFSIGNALED(c->status) ? ", signal " : " ",
	    WIFSIGNALED(c->status) ? WTERMSIG(c->status) : 0);
	cr_assert_eq(WEXITSTATUS(c->status), code,
	    "exit status %d, expected %d; stderr: %s",
	    WEXITSTATUS(c->status), code, cc_stderr(c));
}

static CC_UNUSED void
cc_assert_signal(struct cc *c, int sig)
{
	cr_assert(WIFSIGNALED(c->status), "child not killed: exit %d; "
	    "stderr: %s", WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1,
	    cc_stderr(c));
	cr_assert_eq(WTERMSIG(c->status), sig, "signal %d, expected %d",
	    WTERMSIG(c->status), sig);
}

/* Start, wait, check: the whole life of a child that needs no talking to. */
static CC_UNUSED void
cc_run(struct cc *c, enum confine_proc proc, const struct cc_cfg *cfg)
{
	cc_start(c, proc, cfg);
	cc_wait(c);
}

/*
 * Bodies both processes share: what a taken-over process would try.
 * Each returns the errno it met, or 200 when the call succeeded.
 */
#define CC_SUCCEEDED	200

static CC_UNUSED int
cc_body_open_passwd(void)
{
	return openat(AT_FDCWD, "/etc/passwd", O_RDONLY) == -1 ?
	    errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_open_create(void)
{
	return open("/tmp/privconf-confined-create", O_WRONLY | O_CREAT, 0600)
	    == -1 ? errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_stat(void)
{
	struct stat st;

	return stat("/", &st) == -1 ? errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_execve(void)
{
	char	*argv[] = { "true", NULL };
	char	*envp[] = { NULL };

	execve("/bin/true", argv, envp);
	return errno;
}

static CC_UNUSED int
cc_body_fork(void)
{
	pid_t	 pid = fork();

	if (pid == 0)
		_exit(0);
	return pid == -1 ? errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_socket_inet(void)
{
	return socket(AF_INET, SOCK_STREAM, 0) == -1 ? errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_ptrace(void)
{
	return ptrace(PTRACE_ATTACH, cc_parent, NULL, NULL) == -1 ?
	    errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_kill_parent(void)
{
	return kill(cc_parent, SIGTERM) == -1 ? errno : CC_SUCCEEDED;
}

/* An abstract socket outside: the test's own, named after its pid. */
static CC_UNUSED int
cc_body_connect_abstract(void)
{
	struct sockaddr_un sun;
	int	 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "privconf-outside-%d", (int)cc_parent);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return errno;
	return connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ?
	    errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_write_stdout(void)
{
	return write(STDOUT_FILENO, "x", 1) == -1 ? errno : CC_SUCCEEDED;
}

/* No new executable memory: code can only be what was loaded. */
static CC_UNUSED int
cc_body_mmap_exec(void)
{
	return mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ?
	    errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_mprotect_exec(void)
{
	void	*p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 100;
	return mprotect(p, 4096, PROT_READ | PROT_EXEC) == -1 ?
	    errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_malloc_large(void)
{
	/* malloc's own calls: brk for small, mmap/mremap/munmap for large. */
	char	*a = malloc(100), *b = malloc(1 << 20);

	if (a == NULL || b == NULL)
		return 100;
	memset(b, 1, 1 << 20);
	if ((b = realloc(b, 8 << 20)) == NULL)
		return 101;
	free(a);
	free(b);
	return 0;
}

/*
 * glibc's malloc_trim gives back free pages below the top of the heap
 * with MADV_DONTNEED (a guard chunk keeps brk from doing it); 0 only when
 * it released something, so the call really ran.
 */
static CC_UNUSED int
cc_body_malloc_trim(void)
{
	char	*p[64], *guard;
	size_t	 i;

	for (i = 0; i < 64; i++) {
		if ((p[i] = malloc(64 * 1024)) == NULL)
			return 100;
		memset(p[i], 1, 64 * 1024);
	}
	if ((guard = malloc(100)) == NULL)
		return 101;
	for (i = 0; i < 64; i++)
		free(p[i]);
	i = (size_t)malloc_trim(0);
	free(guard);
	return i == 1 ? 0 : 102;
}

/* Kernel same-page merging would let another process probe our pages. */
static CC_UNUSED int
cc_body_madvise_mergeable(void)
{
	void	*p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 100;
	return madvise(p, 4096, MADV_MERGEABLE) == -1 ? errno : CC_SUCCEEDED;
}

/* No mapping moved to an address of the attacker's choosing. */
static CC_UNUSED int
cc_body_mremap_fixed(void)
{
	void	*p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void	*q = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || q == MAP_FAILED)
		return 100;
	return mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, q) ==
	    MAP_FAILED ? errno : CC_SUCCEEDED;
}

static CC_UNUSED int
cc_body_setuid_root(void)
{
	return setuid(0) == -1 ? errno : CC_SUCCEEDED;
}

/* The test's side of cc_body_connect_abstract: listening, so it could. */
static CC_UNUSED int
cc_outside_listener(void)
{
	struct sockaddr_un sun;
	int	 s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "privconf-outside-%d", (int)getpid());
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(s, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	cr_assert_eq(listen(s, 1), 0);
	return s;
}

/* One line of /proc/PID/status, without its "Name:\t" and newline. */
static CC_UNUSED const char *
cc_status_field(pid_t pid, const char *name)
{
	static char val[256];
	char	 path[64], line[512];
	size_t	 len = strlen(name);
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	val[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			strlcpy(val, line + len + 1 + strspn(line + len + 1,
			    "\t "), sizeof(val));
			val[strcspn(val, "\n")] = '\0';
			fclose(f);
			return val;
		}
	}
	fclose(f);
	cr_assert_fail("%s: no %s", path, name);
	return NULL;
}

#endif
