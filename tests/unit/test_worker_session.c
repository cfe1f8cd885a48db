/*
 * The worker distrusts its peer: a fake privconfd/listener holds the other
 * end of the socketpair while a forked child runs session_serve(), and
 * checks the replies and the child's exit status.
 */
#define _GNU_SOURCE	/* setresuid */
#include <criterion/criterion.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/access.h"
#include "common/fdpass.h"
#include "common/limits.h"
#include "common/wire.h"
#include "worker/policy.h"
#include "worker/session.h"

struct fake {
	pid_t	 pid;
	int	 fd;
	struct buf in;
};

/* The connection fake_ready opens, in a table of FAKE_MAX_CONN. */
#define FAKE_MAX_CONN	8
#define FAKE_CONN	WIRE_CONN_ID(1, 0)

/* Everyone is admin: most tests are about frames, not levels. */
static const struct access fake_anyone = {
	.admin = { .on = true, .any_uid = true },
};

/*
 * A worker with these access levels and a journal (jfd, or -1) whose
 * file may not grow past fsize bytes (0: no limit), as a full disk would
 * refuse it.
 */
static void
fake_start_access(struct fake *f, const struct access *acc, int jfd,
    off_t fsize)
{
	int	 sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->pid = fork();
	cr_assert_neq(f->pid, -1);
	if (f->pid == 0) {
		struct policy *p;

		close(sv[0]);
		/* Keep the test's stderr quiet: the worker logs every command. */
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		alarm(20);
		/* As in worker/main.c: a closed fake is EPIPE, not a signal. */
		signal(SIGPIPE, SIG_IGN);
		if (fsize > 0) {
			struct rlimit rl = { (rlim_t)fsize, (rlim_t)fsize };

			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
				_exit(98);
		}
		if ((p = policy_new()) == NULL)
			_exit(99);
		policy_set_ipc(p, "@test", 0, -1);
		_exit(session_serve(sv[1], p, &(struct session_cfg){
		    FAKE_MAX_CONN, jfd, CONTRACT_SYNC_BATCH, NULL, acc }));
	}
	close(sv[1]);
	f->fd = sv[0];
	f->in = (struct buf)BUF_INIT;
}

static void
fake_start_journal(struct fake *f, int jfd, off_t fsize)
{
	fake_start_access(f, &fake_anyone, jfd, fsize);
}

static void
fake_start(struct fake *f)
{
	fake_start_journal(f, -1, 0);
}

/* The worker may already have exited (lock:on, a fatal frame): no SIGPIPE. */
static void
fake_send_raw(struct fake *f, const void *p, size_t n)
{
	ssize_t	 w = send(f->fd, p, n, MSG_NOSIGNAL);

	cr_assert(w == (ssize_t)n || (w == -1 && errno == EPIPE),
	    "send: %s", strerror(errno));
}

static void
fake_send(struct fake *f, const struct wire_msg *m)
{
	struct buf b = BUF_INIT;

	cr_assert_eq(wire_encode(&b, m), 0);
	fake_send_raw(f, b.data, b.len);
	buf_free(&b);
}

static void
fake_line(struct fake *f, enum wire_type t, uint64_t id, const char *line)
{
	struct wire_msg m = { .type = t, .conn = FAKE_CONN, .id = id,
	    .uid = 0, .gid = 0,
	    .pid = 1, .source = (const uint8_t *)"t.syd", .source_len = 5,
	    .lineno = (uint32_t)id, .data = (const uint8_t *)line,
	    .data_len = strlen(line) };

	fake_send(f, &m);
}

/* Read the next frame (20 s guard against a hang). */
static struct wire_msg
fake_recv(struct fake *f)
{
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 n;

	for (;;) {
		n = wire_decode(buf_head(&f->in), buf_unread(&f->in), &m, &why);
		cr_assert_geq(n, 0, "bad frame from worker: %s", why);
		if (n > 0) {
			/* The message points into f->in: consume lazily. */
			f->in.off += (size_t)n;
			return m;
		}
		struct pollfd pfd = { f->fd, POLLIN, 0 };
		cr_assert_eq(poll(&pfd, 1, 20000), 1, "worker is silent");
		cr_assert_eq(buf_reserve(&f->in, 65536), 0);
		n = read(f->fd, f->in.data + f->in.len, f->in.cap - f->in.len);
		cr_assert_gt(n, 0, "worker closed");
		f->in.len += (size_t)n;
	}
}

static int
fake_status(struct fake *f)
{
	int	 st;

	close(f->fd);
	cr_assert_eq(waitpid(f->pid, &st, 0), f->pid);
	buf_free(&f->in);
	return st;
}

/* Bytes with a socket attached, as the listener sends a CONN_OPEN. */
static void
fake_send_sock(struct fake *f, const void *p, size_t n, int sock)
{
	ssize_t	 w = fdpass_send(f->fd, p, n, sock, MSG_NOSIGNAL);

	cr_assert(w == (ssize_t)n || (w == -1 && errno == EPIPE),
	    "sendmsg: %s", strerror(errno));
}

/* CONN_OPEN with sock as the client's socket (closed here after). */
static void
fake_open_sock(struct fake *f, uint64_t conn, uint32_t credit, int sock)
{
	struct wire_msg m = { .type = WIRE_CONN_OPEN, .conn = conn,
	    .credit = credit };
	struct buf b = BUF_INIT;

	cr_assert_eq(wire_encode(&b, &m), 0);
	fake_send_sock(f, b.data, b.len, sock);
	buf_free(&b);
	close(sock);
}

/* A client socket made by this process: its peer is the test itself. */
static int
own_socket(void)
{
	int	 sv[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	return sv[0];
}

static void
fake_open(struct fake *f, uint64_t conn, uint32_t credit)
{
	fake_open_sock(f, conn, credit, own_socket());
}

/*
 * SETUP_DONE, READY, the listener's HELLO, and FAKE_CONN opened with
 * --max-queue's default credit: requests may follow.
 */
static void
fake_ready(struct fake *f)
{
	struct wire_msg m = { .type = WIRE_SETUP_DONE };
	struct wire_msg h = { .type = WIRE_HELLO, .uid = 65534, .gid = 65534,
	    .landlock = 7, .seccomp = WIRE_SECCOMP_KILL };

	fake_send(f, &m);
	cr_assert_eq(fake_recv(f).type, WIRE_READY);
	fake_send(f, &h);
	fake_open(f, FAKE_CONN, CONN_OUTQ_MAX);
}

static void
fake_setup_done(struct fake *f)
{
	struct wire_msg m = { .type = WIRE_SETUP_DONE };

	fake_send(f, &m);
	cr_assert_eq(fake_recv(f).type, WIRE_READY);
}

static void
expect_reply(struct fake *f, uint64_t id, const char *body)
{
	struct wire_msg m = fake_recv(f);

	cr_assert_eq(m.type, WIRE_REPLY);
	cr_assert_eq(m.conn, FAKE_CONN);
	cr_assert_eq(m.id, id);
	cr_assert_eq(m.flags, 0);
	cr_assert_eq(m.data_len, strlen(body), "reply %.*s", (int)m.data_len,
	    m.data);
	cr_assert_arr_eq(m.data, body, m.data_len);
}

Test(worker_session, setup_then_requests_in_order)
{
	struct fake f;

	fake_start(&f);
	fake_line(&f, WIRE_SETUP, 1, "sandbox/read:off");
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 1, "sandbox/read?");
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/write?");
	fake_line(&f, WIRE_REQUEST, 3, "sandbox/bogus:on");
	expect_reply(&f, 1, "{\"err\":2,\"msg\":\"ENOENT: No such file or directory\"}\n");
	expect_reply(&f, 2, "{\"err\":0,\"msg\":\"ACK\"}\n");
	expect_reply(&f, 3, "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	cr_assert_eq(fake_status(&f), 256, "EOF after requests is exit 1");
}

Test(worker_session, setup_error_names_the_line_and_exits_1)
{
	struct fake f;
	struct wire_msg m;

	fake_start(&f);
	fake_line(&f, WIRE_SETUP, 1, "sandbox/read:off");
	fake_line(&f, WIRE_SETUP, 2, "sandbox/bogus:on");
	m = fake_recv(&f);
	cr_assert_eq(m.type, WIRE_SETUP_ERROR);
	cr_assert_eq(m.lineno, 2);
	cr_assert_eq(m.err, EINVAL);
	cr_assert_arr_eq(m.source, "t.syd", 5);
	cr_assert_eq(fake_status(&f), 256);
}

Test(worker_session, lock_on_sends_fatal_and_exits_0)
{
	struct fake f;
	struct wire_msg m;

	fake_start(&f);
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 1, "lock:on");
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/read:off");
	m = fake_recv(&f);
	cr_assert_eq(m.type, WIRE_REPLY);
	cr_assert_eq(m.id, 1);
	cr_assert_eq(m.flags, WIRE_F_FATAL);
	cr_assert_eq(m.data_len, 0);
	cr_assert_eq(fake_status(&f), 0);
}

Test(worker_session, large_stat_is_split_into_chunks)
{
	struct fake f;
	struct wire_msg m;
	char	 line[64];
	size_t	 total = 0;
	int	 i;

	fake_start(&f);
	/* ~2000 rules make a stat reply of well over one chunk. */
	for (i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "allow/read+/some/long/path/%d/***", i);
		fake_line(&f, WIRE_SETUP, (uint64_t)i + 1, line);
	}
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 7, "stat");
	do {
		m = fake_recv(&f);
		cr_assert_eq(m.type, WIRE_REPLY);
		cr_assert_eq(m.id, 7);
		cr_assert_leq(m.data_len, WIRE_REPLY_CHUNK);
		total += m.data_len;
	} while (m.flags & WIRE_F_MORE);
	cr_assert_gt(total, WIRE_REPLY_CHUNK);
	cr_assert_eq(m.data[m.data_len - 1], '}');
	fake_status(&f);
}

static void
expect_death(const void *bytes, size_t n, bool ready)
{
	struct fake f;
	int	 st;

	fake_start(&f);
	if (ready)
		fake_ready(&f);
	fake_send_raw(&f, bytes, n);
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) != 0, "status %d", st);
}

Test(worker_session, request_during_setup_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = 1, .id = 1,
	    .pid = 1, .data = (const uint8_t *)"sandbox/read:off",
	    .data_len = 16 };

	wire_encode(&b, &m);
	expect_death(b.data, b.len, false);
	buf_free(&b);
}

Test(worker_session, setup_after_ready_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_SETUP, .lineno = 1,
	    .data = (const uint8_t *)"sandbox/read:off", .data_len = 16 };

	wire_encode(&b, &m);
	expect_death(b.data, b.len, true);
	buf_free(&b);
}

Test(worker_session, ready_from_peer_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_READY };

	wire_encode(&b, &m);
	expect_death(b.data, b.len, true);
	buf_free(&b);
}

Test(worker_session, oversized_length_is_fatal)
{
	uint32_t len = WIRE_BODY_MAX + 1;
	uint8_t	 h[4] = { len >> 24, len >> 16, len >> 8, len };

	expect_death(h, sizeof(h), true);
}

Test(worker_session, string_where_integer_belongs_is_fatal)
{
	/* REQUEST [1, 1, "x", 0, 0, 1, "ping"] */
	static const uint8_t f[] = { 0, 0, 0, 14, 0x97, 1, 1, 0xc4, 1, 'x', 0,
	    0, 1, 0xc4, 4, 'p', 'i', 'n', 'g' };

	expect_death(f, sizeof(f), true);
}

Test(worker_session, request_ids_must_increase)
{
	struct fake f;
	int	 st;

	fake_start(&f);
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 5, "sandbox/read?");
	expect_reply(&f, 5, "{\"err\":0,\"msg\":\"ACK\"}\n");
	fake_line(&f, WIRE_REQUEST, 5, "sandbox/read:off");
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

Test(worker_session, request_before_hello_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = 1, .id = 1,
	    .pid = 1, .data = (const uint8_t *)"sandbox/read:off",
	    .data_len = 16 };
	struct fake f;
	int	 st;

	wire_encode(&b, &m);
	fake_start(&f);
	fake_setup_done(&f);
	fake_send_raw(&f, b.data, b.len);
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
	buf_free(&b);
}

Test(worker_session, second_hello_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_HELLO, .uid = 1, .gid = 1 };

	wire_encode(&b, &m);
	expect_death(b.data, b.len, true);
	buf_free(&b);
}

/* The listener's HELLO and the worker's own confinement show in stats. */
Test(worker_session, stats_shows_how_the_listener_is_confined)
{
	struct fake f;
	struct wire_msg m;
	const char *want = "confine/listener: uid=65534 gid=65534 landlock=7 "
	    "seccomp=kill\n";

	fake_start(&f);
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 1, "stats");
	m = fake_recv(&f);
	cr_assert_eq(m.type, WIRE_REPLY);
	cr_assert_geq(m.data_len, strlen(want));
	cr_assert_arr_eq(m.data + m.data_len - strlen(want), want,
	    strlen(want), "%.*s", (int)m.data_len, m.data);
	fake_status(&f);
}

/* A reply never passes its connection's credit; CREDIT sends the rest. */
Test(worker_session, reply_waits_for_credit)
{
	struct fake f;
	struct wire_msg m = { .type = WIRE_CREDIT, .conn = WIRE_CONN_ID(1, 1),
	    .credit = 4 };
	struct wire_msg r;
	struct buf got = BUF_INIT;

	fake_start(&f);
	fake_ready(&f);
	fake_open(&f, WIRE_CONN_ID(1, 1), 5);
	f.in.len = f.in.off = 0;
	{
		struct wire_msg q = { .type = WIRE_REQUEST,
		    .conn = WIRE_CONN_ID(1, 1), .id = 1, .pid = 1,
		    .data = (const uint8_t *)"ping?", .data_len = 5 };

		fake_send(&f, &q);
	}
	r = fake_recv(&f);
	cr_assert_eq(r.conn, WIRE_CONN_ID(1, 1));
	cr_assert_eq(r.flags, WIRE_F_MORE);
	cr_assert_eq(r.data_len, 5);
	cr_assert_eq(buf_append(&got, r.data, r.data_len), 0);
	/* Another connection is served meanwhile. */
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/read?");
	expect_reply(&f, 2, "{\"err\":0,\"msg\":\"ACK\"}\n");
	do {
		fake_send(&f, &m);
		r = fake_recv(&f);
		cr_assert_eq(r.id, 1);
		cr_assert_leq(r.data_len, 4);
		cr_assert_eq(buf_append(&got, r.data, r.data_len), 0);
	} while (r.flags & WIRE_F_MORE);
	cr_assert_eq(buf_unread(&got), 44);
	cr_assert_arr_eq(buf_head(&got),
	    "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n", 44);
	buf_free(&got);
	fake_status(&f);
}

/* More than CONN_INFLIGHT_MAX requests of one connection at once. */
Test(worker_session, too_many_requests_in_flight_is_fatal)
{
	struct fake f;
	uint64_t id;
	int	 st;

	fake_start(&f);
	fake_ready(&f);
	fake_open(&f, WIRE_CONN_ID(1, 2), 1);
	for (id = 1; id <= CONN_INFLIGHT_MAX + 1; id++) {
		struct wire_msg q = { .type = WIRE_REQUEST,
		    .conn = WIRE_CONN_ID(1, 2), .id = id, .pid = 1,
		    .data = (const uint8_t *)"sandbox/read?", .data_len = 13 };

		fake_send(&f, &q);
	}
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
}

Test(worker_session, request_at_the_inflight_limit_is_served)
{
	struct fake f;
	uint64_t id;

	fake_start(&f);
	fake_ready(&f);
	for (id = 1; id <= CONN_INFLIGHT_MAX; id++)
		fake_line(&f, WIRE_REQUEST, id, "sandbox/read?");
	for (id = 1; id <= CONN_INFLIGHT_MAX; id++)
		expect_reply(&f, id, "{\"err\":0,\"msg\":\"ACK\"}\n");
	fake_status(&f);
}

/* A request for a connection never opened: refused, and the worker goes on. */
Test(worker_session, request_for_no_open_connection_is_refused)
{
	struct fake f;
	struct wire_msg q = { .type = WIRE_REQUEST, .conn = WIRE_CONN_ID(1, 5),
	    .id = 1, .uid = 0, .gid = 0, .pid = 1,
	    .data = (const uint8_t *)"reset", .data_len = 5 };
	struct wire_msg r;

	fake_start(&f);
	fake_ready(&f);
	fake_send(&f, &q);
	r = fake_recv(&f);
	cr_assert_eq(r.conn, WIRE_CONN_ID(1, 5));
	cr_assert_eq(r.data_len, 45);
	cr_assert_arr_eq(r.data, "{\"err\":13,\"msg\":\"EACCES: Permission "
	    "denied\"}\n", 45);
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/read?");
	expect_reply(&f, 2, "{\"err\":0,\"msg\":\"ACK\"}\n");
	fake_status(&f);
}

/* The worker dies of this open, its socket with it. */
static void
expect_open_death(uint64_t conn, bool with_socket)
{
	struct fake f;
	int	 st;

	fake_start(&f);
	fake_ready(&f);
	if (with_socket)
		fake_open(&f, conn, 1);
	else {
		struct wire_msg m = { .type = WIRE_CONN_OPEN, .conn = conn,
		    .credit = 1 };

		fake_send(&f, &m);
	}
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
}

Test(worker_session, open_past_max_conn_is_fatal)
{
	expect_open_death(WIRE_CONN_ID(1, FAKE_MAX_CONN), true);
}

Test(worker_session, second_open_of_a_slot_is_fatal)
{
	/* fake_ready opened slot 0 already. */
	expect_open_death(WIRE_CONN_ID(2, 0), true);
}

/* docs/protocol.md 9: no socket, no identity: a lying listener. */
Test(worker_session, open_without_its_socket_is_fatal)
{
	expect_open_death(WIRE_CONN_ID(1, 1), false);
}

Test(worker_session, close_or_credit_of_no_connection_is_fatal)
{
	struct buf b = BUF_INIT;
	struct wire_msg m = { .type = WIRE_CONN_CLOSE,
	    .conn = WIRE_CONN_ID(1, 3) };

	wire_encode(&b, &m);
	expect_death(b.data, b.len, true);
	buf_reset(&b);
	m = (struct wire_msg){ .type = WIRE_CREDIT,
	    .conn = WIRE_CONN_ID(1, 3), .credit = 1 };
	wire_encode(&b, &m);
	expect_death(b.data, b.len, true);
	buf_free(&b);
}

/* A closed connection's slot may open again, under a new generation. */
Test(worker_session, closed_connection_forgets_its_replies)
{
	struct fake f;
	struct wire_msg c = { .type = WIRE_CONN_CLOSE,
	    .conn = WIRE_CONN_ID(1, 1) };

	fake_start(&f);
	fake_ready(&f);
	fake_open(&f, WIRE_CONN_ID(1, 1), 1);
	{
		struct wire_msg q = { .type = WIRE_REQUEST,
		    .conn = WIRE_CONN_ID(1, 1), .id = 1, .pid = 1,
		    .data = (const uint8_t *)"stats", .data_len = 5 };

		fake_send(&f, &q);
	}
	cr_assert_eq(fake_recv(&f).data_len, 1);
	fake_send(&f, &c);
	fake_open(&f, WIRE_CONN_ID(2, 1), 100);
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/read?");
	/* Nothing more of the old stats: the next frame is this reply. */
	expect_reply(&f, 2, "{\"err\":0,\"msg\":\"ACK\"}\n");
	fake_status(&f);
}

/* A profile that locks the policy: LOCKED names the line, exit 0. */
Test(worker_session, profile_lock_on_answers_locked)
{
	struct fake f;
	struct wire_msg m = { .type = WIRE_SETUP_DONE };

	fake_start(&f);
	fake_line(&f, WIRE_SETUP, 1, "sandbox/read:off");
	fake_line(&f, WIRE_SETUP, 2, "lock:on");
	fake_send(&f, &m);
	m = fake_recv(&f);
	cr_assert_eq(m.type, WIRE_LOCKED);
	cr_assert_eq(m.lineno, 2);
	cr_assert_eq(m.source_len, 5);
	cr_assert_arr_eq(m.source, "t.syd", 5);
	cr_assert_eq(fake_status(&f), 0);
}

/* A line after lock:on in a profile is refused: locked means locked. */
Test(worker_session, profile_line_after_lock_on_is_refused)
{
	struct fake f;
	struct wire_msg m;

	fake_start(&f);
	fake_line(&f, WIRE_SETUP, 1, "lock:on");
	fake_line(&f, WIRE_SETUP, 2, "sandbox/read:off");
	m = fake_recv(&f);
	cr_assert_eq(m.type, WIRE_SETUP_ERROR);
	cr_assert_eq(m.lineno, 2);
	cr_assert_eq(m.err, EPERM);
	cr_assert_eq(fake_status(&f), 256);
}

/* The journal's text with each record's time masked as T. */
static char *
journal_text(int fd)
{
	static char	 s[4096];
	char		*t;
	ssize_t		 n = pread(fd, s, sizeof(s) - 1, 0);

	cr_assert_geq(n, 0);
	s[n] = '\0';
	for (t = s; (t = strchr(t, '#')) != NULL; t++) {
		t += t[1] == '!' ? 3 : 2;
		cr_assert_eq(t[4], '-', "a time at %s", t);
		cr_assert_eq(t[19], 'Z', "a time at %s", t);
		memmove(t + 1, t + 20, strlen(t + 20) + 1);
		t[0] = 'T';
	}
	return s;
}

static int
tmp_journal(void)
{
	char	 path[] = "/tmp/privconf-ws.XXXXXX";
	int	 fd = mkstemp(path);

	cr_assert_neq(fd, -1);
	unlink(path);
	cr_assert_neq(fcntl(fd, F_SETFL, O_APPEND), -1);
	return fd;
}

/*
 * A change and a refusal are journaled, a query is not; and the record of
 * a change is in the file before its reply leaves the worker.
 */
Test(worker_session, changes_and_refusals_are_journaled_before_the_reply)
{
	struct fake f;
	int	 jfd = tmp_journal();

	fake_start_journal(&f, jfd, 0);
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 1, "sandbox/read:off");
	expect_reply(&f, 1, "{\"err\":0,\"msg\":\"ACK\"}\n");
	cr_assert_str_eq(journal_text(jfd),
	    "# T uid=0 gid=0 pid=1\nsandbox/read:off\n");
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/bogus:on");
	fake_line(&f, WIRE_REQUEST, 3, "sandbox/read?");
	fake_line(&f, WIRE_REQUEST, 4, "stat");
	expect_reply(&f, 2, "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	expect_reply(&f, 3, "{\"err\":2,\"msg\":\"ENOENT: No such file or directory\"}\n");
	cr_assert_eq(fake_recv(&f).id, 4);
	cr_assert_str_eq(journal_text(jfd),
	    "# T uid=0 gid=0 pid=1\nsandbox/read:off\n"
	    "#! T uid=0 gid=0 pid=1 err=EINVAL sandbox/bogus:on\n");
	cr_assert_eq(fake_status(&f), 256);
	close(jfd);
}

/*
 * A journal that cannot grow: the change is answered ENOSPC and undone,
 * the file holds no part of it, and the worker goes on serving.
 */
Test(worker_session, a_full_journal_refuses_and_undoes_the_change)
{
	struct fake f;
	int	 jfd = tmp_journal();

	fake_start_journal(&f, jfd, 40);
	fake_ready(&f);
	fake_line(&f, WIRE_REQUEST, 1, "sandbox/read:off");
	expect_reply(&f, 1,
	    "{\"err\":28,\"msg\":\"ENOSPC: No space left on device\"}\n");
	fake_line(&f, WIRE_REQUEST, 2, "sandbox/read?");
	expect_reply(&f, 2, "{\"err\":0,\"msg\":\"ACK\"}\n");
	cr_assert_str_eq(journal_text(jfd), "");
	/*
	 * A refusal whose record does not fit either keeps its own answer:
	 * there is nothing to undo, and the failure is logged.
	 */
	fake_line(&f, WIRE_REQUEST, 3, "lock:x");
	expect_reply(&f, 3, "{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n");
	cr_assert_eq(fake_status(&f), 256);
	close(jfd);
}

/*
 * docs/protocol.md 9: the worker decides each request's level itself,
 * from the socket's peer and the line's credentials, the lower of both.
 * "other" is a uid that is not root: 65534 when the test runs as root
 * (the socket is then made by a child that became it), else the test's.
 */
static uint32_t
other_uid(void)
{
	return getuid() == 0 ? 65534 : (uint32_t)getuid();
}

/* A socket whose peer is other_uid(): made by a process running as it. */
static int
socket_of_other(void)
{
	char	 byte = 0;
	int	 via[2], st, fd;
	pid_t	 pid;

	if (getuid() != 0)
		return own_socket();
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, via), 0);
	if ((pid = fork()) == 0) {
		int	 sv[2];

		if (setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1 ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			_exit(1);
		_exit(fdpass_send(via[1], &byte, 1, sv[0], 0) == 1 ? 0 : 1);
	}
	cr_assert_neq(pid, -1);
	cr_assert_eq(fdpass_recv(via[0], &byte, 1, &fd), 1);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_geq(fd, 0);
	close(via[0]);
	close(via[1]);
	return fd;
}

static void
fake_line_as(struct fake *f, uint64_t id, uint32_t uid, const char *line)
{
	struct wire_msg m = { .type = WIRE_REQUEST, .conn = FAKE_CONN,
	    .id = id, .uid = uid, .gid = uid, .pid = 1,
	    .data = (const uint8_t *)line, .data_len = strlen(line) };

	fake_send(f, &m);
}

#define R_ACK		"{\"err\":0,\"msg\":\"ACK\"}\n"
#define R_EACCES	"{\"err\":13,\"msg\":\"EACCES: Permission denied\"}\n"
#define R_EINVAL	"{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n"

/* Admin: root only; read: other, whose socket this connection is. */
static void
fake_start_read_level(struct fake *f, struct access *acc, uint32_t *u)
{
	*u = other_uid();
	*acc = (struct access){
		.admin = { .on = true, .uids = { NULL, 0 } },
		.read = { .on = true, .uids = { u, 1 } },
	};
	fake_start_access(f, acc, -1, 0);
	fake_send(f, &(struct wire_msg){ .type = WIRE_SETUP_DONE });
	cr_assert_eq(fake_recv(f).type, WIRE_READY);
	fake_send(f, &(struct wire_msg){ .type = WIRE_HELLO, .uid = 65534,
	    .gid = 65534, .landlock = 7, .seccomp = WIRE_SECCOMP_KILL });
	fake_open_sock(f, FAKE_CONN, CONN_OUTQ_MAX, socket_of_other());
}

/* The read level queries; a change is parsed, then refused EACCES. */
Test(worker_session, the_read_level_may_only_ask)
{
	struct access	 acc;
	struct fake	 f;
	uint32_t	 u;

	fake_start_read_level(&f, &acc, &u);
	fake_line_as(&f, 1, u, "sandbox/read?");
	fake_line_as(&f, 2, u, "sandbox/read:off");
	fake_line_as(&f, 3, u, "sandbox/bogus:off");
	fake_line_as(&f, 4, u, "sandbox/read?");
	fake_line_as(&f, 5, u, "check/read:/etc/passwd");
	expect_reply(&f, 1, R_ACK);
	expect_reply(&f, 2, R_EACCES);
	expect_reply(&f, 3, R_EINVAL);
	expect_reply(&f, 4, R_ACK);
	cr_assert_eq(fake_recv(&f).id, 5);
	fake_status(&f);
}

/*
 * A listener that claims root for a line of a read-level connection:
 * queries and changes alike are refused, and the worker goes on.
 */
Test(worker_session, a_line_claiming_more_than_its_socket_is_refused)
{
	struct access	 acc;
	struct fake	 f;
	uint32_t	 u;

	fake_start_read_level(&f, &acc, &u);
	fake_line_as(&f, 1, 0, "sandbox/read:off");
	fake_line_as(&f, 2, 0, "sandbox/read?");
	fake_line_as(&f, 3, u, "sandbox/read?");
	expect_reply(&f, 1, R_EACCES);
	expect_reply(&f, 2, R_EACCES);
	expect_reply(&f, 3, R_ACK);
	fake_status(&f);
}

/* A socket whose peer has no level: nothing it sends runs. */
Test(worker_session, a_socket_with_no_level_runs_nothing)
{
	struct access	 acc = { .admin = { .on = true } };
	struct fake	 f;

	fake_start_access(&f, &acc, -1, 0);
	fake_send(&f, &(struct wire_msg){ .type = WIRE_SETUP_DONE });
	cr_assert_eq(fake_recv(&f).type, WIRE_READY);
	fake_send(&f, &(struct wire_msg){ .type = WIRE_HELLO });
	fake_open_sock(&f, FAKE_CONN, CONN_OUTQ_MAX, socket_of_other());
	fake_line_as(&f, 1, other_uid(), "sandbox/read?");
	fake_line_as(&f, 2, 0, "sandbox/read?");
	expect_reply(&f, 1, R_EACCES);
	expect_reply(&f, 2, R_EACCES);
	fake_status(&f);
}

/*
 * session_input(), what session_serve() runs on every read and what
 * fuzz_worker drives: frames cut anywhere wait for their rest, one call
 * is one batch (its replies written when it ends), and the session says
 * when it is over (lock:on).  The worker's frames go to a pipe here.
 */
Test(worker_session, session_input_takes_frames_cut_anywhere)
{
	struct buf	 in = BUF_INIT, out = BUF_INIT;
	struct wire_msg	 m;
	struct policy	*p;
	struct session	*s;
	const char	*why;
	uint8_t		 b[4096];
	ssize_t		 n, r;
	size_t		 i;
	int		 pv[2], sock;
	static const char *const lines[] = { "stat", "sandbox/read?",
	    "lock:on" };

	cr_assert_eq(pipe(pv), 0);
	cr_assert_eq(fcntl(pv[0], F_SETFL, O_NONBLOCK), 0);
	cr_assert_not_null(p = policy_new());
	s = session_new(pv[1], p, &(struct session_cfg){ FAKE_MAX_CONN, -1,
	    CONTRACT_SYNC_BATCH, NULL, &fake_anyone });
	m = (struct wire_msg){ .type = WIRE_SETUP_DONE };
	cr_assert_eq(wire_encode(&in, &m), 0);
	m = (struct wire_msg){ .type = WIRE_HELLO, .uid = 1, .gid = 1 };
	cr_assert_eq(wire_encode(&in, &m), 0);
	m = (struct wire_msg){ .type = WIRE_CONN_OPEN, .conn = FAKE_CONN,
	    .credit = 65536 };
	cr_assert_eq(wire_encode(&in, &m), 0);
	for (i = 0; i < 2; i++) {
		m = (struct wire_msg){ .type = WIRE_REQUEST, .conn = FAKE_CONN,
		    .id = i + 1, .pid = 1, .data = (const uint8_t *)lines[i],
		    .data_len = strlen(lines[i]) };
		cr_assert_eq(wire_encode(&in, &m), 0);
	}
	/*
	 * One byte at a time, CONN_OPEN's socket with the first: nothing is
	 * answered before its frame is whole.
	 */
	sock = own_socket();
	for (i = 0; i < in.len; i++)
		cr_assert(session_input(s, in.data + i, 1, &sock, i == 0));
	while ((n = read(pv[0], b, sizeof(b))) > 0)
		cr_assert_eq(buf_append(&out, b, (size_t)n), 0);
	r = wire_decode(out.data, out.len, &m, &why);
	cr_assert_gt(r, 0);
	cr_assert_eq(m.type, WIRE_READY);
	buf_consume(&out, (size_t)r);
	for (i = 1; i <= 2; i++) {
		r = wire_decode(buf_head(&out), buf_unread(&out), &m, &why);
		cr_assert_gt(r, 0, "reply %zu: %s", i, why ? why : "short");
		cr_assert_eq(m.type, WIRE_REPLY);
		cr_assert_eq(m.id, i);
		cr_assert_eq(m.flags, 0);
		buf_consume(&out, (size_t)r);
	}
	cr_assert_eq(buf_unread(&out), 0);
	/* lock:on: the FATAL reply, and the session is over. */
	buf_reset(&in);
	m = (struct wire_msg){ .type = WIRE_REQUEST, .conn = FAKE_CONN,
	    .id = 3, .pid = 1, .data = (const uint8_t *)lines[2],
	    .data_len = strlen(lines[2]) };
	cr_assert_eq(wire_encode(&in, &m), 0);
	cr_assert_not(session_input(s, in.data, in.len, NULL, 0));
	buf_reset(&out);
	while ((n = read(pv[0], b, sizeof(b))) > 0)
		cr_assert_eq(buf_append(&out, b, (size_t)n), 0);
	r = wire_decode(out.data, out.len, &m, &why);
	cr_assert_eq(r, (ssize_t)out.len);
	cr_assert_eq(m.flags, WIRE_F_FATAL);
	cr_assert_eq(m.id, 3);
	cr_assert_eq(session_free(s), 0);
	policy_free(p);
	buf_free(&in);
	buf_free(&out);
	close(pv[0]);
	close(pv[1]);
}

/*
 * docs/design.md 3: the listener sends several sockets in one message
 * (up to WIRE_FDS_PER_MSG), each with or before its CONN_OPEN; every
 * connection then answers from its own socket's identity.
 */
Test(worker_session, several_sockets_in_one_message_open_each_connection)
{
	enum { N = FAKE_MAX_CONN - 1 };
	struct fake	 f;
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m, r;
	int		 socks[N];
	size_t		 k;
	ssize_t		 w;

	fake_start(&f);
	fake_ready(&f);
	for (k = 0; k < N; k++) {
		socks[k] = own_socket();
		m = (struct wire_msg){ .type = WIRE_CONN_OPEN,
		    .conn = WIRE_CONN_ID(1, k + 1), .credit = 4096 };
		cr_assert_eq(wire_encode(&b, &m), 0);
	}
	w = fdpass_sendv(f.fd, b.data, b.len, socks, N, MSG_NOSIGNAL);
	cr_assert_eq(w, (ssize_t)b.len, "sendmsg: %s", strerror(errno));
	for (k = 0; k < N; k++) {
		close(socks[k]);
		m = (struct wire_msg){ .type = WIRE_REQUEST,
		    .conn = WIRE_CONN_ID(1, k + 1), .id = k + 1, .uid = 0,
		    .gid = 0, .pid = 1, .data = (const uint8_t *)"ping",
		    .data_len = 4 };
		fake_send(&f, &m);
		r = fake_recv(&f);
		cr_assert_eq(r.type, WIRE_REPLY);
		cr_assert_eq(r.conn, WIRE_CONN_ID(1, k + 1));
		cr_assert_eq(r.id, k + 1);
	}
	buf_free(&b);
	cr_assert_eq(fake_status(&f), 256, "EOF after requests is exit 1");
}

/* More sockets in one message than a listener sends: a lying listener. */
Test(worker_session, more_sockets_in_one_message_than_allowed_is_fatal)
{
	enum { N = WIRE_FDS_PER_MSG + 1 };
	union {
		struct cmsghdr	 hdr;
		char		 space[CMSG_SPACE(N * sizeof(int))];
	} ctl;
	struct fake	 f;
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m = { .type = WIRE_CONN_OPEN,
	    .conn = WIRE_CONN_ID(1, 1), .credit = 1 };
	struct iovec	 iov;
	struct msghdr	 msg;
	struct cmsghdr	*cm;
	int		 socks[N], st;
	size_t		 k;

	fake_start(&f);
	fake_ready(&f);
	cr_assert_eq(wire_encode(&b, &m), 0);
	for (k = 0; k < N; k++)
		socks[k] = own_socket();
	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	iov = (struct iovec){ b.data, b.len };
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(N * sizeof(int));
	memcpy(CMSG_DATA(cm), socks, N * sizeof(int));
	cr_assert(sendmsg(f.fd, &msg, MSG_NOSIGNAL) == (ssize_t)b.len ||
	    errno == EPIPE);
	for (k = 0; k < N; k++)
		close(socks[k]);
	buf_free(&b);
	/* Dead before it answers anything more: EOF, not a reply. */
	fake_line(&f, WIRE_REQUEST, 1, "ping");
	{
		struct pollfd	 pfd = { f.fd, POLLIN, 0 };
		char		 c;
		ssize_t		 n;

		cr_assert_eq(poll(&pfd, 1, 20000), 1, "worker is silent");
		/* Gone with the request unread: EOF or a reset. */
		n = read(f.fd, &c, 1);
		cr_assert(n == 0 || (n == -1 && errno == ECONNRESET),
		    "the worker answered (%zd)", n);
	}
	st = fake_status(&f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
}
