/*
 * privconfctl: a small client for privconf's IPC socket.
 *
 *   privconfctl [-s address] command ...
 *	send the words joined by spaces as one line, print the reply;
 *	exit 0 for a success ({"err":0,...}, stat, stats, version, or no
 *	reply to lock:on, quit, exit), 1 for an error reply or a failure.
 *	Exit statuses stay 0/1: errno values would collide with them.
 *   privconfctl [-s address]
 *	interactive: send "prompt i", then every line of stdin as it comes,
 *	and print the replies as they come; exit 0 unless I/O fails.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/ipcaddr.h"

#define CTL_VERSION	"0.1"

static void __attribute__((noreturn))
ctl_usage(FILE *fp, int status)
{
	fputs("usage: privconfctl [-hV] [-s address] [command ...]\n", fp);
	exit(status);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
ctl_fail(const char *fmt, ...)
{
	va_list	 ap;

	fputs("privconfctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int
ctl_connect(const char *addr)
{
	struct sockaddr_un sun;
	socklen_t	 len;
	int		 fd;

	if (ipcaddr_sockaddr(addr, &sun, &len) == -1)
		ctl_fail("%s: %s", addr, strerror(errno));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		ctl_fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, len) == -1)
		ctl_fail("connect %s: %s", addr, strerror(errno));
	return fd;
}

static void
ctl_write(int fd, const void *p, size_t n, const char *what)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			ctl_fail("%s: %s", what, strerror(errno));
		c += w;
		n -= (size_t)w;
	}
}

/* 0 for a reply that means success (see the top of this file). */
static int
ctl_status(const struct buf *reply, const char *line)
{
	static const char ok[] = "{\"err\":0,";
	static const char err[] = "{\"err\":";
	static const char unknown[] = "Unknown prompt mode!\n";
	size_t		 n = buf_unread(reply);
	const uint8_t	*p = buf_head(reply);

	if (n == 0)
		return strcmp(line, "lock:on") == 0 ||
		    strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0 ?
		    0 : 1;
	if (n >= sizeof(ok) - 1 && memcmp(p, ok, sizeof(ok) - 1) == 0)
		return 0;
	if (n >= sizeof(err) - 1 && memcmp(p, err, sizeof(err) - 1) == 0)
		return 1;
	if (n == sizeof(unknown) - 1 && memcmp(p, unknown, n) == 0)
		return 1;
	return 0;	/* stat, stats, version */
}

static int
ctl_once(int fd, int argc, char *argv[])
{
	struct buf	 line = BUF_INIT, reply = BUF_INIT;
	uint8_t		 chunk[IPC_LINE_MAX];
	ssize_t		 n;
	int		 i, status;

	for (i = 0; i < argc; i++)
		if (buf_appendstr(&line, argv[i]) == -1 ||
		    (i + 1 < argc && buf_appendstr(&line, " ") == -1))
			ctl_fail("out of memory");
	if (buf_append(&line, "\n", 1) == -1)
		ctl_fail("out of memory");
	ctl_write(fd, buf_head(&line), buf_unread(&line), "send");
	/* Half-close: every reply still comes, then EOF, in every mode. */
	if (shutdown(fd, SHUT_WR) == -1)
		ctl_fail("shutdown: %s", strerror(errno));
	for (;;) {
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			ctl_fail("recv: %s", strerror(errno));
		if (n == 0)
			break;
		if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n ||
		    buf_append(&reply, chunk, (size_t)n) == -1)
			ctl_fail("write: %s", strerror(errno));
	}
	/* stat has no newline; a terminal gets one, a pipe the exact bytes. */
	if (buf_unread(&reply) > 0 && isatty(STDOUT_FILENO) &&
	    buf_head(&reply)[buf_unread(&reply) - 1] != '\n')
		putchar('\n');
	if (fflush(stdout) == EOF)
		ctl_fail("stdout: %s", strerror(errno));
	line.len--;	/* the newline */
	if (buf_append(&line, "", 1) == -1)
		ctl_fail("out of memory");
	status = ctl_status(&reply, (const char *)buf_head(&line));
	buf_free(&line);
	buf_free(&reply);
	return status;
}

static int
ctl_interactive(int fd)
{
	static const char mode[] = "prompt i\n";
	uint8_t		 chunk[IPC_LINE_MAX];
	struct pollfd	 pfd[2];
	ssize_t		 n;
	bool		 in_open = true;

	ctl_write(fd, mode, sizeof(mode) - 1, "send");
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = STDIN_FILENO;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, in_open ? 2 : 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			ctl_fail("poll: %s", strerror(errno));
		}
		if (pfd[0].revents != 0) {
			n = recv(fd, chunk, sizeof(chunk), 0);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				ctl_fail("recv: %s", strerror(errno));
			if (n == 0)
				return 0;
			if (write(STDOUT_FILENO, chunk, (size_t)n) != n)
				ctl_fail("write: %s", strerror(errno));
		}
		if (in_open && pfd[1].revents != 0) {
			n = read(STDIN_FILENO, chunk, sizeof(chunk));
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				ctl_fail("stdin: %s", strerror(errno));
			if (n == 0) {
				/* The server answers all, then closes. */
				in_open = false;
				if (shutdown(fd, SHUT_WR) == -1)
					ctl_fail("shutdown: %s",
					    strerror(errno));
				continue;
			}
			ctl_write(fd, chunk, (size_t)n, "send");
		}
	}
}

int
main(int argc, char *argv[])
{
	char		 defaddr[IPCADDR_PATH_MAX + 1];
	const char	*addr = NULL;
	int		 c, fd;

	while ((c = getopt(argc, argv, "+hs:V")) != -1) {
		switch (c) {
		case 's':
			addr = optarg;
			break;
		case 'h':
			ctl_usage(stdout, 0);
		case 'V':
			printf("privconfctl %s (IPC %d.%d)\n", CTL_VERSION,
			    IPC_API_MAJOR, IPC_API_MINOR);
			return 0;
		default:
			ctl_usage(stderr, 1);
		}
	}
	argc -= optind;
	argv += optind;
	if (addr == NULL) {
		if (ipcaddr_default(defaddr, sizeof(defaddr), geteuid(),
		    getenv("XDG_RUNTIME_DIR")) == -1)
			ctl_fail("default address too long; use -s");
		addr = defaddr;
	}
	fd = ctl_connect(addr);
	return argc > 0 ? ctl_once(fd, argc, argv) : ctl_interactive(fd);
}
