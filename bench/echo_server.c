/*
 * echo_server: the least a line server on a UNIX socket can do, one epoll
 * loop that sends every complete line back as it is.  bench/run.sh puts
 * privconf against it: one hop, no parsing, no second process, so its
 * rate is the limit of the machine, not of a design.
 *
 *	echo_server -s path [-t seconds]
 *
 * A connection's bytes after its last "\n" wait for the rest of their
 * line; on EOF the connection is closed once its lines are echoed (so a
 * one-shot client half-closes and reads to EOF).  A client that does not
 * read its echoes is not read either.  The server exits after -t seconds
 * (default 3600) or on SIGTERM/SIGINT, and removes its socket.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ES_BUF		(16 * 1024)	/* each connection's in and out */
#define ES_EVENTS	256
#define ES_BACKLOG	4096

struct econn {
	struct econn	*next;		/* on the free list */
	int		 fd;
	bool		 eof;		/* the client half-closed */
	bool		 pollout;
	size_t		 inlen;		/* a line not complete yet */
	size_t		 outoff, outlen;
	char		 in[ES_BUF];
	char		 out[ES_BUF];
};

static volatile sig_atomic_t stop;
static int	 ep;
/*
 * Closed connections are kept for the next ones: freeing them would hand
 * the heap's top back to the kernel and fault it in again each time, a
 * cost no real server pays per connection.
 */
static struct econn *spare;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "echo_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
econn_close(struct econn *c)
{
	close(c->fd);
	c->next = spare;
	spare = c;
}

static void
econn_arm(struct econn *c, bool out)
{
	struct epoll_event ev = { .data.ptr = c };

	if (out == c->pollout)
		return;
	ev.events = out ? EPOLLOUT : EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		die("epoll_ctl");
	c->pollout = out;
}

/* Send what is queued.  Returns -1 when c is gone. */
static int
econn_flush(struct econn *c)
{
	ssize_t	 n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Stop reading until the client takes its echoes. */
			econn_arm(c, true);
			return 0;
		}
		if (n == -1) {
			econn_close(c);
			return -1;
		}
		c->outoff += (size_t)n;
	}
	c->outoff = c->outlen = 0;
	if (c->eof) {
		econn_close(c);
		return -1;
	}
	econn_arm(c, false);
	return 0;
}

/* Read once, move the complete lines to out, and send them. */
static void
econn_read(struct econn *c)
{
	ssize_t	 n;
	char	*nl;
	size_t	 whole;

	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return;
	if (n <= 0) {
		if (n == -1) {
			econn_close(c);
			return;
		}
		c->eof = true;
		econn_flush(c);
		return;
	}
	c->inlen += (size_t)n;
	if ((nl = memrchr(c->in, '\n', c->inlen)) == NULL) {
		/* A line longer than the buffer: echo what there is. */
		if (c->inlen < sizeof(c->in))
			return;
		nl = c->in + c->inlen - 1;
	}
	whole = (size_t)(nl - c->in) + 1;
	/* out is empty here: reading stops while it is not. */
	memcpy(c->out, c->in, whole);
	c->outlen = whole;
	memmove(c->in, c->in + whole, c->inlen - whole);
	c->inlen -= whole;
	econn_flush(c);
}

static void
accept_all(int lfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct econn	*c;
	int		 fd;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fprintf(stderr, "echo_server: accept: %s\n",
				    strerror(errno));
			return;
		}
		if ((c = spare) != NULL)
			spare = c->next;
		else if ((c = malloc(sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->eof = c->pollout = false;
		c->inlen = c->outoff = c->outlen = 0;
		ev.data.ptr = c;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			econn_close(c);
	}
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[ES_EVENTS], ev = { .events = EPOLLIN };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rlimit	 rl;
	struct econn	*c;
	const char	*path = NULL;
	time_t		 end;
	long		 secs = 3600;
	int		 lfd, ch, i, n;

	while ((ch = getopt(argc, argv, "s:t:")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 't':
			secs = strtol(optarg, NULL, 10);
			break;
		default:
			path = NULL;
			optind = argc + 1;
		}
	}
	if (path == NULL || optind != argc || secs < 1 ||
	    strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: echo_server -s path [-t seconds]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	memcpy(sa.sun_path, path, strlen(path));
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd == -1)
		die("socket");
	(void)unlink(path);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		die(path);
	if (listen(lfd, ES_BACKLOG) == -1)
		die("listen");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		die("epoll_ctl");

	end = time(NULL) + secs;
	while (!stop && time(NULL) < end) {
		n = epoll_wait(ep, evs, ES_EVENTS, 1000);
		if (n == -1 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) == NULL)
				accept_all(lfd);
			else if (evs[i].events & EPOLLOUT)
				econn_flush(c);
			else
				econn_read(c);
		}
	}
	(void)unlink(path);
	return 0;
}
