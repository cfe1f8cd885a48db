/*
 * The journal (docs/design.md 6, issue 9) against the real daemon: its
 * records byte for byte, replay after a restart and as a profile, no
 * acknowledged change lost when the worker, privconfd or all three
 * processes die of SIGKILL under load, a full disk, a flood of queries
 * around one change and what the log says of it, and the journals
 * privconfd must refuse.
 */
#define _GNU_SOURCE	/* memmem, prlimit, unshare */
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "tests/integration/harness.h"

#define H_ENOSPC	"{\"err\":28," \
			"\"msg\":\"ENOSPC: No space left on device\"}\n"
/* How a log line ends whose command was cut (worker/session.c). */
#define CUT		"...\" err=0 truncated=1"
/* A change with bytes past ASCII: the journal keeps them as they came. */
#define ZETA		"allow/read+/z\xc3\xab" "ta/***"
#define H_DENY_DEFAULT	"{\"err\":0,\"action\":\"deny\"," \
			"\"rule\":\"default/read:deny\"}\n"

static struct h_daemon	d, d2;
/* The tmpfs of the disk-full test, unmounted by the teardown. */
static char		mnt[160];

static void
teardown(void)
{
	if (mnt[0] != '\0') {
		/* The worker holds the journal there: stop privconfd first. */
		if (d.pid > 0 && !d.reaped) {
			kill(d.pid, SIGTERM);
			if (h_try_wait_exit(&d, H_EXIT_MS) == -1) {
				kill(d.pid, SIGKILL);
				h_try_wait_exit(&d, H_EXIT_MS);
			}
		}
		if (umount2(mnt, MNT_DETACH) == -1)
			cr_log_warn("umount %s: %s", mnt, strerror(errno));
		mnt[0] = '\0';
	}
	h_done(&d2);
	h_done(&d);
}

TestSuite(journal, .fini = teardown, .timeout = 240);

/* Small helpers. */

/* The whole file, NUL-terminated; *len its size (bytes may hold NULs). */
static char *
read_file(const char *path, size_t *len)
{
	struct buf	 b = BUF_INIT;
	char		 tmp[65536];
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		cr_assert_eq(buf_append(&b, tmp, (size_t)n), 0);
	cr_assert(n == 0, "%s: %s", path, strerror(errno));
	close(fd);
	*len = b.len;
	cr_assert_eq(buf_append(&b, "", 1), 0);
	return (char *)b.data;
}

static void
write_bytes(const char *path, const void *p, size_t len, mode_t mode)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert(write_all(fd, p, len) == 0, "%s: %s", path,
	    strerror(errno));
	cr_assert(fchmod(fd, mode) == 0);
	close(fd);
}

static char *
journal_of(const struct h_daemon *dd)
{
	return h_printf("%s/journal", dd->dir);
}

/* Start privconfd of dd (h_init done) with these arguments, NULL ended. */
static void
start(struct h_daemon *dd, const char *const *args)
{
	h_spawnv(dd, args);
	h_ready(dd);
}

/*
 * Spawn dd again in the same directory (same socket path, same journal
 * path) after it ended, with a fresh log: the old one is kept as log.N.
 */
static void
respawn(struct h_daemon *dd, const char *const *args)
{
	static int	 gen;
	char		*old;

	cr_assert(dd->reaped, "restart of a privconfd that still runs");
	old = h_printf("%s.%d", dd->logpath, ++gen);
	cr_assert(rename(dd->logpath, old) == 0, "rename %s: %s",
	    dd->logpath, strerror(errno));
	free(old);
	h_spawnv(dd, args);
}

static void
restart(struct h_daemon *dd, const char *const *args)
{
	respawn(dd, args);
	h_ready(dd);
}

/* An interactive connection: replies come one by one, it stays open. */
static int
session(const char *addr)
{
	int	 fd;

	fd = h_connect(addr);
	h_sends(fd, "prompt i\n");
	return fd;
}

static void	expect_read_log(int, const char *);

/* cmd (without its newline) on an interactive connection gets want. */
static void
sayn(int fd, const void *cmd, size_t len, const char *want)
{
	h_send(fd, cmd, len);
	h_send(fd, "\n", 1);
	expect_read_log(fd, want);
}

static void
say(int fd, const char *cmd, const char *want)
{
	sayn(fd, cmd, strlen(cmd), want);
}

/* Exactly want arrives on fd; on failure, privconfd's log says why. */
static void
expect_read_log(int fd, const char *want)
{
	struct h_bytes	 b;
	int		 r;

	r = h_try_read_n(fd, strlen(want), &b, H_IO_MS);
	/* A dead child: let privconfd say which and how before the log. */
	if (r != 0 || memcmp(b.p, want, strlen(want)) != 0)
		h_try_wait_exit(&d, 5000);
	cr_assert(r == 0 && memcmp(b.p, want, strlen(want)) == 0,
	    "want \"%s\", got (%s) \"%s\"; log:\n%s", h_escape(want,
	    strlen(want), 600), r == 0 ? "all" : strerror(-r),
	    h_escape(b.p, b.len, 600), h_log(&d));
	h_bytes_free(&b);
}

static void
wait_not_running(pid_t pid)
{
	long long	 end = h_now_ms() + H_EXIT_MS;

	/* A zombie has closed its files, the journal's lock with them. */
	while (h_proc_running(pid)) {
		cr_assert(h_now_ms() < end, "process %d still runs",
		    (int)pid);
		h_sleep_ms(10);
	}
}

/* The record format (worker/journal.h), checked byte for byte. */

struct who {
	unsigned	 uid, gid;
	long		 pid;	/* -1: any number but ours */
};

static struct who
me(void)
{
	return (struct who){ getuid(), getgid(), (long)getpid() };
}

/* p holds "YYYY-MM-DDTHH:MM:SSZ", UTC, a time from lo to hi. */
static void
check_time(const char *p, time_t lo, time_t hi)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm	 tm;
	time_t		 t;
	size_t		 i;

	for (i = 0; i < 20; i++)
		cr_assert(shape[i] == 'd' ? p[i] >= '0' && p[i] <= '9' :
		    p[i] == shape[i], "time \"%s\": byte %zu is not of the "
		    "shape %s", h_escape(p, 20, 20), i, shape);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(p) - 1900;
	tm.tm_mon = atoi(p + 5) - 1;
	tm.tm_mday = atoi(p + 8);
	tm.tm_hour = atoi(p + 11);
	tm.tm_min = atoi(p + 14);
	tm.tm_sec = atoi(p + 17);
	t = timegm(&tm);
	cr_assert(t >= lo && t <= hi, "time %.20s is not UTC between the "
	    "request (%lld) and its reply (%lld)", p, (long long)lo,
	    (long long)hi);
}

/*
 * The record at j + *off is, exactly, a change ("# TIME uid= gid= pid=\n"
 * then the command and "\n") or, with err, a refusal ("#! TIME uid= gid=
 * pid= err=NAME COMMAND\n"); *off moves past it.
 */
static void
expect_record(const char *j, size_t jlen, size_t *off, struct who w,
    const char *err, const void *cmd, size_t cmdlen, time_t lo, time_t hi)
{
	const char	*p = j + *off, *tag = err != NULL ? "#! " : "# ";
	size_t		 left = jlen - *off, tl = strlen(tag), hl, n;
	char		 head[256], pid[32], *want;

	cr_assert(left >= tl + 20 && memcmp(p, tag, tl) == 0,
	    "journal at offset %zu: want a record starting \"%s\", got "
	    "\"%s\"", *off, tag, h_escape(p, left, 200));
	check_time(p + tl, lo, hi);
	if (w.pid == -1) {
		/* Someone else's pid: the digits where it stands. */
		hl = tl + 20 + (size_t)snprintf(head, sizeof(head), " uid=%u "
		    "gid=%u pid=", w.uid, w.gid);
		cr_assert(left > hl);
		n = strspn(p + hl, "0123456789");
		cr_assert(n > 0 && n < sizeof(pid), "no pid in \"%s\"",
		    h_escape(p, left, 100));
		memcpy(pid, p + hl, n);
		pid[n] = '\0';
		cr_assert(atol(pid) != (long)getpid(), "pid=%s is ours", pid);
	} else
		snprintf(pid, sizeof(pid), "%ld", w.pid);
	hl = (size_t)snprintf(head, sizeof(head), "%s%.20s uid=%u gid=%u "
	    "pid=%s%s%s%s", tag, p + tl, w.uid, w.gid, pid,
	    err != NULL ? " err=" : "\n", err != NULL ? err : "",
	    err != NULL ? " " : "");
	want = h_alloc(hl + cmdlen + 1);
	memcpy(want, head, hl);
	memcpy(want + hl, cmd, cmdlen);
	want[hl + cmdlen] = '\n';
	cr_assert(left >= hl + cmdlen + 1 &&
	    memcmp(p, want, hl + cmdlen + 1) == 0,
	    "journal at offset %zu:\n  got:  \"%s\"\n  want: \"%s\"", *off,
	    h_escape(p, left, hl + cmdlen + 60),
	    h_escape(want, hl + cmdlen + 1, hl + cmdlen + 1));
	free(want);
	*off += hl + cmdlen + 1;
}

static void
expect_journal_end(const char *j, size_t jlen, size_t off)
{
	cr_assert(off == jlen, "the journal holds more than it should, from "
	    "offset %zu: \"%s\"", off, h_escape(j + off, jlen - off, 300));
}

/* The log's line that holds needle, or NULL. */
static char *
log_line_with(const struct h_daemon *dd, const char *needle)
{
	char	*log = h_log(dd), *s, *e, *r = NULL;

	if ((s = strstr(log, needle)) != NULL) {
		while (s > log && s[-1] != '\n')
			s--;
		e = strchr(s, '\n');
		r = e != NULL ? strndup(s, (size_t)(e - s)) : strdup(s);
	}
	free(log);
	return r;
}

/* 1. The format, line by line: a change, a refusal, a query. */

Test(journal, records_of_a_change_a_refusal_and_no_query)
{
	const char	*args[4];
	struct stat	 st;
	struct h_bytes	 b;
	char		*j, *jb, *line, *big, *cmd;
	size_t		 jlen, off = 0, n0;
	time_t		 lo, hi;
	int		 fd;
	static const char nul[] = "allow/read+/a\0b";

	h_init(&d, H_PATH);
	j = journal_of(&d);
	args[0] = "-j";
	args[1] = j;
	args[2] = NULL;
	start(&d, args);
	/* Created by privconfd: a regular file of ours, mode 0600, empty. */
	cr_assert(lstat(j, &st) == 0, "%s: %s", j, strerror(errno));
	cr_assert(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 &&
	    st.st_uid == geteuid() && st.st_size == 0,
	    "journal: mode %o uid %u size %lld", (unsigned)st.st_mode,
	    (unsigned)st.st_uid, (long long)st.st_size);

	fd = session(d.addr);
	lo = time(NULL);
	say(fd, "allow/read+/usr/***", H_ACK);
	hi = time(NULL);
	jb = read_file(j, &jlen);
	expect_record(jb, jlen, &off, me(), NULL, "allow/read+/usr/***", 19,
	    lo, hi);
	expect_journal_end(jb, jlen, off);

	lo = time(NULL);
	say(fd, "sandbox/bogus:on", H_EINVAL);
	say(fd, "name/host:box", H_EBUSY);
	hi = time(NULL);
	jb = read_file(j, &jlen);
	expect_record(jb, jlen, &off, me(), "EINVAL", "sandbox/bogus:on", 16,
	    lo, hi);
	expect_record(jb, jlen, &off, me(), "EBUSY", "name/host:box", 13, lo,
	    hi);
	expect_journal_end(jb, jlen, off);
	n0 = jlen;

	/* Queries, built-ins and changes that change nothing: no record. */
	say(fd, "sandbox/read?", H_ACK);
	say(fd, "sandbox/mem?", H_ENOENT);
	say(fd, "trace/deny_dotdot?", H_ENOENT);
	say(fd, "check/read:/usr/bin/env", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/usr/***\"}\n");
	say(fd, "check/read:/etc/passwd", H_DENY_DEFAULT);
	say(fd, "ping", H_PONG);
	say(fd, "version", H_VERSION);
	say(fd, "sandbox/read:on", H_ACK);
	say(fd, "allow/write-/nothing/here", H_ACK);
	say(fd, "allow/write^/nothing/here", H_ACK);
	free(h_stat(d.addr));
	h_request(d.addr, "stats\n", 6, &b);
	cr_assert(b.len > 0 && b.p[b.len - 1] == '\n', "stats: \"%s\"",
	    h_escape(b.p, b.len, 200));
	h_bytes_free(&b);
	jb = read_file(j, &jlen);
	cr_assert(jlen == n0, "a query or a no-op was journaled: \"%s\"",
	    h_escape(jb + n0, jlen - n0, 300));

	/* The whole command, however long, and whatever its bytes. */
	big = h_repeat('L', 1000);
	cmd = h_concat("allow/read+/", big, NULL);
	lo = time(NULL);
	say(fd, cmd, H_ACK);
	sayn(fd, nul, sizeof(nul) - 1, H_EINVAL);
	say(fd, ZETA, H_ACK);
	hi = time(NULL);
	jb = read_file(j, &jlen);
	expect_record(jb, jlen, &off, me(), NULL, cmd, strlen(cmd), lo, hi);
	expect_record(jb, jlen, &off, me(), "EINVAL", nul, sizeof(nul) - 1,
	    lo, hi);
	expect_record(jb, jlen, &off, me(), NULL, ZETA, strlen(ZETA), lo,
	    hi);
	expect_journal_end(jb, jlen, off);

	/* The log: changes and refusals always, queries not without -v. */
	h_wait_log_line(&d, h_printf("privconf[worker]: op=cmd uid=%u gid=%u "
	    "pid=%d cmd=\"allow/read+/z\\xc3\\xabta/***\" err=0", getuid(),
	    getgid(), (int)getpid()));
	h_assert_log_line(&d, h_printf("privconf[worker]: op=cmd uid=%u "
	    "gid=%u pid=%d cmd=\"allow/read+/usr/***\" err=0", getuid(),
	    getgid(), (int)getpid()));
	h_assert_log_line(&d, h_printf("privconf[worker]: op=cmd uid=%u "
	    "gid=%u pid=%d cmd=\"sandbox/bogus:on\" err=EINVAL", getuid(),
	    getgid(), (int)getpid()));
	h_assert_log_line(&d, h_printf("privconf[worker]: op=cmd uid=%u "
	    "gid=%u pid=%d cmd=\"allow/read+/a\\x00b\" err=EINVAL", getuid(),
	    getgid(), (int)getpid()));
	cr_assert_null(log_line_with(&d, "cmd=\"sandbox/read?\""),
	    "a query was logged without -v:\n%s", h_log(&d));
	cr_assert_null(log_line_with(&d, "cmd=\"check/read:"),
	    "a check was logged without -v:\n%s", h_log(&d));
	/* Cut in the log with a mark; whole in the journal (above). */
	line = log_line_with(&d, "cmd=\"allow/read+/LLLL");
	cr_assert_not_null(line, "no log line for the long command:\n%s",
	    h_log(&d));
	cr_assert(strlen(line) > strlen(CUT) && strcmp(line + strlen(line) -
	    strlen(CUT), CUT) == 0 && strstr(line, big) == NULL,
	    "the long command's log line: %s", line);
	close(fd);

	/* The journal, NUL and all, replays. */
	cr_assert_eq(h_stop(&d), 0);
	restart(&d, args);
	fd = session(d.addr);
	say(fd, "check/read:/usr/bin/env", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/usr/***\"}\n");
	say(fd, h_printf("check/read:/%s", big), h_printf("{\"err\":0,"
	    "\"action\":\"allow\",\"rule\":\"%s\"}\n", cmd));
	close(fd);
	free(big);
	free(cmd);
}

/* Who sent it: another uid's change names that uid, gid and its pid. */
Test(journal, record_names_another_client)
{
	const char	*args[6] = { "-j", NULL, "--ipc-uid", "any", NULL };
	struct h_bytes	 b;
	char		*j, *jb;
	size_t		 jlen, off = 0;
	time_t		 lo, hi;

	if (!h_is_root())
		cr_skip_test("needs root: a client of another uid");
	/* An abstract socket: no directory stands in that user's way. */
	h_init(&d, H_ABSTRACT);
	args[1] = j = journal_of(&d);
	start(&d, args);
	lo = time(NULL);
	cr_assert_eq(h_request_as(65534, 65534, d.addr,
	    "allow/read+/nobody\n", 19, &b), 0);
	hi = time(NULL);
	h_assert_str(&b, H_ACK);
	h_bytes_free(&b);
	jb = read_file(j, &jlen);
	expect_record(jb, jlen, &off, (struct who){ 65534, 65534, -1 }, NULL,
	    "allow/read+/nobody", 18, lo, hi);
	expect_journal_end(jb, jlen, off);
}

/* 2. Restart, and the journal as a profile: the same stat. */

/* stat without its "ipc" object (the last key), and that object. */
static char *
stat_cut_ipc(const char *s, const char **ipc)
{
	const char	*p = strstr(s, ",\"ipc\":{");

	cr_assert_not_null(p, "stat without ipc: %s", s);
	*ipc = p;
	return strndup(s, (size_t)(p - s));
}

Test(journal, restart_and_profile_give_the_same_stat)
{
	static const char *const changes[] = {
		"sandbox/read:off",
		"default/write,exec:kill",
		"allow/read+/usr/***",
		"allow/read+/usr/***",
		"allow/read-/usr/***",
		"deny/write+/etc/***",
		"warn/read+/var/log/**",
		"allow/read+/home/zo\xc3\xab/***",
		"allow/net/connect+loopback!80",
		"allow/net/connect+10.1.2.3/8!1024-65535",
		"deny/net/sendfd+@abstract*",
		"allow/net/link+route",
		"mem/max:1G",
		"pid/max:100",
		"sandbox/mem:on",
		"ioctl/allow+TCGETS",
		"ioctl/deny+0x5412",
		"trace/force_umask:077",
		"trace/deny_dotdot:on",
		"allow/exec+/bin/sh",
		"allow/exec^/bin/sh",
		"deny/read+/secret/***",
		"lock:drop",
		NULL
	};
	const char	*args[4] = { "-j", NULL, NULL }, *pargs[4];
	const char	*ipc1, *ipc3;
	char		*j, *s1, *s2, *s3, *c1, *c3, *jb, *jb2, *prof;
	size_t		 i, jlen, jlen2;
	int		 fd;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	start(&d, args);
	fd = session(d.addr);
	for (i = 0; changes[i] != NULL; i++)
		say(fd, changes[i], H_ACK);
	/* Refusals are journaled as comments: replay must not run them. */
	say(fd, "name/host:box", H_EPERM);
	say(fd, "allow/read+/tmp/***", H_EPERM);
	say(fd, "allow/read+relative", H_EINVAL);
	close(fd);
	s1 = h_stat(d.addr);
	cr_assert_not_null(strstr(s1, "\"lock\":\"drop\""), "%s", s1);
	cr_assert_eq(h_stop(&d), 0);
	jb = read_file(j, &jlen);

	/* The same socket path and the same journal: the same stat. */
	restart(&d, args);
	s2 = h_stat(d.addr);
	cr_assert_str_eq(s2, s1, "stat after the restart differs:\n"
	    "  before: %s\n  after:  %s", s1, s2);
	/* Replay appends nothing. */
	jb2 = read_file(j, &jlen2);
	cr_assert(jlen2 == jlen && memcmp(jb, jb2, jlen) == 0,
	    "the restart changed the journal");
	/* Still lock:drop: the replayed lock binds what comes over IPC. */
	h_expect(d.addr, "allow/read+/tmp/***\n", H_EPERM);
	cr_assert_eq(h_stop(&d), 0);

	/* The journal as a profile, another socket: all but ipc the same. */
	h_init(&d2, H_PATH);
	prof = h_printf("%s/profile", d2.dir);
	jb = read_file(j, &jlen);
	write_bytes(prof, jb, jlen, 0600);
	pargs[0] = "-P";
	pargs[1] = prof;
	pargs[2] = NULL;
	start(&d2, pargs);
	s3 = h_stat(d2.addr);
	c1 = stat_cut_ipc(s1, &ipc1);
	c3 = stat_cut_ipc(s3, &ipc3);
	cr_assert_str_eq(c3, c1, "stat of the journal as a profile differs:\n"
	    "  journal: %s\n  profile: %s", s1, s3);
	cr_assert_str_eq(ipc1, h_printf(",\"ipc\":{\"addr\":\"%s\",\"uid\":%u,"
	    "\"gid\":null}}", d.addr, getuid()));
	cr_assert_str_eq(ipc3, h_printf(",\"ipc\":{\"addr\":\"%s\",\"uid\":%u,"
	    "\"gid\":null}}", d2.addr, getuid()));
	cr_assert_eq(h_stop(&d2), 0);
}

/*
 * 3. Crash.  Four clients pipeline 3,000 changes (and a refusal every
 * CR_EVERY lines) while the test kills a process with SIGKILL halfway.
 * After a restart on the same journal every change a client saw
 * acknowledged is there, once; nothing refused is; and what is there of
 * each client is a prefix of what it sent, since the worker journals one
 * connection's lines in their order and a crash can only cut the end off.
 */

enum {
	CR_CLIENTS = 4,
	CR_CHANGES = 750,			/* per client: 3,000 in all */
	CR_EVERY = 26,			/* every 26th line is refused */
	CR_CMDS = CR_CHANGES + CR_CHANGES / (CR_EVERY - 1),
	CR_GATE = CR_CMDS * 3 / 4,	/* not passed before the kill */
	CR_BATCH_MAX = 24,
};

enum { ST_UNSENT, ST_SENT, ST_ACK, ST_REFUSED };
enum { MODE_PROMPT, MODE_ONE, MODE_BATCH };
enum victim { V_WORKER, V_DAEMON, V_GROUP };

struct crash_client {
	const char	*addr;
	int		 id;
	int		 mode;
	unsigned char	 st[CR_CMDS];
	int		 nsent;
	atomic_int	 nreplied;	/* read by the test while it runs */
	int		 ended;		/* the server closed */
	char		 bad[512];	/* what went wrong, or "" */
};

static atomic_int	 cr_replied, cr_killed;

static int
cr_refused(int i)
{
	return i % CR_EVERY == CR_EVERY - 1;
}

/* Command i of client c, with its newline. */
static int
cr_cmd(char *buf, size_t n, int c, int i)
{
	return cr_refused(i) ? snprintf(buf, n, "name/host:c%d-%d\n", c, i) :
	    snprintf(buf, n, "allow/read+/tmp/c%d_%d\n", c, i);
}

/*
 * Take whole replies from in[*pos..len): in prompt mode each is "; " then
 * the line (the prompt that follows "prompt p" and every reply).  0 when
 * no whole reply is left, -1 on a reply that is not the one expected.
 */
static int
cr_take(struct crash_client *cl, const char *in, size_t len, size_t *pos)
{
	const char	*p, *nl, *want;
	size_t		 skip = cl->mode == MODE_PROMPT ? 2 : 0;

	while (cl->nreplied < cl->nsent) {
		p = in + *pos;
		if ((size_t)(in + len - p) < skip + 1)
			return 0;
		if (skip && memcmp(p, "; ", 2) != 0) {
			snprintf(cl->bad, sizeof(cl->bad), "client %d: no "
			    "prompt before reply %d: \"%s\"", cl->id,
			    cl->nreplied, h_escape(p, (size_t)(in + len - p),
			    80));
			return -1;
		}
		if ((nl = memchr(p + skip, '\n', (size_t)(in + len - p) -
		    skip)) == NULL)
			return 0;
		want = cr_refused(cl->nreplied) ? H_EBUSY : H_ACK;
		if ((size_t)(nl + 1 - p - skip) != strlen(want) ||
		    memcmp(p + skip, want, strlen(want)) != 0) {
			snprintf(cl->bad, sizeof(cl->bad), "client %d: reply "
			    "%d is \"%s\", want \"%s\"", cl->id, cl->nreplied,
			    h_escape(p + skip, (size_t)(nl + 1 - p) - skip,
			    80), h_escape(want, strlen(want), 80));
			return -1;
		}
		cl->st[cl->nreplied] = cr_refused(cl->nreplied) ? ST_REFUSED :
		    ST_ACK;
		cl->nreplied++;
		atomic_fetch_add(&cr_replied, 1);
		*pos = (size_t)(nl + 1 - in);
	}
	return 0;
}

/* One client: no criterion assertion here, a thread cannot end a test. */
static void *
crash_client_main(void *arg)
{
	struct crash_client *cl = arg;
	char		 out[CR_BATCH_MAX * 48], in[65536];
	const char	*hello;
	size_t		 len = 0, pos = 0, olen;
	unsigned	 seed = 2463534242u + (unsigned)cl->id * 7919u;
	long long	 end;
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 fd, b, i, lim;

	if ((fd = h_try_connect(cl->addr)) < 0) {
		snprintf(cl->bad, sizeof(cl->bad), "client %d: connect: %s",
		    cl->id, strerror(-fd));
		return NULL;
	}
	hello = cl->mode == MODE_PROMPT ? "prompt p\n" : "prompt i\n";
	if (h_try_send(fd, hello, strlen(hello)) != 0) {
		cl->ended = 1;
		close(fd);
		return NULL;
	}
	while (cl->nsent < CR_CMDS && !cl->ended) {
		/* Past the gate only once the kill happened. */
		while (!atomic_load(&cr_killed) && cl->nsent >= CR_GATE)
			h_sleep_ms(1);
		lim = atomic_load(&cr_killed) ? CR_CMDS : CR_GATE;
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		b = cl->mode == MODE_ONE ? 1 : 1 + (int)(seed % CR_BATCH_MAX);
		if (b > lim - cl->nsent)
			b = lim - cl->nsent;
		for (olen = 0, i = 0; i < b; i++)
			olen += (size_t)cr_cmd(out + olen, sizeof(out) - olen,
			    cl->id, cl->nsent + i);
		for (i = 0; i < b; i++)
			cl->st[cl->nsent + i] = ST_SENT;
		cl->nsent += b;
		if (h_try_send(fd, out, olen) != 0) {
			/* Some may have gone out: they count as sent. */
			cl->ended = 1;
			break;
		}
		end = h_now_ms() + H_IO_MS;
		while (cl->nreplied < cl->nsent) {
			if (cr_take(cl, in, len, &pos) == -1) {
				close(fd);
				return NULL;
			}
			if (cl->nreplied == cl->nsent)
				break;
			memmove(in, in + pos, len - pos);
			len -= pos;
			pos = 0;
			if (len == sizeof(in)) {
				snprintf(cl->bad, sizeof(cl->bad), "client %d: "
				    "a reply longer than %zu bytes", cl->id,
				    sizeof(in));
				close(fd);
				return NULL;
			}
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (h_now_ms() >= end) {
				snprintf(cl->bad, sizeof(cl->bad), "client %d: "
				    "no reply %d within %d ms", cl->id,
				    cl->nreplied, H_IO_MS);
				close(fd);
				return NULL;
			}
			if (poll(&pfd, 1, 100) <= 0)
				continue;
			n = read(fd, in + len, sizeof(in) - len);
			if (n == -1 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				/* EOF or a reset: the server is gone. */
				cl->ended = 1;
				break;
			}
			len += (size_t)n;
		}
	}
	close(fd);
	return NULL;
}

#define AFTER	"\nallow/read+/after/crash\n"

static int
crash_halfway(struct crash_client *cl)
{
	int	 c;

	for (c = 0; c < CR_CLIENTS; c++)
		if (atomic_load(&cl[c].nreplied) < CR_CMDS / 8)
			return 0;
	return atomic_load(&cr_replied) >= CR_CLIENTS * CR_CMDS / 2;
}

static void
crash_run(enum victim v, const char *sync)
{
	static const char pre[] = "{\"act\":\"allow\",\"cap\":\"read\","
	    "\"pat\":\"/tmp/c";
	struct crash_client *cl;
	pthread_t	 t[CR_CLIENTS];
	const char	*args[6] = { "-j", NULL, "--journal-sync", sync,
	    NULL };
	char		*j, *jb, *s, *p, *e, *q, want[160];
	unsigned char	(*in_stat)[CR_CMDS], (*in_journal)[CR_CMDS];
	unsigned char	(*refused_j)[CR_CMDS];
	size_t		 jlen, nrules;
	long long	 end;
	pid_t		 worker, listener;
	int		 c, i, st, acked = 0, refused = 0, unreplied = 0;
	int		 last, top, fd;

	cl = calloc(CR_CLIENTS, sizeof(*cl));
	in_stat = calloc(CR_CLIENTS, sizeof(*in_stat));
	in_journal = calloc(CR_CLIENTS, sizeof(*in_journal));
	refused_j = calloc(CR_CLIENTS, sizeof(*refused_j));
	cr_assert(cl && in_stat && in_journal && refused_j);
	h_init(&d, H_PATH);
	d.own_pgrp = v == V_GROUP;
	args[1] = j = journal_of(&d);
	start(&d, args);
	worker = h_child_named(d.pid, "privconf-worker");
	listener = h_child_named(d.pid, "privconf-listener");
	if (v == V_GROUP) {
		/*
		 * privconfd's children run in sessions (so process groups) of
		 * their own (daemon/spawn.c): a signal to privconfd's group
		 * reaches privconfd alone.  The whole service is the group
		 * and the two children, each killed by its pid.
		 */
		cr_assert_eq(getpgid(d.pid), d.pid);
		cr_assert(getsid(worker) == worker && getpgid(worker) == worker,
		    "the worker is not the leader of its own session");
		cr_assert(getsid(listener) == listener &&
		    getpgid(listener) == listener,
		    "the listener is not the leader of its own session");
	}

	atomic_store(&cr_replied, 0);
	atomic_store(&cr_killed, 0);
	for (c = 0; c < CR_CLIENTS; c++) {
		cl[c].addr = d.addr;
		cl[c].id = c;
		cl[c].mode = c == 0 ? MODE_PROMPT : c == 1 ? MODE_ONE :
		    MODE_BATCH;
		cr_assert_eq(pthread_create(&t[c], NULL, crash_client_main,
		    &cl[c]), 0);
	}
	/*
	 * Halfway: half of all the lines answered, and every client well
	 * started (one starved by the scheduler would prove little).
	 */
	end = h_now_ms() + 4 * H_IO_MS;
	while (!crash_halfway(cl) && h_now_ms() < end)
		h_sleep_ms(1);
	switch (v) {
	case V_WORKER:
		cr_assert_eq(kill(worker, SIGKILL), 0);
		break;
	case V_DAEMON:
		cr_assert_eq(kill(d.pid, SIGKILL), 0);
		break;
	case V_GROUP:
		cr_assert_eq(kill(-d.pid, SIGKILL), 0);
		cr_assert_eq(kill(worker, SIGKILL), 0);
		cr_assert_eq(kill(listener, SIGKILL), 0);
		break;
	}
	atomic_store(&cr_killed, 1);
	for (c = 0; c < CR_CLIENTS; c++)
		pthread_join(t[c], NULL);
	cr_assert(crash_halfway(cl), "the clients were too slow: %d replies "
	    "in %d ms; log:\n%s", atomic_load(&cr_replied), 4 * H_IO_MS,
	    h_log(&d));

	st = h_wait_exit(&d, H_EXIT_MS);
	if (v == V_WORKER) {
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1,
		    "privconfd: want exit status 1, got %s; log:\n%s",
		    h_status_text(st), h_log(&d));
		h_assert_log_line(&d, "privconfd: lost child: worker "
		    "terminated by signal 9 (SIGKILL)");
	} else
		cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		    "privconfd: want SIGKILL, got %s", h_status_text(st));
	/* Orphans die of PR_SET_PDEATHSIG; the journal's lock goes too. */
	wait_not_running(worker);
	wait_not_running(listener);

	for (c = 0; c < CR_CLIENTS; c++) {
		cr_assert(cl[c].bad[0] == '\0', "%s", cl[c].bad);
		for (i = 0; i < CR_CMDS; i++) {
			acked += cl[c].st[i] == ST_ACK;
			refused += cl[c].st[i] == ST_REFUSED;
			unreplied += cl[c].st[i] == ST_SENT;
		}
	}
	cr_log_info("crash (%s, %s): %d changes acknowledged, %d refusals "
	    "answered, %d lines sent without a reply", v == V_WORKER ?
	    "worker" : v == V_DAEMON ? "privconfd" : "group", sync, acked,
	    refused, unreplied);

	/* The same journal again. */
	restart(&d, args);
	s = h_stat(d.addr);
	cr_assert_not_null(strstr(s, "\"name\":{\"host\":null,"),
	    "a refused name/host reached the policy: %s",
	    h_escape(s, strlen(s), 2000));
	nrules = h_count(s, strlen(s), "{\"act\":");
	for (p = s; (p = strstr(p, pre)) != NULL; p = e) {
		c = (int)strtol(p + sizeof(pre) - 1, &e, 10);
		cr_assert(*e == '_' && c >= 0 && c < CR_CLIENTS, "rule %s",
		    h_escape(p, 60, 60));
		i = (int)strtol(e + 1, &q, 10);
		cr_assert(strncmp(q, "\"}", 2) == 0 && i >= 0 && i < CR_CMDS,
		    "rule %s", h_escape(p, 60, 60));
		cr_assert_eq(in_stat[c][i]++, 0, "rule /tmp/c%d_%d twice", c,
		    i);
		e = q;
	}

	/* The journal: a profile (any torn end is cut), records in order. */
	jb = read_file(j, &jlen);
	for (p = jb; p < jb + jlen; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(jb + jlen - p))) == NULL)
			cr_assert_fail("the journal ends without a newline "
			    "after a replay: \"%s\"", h_escape(p,
			    (size_t)(jb + jlen - p), 200));
		if (sscanf(p, "allow/read+/tmp/c%d_%d\n", &c, &i) == 2) {
			cr_assert(c >= 0 && c < CR_CLIENTS && i >= 0 &&
			    i < CR_CMDS && !cr_refused(i));
			cr_assert_eq(in_journal[c][i]++, 0, "journaled twice: "
			    "/tmp/c%d_%d", c, i);
		} else if (strncmp(p, "#! ", 3) == 0 &&
		    (q = memmem(p, (size_t)(e - p), " err=EBUSY name/host:c",
		    22)) != NULL) {
			cr_assert(sscanf(q + 22, "%d-%d\n", &c, &i) == 2 &&
			    c >= 0 && c < CR_CLIENTS && i >= 0 &&
			    i < CR_CMDS && cr_refused(i), "record %s",
			    h_escape(p, (size_t)(e - p), 200));
			cr_assert_eq(refused_j[c][i]++, 0);
		} else
			cr_assert(strncmp(p, "# ", 2) == 0,
			    "a line that nobody sent: \"%s\"", h_escape(p,
			    (size_t)(e - p), 200));
	}

	for (c = 0; c < CR_CLIENTS; c++) {
		top = -1;
		for (i = 0; i < CR_CMDS; i++) {
			if (cr_refused(i)) {
				/* A refusal answered was journaled first. */
				cr_assert(cl[c].st[i] != ST_REFUSED ||
				    refused_j[c][i], "client %d saw line %d "
				    "refused, the journal lacks it", c, i);
				cr_assert(!refused_j[c][i] ||
				    cl[c].st[i] != ST_UNSENT);
				continue;
			}
			cr_assert(cl[c].st[i] != ST_ACK || in_stat[c][i],
			    "client %d saw /tmp/c%d_%d acknowledged; it is "
			    "lost (%d acknowledged in all)", c, c, i, acked);
			cr_assert(!in_stat[c][i] || cl[c].st[i] != ST_UNSENT,
			    "/tmp/c%d_%d is there but was never sent", c, i);
			cr_assert_eq(in_stat[c][i], in_journal[c][i],
			    "/tmp/c%d_%d: in stat %d, in the journal %d", c,
			    i, in_stat[c][i], in_journal[c][i]);
			if (in_stat[c][i])
				top = i;
		}
		/* Everything of this client up to its last change is there. */
		for (i = 0; i < top; i++)
			cr_assert(cr_refused(i) || in_stat[c][i],
			    "client %d: /tmp/c%d_%d is missing, /tmp/c%d_%d is "
			    "there", c, c, i, c, top);
		cr_assert_geq(top, 0, "client %d: nothing survived", c);
	}
	/* Nothing else: the stat holds the clients' rules and only them. */
	for (last = 0, c = 0; c < CR_CLIENTS; c++)
		for (i = 0; i < CR_CMDS; i++)
			last += in_stat[c][i];
	cr_assert_eq(nrules, (size_t)last, "%zu rules, %d of the clients",
	    nrules, last);

	/* What a client asks now agrees: its last acknowledged change. */
	fd = session(d.addr);
	for (c = 0; c < CR_CLIENTS; c++) {
		for (i = CR_CMDS - 1; i >= 0 && cl[c].st[i] != ST_ACK; i--)
			;
		cr_assert_geq(i, 0, "client %d: nothing acknowledged", c);
		snprintf(want, sizeof(want), "{\"err\":0,\"action\":\"allow\","
		    "\"rule\":\"allow/read+/tmp/c%d_%d\"}\n", c, i);
		say(fd, h_printf("check/read:/tmp/c%d_%d", c, i), want);
		say(fd, h_printf("check/read:/tmp/c%d_%d", c, CR_CMDS), 
		    H_DENY_DEFAULT);
	}
	/* And it goes on: a change now is journaled on a line of its own. */
	say(fd, "allow/read+/after/crash", H_ACK);
	close(fd);
	jb = read_file(j, &jlen);
	cr_assert(jlen > strlen(AFTER) && strcmp(jb + jlen - strlen(AFTER),
	    AFTER) == 0, "journal ends \"%s\"",
	    h_escape(jb + (jlen > 100 ? jlen - 100 : 0),
	    jlen > 100 ? 100 : jlen, 100));
	free(cl);
}

Test(journal, crash_worker_killed_batch)
{
	crash_run(V_WORKER, "batch");
}

Test(journal, crash_privconfd_killed_batch)
{
	crash_run(V_DAEMON, "batch");
}

Test(journal, crash_all_killed_batch)
{
	crash_run(V_GROUP, "batch");
}

Test(journal, crash_worker_killed_always)
{
	crash_run(V_WORKER, "always");
}

/*
 * 4. Disk full.  The journal lives on a 64 KiB tmpfs mounted in a mount
 * namespace of this test's own (nobody else sees it, and it goes with
 * the test's processes whatever happens), the rest of which a file
 * fills.  The journal is made 20 bytes short of a page, so the first
 * record is written in part before ENOSPC: the worker must cut it off.
 *
 * Without CAP_SYS_ADMIN (a CI container) no file system can be mounted;
 * the test then limits the worker's RLIMIT_FSIZE with prlimit(2) instead
 * (privconfd starts with SIGXFSZ ignored, so a write past the limit is
 * EFBIG, which the worker answers as ENOSPC), and "frees space" by
 * raising the limit again.  PRIVCONF_TEST_DISKFULL=rlimit forces that
 * way.  When neither works the test fails: it never passes without a
 * full journal.
 */

enum { DF_PAD = 4096 - 20 };

/* Fill the file system of path: write until ENOSPC. */
static void
fill(const char *path)
{
	static const char page[4096];
	ssize_t		 n;
	size_t		 total = 0;
	int		 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	for (;;) {
		n = write(fd, page, sizeof(page));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cr_assert_eq(errno, ENOSPC, "filling %s: %s", path,
			    strerror(errno));
			break;
		}
		total += (size_t)n;
		cr_assert(total < 1024 * 1024, "%s: not a small file system",
		    path);
	}
	/* Not even one byte more. */
	cr_assert(write(fd, page, 1) == -1 && errno == ENOSPC,
	    "%s: a byte fits after ENOSPC", path);
	close(fd);
}

/* 0 with the tmpfs at dir, or -1 with why. */
static int
mount_tmpfs(const char *dir, char *why, size_t n)
{
	/*
	 * A mount namespace of our own, private all the way down; failing
	 * that, the shared one (the teardown unmounts either way).
	 */
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		snprintf(why, n, "mount --make-rprivate /: %s",
		    strerror(errno));
		return -1;
	}
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=64k,mode=0700") == -1) {
		snprintf(why, n, "mount -t tmpfs -o size=64k tmpfs %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Uid and gid of pid from /proc. */
static void
proc_ids(pid_t pid, uid_t *uid, gid_t *gid)
{
	char	*st, *p, *path = h_printf("/proc/%d/status", (int)pid);
	size_t	 len;

	st = read_file(path, &len);
	cr_assert((p = strstr(st, "\nUid:\t")) != NULL);
	*uid = (uid_t)strtoul(p + 6, NULL, 10);
	cr_assert((p = strstr(st, "\nGid:\t")) != NULL);
	*gid = (gid_t)strtoul(p + 6, NULL, 10);
	free(st);
	free(path);
}

/*
 * Set the soft RLIMIT_FSIZE of pid (the hard one stays): 0 or an errno.
 * Without CAP_SYS_RESOURCE, prlimit(2) is allowed to a process with the
 * target's own ids, so a child takes them.
 */
static int
set_fsize(pid_t pid, rlim_t soft)
{
	struct rlimit	 old, rl;
	pid_t		 k;
	uid_t		 uid;
	gid_t		 gid;
	int		 st;

	if (prlimit(pid, RLIMIT_FSIZE, NULL, &old) == 0) {
		rl.rlim_cur = soft;
		rl.rlim_max = old.rlim_max;
		if (prlimit(pid, RLIMIT_FSIZE, &rl, NULL) == 0)
			return 0;
	}
	if (errno != EPERM)
		return errno;
	proc_ids(pid, &uid, &gid);
	cr_log_info("prlimit(2) as uid %u gid %u, the worker's", (unsigned)uid,
	    (unsigned)gid);
	k = fork();
	cr_assert(k != -1);
	if (k == 0) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)
			_exit(EPERM);
		if (prlimit(pid, RLIMIT_FSIZE, NULL, &old) == -1)
			_exit(errno);
		rl.rlim_cur = soft;
		rl.rlim_max = old.rlim_max;
		_exit(prlimit(pid, RLIMIT_FSIZE, &rl, NULL) == -1 ? errno : 0);
	}
	while (waitpid(k, &st, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

/* A journal whose disk is full, and how to give it space again. */
struct full {
	char	*journal;
	char	*pad;		/* the journal's DF_PAD bytes */
	char	*filler;	/* the file that fills the tmpfs, or NULL */
	pid_t	 worker;
	int	 rlimit;	/* the RLIMIT_FSIZE way */
	const char *argv[7];	/* privconfd's arguments, NULL ended */
};

/*
 * What the policy holds before the disk is full: from a profile, which
 * costs the journal nothing, so that undoing a reset has work to do.
 */
#define DF_PROFILE	"allow/read+/p1\nallow/read+/p1\ndeny/read+/p2\n" \
			"ioctl/allow+TCGETS\nallow/net/connect+loopback!80\n"

/*
 * Start privconfd (--journal-sync sync) on a journal of DF_PAD bytes
 * after DF_PROFILE, then fill the journal's disk.
 */
static void
full_start(struct full *f, const char *sync)
{
	const char	**args = f->argv;
	const char	*force = getenv("PRIVCONF_TEST_DISKFULL");
	char		 why[512] = "";
	int		 e;

	memset(f, 0, sizeof(*f));
	args[0] = "-P";
	args[2] = "-j";
	args[4] = "--journal-sync";
	args[5] = sync;
	h_init(&d, H_PATH);
	snprintf(mnt, sizeof(mnt), "%s/mnt", d.dir);
	cr_assert(mkdir(mnt, 0700) == 0);
	if (force != NULL && strcmp(force, "rlimit") == 0)
		snprintf(why, sizeof(why), "PRIVCONF_TEST_DISKFULL=rlimit");
	if (why[0] != '\0' || mount_tmpfs(mnt, why, sizeof(why)) == -1) {
		/* Nothing mounted: nothing for the teardown to unmount. */
		rmdir(mnt);
		mnt[0] = '\0';
		f->rlimit = 1;
	}
	cr_log_info("disk full: %s%s%s", f->rlimit ? "RLIMIT_FSIZE on the "
	    "worker" : "a 64 KiB tmpfs", f->rlimit ? ", since " : "", why);
	f->journal = f->rlimit ? journal_of(&d) : h_printf("%s/journal", mnt);
	/* A comment line that leaves 20 bytes of its page free. */
	f->pad = h_repeat('x', DF_PAD);
	f->pad[0] = '#';
	f->pad[DF_PAD - 1] = '\n';
	write_bytes(f->journal, f->pad, DF_PAD, 0600);
	args[1] = h_write_file(&d, "profile", DF_PROFILE);
	args[3] = f->journal;
	d.ignore_xfsz = f->rlimit;
	start(&d, args);
	f->worker = h_child_named(d.pid, "privconf-worker");
	if (f->rlimit) {
		if ((e = set_fsize(f->worker, DF_PAD + 20)) != 0)
			cr_assert_fail("no way to fill the journal's disk: %s; "
			    "prlimit RLIMIT_FSIZE on the worker: %s", why,
			    strerror(e));
	} else {
		f->filler = h_printf("%s/fill", mnt);
		fill(f->filler);
	}
}

static void
full_free(struct full *f)
{
	if (f->rlimit)
		cr_assert_eq(set_fsize(f->worker, RLIM_INFINITY), 0);
	else
		cr_assert(unlink(f->filler) == 0, "%s: %s", f->filler,
		    strerror(errno));
}

/* The journal holds the pad and nothing more. */
static void
full_unchanged(const struct full *f)
{
	char	*jb;
	size_t	 jlen;

	jb = read_file(f->journal, &jlen);
	cr_assert(jlen == DF_PAD && memcmp(jb, f->pad, DF_PAD) == 0,
	    "the journal was not cut back to %d bytes: %zu bytes, ending "
	    "\"%s\"", DF_PAD, jlen, h_escape(jb + (jlen > 80 ? jlen - 80 : 0),
	    jlen > 80 ? 80 : jlen, 80));
	free(jb);
}

enum { DF_MANY = 2000 };

static void
disk_full(const char *sync)
{
	struct buf	 req = BUF_INIT;
	struct full	 f;
	char		*s0, *s1, *jb, *line;
	size_t		 jlen, off, i;
	time_t		 lo, hi;
	int		 fd;

	full_start(&f, sync);
	s0 = h_stat(d.addr);

	/* A change that does not fit: ENOSPC, undone, the file as before. */
	fd = session(d.addr);
	say(fd, "allow/read+/full", H_ENOSPC);
	full_unchanged(&f);
	say(fd, "check/read:/full", H_DENY_DEFAULT);
	s1 = h_stat(d.addr);
	cr_assert_str_eq(s1, s0, "a change refused ENOSPC is in stat");
	h_wait_log_line(&d, "privconf[worker]: op=journal why=\"write or "
	    "sync failed: 1 changes taken back\" err=ENOSPC");

	/* The daemon still answers: built-ins, queries, refusals, ENOSPC. */
	say(fd, "ping", H_PONG);
	say(fd, "sandbox/read?", H_ACK);
	say(fd, "sandbox/bogus:on", H_EINVAL);
	/*
	 * Changes in one write, whatever batches they fall in, each a real
	 * change of the policy before it: removals of the profile's rules,
	 * a lock.  Every one is answered ENOSPC and undone.
	 */
	h_sends(fd, "allow/read+/b1\nsandbox/read:off\ndefault/write:allow\n"
	    "mem/max:1G\nallow/read^/p1\ndeny/read-/p2\n"
	    "ioctl/allow-TCGETS\nallow/net/connect-loopback!80\n"
	    "lock:drop\n");
	expect_read_log(fd, H_ENOSPC H_ENOSPC H_ENOSPC H_ENOSPC H_ENOSPC
	    H_ENOSPC H_ENOSPC H_ENOSPC H_ENOSPC);
	/* Many rules at once: the index grows, then is undone. */
	for (req.len = 0, i = 0; i < DF_MANY; i++)
		cr_assert_eq(buf_printf(&req, "allow/read+/many/%zu\n", i), 0);
	h_send(fd, req.data, req.len);
	for (i = 0; i < DF_MANY; i++)
		expect_read_log(fd, H_ENOSPC);
	say(fd, "sandbox/read?", H_ACK);
	s1 = h_stat(d.addr);
	cr_assert_str_eq(s1, s0, "changes refused ENOSPC are in stat:\n"
	    "  before: %s\n  after:  %s", s0, s1);
	full_unchanged(&f);
	h_expect(d.addr, "ping\n", H_PONG);

	/* Space again: the next change is journaled on a line of its own. */
	full_free(&f);
	lo = time(NULL);
	say(fd, "allow/read+/after", H_ACK);
	hi = time(NULL);
	jb = read_file(f.journal, &jlen);
	cr_assert(jlen > DF_PAD && memcmp(jb, f.pad, DF_PAD) == 0);
	off = DF_PAD;
	expect_record(jb, jlen, &off, me(), NULL, "allow/read+/after", 17,
	    lo, hi);
	expect_journal_end(jb, jlen, off);
	say(fd, "check/read:/after/x", H_DENY_DEFAULT);
	say(fd, "check/read:/after", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/after\"}\n");
	close(fd);

	/* And the journal replays to what the clients were told. */
	s0 = h_stat(d.addr);
	cr_assert_eq(h_stop(&d), 0);
	d.ignore_xfsz = 0;
	restart(&d, f.argv);
	s1 = h_stat(d.addr);
	cr_assert_str_eq(s1, s0, "stat after the restart differs");
	line = log_line_with(&d, "torn");
	cr_assert_null(line, "a torn line after the cut: %s", line);
	buf_free(&req);
}

Test(journal, disk_full_is_enospc_undone_and_survived)
{
	disk_full("batch");
}

Test(journal, disk_full_always_is_enospc_undone_and_survived)
{
	disk_full("always");
}

/*
 * lock:on whose record cannot be written is taken back like any change:
 * it is answered ENOSPC, the IPC server goes on, unlocked; with space
 * again it locks, and a restart on that journal starts nothing.
 */
Test(journal, disk_full_lock_on_is_taken_back)
{
	struct full	 f;
	char		*s;
	int		 fd;

	full_start(&f, "batch");
	fd = session(d.addr);
	say(fd, "lock:on", H_ENOSPC);
	full_unchanged(&f);
	say(fd, "sandbox/read?", H_ACK);
	say(fd, "ping", H_PONG);
	s = h_stat(d.addr);
	cr_assert_not_null(strstr(s, "\"lock\":\"ipc\""), "%s", s);
	cr_assert(h_try_wait_exit(&d, 0) == -1, "privconfd ended");

	full_free(&f);
	h_sends(fd, "lock:on\n");
	h_expect_closed(fd, "");
	h_assert_exit(&d, 0);
	respawn(&d, f.argv);
	h_assert_exit(&d, 0);
	h_assert_log_line(&d, h_printf("privconfd: %s:3: the policy is locked "
	    "(lock:on): nothing to serve", f.journal));
}

/*
 * reset with a journal: the rules are set aside for an undo (a fresh
 * index takes their place) and the reset is journaled and replayed like
 * any change.  With the profile's rules and without any.
 */
static void
reset_journaled(const char *profile)
{
	const char	*args[6] = { "-P", NULL, "-j", NULL, NULL };
	char		*j, *jb, *s1, *s2, *s3, *c1, *c3;
	const char	*ipc1, *ipc3;
	size_t		 jlen, off = 0;
	time_t		 lo, hi;
	int		 fd;

	h_init(&d, H_PATH);
	args[1] = h_write_file(&d, "profile", profile);
	args[3] = j = journal_of(&d);
	start(&d, args);
	fd = session(d.addr);
	lo = time(NULL);
	say(fd, "allow/read+/x", H_ACK);
	h_sends(fd, "reset\n");
	expect_read_log(fd, H_ACK);
	hi = time(NULL);
	say(fd, "check/read:/x", H_DENY_DEFAULT);
	close(fd);
	jb = read_file(j, &jlen);
	expect_record(jb, jlen, &off, me(), NULL, "allow/read+/x", 13, lo, hi);
	expect_record(jb, jlen, &off, me(), NULL, "reset", 5, lo, hi);
	expect_journal_end(jb, jlen, off);

	/* The initial policy: what a privconfd without profile shows. */
	s1 = h_stat(d.addr);
	h_init(&d2, H_PATH);
	start(&d2, (const char *const[]){ NULL });
	s3 = h_stat(d2.addr);
	c1 = stat_cut_ipc(s1, &ipc1);
	c3 = stat_cut_ipc(s3, &ipc3);
	cr_assert_str_eq(c1, c3, "stat after reset is not the initial one");
	cr_assert_eq(h_stop(&d), 0);
	restart(&d, args);
	s2 = h_stat(d.addr);
	cr_assert_str_eq(s2, s1, "stat after the restart differs");
}

Test(journal, reset_with_a_journal_is_journaled_and_replayed)
{
	reset_journaled("allow/read+/p1\ndeny/write+/etc/***\nmem/max:1G\n");
}

Test(journal, reset_of_no_rules_with_a_journal_is_journaled)
{
	reset_journaled("mem/max:1G\n");
}

/* reset whose record cannot be written is undone: every rule is back. */
Test(journal, disk_full_reset_is_undone)
{
	struct full	 f;
	char		*s0, *s1;
	int		 fd;

	full_start(&f, "batch");
	s0 = h_stat(d.addr);
	fd = session(d.addr);
	h_sends(fd, "reset\n");
	expect_read_log(fd, H_ENOSPC);
	s1 = h_stat(d.addr);
	cr_assert_str_eq(s1, s0, "reset refused ENOSPC changed stat");
	full_unchanged(&f);
	say(fd, "check/read:/p2", "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/p2\"}\n");
	full_free(&f);
	say(fd, "reset", H_ACK);
	say(fd, "check/read:/p2", H_DENY_DEFAULT);
	close(fd);
}

/*
 * A batch whose records cannot be written is taken back whole, so no
 * reply of it may show one of its changes: a query, a check or a refusal
 * that ran after a change of the same batch must answer as if the change
 * had never been made (it never was), or with the batch's error.  One
 * write puts the lines in one batch: the worker commits once per read of
 * its link.  Split into several batches, the replies are the same.
 */
Test(journal, disk_full_no_reply_shows_a_change_taken_back)
{
	static const struct {
		const char	*line;
		const char	*ok;	/* besides ENOSPC */
	} t[] = {
		{ "allow/read+/b1", NULL },
		{ "check/read:/b1", H_DENY_DEFAULT },
		{ "sandbox/read:off", NULL },
		{ "sandbox/read?", H_ACK },
		{ "allow/read^/p1", NULL },
		/* Taken back, the ^ leaves both p1: this one removes one. */
		{ "allow/read-/p1", NULL },
		{ "lock:read", NULL },
		/* Taken back, lock:read does not forbid this one. */
		{ "default/read:allow", NULL },
	};
	struct buf	 req = BUF_INIT, bad = BUF_INIT;
	struct h_bytes	 b;
	struct full	 f;
	char		*s0, *s1, *p, *nl;
	size_t		 i, n = sizeof(t) / sizeof(t[0]);
	int		 fd;

	full_start(&f, "batch");
	s0 = h_stat(d.addr);
	for (i = 0; i < n; i++)
		cr_assert_eq(buf_printf(&req, "%s\n", t[i].line), 0);
	fd = session(d.addr);
	h_send(fd, req.data, req.len);
	h_shutwr(fd);
	h_read_all(fd, &b);
	close(fd);
	for (p = b.p, i = 0; i < n; i++, p = nl + 1) {
		cr_assert_not_null(nl = strchr(p, '\n'), "%zu replies of %zu: "
		    "\"%s\"", i, n, h_escape(b.p, b.len, 600));
		if ((size_t)(nl + 1 - p) == strlen(H_ENOSPC) &&
		    memcmp(p, H_ENOSPC, strlen(H_ENOSPC)) == 0)
			continue;
		if (t[i].ok != NULL && (size_t)(nl + 1 - p) ==
		    strlen(t[i].ok) && memcmp(p, t[i].ok, strlen(t[i].ok)) == 0)
			continue;
		cr_assert_eq(buf_printf(&bad, "\n  %s: %.*s (want %s%s%s)",
		    t[i].line, (int)(nl - p), p, t[i].ok != NULL ?
		    h_escape(t[i].ok, strlen(t[i].ok) - 1, 200) : "",
		    t[i].ok != NULL ? " or " : "", "ENOSPC"), 0);
	}
	cr_assert(bad.len == 0, "replies of a batch taken back show its "
	    "changes:%.*s", (int)bad.len, (char *)bad.data);
	s1 = h_stat(d.addr);
	cr_assert_str_eq(s1, s0, "changes refused ENOSPC are in stat");
	full_unchanged(&f);
	h_bytes_free(&b);
	buf_free(&req);
	buf_free(&bad);
}

/*
 * 5. The flood of issue 9: 100,000 queries, one change, 100,000 more,
 * in one write, replies read meanwhile.  The change is journaled, and
 * the log holds every command line it should or says how many it
 * dropped: the lines of the worker up to a marker that got through, plus
 * the worker's op=log dropped=N before it, are exactly what the worker
 * logged.  Queries are logged only with -v: then the 200,000 lines
 * overrun the pipe and the counts matter.
 */

enum { FL_QUERIES = 100000 };
#define FL_Q		"sandbox/read?\n"
#define FL_CHANGE	"allow/exec+/hidden/***"

struct writer {
	int		 fd;
	const char	*p;
	size_t		 len;
	int		 err;
};

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;

	w->err = h_try_send(w->fd, w->p, w->len);
	return NULL;
}

static void
flood(int verbose)
{
	const char	*args[5] = { "-j", NULL, verbose ? "-v" : NULL,
	    NULL };
	const char	*wp = "privconf[worker]: ";
	struct writer	 w;
	struct h_bytes	 b;
	pthread_t	 t;
	char		*j, *req, *jb, *log, *s, *nl, *mark;
	size_t		 i, off = 0, jlen, lines = 0, dropped = 0;
	size_t		 ndrop = 0;
	size_t		 want, qlen = strlen(FL_Q), alen = strlen(H_ACK);
	long long	 t0, until;
	time_t		 lo, hi;
	int		 fd, k, marker = -1;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	start(&d, args);

	req = h_alloc(9 + 2 * FL_QUERIES * qlen + sizeof(FL_CHANGE) + 1);
	memcpy(req, "prompt i\n", 9);
	off = 9;
	for (i = 0; i < 2 * FL_QUERIES; i++) {
		if (i == FL_QUERIES) {
			memcpy(req + off, FL_CHANGE "\n", sizeof(FL_CHANGE));
			off += sizeof(FL_CHANGE);
		}
		memcpy(req + off, FL_Q, qlen);
		off += qlen;
	}
	fd = h_connect(d.addr);
	w = (struct writer){ fd, req, off, 0 };
	t0 = h_now_ms();
	lo = time(NULL);
	cr_assert_eq(pthread_create(&t, NULL, writer_main, &w), 0);
	/* Generous: a loaded machine may take many times the usual second. */
	cr_assert_eq(h_try_read_n(fd, (2 * FL_QUERIES + 1) * alen, &b,
	    4 * H_IO_MS), 0, "%zu of %zu reply bytes in %d ms", b.len,
	    (2 * FL_QUERIES + 1) * alen, 4 * H_IO_MS);
	hi = time(NULL);
	pthread_join(t, NULL);
	cr_assert_eq(w.err, 0, "the one write: %s", strerror(-w.err));
	for (i = 0; i < 2 * FL_QUERIES + 1; i++)
		cr_assert(memcmp(b.p + i * alen, H_ACK, alen) == 0,
		    "reply %zu: \"%s\"", i, h_escape(b.p + i * alen, alen, 80));
	h_bytes_free(&b);
	close(fd);
	free(req);
	cr_log_info("flood%s: %d lines answered in %lld ms", verbose ?
	    " -v" : "", 2 * FL_QUERIES + 1, h_now_ms() - t0);

	/* The change, and nothing else, is in the journal. */
	jb = read_file(j, &jlen);
	off = 0;
	expect_record(jb, jlen, &off, me(), NULL, FL_CHANGE,
	    strlen(FL_CHANGE), lo, hi);
	expect_journal_end(jb, jlen, off);

	/*
	 * Markers until one reaches the log: its line comes after the
	 * count of every worker line dropped before it.
	 */
	until = h_now_ms() + 2 * H_IO_MS;
	for (k = 0; marker == -1; k++) {
		cr_assert(h_now_ms() < until, "no marker line reached the "
		    "log in %d ms", 2 * H_IO_MS);
		h_expect(d.addr, h_printf("flood-marker-%d\n", k), H_EINVAL);
		for (i = 0; i < 20 && marker == -1; i++) {
			log = h_log(&d);
			if ((s = strstr(log, "cmd=\"flood-marker-")) != NULL)
				marker = atoi(s + 18);
			free(log);
			if (marker == -1)
				h_sleep_ms(10);
		}
	}
	log = h_log(&d);
	mark = h_printf("cmd=\"flood-marker-%d\"", marker);
	for (s = log; *s != '\0'; s = nl + 1) {
		cr_assert_not_null(nl = strchr(s, '\n'));
		*nl = '\0';
		if (strncmp(s, wp, strlen(wp)) == 0) {
			if (strncmp(s + strlen(wp), "op=cmd ", 7) == 0)
				lines++;
			else if (strncmp(s + strlen(wp), "op=log dropped=", 15)
			    == 0) {
				dropped += strtoul(s + strlen(wp) + 15, NULL,
				    10);
				ndrop++;
			}
		}
		if (strstr(s, mark) != NULL)
			break;
	}
	want = (verbose ? 2 * FL_QUERIES + 1 : 1) + (size_t)marker + 1;
	cr_log_info("flood%s: %zu command lines in the log, %zu dropped in "
	    "%zu op=log lines, %d markers", verbose ? " -v" : "", lines,
	    dropped, ndrop, marker + 1);
	cr_assert_eq(lines + dropped, want, "the worker logged %zu command "
	    "lines up to the marker; the log has %zu and says %zu were "
	    "dropped", want, lines, dropped);
	if (!verbose)
		/* One line cannot overrun a pipe: it is there. */
		h_assert_log_line(&d, h_printf("privconf[worker]: op=cmd "
		    "uid=%u gid=%u pid=%d cmd=\"" FL_CHANGE "\" err=0",
		    getuid(), getgid(), (int)getpid()));
	free(log);
}

Test(journal, flood_without_v_logs_the_change)
{
	flood(0);
}

Test(journal, flood_with_v_accounts_for_every_line)
{
	flood(1);
}

/* 6. Replay's edge cases, and the journals privconfd refuses. */

Test(journal, torn_last_line_is_cut_and_the_rest_replays)
{
	static const char good[] = "allow/read+/first\n"
	    "# 2026-01-01T00:00:00Z uid=0 gid=0 pid=1\n"
	    "allow/read+/second\n";
	static const char torn[] = "# 2026-01-01T00:00:01Z uid=0 gid=0 "
	    "pid=1\nallow/read+/thi";
	const char	*args[4] = { "-j", NULL, NULL };
	char		*j, *text, *jb;
	size_t		 jlen, off;
	time_t		 lo, hi;
	int		 fd;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	text = h_concat(good, torn, NULL);
	write_bytes(j, text, strlen(text), 0600);
	start(&d, args);
	/* Line 5, "allow/read+/thi": its command never got a reply. */
	h_assert_log_line(&d, h_printf("privconfd: %s:5: torn last line "
	    "ignored (15 bytes)", j));
	fd = session(d.addr);
	say(fd, "check/read:/first", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/first\"}\n");
	say(fd, "check/read:/second", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/second\"}\n");
	say(fd, "check/read:/thi", H_DENY_DEFAULT);
	lo = time(NULL);
	say(fd, "allow/read+/third", H_ACK);
	hi = time(NULL);
	close(fd);
	/* Cut back to the last whole line; the record starts on a new one. */
	jb = read_file(j, &jlen);
	off = strlen(good) + strlen("# 2026-01-01T00:00:01Z uid=0 gid=0 "
	    "pid=1\n");
	cr_assert(jlen > off && memcmp(jb, text, off) == 0,
	    "the journal's head changed: \"%s\"", h_escape(jb, jlen, 400));
	expect_record(jb, jlen, &off, me(), NULL, "allow/read+/third", 17,
	    lo, hi);
	expect_journal_end(jb, jlen, off);
	free(text);
}

/* A torn lock:on never got its reply: it is not a lock. */
Test(journal, torn_lock_on_does_not_lock)
{
	const char	*args[4] = { "-j", NULL, NULL };
	char		*j, *jb, *s;
	size_t		 jlen;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	write_bytes(j, "allow/read+/a\nlock:on", 21, 0600);
	start(&d, args);
	h_assert_log_line(&d, h_printf("privconfd: %s:2: torn last line "
	    "ignored (7 bytes)", j));
	s = h_stat(d.addr);
	cr_assert_not_null(strstr(s, "\"lock\":\"ipc\""), "%s", s);
	cr_assert_not_null(strstr(s, "\"pat\":\"/a\""), "%s", s);
	jb = read_file(j, &jlen);
	cr_assert(jlen == 14 && memcmp(jb, "allow/read+/a\n", 14) == 0,
	    "journal: \"%s\"", h_escape(jb, jlen, 100));
}

/* Profiles first, the journal after them; a bad line is named. */
Test(journal, journal_replays_after_the_profiles)
{
	const char	*args[6] = { "-P", NULL, "-j", NULL, NULL };
	char		*j, *s;

	h_init(&d, H_PATH);
	args[1] = h_write_file(&d, "profile", "sandbox/read:off\n"
	    "allow/read+/p\nmem/max:1G\n");
	args[3] = j = journal_of(&d);
	write_bytes(j, "sandbox/read:on\nmem/max:2G\n", 28, 0600);
	start(&d, args);
	s = h_stat(d.addr);
	cr_assert(strstr(s, "\"sandbox\":{\"walk\":true,\"stat\":true,"
	    "\"read\":true,") != NULL && strstr(s, "\"mem_max\":2147483648,")
	    != NULL && strstr(s, "\"pat\":\"/p\"") != NULL, "%s", s);
	cr_assert_eq(h_stop(&d), 0);

	/* A line the worker refuses stops the start, named by its line. */
	write_bytes(j, "# a comment\nsandbox/read:on\nsandbox/bogus:on\n",
	    46, 0600);
	respawn(&d, args);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, h_printf("privconfd: %s:3: sandbox/bogus:on: "
	    "EINVAL: Invalid argument", j));
}

Test(journal, lock_on_in_the_journal_starts_nothing)
{
	const char	*args[4] = { "-j", NULL, NULL };
	struct stat	 st;
	char		*j, *jb;
	size_t		 jlen, off = 0, nl;
	time_t		 lo, hi;
	int		 fd;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	start(&d, args);
	fd = session(d.addr);
	say(fd, "allow/read+/usr/***", H_ACK);
	lo = time(NULL);
	/* lock:on has no reply; IPC ends, privconfd exits 0. */
	h_sends(fd, "lock:on\n");
	h_expect_closed(fd, "");
	h_assert_exit(&d, 0);
	hi = time(NULL);
	jb = read_file(j, &jlen);
	/* Its record is in the journal: the worker wrote it first. */
	cr_assert_not_null(strchr(jb, '\n'));
	nl = (size_t)(strchr(jb, '\n') - jb) + 1;
	off = nl + strlen("allow/read+/usr/***\n");
	expect_record(jb, jlen, &off, me(), NULL, "lock:on", 7, lo - 1, hi);
	expect_journal_end(jb, jlen, off);

	/* Started again: it says so and exits 0, nothing started. */
	respawn(&d, args);
	h_assert_exit(&d, 0);
	h_assert_log_line(&d, h_printf("privconfd: %s:4: the policy is locked "
	    "(lock:on): nothing to serve", j));
	cr_assert_null(log_line_with(&d, "op=serve"), "%s", h_log(&d));
	cr_assert_null(log_line_with(&d, "privconf[listener]"), "%s",
	    h_log(&d));
	cr_assert(lstat(d.path, &st) == -1 && errno == ENOENT,
	    "the socket %s is left behind", d.path);
	cr_assert_eq(h_try_connect(d.addr), -ENOENT);
	jb = read_file(j, &jlen);
	cr_assert_eq(jlen, off, "the locked start wrote to the journal");
}

/*
 * privconfd refuses the journal path: exit 1, the reason in one line,
 * nothing served, no socket left, and the file as it was.
 */
static void
refused(const char *j, const char *why)
{
	const char	*args[4] = { "-j", j, NULL };
	struct stat	 st;

	h_spawnv(&d, args);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, h_printf("privconfd: op=journal why=\"%s\"",
	    why));
	cr_assert_null(log_line_with(&d, "op=serve"), "%s", h_log(&d));
	cr_assert(lstat(d.path, &st) == -1 && errno == ENOENT,
	    "the socket %s is left behind", d.path);
}

static char *
journal_with_mode(mode_t mode)
{
	char	*j;

	h_init(&d, H_PATH);
	j = journal_of(&d);
	write_bytes(j, "allow/read+/x\n", 14, mode);
	return j;
}

Test(journal, group_writable_journal_is_refused)
{
	char	*j = journal_with_mode(0620);

	refused(j, h_printf("%s: writable by group or others (mode 0620)", j));
}

Test(journal, other_writable_journal_is_refused)
{
	char	*j = journal_with_mode(0602);

	refused(j, h_printf("%s: writable by group or others (mode 0602)", j));
}

Test(journal, journal_of_another_user_is_refused)
{
	char	*j;

	if (!h_is_root())
		cr_skip_test("needs root: a file of another uid");
	j = journal_with_mode(0600);
	cr_assert_eq(chown(j, 65534, 65534), 0);
	refused(j, h_printf("%s: owned by uid 65534, not by uid %u", j,
	    (unsigned)geteuid()));
}

Test(journal, symlink_journal_is_refused)
{
	struct stat	 st;
	char		*j, *target, *real;

	h_init(&d, H_PATH);
	j = journal_of(&d);
	/* A link to nothing: following it would create the target. */
	target = h_printf("%s/target", d.dir);
	cr_assert_eq(symlink(target, j), 0);
	refused(j, h_printf("%s: %s", j, strerror(ELOOP)));
	cr_assert(lstat(target, &st) == -1 && errno == ENOENT,
	    "privconfd created the link's target");
	/* A link to a good journal is refused just the same. */
	real = h_printf("%s/real", d.dir);
	write_bytes(real, "allow/read+/x\n", 14, 0600);
	cr_assert_eq(unlink(j), 0);
	cr_assert_eq(symlink(real, j), 0);
	cr_assert_eq(rename(d.logpath, h_printf("%s.1", d.logpath)), 0);
	refused(j, h_printf("%s: %s", j, strerror(ELOOP)));
}

Test(journal, fifo_journal_is_refused)
{
	char	*j;

	h_init(&d, H_PATH);
	j = journal_of(&d);
	cr_assert_eq(mkfifo(j, 0600), 0);
	/* No writer, no reader: it must not hang either. */
	refused(j, h_printf("%s: not a regular file", j));
}

Test(journal, directory_journal_is_refused)
{
	char	*j;

	h_init(&d, H_PATH);
	j = journal_of(&d);
	cr_assert_eq(mkdir(j, 0700), 0);
	refused(j, h_printf("%s: %s", j, strerror(EISDIR)));
}

Test(journal, second_daemon_on_the_same_journal_is_refused)
{
	const char	*args[4] = { "-j", NULL, NULL };
	char		*j, *jb, *jb2;
	size_t		 jlen, jlen2;
	int		 fd;

	h_init(&d, H_PATH);
	args[1] = j = journal_of(&d);
	start(&d, args);
	h_expect(d.addr, "allow/read+/one\n", H_ACK);
	jb = read_file(j, &jlen);

	h_init(&d2, H_PATH);
	h_spawnv(&d2, args);
	h_assert_exit(&d2, 1);
	h_assert_log_line(&d2, h_printf("privconfd: op=journal why=\"%s: in "
	    "use by another privconfd\"", j));
	jb2 = read_file(j, &jlen2);
	cr_assert(jlen2 == jlen && memcmp(jb, jb2, jlen) == 0,
	    "the refused privconfd changed the journal");

	/* The first serves on and journals on. */
	fd = session(d.addr);
	say(fd, "check/read:/one", "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/one\"}\n");
	say(fd, "allow/read+/two", H_ACK);
	close(fd);
	jb2 = read_file(j, &jlen2);
	cr_assert(jlen2 > jlen && memcmp(jb, jb2, jlen) == 0 &&
	    strcmp(jb2 + jlen2 - 17, "\nallow/read+/two\n") == 0,
	    "journal: \"%s\"", h_escape(jb2, jlen2, 400));
}
