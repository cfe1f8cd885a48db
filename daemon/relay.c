/*
 * Copying the children's log lines to privconfd's stderr.  The children
 * write with one write(2) per line into a non-blocking pipe, so lines
 * arrive whole unless a line is longer than LOG_LINE_MAX; such a line is
 * cut into pieces, each ended by a newline, rather than held back.
 * A line privconfd cannot write (stderr is a full non-blocking pipe, or
 * gone) is counted, and the count is logged as op=log dropped=N before
 * the next line that gets through: nothing is lost silently.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/relay.h"

/* Rounds of reading per call, so one chatty child cannot starve the loop. */
#define RELAY_ROUNDS	16
/* At exit: a whole pipe's worth (64 KiB) of the shortest reads, and more. */
#define RELAY_DRAIN_ROUNDS	4096

/* Write every complete line; a full buffer without a newline goes too. */
static void
relay_lines(struct relay *r, int final)
{
	char	*nl;
	size_t	 n;

	while ((nl = memchr(r->buf, '\n', r->len)) != NULL) {
		n = (size_t)(nl - r->buf) + 1;
		if (!r->mute)
			log_line(r->buf, n);
		memmove(r->buf, r->buf + n, r->len - n);
		r->len -= n;
	}
	if (r->len > 0 && (final || r->len == sizeof(r->buf) - 1)) {
		r->buf[r->len++] = '\n';
		if (!r->mute)
			log_line(r->buf, r->len);
		r->len = 0;
	}
}

void
relay_init(struct relay *r, int fd)
{
	r->fd = fd;
	r->mute = false;
	r->len = 0;
}

/* Read up to rounds times: 1 pipe empty for now, 0 rounds used up, -1 EOF. */
static int
relay_pump(struct relay *r, int rounds)
{
	ssize_t	 n;

	if (r->fd == -1)
		return -1;
	while (rounds-- > 0) {
		/* One byte stays free for the newline of a cut line. */
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 1;
		if (n <= 0) {
			relay_lines(r, 1);
			close(r->fd);
			r->fd = -1;
			return -1;
		}
		r->len += (size_t)n;
		relay_lines(r, 0);
	}
	return 0;
}

int
relay_read(struct relay *r)
{
	return relay_pump(r, RELAY_ROUNDS) == -1 ? -1 : 0;
}

void
relay_drain(struct relay *r)
{
	/*
	 * The writers are dead or about to be: EAGAIN means empty.  The
	 * bound only matters if a writer survives and keeps writing.
	 */
	if (relay_pump(r, RELAY_DRAIN_ROUNDS) == -1)
		return;
	relay_lines(r, 1);
	close(r->fd);
	r->fd = -1;
}
