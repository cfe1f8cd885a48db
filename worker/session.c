/*
 * The worker's frame loop.  Reads as much as the peer has sent, handles
 * every whole frame in it, and writes all their replies with one write:
 * the batching of docs/design.md section 3.  The listener never blocks on us,
 * so blocking writes here cannot deadlock.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/cmd.h"
#include "worker/policy.h"
#include "worker/session.h"

enum phase {
	PHASE_SETUP,	/* privconfd sends SETUP lines, then SETUP_DONE */
	PHASE_HELLO,	/* the listener's first frame: how it is confined */
	PHASE_REQUEST,	/* the listener sends REQUESTs */
	PHASE_DONE,	/* locked or failed: nothing more is read */
};

struct session {
	int		 fd;
	struct policy	*policy;
	enum phase	 phase;
	int		 status;	/* exit status once PHASE_DONE */
	uint64_t	 last_id;
	struct buf	 in;
	struct buf	 out;
	struct buf	 reply;		/* one reply body being built */
};

#define READ_CHUNK	(WIRE_HDR_LEN + WIRE_BODY_MAX)

static void
session_flush(struct session *s)
{
	ssize_t	 n;

	while (buf_unread(&s->out) > 0) {
		n = write(s->fd, buf_head(&s->out), buf_unread(&s->out));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal("op=write peer");
		buf_consume(&s->out, (size_t)n);
	}
}

static void
session_send(struct session *s, const struct wire_msg *m)
{
	if (wire_encode(&s->out, m) == -1)
		fatal("op=encode type=%s", wire_type_name(m->type));
}

/* Send a reply body, split into chunks of at most WIRE_REPLY_CHUNK. */
static void
session_reply(struct session *s, uint64_t id, uint32_t flags,
    const uint8_t *body, size_t len)
{
	struct wire_msg m = { .type = WIRE_REPLY, .id = id };
	size_t	 n;

	do {
		n = len > WIRE_REPLY_CHUNK ? WIRE_REPLY_CHUNK : len;
		m.flags = flags | (len > n ? WIRE_F_MORE : 0);
		m.data = body;
		m.data_len = n;
		session_send(s, &m);
		body += n;
		len -= n;
	} while (len > 0);
}

static void
log_command(const struct wire_msg *m, const struct cmd_result *res)
{
	char	 esc[LOG_LINE_MAX / 2];
	const char *name;

	log_escape(esc, sizeof(esc), (const char *)m->data, m->data_len,
	    true);
	name = res->err ? errtab_name(res->err) : NULL;
	log_info("op=cmd uid=%u gid=%u pid=%u cmd=\"%s\" err=%s%s",
	    m->uid, m->gid, m->pid, esc, name ? name : "0",
	    res->locked ? " locked=1" : "");
}

static void
handle_setup(struct session *s, const struct wire_msg *m)
{
	struct cmd_result res;
	struct wire_msg	 e;

	buf_reset(&s->reply);
	if (cmd_exec(s->policy, m->data, m->data_len, CMD_PROFILE, &s->reply,
	    &res) == 0)
		return;
	e = (struct wire_msg){ .type = WIRE_SETUP_ERROR, .source = m->source,
	    .source_len = m->source_len, .lineno = m->lineno,
	    .err = (uint32_t)res.err };
	session_send(s, &e);
	log_info("op=setup lineno=%u err=%s", m->lineno,
	    errtab_name(res.err) ? errtab_name(res.err) : "?");
	s->phase = PHASE_DONE;
	s->status = 1;
}

static void
handle_request(struct session *s, const struct wire_msg *m)
{
	struct cmd_result res;

	if (m->id <= s->last_id)
		fatalx("op=protocol why=\"request id %llu not above %llu\"",
		    (unsigned long long)m->id, (unsigned long long)s->last_id);
	s->last_id = m->id;
	buf_reset(&s->reply);
	cmd_exec(s->policy, m->data, m->data_len, CMD_IPC, &s->reply, &res);
	log_command(m, &res);
	if (res.locked) {
		/* lock:on: no reply bytes, the IPC server ends. */
		session_reply(s, m->id, WIRE_F_FATAL, NULL, 0);
		s->phase = PHASE_DONE;
		s->status = 0;
		return;
	}
	if (!res.output) {
		buf_reset(&s->reply);
		if (errtab_reply(&s->reply, res.err) == -1)
			fatal("op=reply");
	} else if (buf_unread(&s->reply) > WIRE_REPLY_TOTAL_MAX) {
		buf_reset(&s->reply);
		if (errtab_reply(&s->reply, E2BIG) == -1)
			fatal("op=reply");
	}
	session_reply(s, m->id, 0, buf_head(&s->reply), buf_unread(&s->reply));
}

/* Dispatch one frame by phase: the table of what each phase accepts. */
static void
session_frame(struct session *s, const struct wire_msg *m)
{
	struct wire_msg	 ready = { .type = WIRE_READY };

	switch (s->phase) {
	case PHASE_SETUP:
		if (m->type == WIRE_SETUP) {
			handle_setup(s, m);
			return;
		}
		if (m->type == WIRE_SETUP_DONE) {
			session_send(s, &ready);
			s->phase = PHASE_HELLO;
			log_info("op=ready");
			return;
		}
		break;
	case PHASE_HELLO:
		if (m->type == WIRE_HELLO) {
			policy_set_confine(s->policy, POLICY_PROC_LISTENER,
			    m->uid, m->gid, m->landlock, m->seccomp);
			s->phase = PHASE_REQUEST;
			return;
		}
		break;
	case PHASE_REQUEST:
		if (m->type == WIRE_REQUEST) {
			handle_request(s, m);
			return;
		}
		break;
	case PHASE_DONE:
		return;
	}
	fatalx("op=protocol why=\"%s frame out of phase\"",
	    wire_type_name(m->type));
}

/* Handle every whole frame in s->in; a malformed one ends the worker. */
static void
session_frames(struct session *s)
{
	struct wire_msg	 m;
	const char	*why;
	ssize_t		 n;

	while (s->phase != PHASE_DONE) {
		n = wire_decode(buf_head(&s->in), buf_unread(&s->in), &m, &why);
		if (n == 0)
			break;
		if (n < 0)
			fatalx("op=protocol why=\"%s\"", why);
		session_frame(s, &m);
		buf_consume(&s->in, (size_t)n);
	}
}

int
session_serve(int fd, struct policy *p)
{
	struct session	 s = { .fd = fd, .policy = p, .phase = PHASE_SETUP };
	ssize_t		 n;

	while (s.phase != PHASE_DONE) {
		buf_compact(&s.in);
		if (buf_reserve(&s.in, READ_CHUNK) == -1)
			fatal("op=read");
		n = read(fd, s.in.data + s.in.len, s.in.cap - s.in.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("op=read peer");
		if (n == 0) {
			if (buf_unread(&s.in) > 0)
				fatalx("op=protocol why=\"EOF inside a frame\"");
			log_info("op=eof phase=%s", s.phase == PHASE_SETUP ?
			    "setup" : s.phase == PHASE_HELLO ? "hello" :
			    "request");
			s.status = 1;
			break;
		}
		s.in.len += (size_t)n;
		session_frames(&s);
		session_flush(&s);
	}
	buf_free(&s.in);
	buf_free(&s.out);
	buf_free(&s.reply);
	return s.status;
}
