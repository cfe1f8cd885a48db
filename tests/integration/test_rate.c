/*
 * docs/protocol.md section 2 step 2: a line holds at most IPC_LINE_MAX - 1
 * bytes counting its \n; one byte more is RATE.  The limit counts the bytes
 * of one line, however they arrive, never those of a whole chunk.
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

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

TestSuite(rate, .init = setup, .fini = teardown, .timeout = 180);

/* n bytes of command: 'x' junk, or "ping" padded with blanks. */
static char *
line_of(size_t n, int ping)
{
	char	*p;

	p = h_repeat(ping ? ' ' : 'x', n + 1);
	if (ping)
		memcpy(p, "ping", 4);
	p[n] = '\n';
	return p;
}

Test(rate, line_at_limit_is_executed)
{
	char	*l = line_of(IPC_LINE_MAX - 2, 0);

	h_expectn(d.addr, l, IPC_LINE_MAX - 1, H_EINVAL, strlen(H_EINVAL));
	free(l);
}

Test(rate, ping_line_at_limit_gets_pong)
{
	char	*l = line_of(IPC_LINE_MAX - 2, 1);

	h_expectn(d.addr, l, IPC_LINE_MAX - 1, H_PONG, strlen(H_PONG));
	free(l);
}

Test(rate, line_one_past_limit_is_rate)
{
	char	*l = line_of(IPC_LINE_MAX - 1, 0);

	h_expectn(d.addr, l, IPC_LINE_MAX, H_RATE, strlen(H_RATE));
	free(l);
}

Test(rate, ping_line_one_past_limit_is_rate)
{
	char	*l = line_of(IPC_LINE_MAX - 1, 1);

	h_expectn(d.addr, l, IPC_LINE_MAX, H_RATE, strlen(H_RATE));
	free(l);
}

Test(rate, line_at_limit_in_small_writes_is_executed)
{
	char	*l = line_of(IPC_LINE_MAX - 2, 0);
	int	 fd;

	fd = h_connect(d.addr);
	h_send_slowly(fd, l, IPC_LINE_MAX - 1, 7);
	h_expect_closed(fd, H_EINVAL);
	free(l);
}

Test(rate, line_one_past_limit_in_small_writes_is_rate)
{
	char		*l = line_of(IPC_LINE_MAX - 1, 0);
	struct h_bytes	 b;
	size_t		 off;
	int		 fd;

	fd = h_connect(d.addr);
	/* The server may close before the last pieces are sent. */
	for (off = 0; off < IPC_LINE_MAX; off += 7)
		if (h_try_send(fd, l + off, IPC_LINE_MAX - off < 7 ?
		    IPC_LINE_MAX - off : 7) != 0)
			break;
	h_read_all(fd, &b);
	h_assert_str(&b, H_RATE);
	close(fd);
	free(l);
}

Test(rate, unterminated_line_reaching_limit_is_rate)
{
	char	*l = h_repeat('x', IPC_LINE_MAX);

	/* No \n at all: the line already holds IPC_LINE_MAX bytes. */
	h_expectn(d.addr, l, IPC_LINE_MAX, H_RATE, strlen(H_RATE));
	free(l);
}

Test(rate, unterminated_line_below_limit_is_discarded)
{
	char		*l = h_repeat('x', IPC_LINE_MAX - 1);
	struct h_bytes	 b;
	int		 fd;

	fd = h_connect(d.addr);
	h_send(fd, l, IPC_LINE_MAX - 1);
	h_shutwr(fd);
	h_read_all(fd, &b);
	h_assert_str(&b, "");
	close(fd);
	free(l);
}

/* The bytes already buffered count with those of the next chunk. */
Test(rate, buffered_part_counts_toward_the_limit)
{
	char	*head, *tail, *first;
	size_t	 n = 3000;
	int	 fd;

	head = h_repeat('x', n);
	fd = h_connect(d.addr);
	/*
	 * One write: the PONG proves that the server has received the
	 * partial line too, so the rest arrives in a later chunk.
	 */
	first = h_concat("prompt i\nping\n", head, NULL);
	h_sends(fd, first);
	h_expect_read(fd, H_PONG);
	tail = line_of(IPC_LINE_MAX - 2 - n, 0);
	h_send(fd, tail, IPC_LINE_MAX - 1 - n);
	h_expect_read(fd, H_EINVAL);
	h_sends(fd, "prompt i\n");
	h_send(fd, head, n);
	h_sends(fd, "ping\n");	/* part of the long line */
	h_sends(fd, "\nping\n");
	h_expect_read(fd, H_EINVAL H_PONG);
	h_sends(fd, "ping\n");
	h_send(fd, head, n);
	h_expect_read(fd, H_PONG);
	free(tail);
	tail = line_of(IPC_LINE_MAX - 1 - n, 0);
	h_try_send(fd, tail, IPC_LINE_MAX - n);
	h_expect_closed(fd, H_RATE);
	free(head);
	free(tail);
	free(first);
}

Test(rate, rate_comes_after_earlier_replies_and_ends_reading)
{
	char	*l = line_of(IPC_LINE_MAX - 1, 0);
	char	*send;

	send = h_concat("prompt i\nping\nsandbox/read?\n", l, "ping\n"
	    "sandbox/read:off\n", NULL);
	h_expect(d.addr, send, H_PONG H_ACK H_RATE);
	/* The line after the long one was never executed. */
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
	free(send);
	free(l);
}

Test(rate, long_lines_at_limit_pipelined_in_one_write)
{
	char	*l = line_of(IPC_LINE_MAX - 2, 0);
	char	*send;

	send = h_concat("prompt i\n", l, l, l, "ping\n", l, "quit\n", NULL);
	h_expect(d.addr, send, H_EINVAL H_EINVAL H_EINVAL H_PONG H_EINVAL);
	free(send);
	free(l);
}

Test(rate, pipelined_short_lines_far_past_line_max_work)
{
	size_t	 n = 2000, i, off;
	char	*send, *want;

	/* 2000 lines of ping: 10000 bytes in one write. */
	send = malloc(strlen("prompt i\n") + n * 5 + strlen("quit\n") + 1);
	want = malloc(n * strlen(H_PONG) + 1);
	cr_assert(send != NULL && want != NULL);
	off = (size_t)sprintf(send, "prompt i\n");
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(send + off, "ping\n");
	sprintf(send + off, "quit\n");
	for (i = 0, off = 0; i < n; i++)
		off += (size_t)sprintf(want + off, "%s", H_PONG);
	cr_assert(strlen(send) > 2 * IPC_LINE_MAX);
	h_expect(d.addr, send, want);
	free(send);
	free(want);
}

Test(rate, pipelined_worker_lines_far_past_line_max_work)
{
	size_t	 n = 1000, i, off;
	char	*send, *want;

	send = malloc(strlen("prompt i\n") + n * 15 + 6);
	want = malloc(n * (strlen(H_ACK) + strlen(H_PONG)) + 1);
	cr_assert(send != NULL && want != NULL);
	off = (size_t)sprintf(send, "prompt i\n");
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(send + off, "%s",
		    i % 2 ? "ping\n" : "sandbox/read?\n");
	sprintf(send + off, "quit\n");
	for (i = 0, off = 0; i < n; i++)
		off += (size_t)sprintf(want + off, "%s",
		    i % 2 ? H_PONG : H_ACK);
	h_expect(d.addr, send, want);
	free(send);
	free(want);
}
