/*
 * Signals and where the log goes (privconfd(8) SUPERVISION, LOGGING):
 * SIGHUP never stops privconfd; with -l it reopens the log file (a
 * rotation renamed it), otherwise it is logged and ignored; SIGTERM and
 * SIGINT still stop it.  Detached without -l, privconfd logs to syslog:
 * the test puts its own /dev/log in a private mount namespace and reads
 * the datagrams.
 */
#define _GNU_SOURCE

#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "tests/integration/harness.h"

#define NOBODY_UID	65534

static struct h_daemon	d;
static pid_t		daemon_pid;	/* the detached one */

static void
setup(void)
{
	h_init(&d, H_PATH);
}

static void
teardown(void)
{
	if (daemon_pid > 0)
		kill(daemon_pid, SIGTERM);
	h_done(&d);
}

TestSuite(signals, .init = setup, .fini = teardown, .timeout = 120);

Test(signals, sighup_is_logged_and_ignored)
{
	int	 i;

	h_spawn(&d, NULL);
	h_ready(&d);
	for (i = 0; i < 3; i++) {
		cr_assert(kill(d.pid, SIGHUP) == 0);
		h_sleep_ms(50);
	}
	h_wait_log_line(&d, "privconfd: op=signal signal=SIGHUP why=\"ignored: "
	    "no log file to reopen\"");
	cr_assert(h_try_wait_exit(&d, 200) == -1, "SIGHUP stopped privconfd");
	h_expect(d.addr, "ping\n", H_PONG);
	cr_assert_eq(h_stop(&d), 0, "SIGTERM: %s", h_status_text(d.status));
	h_assert_log_line(&d, "privconfd: op=stop signal=SIGTERM");
}

/* Whether process pid has the file at path open. */
static int
has_open(pid_t pid, const char *path)
{
	char		 dir[64], fd[64 + 256], target[PATH_MAX];
	struct dirent	*e;
	DIR		*dp;
	ssize_t		 n;
	int		 found = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((dp = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(dp)) != NULL) {
		snprintf(fd, sizeof(fd), "%s/%s", dir, e->d_name);
		if ((n = readlink(fd, target, sizeof(target) - 1)) > 0) {
			target[n] = '\0';
			found = strcmp(target, path) == 0;
		}
	}
	closedir(dp);
	return found;
}

/*
 * SIGHUP while privconfd still reads its profiles (which a 256 MiB
 * journal makes long) waits for the supervisor, like any other SIGHUP,
 * instead of killing it.  A 60 MB profile of comments keeps the file
 * open for tens of milliseconds; the signal goes the moment the test
 * sees it open.  Should the test miss that window (a loaded machine), it
 * tries again with a new daemon, up to 5 times.
 */
Test(signals, sighup_while_the_profiles_are_read_is_held)
{
	static const char	 line[] = "# a long comment line to make "
	    "the profile big enough that reading it takes a while\n";
	struct h_daemon		 x;
	char			*text, *prof, real[PATH_MAX];
	size_t			 i, n = 60u * 1000 * 1000 / (sizeof(line) - 1);
	long long		 end;
	int			 try, sent = 0;

	text = h_alloc(n * (sizeof(line) - 1) + 1);
	for (i = 0; i < n; i++)
		memcpy(text + i * (sizeof(line) - 1), line, sizeof(line) - 1);
	text[n * (sizeof(line) - 1)] = '\0';
	for (try = 0; try < 5 && !sent; try++) {
		h_init(&x, H_PATH);
		prof = h_write_file(&x, "big.profile", text);
		cr_assert(realpath(prof, real) != NULL);
		h_spawn(&x, "-P", real, NULL);
		end = h_now_ms() + H_IO_MS;
		while (!sent && h_now_ms() < end &&
		    access(x.addr, F_OK) == -1 && h_proc_running(x.pid))
			if (has_open(x.pid, real)) {
				cr_assert(kill(x.pid, SIGHUP) == 0);
				sent = 1;
			}
		if (sent) {
			h_ready(&x);
			h_wait_log_line(&x, "privconfd: op=signal "
			    "signal=SIGHUP why=\"ignored: no log file to "
			    "reopen\"");
			h_expect(x.addr, "ping\n", H_PONG);
			cr_assert_eq(h_stop(&x), 0, "%s",
			    h_status_text(x.status));
		}
		h_done(&x);
		free(prof);
	}
	cr_assert(sent, "never saw privconfd read its profile in 5 tries");
	free(text);
}

/* The whole file at path, "" when it does not exist. */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*p = NULL;
	size_t	 n = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return h_printf("%s", "");
	cr_assert(getdelim(&p, &n, '\0', fp) != -1 || feof(fp));
	fclose(fp);
	return p != NULL ? p : h_printf("%s", "");
}

/* Wait until the file at path holds text. */
static char *
wait_in_file(const char *path, const char *text)
{
	long long	 end = h_now_ms() + H_IO_MS;
	char		*s;

	for (;;) {
		s = slurp(path);
		if (strstr(s, text) != NULL)
			return s;
		cr_assert(h_now_ms() < end, "%s lacks \"%s\"; it is:\n%s", path,
		    text, s);
		free(s);
		h_sleep_ms(10);
	}
}

Test(signals, sighup_reopens_the_log_file)
{
	char	*log = h_printf("%s/privconfd.log", d.dir);
	char	*old = h_printf("%s.1", log), *s;

	h_spawn(&d, "-l", log, NULL);
	h_ready(&d);
	wait_in_file(log, "privconfd: op=confine ");
	/* Once it serves, only the file gets lines, not stderr. */
	cr_assert(strstr(h_log(&d), "privconfd: op=confine") == NULL,
	    "stderr after serving:\n%s", h_log(&d));
	cr_assert(rename(log, old) == 0);
	cr_assert(kill(d.pid, SIGHUP) == 0);
	wait_in_file(log, h_printf("privconfd: op=log signal=SIGHUP "
	    "path=\"%s\" why=\"reopened\"", log));
	h_expect(d.addr, "allow/read+/after/***\n", H_ACK);
	wait_in_file(log, "cmd=\"allow/read+/after/***\"");
	s = slurp(old);
	cr_assert(strstr(s, "op=serve") != NULL && strstr(s, "/after/") ==
	    NULL, "the rotated file:\n%s", s);
	cr_assert_eq(h_stop(&d), 0);
	wait_in_file(log, "privconfd: op=stop why=\"stopped\"");
}

/*
 * A private mount namespace whose /dev holds null and a datagram socket
 * "log" bound here: what privconfd sees as /dev/log.  Root only.
 */
static int
fake_dev_log(void)
{
	struct sockaddr_un sun;
	char		*dev = h_printf("%s/dev", d.dir), *null;
	int		 fd;

	cr_assert(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	cr_assert(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
	    "mount private: %s", strerror(errno));
	cr_assert(mkdir(dev, 0755) == 0);
	null = h_printf("%s/null", dev);
	close(open(null, O_WRONLY | O_CREAT, 0666));
	cr_assert(mount("/dev/null", null, NULL, MS_BIND, NULL) == 0,
	    "bind /dev/null: %s", strerror(errno));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/log", dev);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1);
	cr_assert(bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind %s: %s", sun.sun_path, strerror(errno));
	cr_assert(mount(dev, "/dev", NULL, MS_BIND | MS_REC, NULL) == 0,
	    "bind over /dev: %s", strerror(errno));
	return fd;
}

/* Datagrams until one holds text; all of them, one a line. */
static char *
read_syslog(int fd, char **all, const char *text)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	long long	 end = h_now_ms() + H_IO_MS;
	char		 buf[4096];
	ssize_t		 n;

	for (;;) {
		cr_assert(h_now_ms() < end, "syslog lacks \"%s\"; it got:\n%s",
		    text, *all);
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		cr_assert(n > 0);
		buf[n] = '\0';
		*all = h_printf("%s%s\n", *all, buf);
		if (strstr(buf, text) != NULL)
			return h_printf("%s", buf);
	}
}

/*
 * A connection to addr whose SO_PEERCRED is nobody while what is sent on
 * it carries root's credentials (root only): a child with effective uid
 * 65534 and file-system uid 0 (so the socket's path lets it through)
 * connects and hands the socket over.
 */
static int
connect_as_nobody(const char *addr)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int		 sp[2], fd, st;
	char		 b = 0;
	pid_t		 pid;

	cr_assert_lt(strlen(addr), sizeof(sa.sun_path));
	memcpy(sa.sun_path, addr, strlen(addr) + 1);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	if ((pid = fork()) == 0) {
		if (setresuid(0, NOBODY_UID, 0) == -1)
			_exit(2);
		setfsuid(0);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			_exit(3);
		_exit(fdpass_send(sp[1], &b, 1, fd, 0) == 1 ? 0 : 4);
	}
	cr_assert_eq(fdpass_recv(sp[0], &b, 1, &fd), 1, "no socket");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
	    h_status_text(st));
	close(sp[0]);
	close(sp[1]);
	return fd;
}

Test(signals, detached_logs_go_to_syslog)
{
	char		*all = "", *line, *prefix, *w1, *w2, *w3;
	struct h_bytes	 reply;
	int		 fd, pid, c;

	if (!h_is_root())
		cr_skip_test("needs root for a mount namespace");
	fd = fake_dev_log();
	d.detach = 1;
	h_spawn(&d, NULL);
	/* The starter exits 0 once the daemon serves. */
	h_assert_exit(&d, 0);
	line = read_syslog(fd, &all, " op=serve addr=");
	cr_assert(sscanf(line, "<30>%*s %*d %*d:%*d:%*d privconfd[%d]: ",
	    &pid) == 1, "syslog line: %s", line);
	daemon_pid = pid;
	prefix = h_printf("privconfd[%d]: ", pid);
	/* privconfd's lines lose their prefix; a child's keep theirs. */
	cr_assert(strstr(line, h_printf("%sop=serve addr=\"%s\"", prefix,
	    d.path)) != NULL, "%s", line);
	read_syslog(fd, &all, h_printf("%sprivconf[listener]: op=confine ",
	    prefix));
	cr_assert(strstr(all, h_printf("%sprivconf[worker]: op=ready",
	    prefix)) != NULL, "syslog:\n%s", all);
	/* The starter's stderr saw the start, not what followed. */
	cr_assert(strstr(h_log(&d), "privconfd: op=serve") != NULL,
	    "stderr:\n%s", h_log(&d));
	cr_assert(strstr(h_log(&d), "privconf[listener]: op=confine") == NULL,
	    "stderr after serving:\n%s", h_log(&d));
	/* One child's lines keep their order. */
	h_expect(d.addr, "prompt i\nallow/read+/1\nallow/read+/2\n"
	    "allow/read+/3\nquit\n", H_ACK H_ACK H_ACK);
	read_syslog(fd, &all, "cmd=\"allow/read+/3\"");
	w1 = strstr(all, "cmd=\"allow/read+/1\"");
	w2 = strstr(all, "cmd=\"allow/read+/2\"");
	w3 = strstr(all, "cmd=\"allow/read+/3\"");
	cr_assert(w1 != NULL && w1 < w2 && w2 < w3, "syslog:\n%s", all);
	/* SIGHUP: logged at LOG_INFO, and privconfd goes on. */
	cr_assert(kill(pid, SIGHUP) == 0);
	line = read_syslog(fd, &all, "op=signal signal=SIGHUP");
	cr_assert(strncmp(line, "<30>", 4) == 0, "%s", line);
	h_expect(d.addr, "ping\n", H_PONG);
	/*
	 * A child's warning keeps its level: root's line on a socket that
	 * nobody connected is refused by the worker with a warning.
	 */
	c = connect_as_nobody(d.addr);
	h_sends(c, "sandbox/read?\n");
	h_read_all(c, &reply);
	cr_assert(reply.len > 0 && strstr(reply.p, "\"err\":13") != NULL,
	    "reply: %s", h_escape(reply.p, reply.len, 200));
	h_bytes_free(&reply);
	close(c);
	line = read_syslog(fd, &all, "why=\"credentials above the "
	    "connection's\"");
	cr_assert(strncmp(line, "<28>", 4) == 0 && strstr(line,
	    h_printf("%sprivconf[worker]: op=request ", prefix)) != NULL,
	    "not LOG_DAEMON|LOG_WARNING with the worker's prefix: %s", line);
	cr_assert(kill(pid, SIGTERM) == 0);
	read_syslog(fd, &all, h_printf("%sop=stop why=\"stopped\"", prefix));
	daemon_pid = 0;
	close(fd);
}
