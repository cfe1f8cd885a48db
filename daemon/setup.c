/*
 * SETUP, SETUP_DONE, then READY or SETUP_ERROR.  The worker may refuse a
 * line and exit while privconfd is still sending, so sending and reading
 * happen in one poll loop: an EPIPE only ends the sending, and the
 * SETUP_ERROR already on its way is still read.  Sends and receives use
 * MSG_DONTWAIT instead of O_NONBLOCK, because the descriptor's flags are
 * shared with the listener that inherits this end.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "common/writeall.h"
#include "daemon/profile.h"
#include "daemon/setup.h"

/* One frame of no fields but its type. */
static void
setup_bare(struct buf *out, enum wire_type t)
{
	struct wire_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = t;
	if (wire_encode(out, &m) == -1)
		fatal("op=setup why=\"cannot frame %s\"", wire_type_name(t));
}

/*
 * Frames are made as the worker takes them, SETUP_FRAMES_AHEAD bytes at
 * a time, not all at once: a copy of a 256 MiB journal in frames would
 * double what privconfd holds at start.
 */
#define SETUP_FRAMES_AHEAD	(256 * 1024)

/* Where the stream of frames stands: the next line, and whether done. */
struct setup_framer {
	const struct profile	*p;
	size_t			 mark;	/* MARK before this line; SIZE_MAX: none */
	size_t			 next;
	bool			 done;	/* SETUP_DONE is in out */
};

/*
 * The next lines (MARK before line mark), then SETUP_DONE, until out
 * holds SETUP_FRAMES_AHEAD bytes.
 */
static void
setup_frames(struct buf *out, struct setup_framer *f)
{
	const struct profile *p = f->p;
	struct wire_msg	 m;
	size_t		 i;

	buf_compact(out);
	for (i = f->next; i < p->n && buf_unread(out) < SETUP_FRAMES_AHEAD;
	    i++) {
		if (i == f->mark)
			setup_bare(out, WIRE_MARK);
		memset(&m, 0, sizeof(m));
		m.type = WIRE_SETUP;
		m.source = (const uint8_t *)p->lines[i].source;
		m.source_len = strlen(p->lines[i].source);
		m.lineno = p->lines[i].lineno;
		m.data = (const uint8_t *)p->lines[i].text;
		m.data_len = p->lines[i].len;
		if (wire_encode(out, &m) == -1)
			fatal("op=setup source=\"%s\" lineno=%lu "
			    "why=\"cannot frame the line\"",
			    p->lines[i].source,
			    (unsigned long)p->lines[i].lineno);
	}
	f->next = i;
	if (i < p->n || f->done)
		return;
	if (f->mark >= p->n && f->mark != SIZE_MAX)
		setup_bare(out, WIRE_MARK);
	setup_bare(out, WIRE_SETUP_DONE);
	f->done = true;
}

/*
 * A locked policy serves nobody (docs/design.md 2): say which line
 * locked it, as a refused line is named.
 */
static void
setup_locked(const struct profile *p, const struct wire_msg *m)
{
	const struct profile_line *l;
	char		 src[LOG_LINE_MAX];

	l = profile_find(p, m->source, m->source_len, m->lineno);
	if (l == NULL) {
		log_escape(src, sizeof(src), (const char *)m->source,
		    m->source_len, false);
		log_warnx("%s:%lu: the policy is locked (lock:on): nothing to "
		    "serve", src, (unsigned long)m->lineno);
		return;
	}
	log_warnx("%s:%lu: the policy is locked (lock:on): nothing to serve",
	    l->source, (unsigned long)l->lineno);
}

/* privconfd -n prints a refused line here instead of logging it. */
static FILE	*setup_report;

void
setup_report_to(FILE *fp)
{
	setup_report = fp;
}

/*
 * privconfd -n: "FILE:LINE: NAME: the line", the form compilers use, so
 * that an editor jumps to the line; the line as the worker got it.
 */
static void
setup_refused_check(const struct profile_line *l, const struct wire_msg *m)
{
	const char	*name = errtab_name((int)m->err);
	char		 num[32], cmd[LOG_LINE_MAX], src[LOG_LINE_MAX];

	if (name == NULL) {
		snprintf(num, sizeof(num), "errno %lu", (unsigned long)m->err);
		name = num;
	}
	if (l == NULL) {
		log_escape(src, sizeof(src), (const char *)m->source,
		    m->source_len, false);
		fprintf(setup_report, "%s:%lu: %s\n", src,
		    (unsigned long)m->lineno, name);
		return;
	}
	log_escape(cmd, sizeof(cmd), l->text, l->len, false);
	fprintf(setup_report, "%s:%lu: %s: %s\n", l->source,
	    (unsigned long)l->lineno, name, cmd);
}

/* privconfd: FILE:LINE: COMMAND: ERRTEXT, the line the worker refused. */
static void
setup_refused(const struct profile *p, const struct wire_msg *m)
{
	const struct profile_line *l;
	const char	*text = errtab_text((int)m->err);
	char		 num[32], cmd[LOG_LINE_MAX], src[LOG_LINE_MAX];

	if (setup_report != NULL) {
		setup_refused_check(profile_find(p, m->source, m->source_len,
		    m->lineno), m);
		return;
	}
	if (text == NULL) {
		snprintf(num, sizeof(num), "errno %lu", (unsigned long)m->err);
		text = num;
	}
	l = profile_find(p, m->source, m->source_len, m->lineno);
	if (l == NULL) {
		log_escape(src, sizeof(src), (const char *)m->source,
		    m->source_len, false);
		log_warnx("%s:%lu: %s", src, (unsigned long)m->lineno, text);
		return;
	}
	log_escape(cmd, sizeof(cmd), l->text, l->len, false);
	log_warnx("%s:%lu: %s: %s", l->source, (unsigned long)l->lineno, cmd,
	    text);
}

/*
 * --dump: copy the body of a DUMP frame to the sink.  -1 while more
 * frames are to come, else the result.
 */
static int
setup_dumped(const struct wire_msg *m, struct setup_dump *d)
{
	if (m->data_len > d->max - d->bytes) {
		log_warnx("op=compact why=\"the worker's answer is larger than "
		    "%zu bytes\"", d->max);
		return SETUP_FAILED;
	}
	if (write_all(d->fd, m->data, m->data_len) == -1) {
		log_warn("op=compact why=\"write\"");
		return SETUP_FAILED;
	}
	d->bytes += m->data_len;
	return (m->flags & WIRE_F_MORE) ? -1 : SETUP_DUMPED;
}

/* One DUMP frame taken: more may follow, in the buffer or to come. */
#define SETUP_MORE	(-2)

/*
 * Look at what the worker sent: -1 not a whole frame yet, else the
 * result.  Anything but one READY, LOCKED or SETUP_ERROR (with --dump:
 * DUMP frames, the last without WIRE_F_MORE, or SETUP_ERROR) is a worker
 * that does not follow the contract.
 */
static int
setup_answer_one(struct buf *in, const struct profile *p, bool all_sent,
    struct setup_dump *dump)
{
	struct wire_msg	 m;
	const char	*why = NULL;
	ssize_t		 n;
	int		 r;

	n = wire_decode(buf_head(in), buf_unread(in), &m, &why);
	if (n == 0)
		return -1;
	if (n < 0) {
		log_warnx("op=setup why=\"bad frame from the worker: %s\"",
		    why != NULL ? why : "?");
		return SETUP_FAILED;
	}
	if (m.type == WIRE_SETUP_ERROR) {
		setup_refused(p, &m);
		return SETUP_FAILED;
	}
	if (dump != NULL ? m.type != WIRE_DUMP :
	    m.type != WIRE_READY && m.type != WIRE_LOCKED) {
		log_warnx("op=setup why=\"%s frame from the worker\"",
		    wire_type_name(m.type));
		return SETUP_FAILED;
	}
	if (dump != NULL && all_sent) {
		r = setup_dumped(&m, dump);
		buf_consume(in, (size_t)n);
		buf_compact(in);
		if (r == SETUP_DUMPED && buf_unread(in) > 0) {
			log_warnx("op=setup why=\"bytes after the DUMP\"");
			return SETUP_FAILED;
		}
		return r == -1 ? SETUP_MORE : r;
	}
	/* An answer before it had the whole profile, or bytes after it. */
	if (!all_sent || (size_t)n != buf_unread(in)) {
		log_warnx("op=setup why=\"%s out of turn\"",
		    wire_type_name(m.type));
		return SETUP_FAILED;
	}
	if (m.type == WIRE_LOCKED) {
		setup_locked(p, &m);
		return SETUP_LOCKED;
	}
	return SETUP_READY;
}

static int
setup_answer(struct buf *in, const struct profile *p, bool all_sent,
    struct setup_dump *dump)
{
	int	 r;

	while ((r = setup_answer_one(in, p, all_sent, dump)) == SETUP_MORE)
		;
	return r;
}

enum setup_result
setup_run(int fd, const struct profile *p, struct supervisor *sv,
    struct child *worker, struct setup_dump *dump)
{
	struct setup_framer fr = { .p = p, .next = 0, .done = false };
	struct buf	 out = BUF_INIT, in = BUF_INIT;
	struct pollfd	 pfd[3];
	int64_t		 deadline, left;
	ssize_t		 n;
	bool		 sending = true;
	int		 r = -1, nfd;

	fr.mark = dump != NULL ? dump->mark : SIZE_MAX;
	setup_frames(&out, &fr);
	if (buf_reserve(&in, WIRE_HDR_LEN + WIRE_BODY_MAX) == -1)
		fatal("op=setup why=\"buffer\"");
	/* The clock restarts with every byte the worker takes. */
	deadline = (int64_t)clock_ms() + SETUP_TIMEOUT_MS;
	while (r == -1) {
		nfd = 0;
		pfd[nfd].fd = fd;
		pfd[nfd++].events = POLLIN | (sending ? POLLOUT : 0);
		pfd[nfd].fd = sv->sigfd;
		pfd[nfd++].events = POLLIN;
		if (worker->log.fd != -1) {
			pfd[nfd].fd = worker->log.fd;
			pfd[nfd++].events = POLLIN;
		}
		left = deadline - (int64_t)clock_ms();
		if (left <= 0) {
			log_warnx("op=setup why=\"no answer from the worker\" "
			    "timeout_ms=%d", SETUP_TIMEOUT_MS);
			r = SETUP_TIMEOUT;
			break;
		}
		if (poll(pfd, (nfds_t)nfd, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			fatal("op=setup why=\"poll\"");
		}
		if (worker->log.fd != -1)
			relay_read(&worker->log);
		if (supervise_signals(sv)) {
			r = SETUP_STOPPED;
			break;
		}
		if (sending && (pfd[0].revents & (POLLOUT | POLLERR))) {
			n = send(fd, buf_head(&out), buf_unread(&out),
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				buf_consume(&out, (size_t)n);
				deadline = (int64_t)clock_ms() + SETUP_TIMEOUT_MS;
				if (buf_unread(&out) < SETUP_FRAMES_AHEAD / 2)
					setup_frames(&out, &fr);
				sending = buf_unread(&out) > 0;
			} else if (n == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				/* What it said before going is still there. */
				log_debug("op=setup why=\"send\" err=\"%s\"",
				    strerror(errno));
				sending = false;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, in.data + in.len, in.cap - in.len,
			    MSG_DONTWAIT);
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				log_warnx("op=setup why=\"worker %s\"",
				    n == 0 ? "gone" : strerror(errno));
				r = SETUP_FAILED;
				break;
			}
			in.len += (size_t)n;
			/* A long DUMP: the clock restarts with every byte. */
			deadline = (int64_t)clock_ms() + SETUP_TIMEOUT_MS;
			r = setup_answer(&in, p,
			    fr.done && buf_unread(&out) == 0, dump);
			if (r == -1 && in.len == in.cap) {
				log_warnx("op=setup why=\"frame too long\"");
				r = SETUP_FAILED;
			}
		}
	}
	buf_free(&out);
	buf_free(&in);
	return (enum setup_result)r;
}
