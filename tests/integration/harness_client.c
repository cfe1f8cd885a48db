/*
 * The client side of the harness: connect to a path or an @abstract name,
 * send, read with deadlines, and clients that run as another user.
 */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "tests/integration/harness.h"

static socklen_t
make_addr(const char *addr, struct sockaddr_un *sun)
{
	size_t	len = strlen(addr);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (addr[0] == '@') {
		/* Abstract: the name's exact length, no NUL padding. */
		if (len > sizeof(sun->sun_path))
			return 0;
		memcpy(sun->sun_path + 1, addr + 1, len - 1);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len);
	}
	if (len >= sizeof(sun->sun_path))
		return 0;
	memcpy(sun->sun_path, addr, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/* A blocking connected socket, or -errno. */
int
h_try_connect(const char *addr)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd, r, e;

	if ((len = make_addr(addr, &sun)) == 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -errno;
	do
		r = connect(fd, (struct sockaddr *)&sun, len);
	while (r == -1 && errno == EINTR);
	if (r == -1) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int
h_connect(const char *addr)
{
	int	fd;

	fd = h_try_connect(addr);
	cr_assert(fd >= 0, "connect %s: %s", addr, strerror(-fd));
	return fd;
}

/* 0, or -errno (EPIPE, ECONNRESET: the server closed first). */
int
h_try_send(int fd, const void *v, size_t len)
{
	const char	*p = v;
	ssize_t		 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
h_send(int fd, const void *v, size_t len)
{
	int	r;

	r = h_try_send(fd, v, len);
	cr_assert(r == 0, "send %zu bytes: %s", len, strerror(-r));
}

void
h_sends(int fd, const char *s)
{
	h_send(fd, s, strlen(s));
}

/* One send per piece bytes: the server may see any split of them. */
void
h_send_slowly(int fd, const void *v, size_t len, size_t piece)
{
	const char	*p = v;
	size_t		 n;

	while (len > 0) {
		n = len < piece ? len : piece;
		h_send(fd, p, n);
		p += n;
		len -= n;
	}
}

void
h_shutwr(int fd)
{
	cr_assert(shutdown(fd, SHUT_WR) == 0, "shutdown: %s", strerror(errno));
}

static int
bytes_add(struct h_bytes *b, size_t *cap, const void *v, size_t n)
{
	char	*p;
	size_t	 nc;

	if (b->len + n + 1 > *cap) {
		nc = *cap ? *cap : 4096;
		while (nc < b->len + n + 1)
			nc *= 2;
		if ((p = realloc(b->p, nc)) == NULL)
			return -1;
		b->p = p;
		*cap = nc;
	}
	memcpy(b->p + b->len, v, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/*
 * Read until the server closes (want == 0) or until want bytes arrived.
 * 0 when that happened, -ETIMEDOUT when the deadline passed first; the
 * bytes read so far stay in b either way.
 */
static int
read_until(int fd, struct h_bytes *b, size_t want, int ms)
{
	long long	 end = h_now_ms() + ms;
	struct pollfd	 pfd;
	char		 tmp[65536];
	size_t		 cap = 0;
	ssize_t		 n;
	int		 left;

	b->p = NULL;
	b->len = 0;
	b->end = H_TIMEOUT;
	if (bytes_add(b, &cap, "", 0) == -1)
		return -ENOMEM;
	for (;;) {
		if (want != 0 && b->len >= want)
			return 0;
		left = (int)(end - h_now_ms());
		if (left <= 0)
			return -ETIMEDOUT;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		/* read(2), not recv(2): the fd may be a pipe. */
		n = read(fd, tmp, want != 0 && want - b->len < sizeof(tmp) ?
		    want - b->len : sizeof(tmp));
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1 && errno == ECONNRESET) {
			b->end = H_RESET;
			return want != 0 ? -ECONNRESET : 0;
		}
		if (n == -1)
			return -errno;
		if (n == 0) {
			b->end = H_EOF;
			return want != 0 ? -EPIPE : 0;
		}
		if (bytes_add(b, &cap, tmp, (size_t)n) == -1)
			return -ENOMEM;
	}
}

int
h_try_read_all(int fd, struct h_bytes *b, int ms)
{
	return read_until(fd, b, 0, ms);
}

void
h_read_all(int fd, struct h_bytes *b)
{
	int	r;

	r = read_until(fd, b, 0, H_IO_MS);
	cr_assert(r == 0, "read until close: %s after %zu bytes \"%s\"",
	    r == -ETIMEDOUT ? "still open after the deadline" : strerror(-r),
	    b->len, h_escape(b->p, b->len, 300));
}

/* 0 when n bytes arrived; -EPIPE, -ECONNRESET, -ETIMEDOUT otherwise. */
int
h_try_read_n(int fd, size_t n, struct h_bytes *b, int ms)
{
	return read_until(fd, b, n, ms);
}

void
h_read_n(int fd, size_t n, struct h_bytes *b)
{
	int	r;

	r = read_until(fd, b, n, H_IO_MS);
	cr_assert(r == 0, "read %zu bytes: %s after %zu bytes \"%s\"", n,
	    r == -ETIMEDOUT ? "deadline passed" :
	    r == -EPIPE ? "connection closed" : strerror(-r),
	    b->len, h_escape(b->p, b->len, 300));
}

/* Exactly these bytes arrive next (the connection may stay open). */
void
h_expect_read_n(int fd, const void *want, size_t wantlen)
{
	struct h_bytes	b;

	h_read_n(fd, wantlen, &b);
	h_assert_bytes(&b, want, wantlen);
	h_bytes_free(&b);
}

void
h_expect_read(int fd, const char *want)
{
	h_expect_read_n(fd, want, strlen(want));
}

/* Exactly these bytes, then the server closes; fd is closed here. */
void
h_expect_closed(int fd, const char *want)
{
	struct h_bytes	b;

	h_read_all(fd, &b);
	h_assert_str(&b, want);
	h_bytes_free(&b);
	close(fd);
}

/* 1 when neither a byte nor the close arrives within ms. */
int
h_quiet(int fd, int ms)
{
	struct pollfd	pfd;
	long long	end = h_now_ms() + ms;
	int		r, left;

	for (;;) {
		left = (int)(end - h_now_ms());
		if (left <= 0)
			return 1;
		pfd.fd = fd;
		pfd.events = POLLIN | POLLRDHUP;
		r = poll(&pfd, 1, left);
		if (r == -1 && errno == EINTR)
			continue;
		return r == 0;
	}
}

void
h_bytes_free(struct h_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

void
h_assert_bytes(const struct h_bytes *b, const void *want, size_t wantlen)
{
	const char	*w = want;
	size_t		 i, from;

	if (b->len == wantlen && memcmp(b->p, want, wantlen) == 0)
		return;
	for (i = 0; i < b->len && i < wantlen && b->p[i] == w[i]; i++)
		;
	from = i > 40 ? i - 40 : 0;
	cr_assert_fail("bytes differ at offset %zu (got %zu bytes, want %zu)\n"
	    "  got:  \"%s\"\n  want: \"%s\"", i, b->len, wantlen,
	    h_escape(b->p + from, b->len - from, 300),
	    h_escape(w + from, wantlen - from, 300));
}

void
h_assert_str(const struct h_bytes *b, const char *want)
{
	h_assert_bytes(b, want, strlen(want));
}

/* Connect, send, read until the server closes; no half-close. */
void
h_request(const char *addr, const void *v, size_t len, struct h_bytes *b)
{
	int	fd;

	fd = h_connect(addr);
	h_send(fd, v, len);
	h_read_all(fd, b);
	close(fd);
}

void
h_expectn(const char *addr, const void *send, size_t sendlen,
    const void *want, size_t wantlen)
{
	struct h_bytes	b;

	h_request(addr, send, sendlen, &b);
	h_assert_bytes(&b, want, wantlen);
	h_bytes_free(&b);
}

void
h_expect(const char *addr, const char *send, const char *want)
{
	h_expectn(addr, send, strlen(send), want, strlen(want));
}

/* The stat reply of a new connection, checked for its frame. */
char *
h_stat(const char *addr)
{
	struct h_bytes	b;

	h_request(addr, "stat\n", 5, &b);
	cr_assert(b.len > strlen(H_STAT_HEAD) &&
	    memcmp(b.p, H_STAT_HEAD, strlen(H_STAT_HEAD)) == 0 &&
	    b.p[b.len - 1] == '}', "stat answered \"%s\"",
	    h_escape(b.p, b.len, 300));
	return b.p;
}

int
h_is_root(void)
{
	return geteuid() == 0;
}

struct as_hdr {
	int	cerr;	/* 0, or the errno of connect */
	int	rerr;	/* 0, or -errno of the read */
	int	end;
	size_t	len;
};


static void
as_child(int out, uid_t uid, gid_t gid, const char *addr, const void *v,
    size_t len)
{
	struct as_hdr	h;
	struct h_bytes	b = { NULL, 0, H_TIMEOUT };
	int		fd;

	memset(&h, 0, sizeof(h));
	if (getuid() != uid || getgid() != gid) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)
			_exit(3);
		/* The drop must be real, or the test proves nothing. */
		if (getuid() != uid || geteuid() != uid || getgid() != gid ||
		    getegid() != gid || (uid != 0 && setuid(0) != -1))
			_exit(4);
	}
	fd = h_try_connect(addr);
	if (fd < 0) {
		h.cerr = -fd;
	} else {
		h_try_send(fd, v, len);
		h.rerr = read_until(fd, &b, 0, H_IO_MS);
		h.end = b.end;
		h.len = b.len;
	}
	if (write_all(out, &h, sizeof(h)) == -1 ||
	    write_all(out, b.p, b.len) == -1)
		_exit(5);
	_exit(0);
}

/*
 * A client in a child process that runs as uid:gid (setgroups, setresgid,
 * setresuid), connects, sends and reads until the server closes.  Returns
 * 0, or -errno when the connect failed.  Changing identity needs root; a
 * test that is not root asks only for its own identity.
 */
int
h_request_as(uid_t uid, gid_t gid, const char *addr, const void *v,
    size_t len, struct h_bytes *b)
{
	struct as_hdr	 h;
	struct h_bytes	 raw;
	pid_t		 pid;
	int		 p[2], st, r;

	cr_assert(h_is_root() || (uid == getuid() && gid == getgid()),
	    "only root can run a client as %d:%d", (int)uid, (int)gid);
	cr_assert(pipe2(p, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		as_child(p[1], uid, gid, addr, v, len);
	}
	close(p[1]);
	r = read_until(p[0], &raw, 0, H_IO_MS + 10000);
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	cr_assert(r == 0, "client as %d:%d did not finish", (int)uid,
	    (int)gid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "client as %d:%d failed (%s; 3 = could not change identity)",
	    (int)uid, (int)gid, h_status_text(st));
	cr_assert(raw.len >= sizeof(h), "client as %d:%d: short report",
	    (int)uid, (int)gid);
	memcpy(&h, raw.p, sizeof(h));
	cr_assert(raw.len == sizeof(h) + h.len, "client report garbled");
	if (h.cerr != 0) {
		h_bytes_free(&raw);
		b->p = NULL;
		b->len = 0;
		b->end = H_EOF;
		return -h.cerr;
	}
	cr_assert(h.rerr == 0, "client as %d:%d: read: %s after \"%s\"",
	    (int)uid, (int)gid, h.rerr == -ETIMEDOUT ?
	    "still open after the deadline" : strerror(-h.rerr),
	    h_escape(raw.p + sizeof(h), h.len, 300));
	b->p = h_alloc(h.len + 1);
	memcpy(b->p, raw.p + sizeof(h), h.len);
	b->p[h.len] = '\0';
	b->len = h.len;
	b->end = (enum h_end)h.end;
	h_bytes_free(&raw);
	return 0;
}

int
h_socket_as(uid_t uid, gid_t gid)
{
	char	 byte = 0;
	int	 via[2], sv[2], st, fd;
	pid_t	 pid;

	cr_assert(h_is_root() || (uid == getuid() && gid == getgid()),
	    "only root can make a socket as %d:%d", (int)uid, (int)gid);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, via), 0);
	if ((pid = fork()) == 0) {
		if ((h_is_root() && (setgroups(0, NULL) == -1 ||
		    setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			_exit(3);
		_exit(fdpass_send(via[1], &byte, 1, sv[0], 0) == 1 ? 0 : 4);
	}
	cr_assert_neq(pid, -1);
	cr_assert_eq(fdpass_recv(via[0], &byte, 1, &fd), 1,
	    "no socket from the child");
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "socket as %d:%d: %s",
	    (int)uid, (int)gid, h_status_text(st));
	cr_assert_geq(fd, 0);
	close(via[0]);
	close(via[1]);
	return fd;
}
