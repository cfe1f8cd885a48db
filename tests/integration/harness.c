/*
 * The integration harness: one privconfd per test, in its own temporary
 * directory, so that criterion can run tests in parallel; and the small
 * helpers every part of the harness uses.
 */
#define _GNU_SOURCE

#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/integration/harness.h"

#define H_ARGS_MAX	64
#define H_LIVE_MAX	16

/*
 * Daemons still running, so that a test that fails half-way (criterion
 * unwinds it) does not leave a privconfd behind.  privconfd also gets
 * PR_SET_PDEATHSIG(SIGTERM): whatever ends the test process ends it.
 */
static struct {
	pid_t	pid;
	char	dir[64];
} live[H_LIVE_MAX];
static int	atexit_done;

static int	rm_entry(const char *, const struct stat *, int, struct FTW *);

long long
h_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
h_sleep_ms(int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void *
h_alloc(size_t n)
{
	void	*p;

	p = malloc(n ? n : 1);
	cr_assert(p != NULL, "out of memory");
	return p;
}

char *
h_repeat(char c, size_t n)
{
	char	*p;

	p = h_alloc(n + 1);
	memset(p, c, n);
	p[n] = '\0';
	return p;
}

char *
h_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	cr_assert(n >= 0, "out of memory");
	return p;
}

char *
h_concat(const char *first, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 len = 0, off = 0;
	char		*p;

	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		len += strlen(s);
	va_end(ap);
	p = h_alloc(len + 1);
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		memcpy(p + off, s, strlen(s));
		off += strlen(s);
	}
	va_end(ap);
	p[off] = '\0';
	return p;
}

size_t
h_count(const char *hay, size_t haylen, const char *needle)
{
	size_t	n = 0, nl = strlen(needle), i;

	if (nl == 0 || haylen < nl)
		return 0;
	for (i = 0; i + nl <= haylen; i++)
		if (memcmp(hay + i, needle, nl) == 0)
			n++;
	return n;
}

/* Printable form of bytes for failure messages, cut after max input bytes. */
char *
h_escape(const void *v, size_t len, size_t max)
{
	const unsigned char	*s = v;
	size_t			 i, n = len < max ? len : max, off = 0;
	char			*p;

	p = h_alloc(n * 4 + 32);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n')
			off += (size_t)sprintf(p + off, "\\n");
		else if (s[i] == '\\')
			off += (size_t)sprintf(p + off, "\\\\");
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			p[off++] = (char)s[i];
		else
			off += (size_t)sprintf(p + off, "\\x%02x", s[i]);
	}
	if (n < len)
		off += (size_t)sprintf(p + off, "...(%zu bytes)", len);
	p[off] = '\0';
	return p;
}

const char *
h_build_dir(void)
{
	const char	*b = getenv("PRIVCONF_BUILD");

	return (b != NULL && *b != '\0') ? b : "build";
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_tree(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void
live_add(pid_t pid, const char *dir)
{
	int	i;

	for (i = 0; i < H_LIVE_MAX; i++)
		if (live[i].pid == 0) {
			live[i].pid = pid;
			snprintf(live[i].dir, sizeof(live[i].dir), "%s", dir);
			return;
		}
}

static void
live_del(pid_t pid)
{
	int	i;

	for (i = 0; i < H_LIVE_MAX; i++)
		if (live[i].pid == pid)
			live[i].pid = 0;
}

static void
live_cleanup(void)
{
	long long	end;
	int		i, st;

	for (i = 0; i < H_LIVE_MAX; i++) {
		if (live[i].pid == 0)
			continue;
		kill(live[i].pid, SIGTERM);
		end = h_now_ms() + H_EXIT_MS;
		while (waitpid(live[i].pid, &st, WNOHANG) == 0 &&
		    h_now_ms() < end)
			h_sleep_ms(10);
		kill(live[i].pid, SIGKILL);
		waitpid(live[i].pid, &st, WNOHANG);
		rm_tree(live[i].dir);
		live[i].pid = 0;
	}
}

void
h_init(struct h_daemon *d, enum h_addr kind)
{
	static unsigned	 seq;
	uint32_t	 r = 0;

	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/privconf-it.XXXXXX");
	cr_assert(mkdtemp(d->dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(d->logpath, sizeof(d->logpath), "%s/log", d->dir);
	if (kind == H_PATH) {
		snprintf(d->path, sizeof(d->path), "%s/ipc.sock", d->dir);
		snprintf(d->addr, sizeof(d->addr), "%s", d->path);
	} else {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)h_now_ms();
		snprintf(d->addr, sizeof(d->addr),
		    "@privconf-test-%d-%u-%08x", (int)getpid(), seq++, r);
	}
	if (!atexit_done) {
		atexit(live_cleanup);
		atexit_done = 1;
	}
}

void
h_spawnv(struct h_daemon *d, const char *const *extra)
{
	const char	*argv[H_ARGS_MAX + 8];
	char		*exe;
	int		 n = 0, i, fd;
	pid_t		 pid;

	cr_assert(d->dir[0] != '\0', "h_spawn before h_init");
	exe = d->exe != NULL ? h_printf("%s", d->exe) :
	    h_printf("%s/privconfd", h_build_dir());
	cr_assert(access(exe, X_OK) == 0, "%s: %s (run `make` first)", exe,
	    strerror(errno));
	argv[n++] = exe;
	if (!d->detach)
		argv[n++] = "-f";
	argv[n++] = "-s";
	argv[n++] = d->addr;
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		cr_assert(i < H_ARGS_MAX, "too many daemon arguments");
		argv[n++] = extra[i];
	}
	argv[n] = NULL;

	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* Never outlive the test process, even when it crashes. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/*
		 * A group of its own, so that a test can signal privconfd's
		 * group without signalling itself.
		 */
		if (d->own_pgrp && setpgid(0, 0) == -1)
			_exit(126);
		/* Kept through exec: a write past RLIMIT_FSIZE is EFBIG. */
		if (d->ignore_xfsz)
			signal(SIGXFSZ, SIG_IGN);
		if (d->group_file != NULL && (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
		    mount(d->group_file, "/etc/group", NULL, MS_BIND,
		    NULL) == -1))
			_exit(125);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		fd = open(d->logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1)
			dup2(fd, 2);
		execv(exe, (char *const *)argv);
		dprintf(2, "harness: exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	free(exe);
	/* Also here: the test may signal the group before the child runs. */
	if (d->own_pgrp)
		setpgid(pid, pid);
	d->pid = pid;
	d->reaped = 0;
	live_add(pid, d->dir);
}

static void
spawn_va(struct h_daemon *d, va_list ap)
{
	const char	*args[H_ARGS_MAX + 1];
	const char	*s;
	int		 n = 0;

	while ((s = va_arg(ap, const char *)) != NULL) {
		cr_assert(n < H_ARGS_MAX, "too many daemon arguments");
		args[n++] = s;
	}
	args[n] = NULL;
	h_spawnv(d, args);
}

void
h_spawn(struct h_daemon *d, ...)
{
	va_list	ap;

	va_start(ap, d);
	spawn_va(d, ap);
	va_end(ap);
}

static int
reap(struct h_daemon *d, int block)
{
	pid_t	r;
	int	st;

	if (d->reaped)
		return 1;
	do
		r = waitpid(d->pid, &st, block ? 0 : WNOHANG);
	while (r == -1 && errno == EINTR);
	if (r == d->pid) {
		d->reaped = 1;
		d->status = st;
		live_del(d->pid);
		return 1;
	}
	return 0;
}

char *
h_status_text(int st)
{
	if (WIFEXITED(st))
		return h_printf("exit status %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return h_printf("signal %d", WTERMSIG(st));
	return h_printf("wait status %#x", st);
}

/*
 * The socket accepts, and a ping comes back: then the listener runs and the
 * probe connection is closed on both sides, so it counts against no limit.
 */
void
h_ready(struct h_daemon *d)
{
	long long	 end = h_now_ms() + H_START_MS;
	struct h_bytes	 b;
	char		*log;
	int		 fd, r;

	for (;;) {
		if (reap(d, 0)) {
			log = h_log(d);
			cr_assert_fail("privconfd ended during start-up (%s); "
			    "log:\n%s", h_status_text(d->status), log);
		}
		fd = h_try_connect(d->addr);
		if (fd >= 0)
			break;
		cr_assert(h_now_ms() < end, "%s does not accept after %d ms: "
		    "%s; log:\n%s", d->addr, H_START_MS, strerror(-fd),
		    h_log(d));
		h_sleep_ms(10);
	}
	h_try_send(fd, "ping\n", 5);
	r = h_try_read_all(fd, &b, H_IO_MS);
	close(fd);
	cr_assert(r == 0, "start-up probe: no reply and no close within %d ms;"
	    " log:\n%s", H_IO_MS, h_log(d));
	cr_assert(strcmp(b.p, H_PONG) == 0 || strcmp(b.p, H_AUTH) == 0,
	    "start-up probe: ping answered \"%s\"; log:\n%s",
	    h_escape(b.p, b.len, 200), h_log(d));
	h_bytes_free(&b);
}

void
h_start(struct h_daemon *d, ...)
{
	va_list	ap;

	h_init(d, H_PATH);
	va_start(ap, d);
	spawn_va(d, ap);
	va_end(ap);
	h_ready(d);
}

void
h_start_abstract(struct h_daemon *d, ...)
{
	va_list	ap;

	h_init(d, H_ABSTRACT);
	va_start(ap, d);
	spawn_va(d, ap);
	va_end(ap);
	h_ready(d);
}

/* The wait status, or -1 when privconfd still runs after ms. */
int
h_try_wait_exit(struct h_daemon *d, int ms)
{
	long long	end = h_now_ms() + ms;

	cr_assert(d->pid > 0, "no daemon");
	while (!reap(d, 0)) {
		if (h_now_ms() >= end)
			return -1;
		h_sleep_ms(10);
	}
	return d->status;
}

int
h_wait_exit(struct h_daemon *d, int ms)
{
	int	st;

	st = h_try_wait_exit(d, ms);
	cr_assert(st != -1, "privconfd still runs after %d ms; log:\n%s",
	    ms, h_log(d));
	return st;
}

void
h_assert_exit(struct h_daemon *d, int code)
{
	int	st;

	st = h_wait_exit(d, H_EXIT_MS);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == code,
	    "privconfd: want exit status %d, got %s; log:\n%s", code,
	    h_status_text(st), h_log(d));
}

int
h_stop(struct h_daemon *d)
{
	if (!d->reaped)
		kill(d->pid, SIGTERM);
	return h_wait_exit(d, H_EXIT_MS);
}

void
h_done(struct h_daemon *d)
{
	if (d->pid > 0 && !d->reaped) {
		kill(d->pid, SIGTERM);
		if (h_try_wait_exit(d, H_EXIT_MS) == -1) {
			kill(d->pid, SIGKILL);
			reap(d, 1);
		}
	}
	rm_tree(d->dir);
}

char *
h_log(const struct h_daemon *d)
{
	char	*p;
	size_t	 len = 0, cap = 4096;
	ssize_t	 n;
	int	 fd;

	p = h_alloc(cap + 1);
	if ((fd = open(d->logpath, O_RDONLY)) == -1) {
		p[0] = '\0';
		return p;
	}
	for (;;) {
		if (len == cap) {
			cap *= 2;
			p = realloc(p, cap + 1);
			cr_assert(p != NULL, "out of memory");
		}
		n = read(fd, p + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	p[len] = '\0';
	return p;
}

/* line is a whole line of privconfd's stderr, without its newline. */
int
h_log_has_line(const struct h_daemon *d, const char *line)
{
	char	*log, *s, *nl;
	size_t	 ll = strlen(line);
	int	 found = 0;

	log = h_log(d);
	for (s = log; *s != '\0'; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s);
		if ((size_t)(nl - s) == ll && memcmp(s, line, ll) == 0)
			found = 1;
		if (*nl == '\0')
			break;
	}
	free(log);
	return found;
}

void
h_assert_log_line(const struct h_daemon *d, const char *line)
{
	cr_assert(h_log_has_line(d, line),
	    "privconfd's stderr lacks the line \"%s\"; it is:\n%s", line,
	    h_log(d));
}

/* Log lines travel through privconfd's relay: wait for one to arrive. */
void
h_wait_log_line(const struct h_daemon *d, const char *line)
{
	long long	end = h_now_ms() + H_IO_MS;

	while (!h_log_has_line(d, line)) {
		if (h_now_ms() >= end)
			h_assert_log_line(d, line);
		h_sleep_ms(10);
	}
}

/* Write DIR/name and return its path. */
char *
h_write_file(struct h_daemon *d, const char *name, const char *text)
{
	char	*path;
	int	 fd;

	path = h_printf("%s/%s", d->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert(write_all(fd, text, strlen(text)) == 0, "%s: %s", path,
	    strerror(errno));
	close(fd);
	return path;
}
