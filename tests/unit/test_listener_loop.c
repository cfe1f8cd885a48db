/*
 * The real event loop over real sockets: the listener runs in a forked
 * child (loop_new + loop_run, as main.c does), a fake worker answers on
 * the other end of the socketpair from a thread of the test, and the test
 * is the client.  Every assertion is on exact bytes.  Waits have generous
 * deadlines only to turn a hang into a failure.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "common/writeall.h"
#include "listener/line.h"
#include "listener/loop.h"
#include "common/contract.h"

#define DEADLINE_MS	30000
#define PONG		LINE_REPLY_PONG
#define PONG_LEN	(sizeof(PONG) - 1)
#define BIG_LEN		(2 * WIRE_REPLY_CHUNK + 10)

struct req {
	uint64_t	 id;
	uint32_t	 uid, gid, pid;
	char		 line[IPC_LINE_MAX];
	size_t		 len;
};

struct rig {
	pid_t		 pid;		/* the listener */
	int		 wfd;		/* the worker's end of the link */
	int		 gate[2];	/* "hold" waits for a byte here */
	struct sockaddr_un addr;
	socklen_t	 addrlen;
	pthread_t	 worker;
	bool		 worker_on;
	pthread_mutex_t	 mu;
	struct req	 reqs[64];
	size_t		 nreqs;
	const char	*error;		/* what the fake worker disliked */
};

static struct rig rig;
/* >= 0: the listener logs verbosely to this fd instead of stderr. */
static int	 rig_logfd = -1;

/* The listener's next rig logs verbosely to an unnamed file. */
static void
rig_log_open(void)
{
	char	 path[] = "/tmp/privconf-test-log-XXXXXX";

	cr_assert_geq(rig_logfd = mkstemp(path), 0);
	unlink(path);
}

static void
rig_log_close(void)
{
	close(rig_logfd);
	rig_logfd = -1;
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
fw_reply(int fd, uint64_t conn, uint64_t id, uint32_t flags, const void *p,
    size_t n)
{
	struct wire_msg	 m = { .type = WIRE_REPLY, .conn = conn, .id = id,
	    .flags = flags, .data = p, .data_len = n };
	struct buf	 b = BUF_INIT;

	if (wire_encode(&b, &m) == 0)
		write_all(fd, buf_head(&b), buf_unread(&b));
	buf_free(&b);
}

/* What the fake worker owes one connection, within its credit. */
#define FW_CONNS	DEFAULT_MAX_CONN
struct fw_reply {
	uint64_t	 id;
	char		*p;
	size_t		 len, off;
};
struct fw_conn {
	uint64_t	 id;
	uint64_t	 credit;
	struct fw_reply	 q[CONN_INFLIGHT_MAX];
	size_t		 head, n;
};
static struct fw_conn fw_conns[FW_CONNS];

static struct fw_conn *
fw_conn(struct rig *r, uint64_t id)
{
	struct fw_conn	*c = &fw_conns[WIRE_CONN_INDEX(id) % FW_CONNS];

	if (c->id != id)
		r->error = "frame for a connection that is not open";
	return c;
}

/* Send what c is owed, as the real worker does: never past its credit. */
static void
fw_pump(struct rig *r, struct fw_conn *c)
{
	struct fw_reply	*w;
	size_t		 n;

	while (c->n > 0 && c->credit > 0) {
		w = &c->q[c->head];
		n = w->len - w->off;
		if (n > WIRE_REPLY_CHUNK)
			n = WIRE_REPLY_CHUNK;
		if (n > c->credit)
			n = (size_t)c->credit;
		fw_reply(r->wfd, c->id, w->id,
		    w->off + n < w->len ? WIRE_F_MORE : 0, w->p + w->off, n);
		w->off += n;
		c->credit -= n;
		if (w->off == w->len) {
			free(w->p);
			c->head = (c->head + 1) % CONN_INFLIGHT_MAX;
			c->n--;
		}
	}
}

static void
fw_owe(struct rig *r, struct fw_conn *c, uint64_t id, char *p, size_t len)
{
	if (c->n == CONN_INFLIGHT_MAX) {
		r->error = "more requests in flight than CONN_INFLIGHT_MAX";
		free(p);
		return;
	}
	c->q[(c->head + c->n) % CONN_INFLIGHT_MAX] =
	    (struct fw_reply){ id, p, len, 0 };
	c->n++;
	fw_pump(r, c);
}

/*
 * The fake worker: "R:" LINE "\n" for every line; "hold" waits for the
 * gate first; "big" answers BIG_LEN bytes; "lock:on" answers
 * WIRE_F_FATAL.  Connection frames are kept as the real worker keeps
 * them, and replies never pass a connection's credit.
 */
static void
fw_handle(struct rig *r, const struct wire_msg *m, uint64_t *last)
{
	struct fw_conn	*c;
	char		*body;
	size_t		 i;
	char		 ch;

	switch (m->type) {
	case WIRE_CONN_OPEN:
		c = &fw_conns[WIRE_CONN_INDEX(m->conn) % FW_CONNS];
		if (c->id != 0)
			r->error = "CONN_OPEN of an open slot";
		memset(c, 0, sizeof(*c));
		c->id = m->conn;
		c->credit = m->credit;
		return;
	case WIRE_CREDIT:
		c = fw_conn(r, m->conn);
		c->credit += m->credit;
		fw_pump(r, c);
		return;
	case WIRE_CONN_CLOSE:
		c = fw_conn(r, m->conn);
		while (c->n > 0) {
			free(c->q[c->head].p);
			c->head = (c->head + 1) % CONN_INFLIGHT_MAX;
			c->n--;
		}
		c->id = 0;
		return;
	case WIRE_REQUEST:
		break;
	default:
		r->error = "not a frame the listener sends";
		return;
	}
	pthread_mutex_lock(&r->mu);
	if (m->id != *last + 1)
		r->error = "request ids not consecutive";
	if (r->nreqs < 64) {
		r->reqs[r->nreqs].id = m->id;
		r->reqs[r->nreqs].uid = m->uid;
		r->reqs[r->nreqs].gid = m->gid;
		r->reqs[r->nreqs].pid = m->pid;
		memcpy(r->reqs[r->nreqs].line, m->data, m->data_len);
		r->reqs[r->nreqs].len = m->data_len;
		r->nreqs++;
	}
	pthread_mutex_unlock(&r->mu);
	*last = m->id;
	c = fw_conn(r, m->conn);
	if (m->data_len == 4 && memcmp(m->data, "hold", 4) == 0 &&
	    read(r->gate[0], &ch, 1) != 1)
		r->error = "gate closed while holding";
	if (m->data_len == 7 && memcmp(m->data, "lock:on", 7) == 0) {
		fw_reply(r->wfd, m->conn, m->id, WIRE_F_FATAL, NULL, 0);
		return;
	}
	if (m->data_len == 3 && memcmp(m->data, "big", 3) == 0) {
		if ((body = malloc(BIG_LEN)) == NULL)
			abort();
		for (i = 0; i < BIG_LEN; i++)
			body[i] = (char)('a' + i % 26);
		fw_owe(r, c, m->id, body, BIG_LEN);
		return;
	}
	if ((body = malloc(m->data_len + 3)) == NULL)
		abort();
	memcpy(body, "R:", 2);
	memcpy(body + 2, m->data, m->data_len);
	body[2 + m->data_len] = '\n';
	fw_owe(r, c, m->id, body, m->data_len + 3);
}

static void *
fw_main(void *arg)
{
	struct rig	*r = arg;
	struct buf	 in = BUF_INIT;
	struct wire_msg	 m;
	const char	*why;
	uint64_t	 last = 0;
	ssize_t		 n, k;

	for (;;) {
		if (buf_reserve(&in, 65536) == -1)
			break;
		n = read(r->wfd, in.data + in.len, in.cap - in.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		in.len += (size_t)n;
		while ((k = wire_decode(buf_head(&in), buf_unread(&in), &m,
		    &why)) > 0) {
			fw_handle(r, &m, &last);
			buf_consume(&in, (size_t)k);
		}
		if (k < 0) {
			r->error = why;
			break;
		}
	}
	buf_free(&in);
	return NULL;
}

static int
count_fds(void)
{
	DIR		*d = opendir("/proc/self/fd");
	struct dirent	*de;
	int		 n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/*
 * Start the listener with the ids of this process plus the extra
 * arguments (NULL-terminated).  nofile_room > 0: RLIMIT_NOFILE leaves
 * room for exactly that many clients besides --fd-reserve.
 */
static void
rig_startv(int nofile_room, const char *ipc_uid, const char *first, ...)
{
	static int	 serial;
	char		*argv[40], uid[32];
	struct contract_args o;
	struct loop	*l;
	struct rlimit	 rl;
	char		 err[256];
	int		 argc = 0, lfd, sv[2], one = 1;
	const char	*a;
	va_list		 ap;

	memset(&rig, 0, sizeof(rig));
	pthread_mutex_init(&rig.mu, NULL);
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	argv[argc++] = "privconf-listener";
	argv[argc++] = "--ipc-uid";
	argv[argc++] = ipc_uid ? (char *)ipc_uid : uid;
	argv[argc++] = "--ipc-gid";
	argv[argc++] = "none";
	va_start(ap, first);
	for (a = first; a != NULL && argc < 39; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	cr_assert_eq(contract_parse(CONTRACT_LISTENER, argc, argv, &o, err,
	    sizeof(err)), 0,
	    "%s", err);

	rig.addr.sun_family = AF_UNIX;
	/* Abstract: no file to clean up, unique per process and test. */
	rig.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    (size_t)snprintf(rig.addr.sun_path + 1,
	    sizeof(rig.addr.sun_path) - 1, "privconf-test-%d-%d",
	    (int)getpid(), serial++));
	cr_assert_neq(lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&rig.addr, rig.addrlen), 0);
	cr_assert_eq(setsockopt(lfd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)), 0);
	cr_assert_eq(listen(lfd, LISTEN_BACKLOG), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cr_assert_eq(pipe2(rig.gate, O_CLOEXEC), 0);

	rig.pid = fork();
	cr_assert_neq(rig.pid, -1);
	if (rig.pid == 0) {
		close(sv[1]);
		close(rig.gate[0]);
		close(rig.gate[1]);
		log_init("privconf[listener]: ");
		if (rig_logfd >= 0) {
			dup2(rig_logfd, STDERR_FILENO);
			log_set_verbose(1);
		}
		if (nofile_room > 0) {
			/* The loop's epoll fd comes on top of these. */
			rl.rlim_cur = rl.rlim_max = (rlim_t)count_fds() + 1 +
			    o.fd_reserve + (rlim_t)nofile_room;
			if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
				_exit(99);
		}
		l = loop_new(&o, sv[0], lfd);
		_exit(loop_run(l));
	}
	close(sv[0]);
	close(lfd);
	rig.wfd = sv[1];
	cr_assert_eq(pthread_create(&rig.worker, NULL, fw_main, &rig), 0);
	rig.worker_on = true;
}

#define rig_start(...)	rig_startv(0, NULL, __VA_ARGS__)

/* The listener's exit status; fails the test if it does not end. */
static int
rig_wait(void)
{
	uint64_t	 end = now_ms() + DEADLINE_MS;
	int		 st;
	pid_t		 p;

	while ((p = waitpid(rig.pid, &st, WNOHANG)) == 0) {
		if (now_ms() > end) {
			kill(rig.pid, SIGKILL);
			waitpid(rig.pid, &st, 0);
			rig.pid = 0;
			cr_assert_fail("the listener did not exit");
		}
		usleep(5000);
	}
	rig.pid = 0;
	cr_assert(WIFEXITED(st), "listener killed by signal %d",
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return WEXITSTATUS(st);
}

static void
rig_stop_worker(void)
{
	if (!rig.worker_on)
		return;
	shutdown(rig.wfd, SHUT_RDWR);
	close(rig.gate[1]);
	pthread_join(rig.worker, NULL);
	rig.worker_on = false;
	close(rig.gate[0]);
}

static void
rig_fini(void)
{
	if (rig.pid > 0) {
		kill(rig.pid, SIGKILL);
		waitpid(rig.pid, NULL, 0);
		rig.pid = 0;
	}
	rig_stop_worker();
	cr_assert_null(rig.error, "fake worker: %s", rig.error);
}

static int
cl_connect(void)
{
	int	 fd;

	cr_assert_neq(fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), -1);
	cr_assert_eq(connect(fd, (struct sockaddr *)&rig.addr, rig.addrlen), 0,
	    "connect: %s", strerror(errno));
	return fd;
}

static void
cl_send(int fd, const void *p, size_t n)
{
	cr_assert_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

#define cl_sends(fd, s)	cl_send((fd), (s), strlen(s))

/* Read until EOF (or want bytes when want > 0); fail on a hang. */
static size_t
cl_read(int fd, char *buf, size_t cap, size_t want)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	uint64_t	 end = now_ms() + DEADLINE_MS;
	size_t		 got = 0;
	ssize_t		 n;
	int		 left;

	for (;;) {
		if (want > 0 && got >= want)
			return got;
		left = (int)(end > now_ms() ? end - now_ms() : 0);
		cr_assert_gt(poll(&pfd, 1, left), 0,
		    "no EOF after %zu bytes: \"%.*s\"", got,
		    (int)(got > 200 ? 200 : got), buf);
		n = read(fd, buf + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		cr_assert_geq(n, 0, "read after %zu bytes: %s", got,
		    strerror(errno));
		if (n == 0)
			return got;
		got += (size_t)n;
		cr_assert_lt(got, cap, "more bytes than expected");
	}
}

static void
cl_expect_eof(int fd, const char *want)
{
	static char	 buf[1 << 20];
	size_t		 n = cl_read(fd, buf, sizeof(buf), 0);

	cr_assert_eq(n, strlen(want), "got %zu bytes \"%.*s\", want \"%s\"",
	    n, (int)(n > 200 ? 200 : n), buf, want);
	cr_assert(memcmp(buf, want, n) == 0, "got \"%.*s\", want \"%s\"",
	    (int)n, buf, want);
}

static void
cl_expect(int fd, const char *want)
{
	char	 buf[8192];
	size_t	 n = cl_read(fd, buf, sizeof(buf), strlen(want));

	cr_assert_eq(n, strlen(want));
	cr_assert(memcmp(buf, want, n) == 0, "got \"%.*s\", want \"%s\"",
	    (int)n, buf, want);
}

static bool
cl_quiet(int fd)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

/* An interactive client the listener has accepted and answered. */
static int
cl_interactive(void)
{
	int	 fd = cl_connect();

	cl_sends(fd, "prompt i\nping\n");
	cl_expect(fd, PONG);
	return fd;
}

TestSuite(listener_loop, .fini = rig_fini, .timeout = 120);

Test(listener_loop, loop_ping_gets_pong_then_eof)
{
	int	 fd;

	rig_start(NULL);
	fd = cl_connect();
	cl_sends(fd, "ping\n");
	cl_expect_eof(fd, PONG);
	close(fd);
}

Test(listener_loop, loop_forwards_in_line_order_with_client_credentials)
{
	int	 fd, fd2;
	size_t	 i;

	rig_start(NULL);
	fd = cl_connect();
	cl_sends(fd, "prompt p\nhold\nping\n  x \r\nquit\nping\n");
	cl_expect(fd, "; ");
	/* Another client is served meanwhile; the first one is still held. */
	fd2 = cl_connect();
	cl_sends(fd2, "pink\n");
	cl_expect_eof(fd2, LINE_REPLY_PINK);
	close(fd2);
	cr_assert(cl_quiet(fd), "a reply overtook the worker's");
	cr_assert_eq(write(rig.gate[1], "g", 1), 1);
	cl_expect_eof(fd, "R:hold\n; " PONG "; R:  x \r\n; ");
	close(fd);
	pthread_mutex_lock(&rig.mu);
	cr_assert_eq(rig.nreqs, 2);
	for (i = 0; i < 2; i++) {
		cr_assert_eq(rig.reqs[i].id, i + 1);
		cr_assert_eq(rig.reqs[i].uid, getuid());
		cr_assert_eq(rig.reqs[i].gid, getgid());
		cr_assert_eq(rig.reqs[i].pid, (uint32_t)getpid());
	}
	cr_assert_eq(rig.reqs[0].len, 4);
	cr_assert(memcmp(rig.reqs[0].line, "hold", 4) == 0);
	cr_assert_eq(rig.reqs[1].len, 5);
	cr_assert(memcmp(rig.reqs[1].line, "  x \r", 5) == 0);
	pthread_mutex_unlock(&rig.mu);
}

Test(listener_loop, loop_half_close_gets_every_reply_then_eof)
{
	int	 fd;

	rig_start(NULL);
	fd = cl_connect();
	cl_sends(fd, "prompt i\nping\na\nversion\nb\npartial");
	cr_assert_eq(shutdown(fd, SHUT_WR), 0);
	cl_expect_eof(fd, PONG "R:a\n" LINE_REPLY_VERSION "R:b\n");
	close(fd);
}

Test(listener_loop, loop_joins_chunked_replies)
{
	static char	 want[BIG_LEN + 1];
	size_t		 i;
	int		 fd;

	for (i = 0; i < BIG_LEN; i++)
		want[i] = (char)('a' + i % 26);
	rig_start(NULL);
	fd = cl_connect();
	cl_sends(fd, "big\n");
	cl_expect_eof(fd, want);
	close(fd);
}

Test(listener_loop, loop_bad_utf8_costs_only_that_client)
{
	int	 a, b;

	rig_start(NULL);
	a = cl_interactive();
	b = cl_connect();
	cl_sends(b, "prompt i\nping\n\xff\nping\n");
	cl_expect_eof(b,
	    PONG "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	close(b);
	cl_sends(a, "ping\n");
	cl_expect(a, PONG);
	close(a);
}

Test(listener_loop, loop_line_size_limit)
{
	char	*l = malloc(IPC_LINE_MAX + 8);
	int	 fd;

	cr_assert_not_null(l);
	rig_start(NULL);
	/* IPC_LINE_MAX - 2 bytes and \n: executed. */
	memset(l, 'x', IPC_LINE_MAX - 2);
	l[IPC_LINE_MAX - 2] = '\n';
	fd = cl_connect();
	cl_send(fd, l, IPC_LINE_MAX - 1);
	memmove(l + 2, l, IPC_LINE_MAX - 2);
	memcpy(l, "R:", 2);
	l[IPC_LINE_MAX] = '\n';
	l[IPC_LINE_MAX + 1] = '\0';
	cl_expect_eof(fd, l);
	close(fd);
	/* IPC_LINE_MAX - 1 bytes and \n: RATE, then EOF. */
	memset(l, 'x', IPC_LINE_MAX - 1);
	l[IPC_LINE_MAX - 1] = '\n';
	fd = cl_connect();
	cl_send(fd, l, IPC_LINE_MAX);
	cl_expect_eof(fd, LINE_REPLY_RATE);
	close(fd);
	free(l);
}

Test(listener_loop, loop_max_conn_pauses_accept_until_one_closes)
{
	int	 a, b, c;

	rig_start("--max-conn", "2", NULL);
	a = cl_interactive();
	b = cl_interactive();	/* the limit itself is served */
	c = cl_connect();	/* one past: waits in the backlog */
	cl_sends(c, "ping\n");
	/* Two round trips: a served c would have answered by now. */
	cl_sends(a, "ping\n");
	cl_expect(a, PONG);
	cl_sends(b, "ping\n");
	cl_expect(b, PONG);
	cr_assert(cl_quiet(c), "the connection past --max-conn was served");
	close(a);
	cl_expect_eof(c, PONG);
	close(c);
	close(b);
}

Test(listener_loop, loop_per_uid_limit_refuses_with_eagain)
{
	int	 a, b, c, d;

	rig_start("--max-conn-per-uid", "2", NULL);
	a = cl_interactive();
	b = cl_interactive();
	c = cl_connect();
	cl_expect_eof(c, "{\"err\":11,\"msg\":\"EAGAIN: Try again\"}\n");
	close(c);
	cl_sends(a, "ping\n");
	cl_expect(a, PONG);
	close(a);
	/* The slot is free again once one of the two has gone. */
	cl_sends(b, "ping\n");
	cl_expect(b, PONG);
	d = cl_connect();
	cl_sends(d, "ping\n");
	cl_expect_eof(d, PONG);
	close(d);
	close(b);
}

Test(listener_loop, loop_fd_reserve_pauses_accept)
{
	int	 a, b, c;

	rig_startv(2, NULL, "--fd-reserve", "8", NULL);
	a = cl_interactive();
	b = cl_interactive();
	c = cl_connect();
	cl_sends(c, "ping\n");
	cl_sends(a, "ping\n");
	cl_expect(a, PONG);
	cl_sends(b, "ping\n");
	cl_expect(b, PONG);
	cr_assert(cl_quiet(c), "a client past the fd reserve was served");
	close(b);
	cl_expect_eof(c, PONG);
	close(c);
	close(a);
}

Test(listener_loop, loop_auth_timeout_closes_silently)
{
	int	 fd;

	rig_start("--auth-timeout", "1", NULL);
	fd = cl_connect();
	cl_expect_eof(fd, "");
	close(fd);
}

Test(listener_loop, loop_idle_timeout_closes_silently)
{
	int	 fd;

	rig_start("--idle-timeout", "1", NULL);
	fd = cl_connect();
	/* No round trip: a slow machine must not turn into a failure. */
	cl_sends(fd, "prompt i\n");
	cl_expect_eof(fd, "");
	close(fd);
}

Test(listener_loop, loop_refuses_a_stranger_with_auth)
{
	char	 buf[256], want[] = "{\"err\":13,\"msg\":\"AUTH\"}\n";
	int	 p[2], fd, st;
	ssize_t	 n;
	pid_t	 pid;

	if (getuid() != 0) {
		/* Not root: make this process the stranger. */
		snprintf(buf, sizeof(buf), "%u", (unsigned)getuid() + 1);
		rig_startv(0, buf, NULL);
		fd = cl_connect();
		cl_sends(fd, "ping\n");
		cl_expect_eof(fd, want);
		close(fd);
		return;
	}
	rig_start(NULL);
	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (setgroups(0, NULL) == -1 ||
		    setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1)
			_exit(2);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&rig.addr,
		    rig.addrlen) == -1)
			_exit(3);
		send(fd, "ping\n", 5, MSG_NOSIGNAL);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			write_all(p[1], buf, (size_t)n);
		_exit(0);
	}
	close(p[1]);
	n = (ssize_t)cl_read(p[0], buf, sizeof(buf), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client status %d",
	    st);
	cr_assert_eq((size_t)n, strlen(want));
	cr_assert(memcmp(buf, want, (size_t)n) == 0);
	close(p[0]);
}

Test(listener_loop, loop_closes_descriptors_a_client_passes)
{
	union {
		struct cmsghdr	 align;
		char		 b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec	 iov = { .iov_base = "ping\n", .iov_len = 5 };
	struct msghdr	 msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr	*cm;
	char		 c;
	int		 p[2], fd;

	rig_start(NULL);
	cr_assert_eq(pipe(p), 0);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
	fd = cl_connect();
	cr_assert_eq(sendmsg(fd, &msg, MSG_NOSIGNAL), 5);
	close(p[1]);
	cl_expect_eof(fd, PONG);
	/* EOF on the pipe: the listener holds no copy of its write end. */
	cr_assert_eq(cl_read(p[0], &c, 1, 0), 0);
	close(p[0]);
	close(fd);
}

Test(listener_loop, loop_back_pressure_loses_no_reply)
{
	const size_t	 lines = 3000, cap = 8u << 20;
	char		*buf = malloc(cap);
	size_t		 i, n;
	pid_t		 w;
	int		 fd, st;

	cr_assert_not_null(buf);
	rig_start("--max-queue", "64", NULL);
	fd = cl_connect();
	/* A writer that never reads; the reader starts only later. */
	if ((w = fork()) == 0) {
		send(fd, "prompt i\n", 9, MSG_NOSIGNAL);
		for (i = 0; i < lines; i++)
			if (send(fd, i % 100 == 7 ? "big\n" : "ping\n",
			    i % 100 == 7 ? 4 : 5, MSG_NOSIGNAL) <= 0)
				_exit(1);
		shutdown(fd, SHUT_WR);
		_exit(0);
	}
	n = cl_read(fd, buf, cap, 0);
	cr_assert_eq(waitpid(w, &st, 0), w);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(n, (lines - lines / 100) * PONG_LEN +
	    (lines / 100) * BIG_LEN);
	for (i = 0, n = 0; i < lines; i++) {
		if (i % 100 == 7) {
			cr_assert_eq(buf[n], 'a');
			cr_assert_eq(buf[n + BIG_LEN - 1],
			    (char)('a' + (BIG_LEN - 1) % 26));
			n += BIG_LEN;
		} else {
			cr_assert(memcmp(buf + n, PONG, PONG_LEN) == 0,
			    "reply %zu is not PONG", i);
			n += PONG_LEN;
		}
	}
	free(buf);
	close(fd);
}

/* What the listener logged so far (the first 64 KiB). */
static const char *
log_text(int fd)
{
	static char	 text[1 << 16];
	ssize_t		 n;

	n = pread(fd, text, sizeof(text) - 1, 0);
	cr_assert_geq(n, 0);
	text[n] = '\0';
	return text;
}

/* Wait until the listener's log holds s. */
static void
log_wait(int fd, const char *s)
{
	uint64_t	 end = now_ms() + DEADLINE_MS;

	while (strstr(log_text(fd), s) == NULL) {
		cr_assert_lt(now_ms(), end, "no \"%s\" in the log:\n%s", s,
		    log_text(fd));
		usleep(5000);
	}
}

/*
 * A worker that reads nothing fills the link; then only the clients with
 * lines for it wait, and get every reply in order once it reads again.
 */
Test(listener_loop, loop_full_worker_queue_pauses_only_its_clients)
{
	const size_t	 lines = 20000, len = 100, cap = 8u << 20;
	char		*buf = malloc(cap), line[128];
	size_t		 i, n;
	pid_t		 w;
	int		 a, b, c, st;

	cr_assert_not_null(buf);
	rig_log_open();
	rig_start(NULL);
	a = cl_connect();
	cl_sends(a, "prompt i\nhold\n");
	/* The worker now reads nothing: its queue fills past the limit. */
	c = cl_interactive();
	b = cl_connect();
	memset(line, 'q', len);
	line[len] = '\n';
	if ((w = fork()) == 0) {
		send(b, "prompt i\n", 9, MSG_NOSIGNAL);
		for (i = 0; i < lines; i++)
			if (send(b, line, len + 1, MSG_NOSIGNAL) != (ssize_t)len + 1)
				_exit(1);
		shutdown(b, SHUT_WR);
		_exit(0);
	}
	/* Built-ins do not depend on the worker: c is still answered. */
	cl_sends(c, "ping\nversion\n");
	cl_expect(c, PONG LINE_REPLY_VERSION);
	cr_assert_eq(write(rig.gate[1], "g", 1), 1);
	cl_expect(a, "R:hold\n");
	n = cl_read(b, buf, cap, 0);
	cr_assert_eq(waitpid(w, &st, 0), w);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(n, lines * (len + 3));
	for (i = 0; i < lines; i++) {
		cr_assert(memcmp(buf + i * (len + 3), "R:", 2) == 0);
		cr_assert(memcmp(buf + i * (len + 3) + 2, line, len + 1) == 0,
		    "reply %zu differs", i);
	}
	free(buf);
	close(a);
	close(b);
	close(c);
	rig_log_close();
}

/*
 * Enough clients with long lines fill the link itself: then no line goes
 * to the worker, but every connection is still read and answers its
 * built-ins, and all waiting lines go once the link drains.
 */
Test(listener_loop, loop_full_link_still_answers_builtins)
{
	enum { NCL = 12, PER = CONN_INFLIGHT_MAX + 8, LEN = 4000 };
	static char	 buf[NCL][PER * (LEN + 3) + 64];
	char		*line = malloc(LEN + 1);
	int		 a, c, cl[NCL], i, j;
	size_t		 n;

	cr_assert_not_null(line);
	rig_log_open();
	rig_start(NULL);
	a = cl_connect();
	cl_sends(a, "prompt i\nhold\n");
	c = cl_interactive();
	memset(line, 'L', LEN);
	line[LEN] = '\n';
	for (i = 0; i < NCL; i++) {
		cl[i] = cl_connect();
		cl_sends(cl[i], "prompt i\n");
		for (j = 0; j < PER; j++)
			cl_send(cl[i], line, LEN + 1);
		shutdown(cl[i], SHUT_WR);
	}
	log_wait(rig_logfd, "op=link state=full");
	cl_sends(c, "ping\n");
	cl_expect(c, PONG);
	cr_assert_eq(write(rig.gate[1], "g", 1), 1);
	cl_expect(a, "R:hold\n");
	for (i = 0; i < NCL; i++) {
		n = cl_read(cl[i], buf[i], sizeof(buf[i]), 0);
		cr_assert_eq(n, (size_t)PER * (LEN + 3), "client %d", i);
		close(cl[i]);
	}
	log_wait(rig_logfd, "op=link state=drained");
	free(line);
	close(a);
	close(c);
	rig_log_close();
}

Test(listener_loop, loop_client_gone_with_request_in_flight)
{
	int	 a, b;

	rig_start(NULL);
	a = cl_connect();
	cl_sends(a, "prompt i\nhold\n");
	/* Make sure the listener took the line before the client goes. */
	b = cl_interactive();
	close(a);
	cl_sends(b, "x\n");
	cr_assert_eq(write(rig.gate[1], "g", 1), 1);
	cl_expect(b, "R:x\n");
	cl_sends(b, "ping\n");
	cl_expect(b, PONG);
	close(b);
}

/* How many times s is in the listener's log so far. */
static int
log_count(int fd, const char *s)
{
	const char	*p;
	int		 k = 0;

	for (p = log_text(fd); (p = strstr(p, s)) != NULL; p++)
		k++;
	return k;
}

/*
 * A one-shot client is read before epoll watches it, and is not watched
 * while its reply is due: its hang-up shows only as EPIPE when the reply
 * is sent, which ends it as a hang-up does (why=reply, the reply
 * dropped), not as a failed send, and the next client is served.
 */
Test(listener_loop, loop_one_shot_gone_before_its_reply)
{
	uint64_t	 end = now_ms() + DEADLINE_MS;
	int		 a, b;

	rig_log_open();
	rig_start(NULL);
	a = cl_connect();
	cl_sends(a, "hold\n");
	/* The listener took the line once another client is served. */
	b = cl_connect();
	cl_sends(b, "ping\n");
	cl_expect_eof(b, PONG);
	close(b);
	close(a);
	cr_assert_eq(write(rig.gate[1], "g", 1), 1);
	b = cl_connect();
	cl_sends(b, "x\n");
	cl_expect_eof(b, "R:x\n");
	close(b);
	while (log_count(rig_logfd, "why=reply") < 3) {
		cr_assert_lt(now_ms(), end, "3 closes never came");
		usleep(5000);
	}
	cr_assert_eq(log_count(rig_logfd, "op=close"), 3);
	rig_log_close();
}

Test(listener_loop, loop_fatal_closes_everything_and_exits_zero)
{
	int	 a, b, c;

	rig_start(NULL);
	a = cl_interactive();
	b = cl_connect();
	cl_sends(b, "lock:on\nping\n");
	cl_expect_eof(b, "");
	cl_expect_eof(a, "");
	cr_assert_eq(rig_wait(), 0);
	cr_assert_neq(c = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	cr_assert_eq(connect(c, (struct sockaddr *)&rig.addr, rig.addrlen), -1);
	cr_assert_eq(errno, ECONNREFUSED);
	close(c);
	close(a);
	close(b);
}

Test(listener_loop, loop_worker_eof_is_fatal)
{
	int	 a;

	rig_start(NULL);
	a = cl_interactive();
	rig_stop_worker();
	cr_assert_eq(rig_wait(), 1);
	close(a);
}

Test(listener_loop, loop_malformed_worker_frame_is_fatal)
{
	static const uint8_t junk[] = { 0, 0, 0, 2, 0x91, 0x07 };
	int	 a;

	rig_start(NULL);
	a = cl_interactive();
	write_all(rig.wfd, junk, sizeof(junk));
	cr_assert_eq(rig_wait(), 1);
	close(a);
}
