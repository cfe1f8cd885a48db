/*
 * Many lines, many clients, slow readers: docs/protocol.md sections 2, 7 and 8
 * (order of replies, half-close, back-pressure without loss).
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(load, .fini = teardown, .timeout = 300);

/* A growable string for building requests and expected replies. */
struct sb {
	char	*p;
	size_t	 len, cap;
};

static void
sb_add(struct sb *s, const char *t, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		cr_assert(s->p != NULL, "out of memory");
	}
	memcpy(s->p + s->len, t, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void
sb_adds(struct sb *s, const char *t)
{
	sb_add(s, t, strlen(t));
}

Test(load, pipelined_1000_lines_answered_in_order)
{
	struct sb	 send = { 0 }, want = { 0 };
	struct h_bytes	 b;
	char		*stat;
	int		 i, fd;

	h_start(&d, NULL);
	stat = h_stat(d.addr);
	sb_adds(&send, "prompt i\n");
	for (i = 0; i < 1000; i++) {
		switch (i % 3) {
		case 0:
			sb_adds(&send, "ping\n");
			sb_adds(&want, H_PONG);
			break;
		case 1:
			sb_adds(&send, "stat\n");
			sb_adds(&want, stat);
			break;
		default:
			sb_adds(&send, "sandbox/read?\n");
			sb_adds(&want, H_ACK);
			break;
		}
	}
	fd = h_connect(d.addr);
	h_send(fd, send.p, send.len);	/* one write */
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_bytes(&b, want.p, want.len);
	cr_assert_eq(h_count(b.p, b.len, H_STAT_HEAD), 333);
	h_bytes_free(&b);
	close(fd);
	free(send.p);
	free(want.p);
}

Test(load, concurrent_200_clients_all_answered)
{
	enum { N = 200 };
	int	fds[N], i;

	h_start(&d, "--max-conn-per-uid", "200", NULL);
	/* All connected before any talks. */
	for (i = 0; i < N; i++)
		fds[i] = h_connect(d.addr);
	for (i = 0; i < N; i++)
		h_sends(fds[i], i % 2 ? "ping\n" : "sandbox/read?\n");
	for (i = N - 1; i >= 0; i--)
		h_expect_closed(fds[i], i % 2 ? H_PONG : H_ACK);
}

Test(load, half_close_gets_every_reply_then_eof)
{
	struct h_bytes	b;
	int		fd;

	h_start(&d, NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nping\nsandbox/read?\npink\nbogus\nping\n");
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, H_PONG H_ACK H_PINK H_EINVAL H_PONG);
	cr_assert_eq(b.end, H_EOF, "reset instead of EOF");
	h_bytes_free(&b);
	close(fd);

	/* Non-interactive, and prompt mode. */
	fd = h_connect(d.addr);
	h_sends(fd, "sandbox/read?\n");
	h_shutwr(fd);
	h_expect_closed(fd, H_ACK);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt p\nping\n");
	h_shutwr(fd);
	h_expect_closed(fd, H_PROMPT H_PONG H_PROMPT);
}

Test(load, bad_utf8_costs_only_its_client)
{
	int	a, b;

	h_start(&d, NULL);
	a = h_connect(d.addr);
	h_sends(a, "prompt i\nping\n");
	h_expect_read(a, H_PONG);
	b = h_connect(d.addr);
	h_sends(b, "prompt i\nping\n\xff\xfe\nping\n");
	h_expect_closed(b, H_PONG H_EINVAL);
	/* The other client, and new ones, are served as before. */
	h_sends(a, "ping\nsandbox/read?\n");
	h_expect_read(a, H_PONG H_ACK);
	h_expect(d.addr, "ping\n", H_PONG);
	h_sends(a, "quit\n");
	h_expect_closed(a, "");
	cr_assert_eq(h_try_wait_exit(&d, 0), -1, "privconfd ended");
}

struct writer {
	int		 fd;
	const char	*p;
	size_t		 len;
	int		 err;	/* 0 or errno */
	volatile int	 done;
};

static void *
writer_main(void *arg)
{
	struct writer	*w = arg;

	w->err = -h_try_send(w->fd, w->p, w->len);
	if (w->err == 0 && shutdown(w->fd, SHUT_WR) == -1)
		w->err = errno;
	w->done = 1;
	return NULL;
}

/*
 * 3000 stat lines before reading a byte: far more reply bytes than the
 * listener may queue for one client, so it must stop reading this client
 * until the client reads, and lose nothing.
 */
Test(load, back_pressure_loses_no_reply)
{
	enum { N = 3000 };
	struct sb	 send = { 0 }, want = { 0 };
	struct writer	 w;
	struct h_bytes	 b;
	pthread_t	 t;
	char		*stat;
	int		 i, waited;

	h_start(&d, NULL);
	stat = h_stat(d.addr);
	sb_adds(&send, "prompt i\n");
	for (i = 0; i < N; i++) {
		sb_adds(&send, "stat\n");
		sb_adds(&want, stat);
	}
	cr_assert_gt(want.len, 4 * CONN_OUTQ_MAX, "not enough to push back");

	memset(&w, 0, sizeof(w));
	w.fd = h_connect(d.addr);
	w.p = send.p;
	w.len = send.len;
	cr_assert_eq(pthread_create(&t, NULL, writer_main, &w), 0);
	/*
	 * Let the listener fill this client's queue before reading a byte:
	 * at least half a second, longer while the writer is still busy.
	 */
	for (waited = 0; waited < 500 || (waited < 2000 && !w.done);
	    waited += 10)
		h_sleep_ms(10);
	/* A client that does not read holds up no one else. */
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);

	h_read_all(w.fd, &b);
	pthread_join(t, NULL);
	cr_assert_eq(w.err, 0, "writer: %s", strerror(w.err));
	cr_assert_eq(h_count(b.p, b.len, H_STAT_HEAD), N,
	    "%zu stat replies, want %d", h_count(b.p, b.len, H_STAT_HEAD),
	    N);
	h_assert_bytes(&b, want.p, want.len);
	h_bytes_free(&b);
	close(w.fd);
	free(send.p);
	free(want.p);
}

Test(load, vanished_clients_cost_nobody_else)
{
	struct sb	send = { 0 };
	int		i, fd;

	h_start(&d, NULL);
	sb_adds(&send, "prompt i\n");
	for (i = 0; i < 500; i++)
		sb_adds(&send, i % 2 ? "stat\n" : "ping\n");
	for (i = 0; i < 5; i++) {
		/* Close with replies in flight: no SIGPIPE, no crash. */
		fd = h_connect(d.addr);
		h_send(fd, send.p, send.len);
		if (i % 2)
			h_expect_read(fd, H_PONG);
		close(fd);
	}
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
	cr_assert_eq(h_try_wait_exit(&d, 0), -1, "privconfd ended");
	free(send.p);
}

/* Several clients pipelining at once: each gets its own replies, in order. */
Test(load, parallel_pipelines_keep_their_own_order)
{
	enum { C = 8, L = 300 };
	struct sb	 req[C], want[C], got[C];
	struct pollfd	 pfd[C];
	char		 buf[65536], line[64];
	size_t		 sent[C];
	int		 fds[C], open_n = C, i, j;
	ssize_t		 n;
	long long	 end;

	h_start(&d, NULL);
	memset(req, 0, sizeof(req));
	memset(want, 0, sizeof(want));
	memset(got, 0, sizeof(got));
	for (i = 0; i < C; i++) {
		sb_adds(&req[i], "prompt i\n");
		for (j = 0; j < L; j++) {
			/* Client i, line j: a distinct reply where we can. */
			if ((i + j) % 4 == 0) {
				sb_adds(&req[i], "ping\n");
				sb_adds(&want[i], H_PONG);
			} else if ((i + j) % 4 == 1) {
				sb_adds(&req[i], "sandbox/read?\n");
				sb_adds(&want[i], H_ACK);
			} else if ((i + j) % 4 == 2) {
				snprintf(line, sizeof(line), "bogus/%d/%d\n",
				    i, j);
				sb_adds(&req[i], line);
				sb_adds(&want[i], H_EINVAL);
			} else {
				sb_adds(&req[i], "pink\n");
				sb_adds(&want[i], H_PINK);
			}
		}
		sb_adds(&req[i], "quit\n");
		fds[i] = h_connect(d.addr);
		sent[i] = 0;
	}
	/* Interleave writes and reads so no side waits on the other. */
	end = h_now_ms() + H_IO_MS;
	while (open_n > 0) {
		cr_assert(h_now_ms() < end, "parallel clients not done");
		for (i = 0; i < C; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN |
			    (sent[i] < req[i].len ? POLLOUT : 0);
			pfd[i].revents = 0;
		}
		if (poll(pfd, C, 100) <= 0)
			continue;
		for (i = 0; i < C; i++) {
			if (fds[i] == -1)
				continue;
			if (pfd[i].revents & POLLOUT) {
				n = send(fds[i], req[i].p + sent[i],
				    req[i].len - sent[i] < 512 ?
				    req[i].len - sent[i] : 512,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
				if (n > 0)
					sent[i] += (size_t)n;
			}
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				n = recv(fds[i], buf, sizeof(buf),
				    MSG_DONTWAIT);
				if (n > 0) {
					sb_add(&got[i], buf, (size_t)n);
				} else if (n == 0 ||
				    (errno != EAGAIN && errno != EINTR)) {
					close(fds[i]);
					fds[i] = -1;
					pfd[i].fd = -1;
					open_n--;
				}
			}
		}
	}
	for (i = 0; i < C; i++) {
		struct h_bytes	b = { got[i].p, got[i].len, H_EOF };

		if (b.p == NULL)
			b.p = "";
		h_assert_bytes(&b, want[i].p, want[i].len);
	}
}
