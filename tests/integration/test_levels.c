/*
 * Access levels and identity (docs/protocol.md 9) against the real
 * daemon: admin, read and none, names and lists, members of a group in
 * the group database, the socket file's mode; and a lying listener
 * played toward the real privconf-worker binary, which reads who
 * connected from the socket itself.  Other users need root: as another
 * user these tests skip, as test_auth.c's do.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/fdpass.h"
#include "common/wire.h"
#include "tests/integration/harness.h"

#define NOBODY		65534
#define H_EACCES	"{\"err\":13,\"msg\":\"EACCES: Permission denied\"}\n"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(levels, .fini = teardown, .timeout = 120);

static void
need_root(void)
{
	if (!h_is_root())
		cr_skip_test("needs root: the clients run as other users");
}

/* What uid:gid gets for send (one connection, read to EOF). */
static void
as_expect(uid_t uid, gid_t gid, const char *send, const char *want)
{
	struct h_bytes	 b;

	cr_assert_eq(h_request_as(uid, gid, d.addr, send, strlen(send), &b),
	    0, "%d:%d cannot connect", (int)uid, (int)gid);
	h_assert_str(&b, want);
	h_bytes_free(&b);
}

#define ASK	"prompt i\nsandbox/read?\nsandbox/read:off\n" \
		"sandbox/bogus:off\ncheck/read:/x\nquit\n"

/*
 * admin root and 4242, read nobody: each gets exactly its level's bytes,
 * and the read level's refusal is logged and journaled.
 */
Test(levels, admin_read_and_none)
{
	char	*j, *text;

	need_root();
	h_init(&d, H_ABSTRACT);
	j = h_printf("%s/journal", d.dir);
	h_spawn(&d, "--ipc-uid", "4242", "--read-uid", "nobody", "-j", j,
	    NULL);
	h_ready(&d);
	/* read: queries answered, the change parsed then refused. */
	as_expect(NOBODY, NOBODY, ASK, H_ACK H_EACCES H_EINVAL
	    "{\"err\":0,\"action\":\"deny\",\"rule\":"
	    "\"default/read:deny\"}\n");
	as_expect(NOBODY, NOBODY, "ping\n", H_PONG);
	/* none: AUTH. */
	as_expect(4243, 4243, "sandbox/read?\n",
	    "{\"err\":13,\"msg\":\"AUTH\"}\n");
	/* admin, by number; root always. */
	as_expect(4242, 4242, "prompt i\nsandbox/read:off\nquit\n", H_ACK);
	as_expect(0, 0, "prompt i\nsandbox/read:on\nquit\n", H_ACK);
	cr_assert_eq(h_stop(&d), 0);
	text = h_log(&d);
	cr_assert_not_null(strstr(text, " uid=65534 gid=65534 "),
	    "%s", text);
	cr_assert_not_null(strstr(text, "cmd=\"sandbox/read:off\" "
	    "err=EACCES"), "%s", text);
	{
		FILE	*fp = fopen(j, "r");
		char	 line[512];
		int	 found = 0;

		cr_assert_not_null(fp);
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "#! ", 3) == 0 &&
			    strstr(line, " uid=65534 gid=65534 ") != NULL &&
			    strstr(line, " err=EACCES sandbox/read:off\n"))
				found++;
		fclose(fp);
		cr_assert_eq(found, 1, "the refusal is journaled once");
	}
}

/* Names and comma lists; a gid list alone; any. */
Test(levels, names_lists_and_any)
{
	need_root();
	h_start_abstract(&d, "--ipc-uid", "4242,nobody", "--read-gid",
	    "4300,4301", NULL);
	as_expect(NOBODY, NOBODY, "prompt i\nsandbox/read:off\nquit\n", H_ACK);
	as_expect(4242, 1, "prompt i\nsandbox/read:on\nquit\n", H_ACK);
	as_expect(7, 4301, "prompt i\nsandbox/read:off\nquit\n", H_EACCES);
	as_expect(7, 4302, "sandbox/read?\n",
	    "{\"err\":13,\"msg\":\"AUTH\"}\n");
	cr_assert_eq(h_stop(&d), 0);
	h_done(&d);

	h_start_abstract(&d, "--ipc-uid", "0", "--read-uid", "any", NULL);
	as_expect(4999, 4999, "sandbox/read?\n", H_ACK);
	as_expect(4999, 4999, "sandbox/read:off\n", H_EACCES);
}

/*
 * A member of a group in the group database, with another primary gid,
 * has the group's level: privconfd reads /etc/group at start (here a
 * file of the test's, bound over /etc/group for privconfd only).
 */
Test(levels, members_of_a_group_from_the_group_database)
{
	need_root();
	h_init(&d, H_ABSTRACT);
	d.group_file = h_write_file(&d, "group",
	    "root:x:0:\nprivconf-audit:x:4244:nobody\n"
	    "privconf-admin:x:4245:\n");
	h_spawn(&d, "--ipc-gid", "privconf-admin", "--read-gid",
	    "privconf-audit", NULL);
	h_ready(&d);
	as_expect(NOBODY, NOBODY, "sandbox/read?\n", H_ACK);
	as_expect(NOBODY, NOBODY, "sandbox/read:off\n", H_EACCES);
	as_expect(4243, 4244, "sandbox/read?\n", H_ACK);
	as_expect(4243, 4245, "sandbox/read:off\n", H_ACK);
	as_expect(4243, 4243, "sandbox/read?\n",
	    "{\"err\":13,\"msg\":\"AUTH\"}\n");
	{
		struct h_bytes	 b;

		h_request(d.addr, "stats\n", 6, &b);
		cr_assert_not_null(strstr(b.p, "\naccess/admin: uid=any "
		    "gid=4245\naccess/read: uid=any gid=4244 members=65534\n"),
		    "%s", b.p);
		h_bytes_free(&b);
	}
}

/* A name that does not exist stops the start, naming the option. */
Test(levels, an_unknown_name_stops_the_start)
{
	h_init(&d, H_ABSTRACT);
	h_spawn(&d, "--read-uid", "privconf-no-such-user", NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: op=start why=\"--read-uid: "
	    "privconf-no-such-user: no such user\"");
	h_done(&d);
	h_init(&d, H_ABSTRACT);
	h_spawn(&d, "--ipc-gid", "privconf-no-such-group", NULL);
	h_assert_exit(&d, 1);
	h_assert_log_line(&d, "privconfd: op=start why=\"--ipc-gid: "
	    "privconf-no-such-group: no such group\"");
}

static void
sock_is(uid_t uid, gid_t gid, mode_t mode)
{
	struct stat	 st;

	cr_assert_eq(lstat(d.path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, mode, "mode %04o, want %04o",
	    (unsigned)(st.st_mode & 07777), (unsigned)mode);
	cr_assert_eq(st.st_uid, uid, "owner %d, want %d", (int)st.st_uid,
	    (int)uid);
	cr_assert_eq(st.st_gid, gid, "group %d, want %d", (int)st.st_gid,
	    (int)gid);
}

/* The narrowest owner, group and mode that let every level in. */
Test(levels, the_socket_file_lets_every_level_in_and_no_more)
{
	need_root();
	h_start(&d, "--ipc-uid", "nobody", NULL);
	sock_is(NOBODY, 0, 0600);
	h_stop(&d);
	h_done(&d);
	h_start(&d, "--ipc-uid", "nobody", "--read-gid", "4300", NULL);
	sock_is(NOBODY, 4300, 0660);
	h_stop(&d);
	h_done(&d);
	h_start(&d, "--ipc-uid", "nobody", "--read-uid", "4242", NULL);
	sock_is(0, 0, 0666);
	h_stop(&d);
}

/* ---- A lying listener toward the real worker binary. ---- */

struct fake {
	pid_t	 pid;
	int	 fd;
	int	 err;		/* the worker's stderr */
	char	 root[64];
	struct buf in;
};

/* Admin: root only; read: the "other" uid, whose sockets the tests make. */
static uid_t
other(void)
{
	return h_is_root() ? NOBODY : getuid();
}

static void
fake_start(struct fake *f)
{
	char	*exe = h_printf("%s/privconf-worker", h_build_dir());
	char	*readuid = h_printf("%u", (unsigned)other());
	int	 sv[2], ep[2], null;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	cr_assert_eq(pipe2(ep, O_CLOEXEC), 0);
	memset(f, 0, sizeof(*f));
	if (h_is_root()) {
		strcpy(f->root, "/tmp/privconf-root.XXXXXX");
		cr_assert_not_null(mkdtemp(f->root));
		cr_assert_eq(chmod(f->root, 0755), 0);
	}
	f->pid = fork();
	cr_assert_neq(f->pid, -1);
	if (f->pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		dup2(ep[1], 2);
		dup2(sv[1], 3);
		if (f->root[0] != '\0')
			execl(exe, exe, "--ipc-addr", "@t", "--ipc-uid", "0",
			    "--ipc-gid", "none", "--read-uid", readuid,
			    "--run-uid", "65534", "--run-gid", "65534",
			    "--chroot", f->root, (char *)NULL);
		else
			execl(exe, exe, "--ipc-addr", "@t", "--ipc-uid", "0",
			    "--ipc-gid", "none", "--read-uid", readuid,
			    (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	f->fd = sv[0];
	f->err = ep[0];
	f->in = (struct buf)BUF_INIT;
}

static void
fake_msg(struct fake *f, const struct wire_msg *m, int sock)
{
	struct buf	 b = BUF_INIT;

	cr_assert_eq(wire_encode(&b, m), 0);
	cr_assert_eq(fdpass_send(f->fd, b.data, b.len, sock, MSG_NOSIGNAL),
	    (ssize_t)b.len);
	buf_free(&b);
}

static struct wire_msg
fake_recv(struct fake *f)
{
	struct wire_msg	 m;
	const char	*why;
	struct pollfd	 pfd = { f->fd, POLLIN, 0 };
	ssize_t		 n;

	for (;;) {
		n = wire_decode(buf_head(&f->in), buf_unread(&f->in), &m, &why);
		cr_assert_geq(n, 0, "bad frame from the worker: %s", why);
		if (n > 0) {
			f->in.off += (size_t)n;
			return m;
		}
		cr_assert_eq(poll(&pfd, 1, H_IO_MS), 1, "the worker is silent");
		cr_assert_eq(buf_reserve(&f->in, 65536), 0);
		n = read(f->fd, f->in.data + f->in.len, f->in.cap - f->in.len);
		cr_assert_gt(n, 0, "the worker closed its link");
		f->in.len += (size_t)n;
	}
}

static void
fake_request(struct fake *f, uint64_t conn, uint64_t id, uint32_t uid,
    const char *line)
{
	struct wire_msg	 m = { .type = WIRE_REQUEST, .conn = conn, .id = id,
	    .uid = uid, .gid = uid, .pid = 77, .data = (const uint8_t *)line,
	    .data_len = strlen(line) };

	fake_msg(f, &m, -1);
}

/*
 * The replies to requests 1..n, whole and in any order across
 * connections (a request for no open connection is answered at once,
 * outside any connection's order).
 */
static void
fake_replies(struct fake *f, const char *const *want, size_t n)
{
	struct wire_msg	 m;
	bool		 seen[16] = { false };
	size_t		 i;

	cr_assert_leq(n, 16);
	for (i = 0; i < n; i++) {
		m = fake_recv(f);
		cr_assert_eq(m.type, WIRE_REPLY);
		cr_assert(m.id >= 1 && m.id <= n && !seen[m.id - 1],
		    "reply id %llu", (unsigned long long)m.id);
		seen[m.id - 1] = true;
		cr_assert_eq(m.data_len, strlen(want[m.id - 1]),
		    "reply %llu: %.*s", (unsigned long long)m.id,
		    (int)m.data_len, m.data);
		cr_assert_arr_eq(m.data, want[m.id - 1], m.data_len);
	}
}

/* SETUP_DONE, READY, HELLO: the REQUEST phase. */
static void
fake_to_requests(struct fake *f)
{
	fake_msg(f, &(struct wire_msg){ .type = WIRE_SETUP_DONE }, -1);
	cr_assert_eq(fake_recv(f).type, WIRE_READY);
	fake_msg(f, &(struct wire_msg){ .type = WIRE_HELLO, .uid = NOBODY,
	    .gid = NOBODY, .landlock = 7, .seccomp = WIRE_SECCOMP_KILL }, -1);
}

/* Close the link; the worker ends (exit 1 at EOF); its stderr. */
static char *
fake_end(struct fake *f)
{
	struct buf	 b = BUF_INIT;
	ssize_t		 n;
	int		 st;

	close(f->fd);
	cr_assert_eq(waitpid(f->pid, &st, 0), f->pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "worker: %s",
	    h_status_text(st));
	for (;;) {
		cr_assert_eq(buf_reserve(&b, 4096), 0);
		if ((n = read(f->err, b.data + b.len, b.cap - b.len)) <= 0)
			break;
		b.len += (size_t)n;
	}
	cr_assert_eq(buf_append(&b, "", 1), 0);
	close(f->err);
	if (f->root[0] != '\0')
		rmdir(f->root);
	buf_free(&f->in);
	return (char *)b.data;
}

/*
 * A connection whose socket was made by "other" (read level), then lines
 * that claim root for it: refused and logged with both identities; the
 * same lines under other's own uid get the read level; an unknown and a
 * closed connection get EACCES; the worker goes on serving throughout.
 */
Test(levels, a_lying_listener_gains_nothing)
{
	struct fake	 f;
	uint64_t	 c1 = WIRE_CONN_ID(1, 0), c2 = WIRE_CONN_ID(1, 1);
	char		*log, *want;
	int		 sock;

	fake_start(&f);
	fake_to_requests(&f);
	sock = h_socket_as(other(), h_is_root() ? NOBODY : getgid());
	fake_msg(&f, &(struct wire_msg){ .type = WIRE_CONN_OPEN, .conn = c1,
	    .credit = 65536 }, sock);
	close(sock);
	fake_request(&f, c1, 1, 0, "sandbox/read:off");
	fake_request(&f, c1, 2, 0, "stat");
	fake_request(&f, c1, 3, (uint32_t)other(), "sandbox/read:off");
	fake_request(&f, c1, 4, (uint32_t)other(), "sandbox/read?");
	fake_request(&f, c2, 5, 0, "sandbox/read:off");
	fake_replies(&f, (const char *const[]){ H_EACCES, H_EACCES, H_EACCES,
	    H_ACK, H_EACCES }, 5);
	fake_msg(&f, &(struct wire_msg){ .type = WIRE_CONN_CLOSE, .conn = c1 },
	    -1);
	fake_request(&f, c1, 6, (uint32_t)other(), "sandbox/read?");
	{
		struct wire_msg	 m = fake_recv(&f);

		cr_assert_eq(m.id, 6);
		cr_assert_eq(m.data_len, strlen(H_EACCES));
	}
	log = fake_end(&f);
	want = h_printf("privconf[worker]: op=request conn=%llu id=1 uid=0 "
	    "gid=0 pid=77 level=admin peer_uid=%u peer_gid=%u peer_pid=",
	    (unsigned long long)c1, (unsigned)other(),
	    (unsigned)(h_is_root() ? NOBODY : getgid()));
	cr_assert_not_null(strstr(log, want), "%s", log);
	cr_assert_not_null(strstr(log, " peer_level=read why=\"credentials "
	    "above the connection's\" err=EACCES\n"), "%s", log);
	cr_assert_null(strstr(log, "id=3 uid="), "a read-level refusal is "
	    "no lie: %s", log);
	free(log);
}

/* CONN_OPEN without its socket: the worker fails closed. */
Test(levels, an_open_without_its_socket_ends_the_worker)
{
	struct fake	 f;
	char		*log;
	int		 st;

	fake_start(&f);
	fake_to_requests(&f);
	fake_msg(&f, &(struct wire_msg){ .type = WIRE_CONN_OPEN,
	    .conn = WIRE_CONN_ID(1, 0), .credit = 1 }, -1);
	cr_assert_eq(waitpid(f.pid, &st, 0), f.pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	f.pid = -1;
	close(f.fd);
	{
		char	 buf[4096];
		ssize_t	 n = read(f.err, buf, sizeof(buf) - 1);

		cr_assert_gt(n, 0);
		buf[n] = '\0';
		log = strstr(buf, "CONN_OPEN without its socket");
		cr_assert_not_null(log, "%s", buf);
	}
	close(f.err);
	if (f.root[0] != '\0')
		rmdir(f.root);
}
