/*
 * privconfctl(1) against the real daemon, run as a subprocess: every exit
 * status, every output rule byte for byte, -k against the default stop,
 * -f, --raw, $PRIVCONF_SOCKET, the -i plain loop and the check of who
 * serves the socket.  What the daemon cannot do (check/..., a wrong or
 * hostile server, a server run by another uid) is played by a fake
 * server forked here, which answers a script of canned bytes.
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
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

#define NOBODY		65534
#define CTL_MS		(H_IO_MS * 3)	/* one privconfctl run */

static struct h_daemon	d;

static void
setup(void)
{
	h_start(&d, NULL);
}

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(ctl, .init = setup, .fini = teardown, .timeout = 240);
TestSuite(ctl_fake, .fini = teardown, .timeout = 240);

/* What one run of privconfctl left. */
struct ctl {
	struct h_bytes	 out;
	struct h_bytes	 err;
	int		 status;	/* exit status */
};

/* How to run it. */
struct ctl_how {
	const char	*in;		/* standard input, NULL: empty */
	size_t		 inlen;
	const char	*env;		/* $PRIVCONF_SOCKET or NULL */
	uid_t		 uid;		/* 0: as we are */
};

static void
child(const struct ctl_how *how, int in, int out, int err,
    const char *const *argv)
{
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (how->env != NULL)
		setenv("PRIVCONF_SOCKET", how->env, 1);
	else
		unsetenv("PRIVCONF_SOCKET");
	if (how->uid != 0 && (setgroups(0, NULL) == -1 ||
	    setresgid(how->uid, how->uid, how->uid) == -1 ||
	    setresuid(how->uid, how->uid, how->uid) == -1))
		_exit(126);
	/* After the drop: a change of uid clears the death signal. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

static void
bytes_add(struct h_bytes *b, const char *p, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	cr_assert(b->p != NULL, "out of memory");
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * Run privconfctl with args, feeding how->in and collecting both outputs
 * at once, so that neither pipe can fill and stall it.
 */
static void
ctl_runv(struct ctl *r, const struct ctl_how *how, const char *const *args)
{
	const char	*argv[64];
	struct pollfd	 pfd[3];
	char		 buf[65536], *exe;
	long long	 end = h_now_ms() + CTL_MS;
	size_t		 n = 0, sent = 0;
	ssize_t		 k;
	pid_t		 pid;
	int		 pin[2], pout[2], perr[2], st, i, open_fds;

	exe = h_printf("%s/privconfctl", h_build_dir());
	argv[n++] = exe;
	for (i = 0; args[i] != NULL; i++) {
		cr_assert(n < 63, "too many arguments");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	cr_assert(pipe2(pin, O_CLOEXEC) == 0 && pipe2(pout, O_CLOEXEC) == 0 &&
	    pipe2(perr, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0)
		child(how, pin[0], pout[1], perr[1], argv);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	memset(r, 0, sizeof(*r));
	bytes_add(&r->out, "", 0);
	bytes_add(&r->err, "", 0);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	if (how->in == NULL || how->inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	for (open_fds = 2; open_fds > 0; ) {
		cr_assert(h_now_ms() < end, "privconfctl still runs after %d "
		    "ms; stdout \"%s\" stderr \"%s\"", CTL_MS,
		    h_escape(r->out.p, r->out.len, 200),
		    h_escape(r->err.p, r->err.len, 200));
		pfd[0].fd = pout[0];
		pfd[1].fd = perr[0];
		pfd[2].fd = pin[1];
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[2].events = POLLOUT;
		if (poll(pfd, 3, 100) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			k = read(pfd[i].fd, buf, sizeof(buf));
			if (k > 0) {
				bytes_add(i == 0 ? &r->out : &r->err, buf,
				    (size_t)k);
				continue;
			}
			close(pfd[i].fd);
			*(i == 0 ? &pout[0] : &perr[0]) = -1;
			open_fds--;
		}
		if (pin[1] != -1 && pfd[2].revents != 0) {
			k = write(pin[1], how->in + sent, how->inlen - sent);
			if (k > 0)
				sent += (size_t)k;
			if (k < 0 || sent == how->inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
	}
	if (pin[1] != -1)
		close(pin[1]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	cr_assert(WIFEXITED(st), "privconfctl: %s", h_status_text(st));
	r->status = WEXITSTATUS(st);
	free(exe);
}

static void
ctl_how(struct ctl *r, const struct ctl_how *how, ...)
{
	const char	*args[64], *s;
	va_list		 ap;
	int		 n = 0;

	va_start(ap, how);
	while ((s = va_arg(ap, const char *)) != NULL && n < 63)
		args[n++] = s;
	va_end(ap);
	args[n] = NULL;
	ctl_runv(r, how, args);
}

static const struct ctl_how plain = { NULL, 0, NULL, 0 };

#define CTL(r, ...)	ctl_how((r), &plain, __VA_ARGS__, NULL)
/* Against the test's daemon. */
#define CTLD(r, ...)	\
	ctl_how((r), &plain, "-s", d.addr, __VA_ARGS__, NULL)

static void
ctl_free(struct ctl *r)
{
	h_bytes_free(&r->out);
	h_bytes_free(&r->err);
}

static void
assert_ctl(struct ctl *r, int status, const char *out, const char *err)
{
	cr_assert_eq(r->status, status, "exit %d, want %d; stdout \"%s\" "
	    "stderr \"%s\"", r->status, status,
	    h_escape(r->out.p, r->out.len, 300),
	    h_escape(r->err.p, r->err.len, 300));
	h_assert_str(&r->out, out);
	if (err != NULL)
		h_assert_str(&r->err, err);
	ctl_free(r);
}

/* stderr holds this text somewhere. */
static void
assert_err_has(const struct ctl *r, const char *text)
{
	cr_assert(strstr(r->err.p, text) != NULL, "stderr \"%s\" lacks "
	    "\"%s\"", h_escape(r->err.p, r->err.len, 300), text);
}

/* Exit status, nothing on stdout, err_has on stderr; r is freed. */
static void
assert_fails(struct ctl *r, int status, const char *err_has)
{
	cr_assert_eq(r->status, status, "exit %d, want %d; stderr \"%s\"",
	    r->status, status, h_escape(r->err.p, r->err.len, 300));
	h_assert_str(&r->out, "");
	assert_err_has(r, err_has);
	ctl_free(r);
}

static int
stat_has(const char *text)
{
	char	*s = h_stat(d.addr);
	int	 r = strstr(s, text) != NULL;

	free(s);
	return r;
}

/*
 * A fake server: a listening socket in a directory of its own, served by
 * a child (as uid, when not 0) that runs script for every connection:
 * {wait for, then write, ...}.  "" waits for nothing; FLOOD writes until
 * the client leaves; CLOSE hangs up.  After the script it reads until
 * the client closes and reports how many bytes it received, one line per
 * connection.
 */
#define FLOOD	"\001flood"
#define CLOSE	"\001close"	/* as a "wait for": hang up now */

struct fake {
	char	 dir[64];
	char	 path[96];
	pid_t	 pid;
	int	 report;
};

/* Serve one connection; the bytes it received. */
static size_t
fake_serve(int c, const char *const *script)
{
	static char	 in[1 << 16];
	char		 flood[65536];
	size_t		 len = 0, mark = 0, total;
	ssize_t		 n;
	char		*hit;
	int		 i;

	memset(flood, 'a', sizeof(flood));
	for (i = 0; script != NULL && script[i] != NULL; i += 2) {
		if (strcmp(script[i], CLOSE) == 0)
			return len;
		while ((hit = memmem(in + mark, len - mark, script[i],
		    strlen(script[i]))) == NULL) {
			n = read(c, in + len, sizeof(in) - len);
			if (n <= 0)
				return len;
			len += (size_t)n;
		}
		mark = (size_t)(hit - in) + strlen(script[i]);
		if (strcmp(script[i + 1], FLOOD) == 0) {
			while (send(c, flood, sizeof(flood), MSG_NOSIGNAL) > 0)
				;
			return len;
		}
		send(c, script[i + 1], strlen(script[i + 1]), MSG_NOSIGNAL);
	}
	for (total = len; (n = read(c, flood, sizeof(flood))) > 0; )
		total += (size_t)n;
	return total;
}

static void __attribute__((noreturn))
fake_child(struct fake *f, uid_t uid, const char *const *script, int ready,
    int report, pid_t parent)
{
	struct sockaddr_un	 sun;
	int			 s, c;
	size_t			 got;

	if (uid != 0 && (setgroups(0, NULL) == -1 ||
	    setresgid(uid, uid, uid) == -1 || setresuid(uid, uid, uid) == -1))
		_exit(3);
	/* After the drop: a change of uid clears the death signal. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(7);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(s, 8) == -1)
		_exit(4);
	if (write(ready, "R", 1) != 1)
		_exit(5);
	close(ready);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1)
			_exit(6);
		got = fake_serve(c, script);
		dprintf(report, "%zu\n", got);
		close(c);
	}
}

/* script NULL: answer nothing, only count the bytes received. */
static void
fake_start(struct fake *f, uid_t uid, const char *const *script)
{
	int	 ready[2], report[2];
	pid_t	 parent = getpid();
	char	 c;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/privconf-fake.XXXXXX");
	cr_assert(mkdtemp(f->dir) != NULL, "mkdtemp: %s", strerror(errno));
	/* The other uid must be able to create its socket here. */
	cr_assert(chmod(f->dir, 0777) == 0, "chmod: %s", strerror(errno));
	snprintf(f->path, sizeof(f->path), "%s/fake.sock", f->dir);
	cr_assert(pipe2(ready, O_CLOEXEC) == 0 &&
	    pipe2(report, O_CLOEXEC) == 0);
	f->pid = fork();
	cr_assert(f->pid != -1, "fork: %s", strerror(errno));
	if (f->pid == 0) {
		close(ready[0]);
		close(report[0]);
		fake_child(f, uid, script, ready[1], report[1], parent);
	}
	close(ready[1]);
	close(report[1]);
	f->report = report[0];
	/* It listens before we run the client: no race to lose. */
	cr_assert(read(ready[0], &c, 1) == 1, "fake server did not start");
	close(ready[0]);
}

/* Bytes the fake received on its next connection. */
static long
fake_received(struct fake *f)
{
	struct h_bytes	 b;
	long		 v;

	h_read_n(f->report, 1, &b);
	while (b.p[b.len - 1] != '\n') {
		struct h_bytes	 more;

		h_read_n(f->report, 1, &more);
		bytes_add(&b, more.p, more.len);
		h_bytes_free(&more);
	}
	v = strtol(b.p, NULL, 10);
	h_bytes_free(&b);
	return v;
}

static void
fake_stop(struct fake *f)
{
	int	 st;

	kill(f->pid, SIGKILL);
	waitpid(f->pid, &st, 0);
	close(f->report);
	unlink(f->path);
	rmdir(f->dir);
}

#define SCRIPT(...)	((const char *const []){ __VA_ARGS__, NULL })

/*
 * privconfctl -s FAKE [args...] cmd against a fake server running script
 * as uid: exit 3, nothing on stdout, err_has on stderr.  The bytes the
 * fake received.
 */
static long
assert_fake_lost(uid_t uid, const char *const *script, const char *cmd,
    const char *err_has)
{
	struct fake	 f;
	struct ctl	 r;
	long		 got;

	fake_start(&f, uid, script);
	CTL(&r, "-s", f.path, cmd);
	assert_fails(&r, 3, err_has);
	got = fake_received(&f);
	fake_stop(&f);
	return got;
}

/* Exit 0 and the output rules. */

Test(ctl, ack_prints_nothing)
{
	struct ctl	 r;

	CTLD(&r, "sandbox/read?", "allow/read+/a b");
	assert_ctl(&r, 0, "", "");
	cr_assert(stat_has("\"pat\":\"/a b\""), "the rule was not added");
}

Test(ctl, msg_prints_the_msg)
{
	struct ctl	 r;

	CTLD(&r, "ping", "pink");
	assert_ctl(&r, 0, "PONG\nChange return success. Going and coming "
	    "without error. Action brings good fortune.\n", "");
}

Test(ctl, version_prints_its_version_field)
{
	struct ctl	 r;

	CTLD(&r, "version");
	assert_ctl(&r, 0, H_API "\n", "");
}

/* Undo the indentation: the compact JSON again (stat has no ": " in it). */
static char *
unindent(const char *s)
{
	char	*p = h_alloc(strlen(s) + 1), *o = p;

	while (*s != '\0') {
		if (*s == '\n') {
			for (s++; *s == ' '; s++)
				;
			continue;
		}
		if (s[0] == ':' && s[1] == ' ') {
			*o++ = ':';
			s += 2;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return p;
}

Test(ctl, stat_is_indented_and_ends_in_a_newline)
{
	struct ctl	 r;
	char		*compact, *want;

	compact = h_stat(d.addr);
	CTLD(&r, "stat");
	cr_assert_eq(r.status, 0);
	cr_assert(strncmp(r.out.p, "{\n  \"api\": 3,\n  \"version\": \"3.1\",\n"
	    "  \"lock\": \"ipc\",\n  \"sandbox\": {\n    \"walk\": true,\n",
	    60) == 0, "stat: \"%s\"", h_escape(r.out.p, r.out.len, 200));
	cr_assert(r.out.len > 3 &&
	    strcmp(r.out.p + r.out.len - 3, "\n}\n") == 0);
	cr_assert(strstr(r.out.p, "  \"rules\": [],\n") != NULL);
	r.out.p[r.out.len - 1] = '\0';
	want = unindent(r.out.p);
	cr_assert_str_eq(want, compact);
	ctl_free(&r);
}

Test(ctl, stat_compact_is_as_sent_plus_a_newline)
{
	struct ctl	 r;
	char		*want;

	want = h_concat(h_stat(d.addr), "\n", NULL);
	CTLD(&r, "-c", "stat");
	assert_ctl(&r, 0, want, "");
}

Test(ctl, stats_prints_its_text)
{
	struct h_bytes	 b;
	struct ctl	 r;

	h_request(d.addr, "stats\n", 6, &b);
	CTLD(&r, "stats");
	assert_ctl(&r, 0, b.p, "");
	h_bytes_free(&b);
}

Test(ctl, replies_stay_in_order_and_apart)
{
	struct ctl	 r;
	char		*want;

	want = h_concat("PONG\n", h_stat(d.addr), "\n3.1\n", NULL);
	CTLD(&r, "-c", "ping", "stat", "sandbox/read?", "version");
	assert_ctl(&r, 0, want, "");
}

/* Exit 1. */

Test(ctl, an_error_is_one_line_on_stderr_and_exit_1)
{
	struct ctl	 r;

	CTLD(&r, "bogus");
	assert_ctl(&r, 1, "", "privconfctl: bogus: EINVAL: Invalid argument\n");
}

Test(ctl, a_query_answering_enoent_fails)
{
	struct ctl	 r;

	CTLD(&r, "sandbox/read:off", "sandbox/read?");
	assert_ctl(&r, 1, "", "privconfctl: sandbox/read?: ENOENT: "
	    "No such file or directory\n");
	CTLD(&r, "sandbox/read:on", "sandbox/read?");
	assert_ctl(&r, 0, "", "");
}

Test(ctl, stops_at_the_first_failure_and_applies_nothing_after_it)
{
	struct ctl	 r;

	CTLD(&r, "allow/read+/before", "bogus", "allow/read+/after", "ping");
	assert_ctl(&r, 1, "", "privconfctl: bogus: EINVAL: Invalid "
	    "argument\n");
	cr_assert(stat_has("\"pat\":\"/before\""));
	cr_assert(!stat_has("\"pat\":\"/after\""), "applied after a failure");
	/* A failed query stops the changes after it as well. */
	CTLD(&r, "sandbox/read:off", "sandbox/read?", "allow/read+/after2");
	assert_ctl(&r, 1, "", NULL);
	cr_assert(!stat_has("\"pat\":\"/after2\""), "applied after a failure");
}

Test(ctl, keep_going_runs_everything_and_still_exits_1)
{
	struct ctl	 r;

	CTLD(&r, "-k", "bogus", "allow/read+/after", "ping", "sandbox/nope?");
	assert_ctl(&r, 1, "PONG\n", "privconfctl: bogus: EINVAL: Invalid "
	    "argument\nprivconfctl: sandbox/nope?: EINVAL: Invalid "
	    "argument\n");
	cr_assert(stat_has("\"pat\":\"/after\""), "-k did not go on");
}

/* Exit 2: nothing is sent. */

Test(ctl, usage_errors_exit_2)
{
	struct ctl	 r;
	char		*longcmd;

	CTLD(&r, "-t", "0", "ping");
	assert_ctl(&r, 2, "", NULL);
	CTL(&r, "-s", d.addr);
	assert_ctl(&r, 2, "", NULL);
	CTL(&r, "-s", d.addr, "--bogus", "ping");
	assert_ctl(&r, 2, "", NULL);
	CTL(&r, "-s", d.addr, "-i", "ping");
	assert_ctl(&r, 2, "", NULL);
	CTLD(&r, "prompt i");
	assert_ctl(&r, 2, "", NULL);
	CTLD(&r, "lock:on", "ping");
	assert_ctl(&r, 2, "", NULL);
	/* The longest command passes; one byte more is refused. */
	longcmd = h_concat("allow/read+/", h_repeat('x', CTL_CMD_MAX - 12),
	    NULL);
	CTLD(&r, longcmd);
	assert_ctl(&r, 0, "", "");
	longcmd = h_concat(longcmd, "y", NULL);
	CTLD(&r, "allow/read+/first", longcmd);
	assert_ctl(&r, 2, "", NULL);
	CTLD(&r, "allow/read+/first", "allow/read+/a\nb");
	assert_fails(&r, 2, "newline");
	cr_assert(!stat_has("/first"), "sent before the usage error");
}

Test(ctl, help_and_version_exit_0)
{
	struct ctl	 r;

	CTL(&r, "-h");
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out.p, "usage: privconfctl") != NULL);
	cr_assert(strstr(r.out.p, "--server-uid") != NULL);
	ctl_free(&r);
	CTL(&r, "--version");
	assert_ctl(&r, 0, "privconfctl 0.2 (IPC " H_API ")\n", "");
}

/* -f */

#define COMMENTS	"# a comment\n\n   \n  # indented\n"

/* n lines of fmt with their number, comments and blank lines between. */
static char *
numbered(const char *fmt, int n, int comments)
{
	struct h_bytes	 b = { NULL, 0, H_EOF };
	char		*line;
	int		 i;

	bytes_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (comments && i % 1000 == 0)
			bytes_add(&b, COMMENTS, strlen(COMMENTS));
		line = h_printf(fmt, i);
		bytes_add(&b, line, strlen(line));
		free(line);
	}
	return b.p;
}

static void
assert_rules(const char *prefix, int n)
{
	char	*s = h_stat(d.addr), *first, *last;

	first = h_printf("\"pat\":\"/%s/0\"", prefix);
	last = h_printf("\"pat\":\"/%s/%d\"", prefix, n - 1);
	cr_assert(strstr(s, first) != NULL && strstr(s, last) != NULL,
	    "stat lacks the rules of -f");
	cr_assert_eq(h_count(s, strlen(s), "\"act\":\"allow\""), (size_t)n);
	free(s);
}

Test(ctl, file_of_ten_thousand_lines)
{
	struct ctl	 r;
	char		*path;

	path = h_write_file(&d, "cmds", numbered("allow/read+/x/%d\n", 10000,
	    1));
	CTLD(&r, "-f", path);
	assert_ctl(&r, 0, "", "");
	assert_rules("x", 10000);
}

Test(ctl, file_from_stdin_with_keep_going)
{
	struct ctl_how	 how = { NULL, 0, NULL, 0 };
	struct ctl	 r;

	how.in = numbered("allow/read+/y/%d\n", 10000, 1);
	how.inlen = strlen(how.in);
	ctl_how(&r, &how, "-s", d.addr, "-k", "-f", "-", NULL);
	assert_ctl(&r, 0, "", "");
	assert_rules("y", 10000);
}

Test(ctl, file_with_a_bad_line_sends_nothing)
{
	struct ctl	 r;
	char		*path, *text;

	text = h_concat("allow/read+/z\n# fine\n", "prompt p\n", NULL);
	path = h_write_file(&d, "bad", text);
	CTLD(&r, "-f", path);
	assert_fails(&r, 2, ":3: privconfctl sets the prompt mode");
	cr_assert(!stat_has("/z\""), "sent before the usage error");
}

/* --raw, the address, -i */

Test(ctl, raw_prints_every_reply_byte_for_byte)
{
	struct h_bytes	 stats;
	struct ctl	 r;
	char		*want;

	h_request(d.addr, "stats\n", 6, &stats);
	want = h_concat(H_PONG, h_stat(d.addr), H_ACK, stats.p, H_VERSION,
	    NULL);
	CTLD(&r, "--raw", "ping", "stat", "sandbox/read?", "stats",
	    "version");
	assert_ctl(&r, 0, want, "");
	CTLD(&r, "--raw", "-k", "bogus", "ping");
	assert_ctl(&r, 1, H_EINVAL H_PONG, "");
	h_bytes_free(&stats);
}

Test(ctl, address_from_the_environment_and_s_first)
{
	struct ctl_how	 how = { NULL, 0, NULL, 0 };
	struct ctl	 r;
	char		*none;

	how.env = d.addr;
	ctl_how(&r, &how, "ping", NULL);
	assert_ctl(&r, 0, "PONG\n", "");
	none = h_printf("%s/none.sock", d.dir);
	how.env = none;
	ctl_how(&r, &how, "-s", d.addr, "ping", NULL);
	assert_ctl(&r, 0, "PONG\n", "");
	ctl_how(&r, &how, "ping", NULL);
	assert_fails(&r, 3, none);
}

Test(ctl, interactive_without_a_terminal_is_a_plain_loop)
{
	static const char in[] = "ping\n\nsandbox/read?\nbogus\nprompt n\n"
	    "version\nallow/read+/shell\nquit\nallow/read+/after\n";
	struct ctl_how	 how = { in, sizeof(in) - 1, NULL, 0 };
	struct ctl	 r;

	ctl_how(&r, &how, "-s", d.addr, "-i", NULL);
	assert_ctl(&r, 1, "PONG\n3.1\n", "privconfctl: bogus: EINVAL: Invalid "
	    "argument\nprivconfctl: prompt n: privconfctl sets the prompt "
	    "mode itself\n");
	cr_assert(stat_has("/shell\""));
	cr_assert(!stat_has("/after\""), "a line after quit ran");
}

Test(ctl, lock_on_ends_ipc_and_succeeds)
{
	struct ctl	 r;

	CTLD(&r, "allow/read+/locked", "lock:on");
	assert_ctl(&r, 0, "", "");
	h_assert_exit(&d, 0);
}

/* Exit 3. */

Test(ctl, no_socket_exits_3)
{
	struct ctl	 r;
	char		*none;

	none = h_printf("%s/none.sock", d.dir);
	CTL(&r, "-s", none, "ping");
	assert_fails(&r, 3, "No such file or directory");
}

Test(ctl_fake, auth_refused_exits_3)
{
	struct ctl_how	 how = { NULL, 0, NULL, 0 };
	struct ctl	 r;

	if (h_is_root()) {
		/* Root's daemon, a client as nobody. */
		h_start_abstract(&d, NULL);
		how.uid = NOBODY;
	} else
		h_start_abstract(&d, "--ipc-uid", getuid() == 4242 ? "4243" :
		    "4242", NULL);
	ctl_how(&r, &how, "-s", d.addr, "ping", NULL);
	assert_ctl(&r, 3, "", h_printf("privconfctl: %s: AUTH\n", d.addr));
}

Test(ctl_fake, last_word_of_a_closing_server_exits_3)
{
	/* RATE after a line, EAGAIN (too many connections) at once. */
	assert_fake_lost(0, SCRIPT("prompt p\n", H_RATE, CLOSE, ""), "ping",
	    ": RATE\n");
	assert_fake_lost(0, SCRIPT("", H_EAGAIN, CLOSE, ""), "ping",
	    ": EAGAIN: Try again\n");
}

Test(ctl_fake, wrong_server_exits_3)
{
	assert_fake_lost(0, SCRIPT("", "SSH-2.0-OpenSSH_9.2p1\r\n"), "ping",
	    "not a privconf server");
	/* Right prompt, wrong reply. */
	assert_fake_lost(0, SCRIPT("prompt p\n", "; ", "ping\n", "PONG\n; "),
	    "ping", "not a privconf server: no reply to ping");
}

Test(ctl_fake, timeout_exits_3)
{
	struct fake	 f;
	struct ctl	 r;

	fake_start(&f, 0, SCRIPT("prompt p\n", "; ", "ping\n", ""));
	CTL(&r, "-s", f.path, "-t", "1", "ping");
	assert_ctl(&r, 3, "", h_printf("privconfctl: %s: no reply to ping "
	    "within 1 s\n", f.path));
	fake_stop(&f);
}

Test(ctl_fake, connection_lost_exits_3)
{
	struct fake	 f;
	struct ctl	 r;

	/* Half a reply, then the server is gone. */
	fake_start(&f, 0, SCRIPT("prompt p\n", "; ", "stats\n", "api: 3.1\n",
	    CLOSE, ""));
	CTL(&r, "-s", f.path, "stats");
	assert_ctl(&r, 3, "", h_printf("privconfctl: %s: connection closed "
	    "by the server before the reply to stats\n", f.path));
	fake_stop(&f);
}

Test(ctl_fake, endless_reply_is_cut_at_the_largest_legitimate_one)
{
	assert_fake_lost(0, SCRIPT("prompt p\n", "; ", "stats\n", FLOOD),
	    "stats", "longer than");
}

Test(ctl_fake, check_prints_action_and_rule)
{
	struct fake	 f;
	struct ctl	 r;

	fake_start(&f, 0, SCRIPT("prompt p\n", "; ",
	    "check/read/etc/passwd\n",
	    "{\"err\":0,\"action\":\"deny\","
	    "\"rule\":\"deny/read+/etc/***\"}\n; ",
	    "check/read/a\"b\n",
	    "{\"err\":0,\"action\":\"allow\","
	    "\"rule\":\"allow/read+/a\\\"b\"}\n; "));
	CTL(&r, "-s", f.path, "check/read/etc/passwd", "check/read/a\"b");
	assert_ctl(&r, 0, "deny deny/read+/etc/***\nallow allow/read+/a\"b\n",
	    "");
	fake_stop(&f);
}

Test(ctl_fake, server_of_another_uid_is_refused_before_a_byte)
{
	if (!h_is_root())
		cr_skip_test("needs root: the fake server runs as nobody");
	cr_assert_eq(assert_fake_lost(NOBODY, NULL, "ping", "uid 65534"), 0,
	    "privconfctl sent bytes first");
}

Test(ctl_fake, server_uid_trusts_another_uid)
{
	struct fake	 f;
	struct ctl	 r;

	if (!h_is_root())
		cr_skip_test("needs root: the fake server runs as nobody");
	fake_start(&f, NOBODY, SCRIPT("prompt p\n", "; ", "ping\n",
	    H_PONG "; "));
	CTL(&r, "-s", f.path, "--server-uid", "65534", "ping");
	assert_ctl(&r, 0, "PONG\n", "");
	fake_stop(&f);
}
