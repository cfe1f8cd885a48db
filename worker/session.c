/*
 * The worker's frame loop.  It reads as much as the peer has sent,
 * handles every whole frame in it, then sends what each connection is
 * owed within its credit, in as few writes as the bytes allow: the
 * batching of docs/design.md 3.  The listener never blocks on the
 * worker and always reads its link, so the blocking writes here cannot
 * deadlock; what the worker holds meanwhile is bounded by the connection
 * table (worker/conns.h), not by how fast clients read.
 *
 * Like OpenSSH's monitor, the worker accepts only the frames of its
 * current phase (session_table) and treats anything else as a hostile
 * peer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/access.h"
#include "common/errtab.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "common/writeall.h"
#include "worker/cmd.h"
#include "worker/compact.h"
#include "worker/conns.h"
#include "worker/handoff.h"
#include "worker/journal.h"
#include "worker/policy-ops.h"
#include "worker/policy.h"
#include "worker/render.h"
#include "worker/session.h"

enum phase {
	PHASE_SETUP,	/* privconfd sends SETUP lines, then SETUP_DONE */
	PHASE_HELLO,	/* the listener's first frame: how it is confined */
	PHASE_REQUEST,	/* the listener's connections and their requests */
	PHASE_DONE,	/* locked or failed: nothing more is read */
};

/* A change of this batch, whose reply the journal's commit decides. */
struct change {
	uint64_t	 conn;
	uint64_t	 id;
};

struct session {
	int		 fd;
	struct policy	*policy;
	enum phase	 phase;
	int		 status;	/* exit status once PHASE_DONE */
	uint64_t	 last_id;
	uint64_t	 version;	/* bumped by every change */
	struct journal	 journal;
	/* This batch: its changes, and a lock:on waiting for the commit. */
	struct change	*changes;
	size_t		 nchanges, capchanges;
	bool		 stop;		/* lock:on: handle no frame after it */
	struct change	 locked;
	struct buf	 in;
	struct buf	 out;
	struct buf	 tmp;		/* a reply of its own being built */
	struct render_cache rc;
	struct conns	 conns;
	/* Client sockets from the listener, and who may do what. */
	struct handoff	 handoff;
	const struct access *access;
	/* --dump: the lines before MARK are the profiles. */
	struct compact	*compact;
	bool		 marked;
	/* The profile line that locked the policy during SETUP. */
	bool		 setup_locked;
	char		 lock_source[WIRE_SOURCE_MAX];
	size_t		 lock_source_len;
	uint32_t	 lock_lineno;
};

#define READ_CHUNK	(WIRE_HDR_LEN + WIRE_BODY_MAX)
/* Write out what is built once it reaches this, and shrink past it. */
#define OUT_FLUSH_AT	(256 * 1024)

static void
session_write(struct session *s)
{
	if (write_all(s->fd, buf_head(&s->out), buf_unread(&s->out)) == -1)
		fatal("op=write why=\"peer\"");
	buf_reset(&s->out);
	/* A burst may have grown it; give the memory back once it is out. */
	if (s->out.cap > OUT_FLUSH_AT * 2)
		buf_free(&s->out);
}

static void
session_send(struct session *s, const struct wire_msg *m)
{
	if (wire_encode(&s->out, m) == -1)
		fatal("op=encode type=%s", wire_type_name(m->type));
}

/*
 * One line per command: changes and refusals always (they are what an
 * audit needs, and the journal has them whole), queries only with -v
 * (they are most of the traffic and change nothing).  A command cut to
 * fit the line ends with "..." and the line says truncated=1.
 */
static void
log_command(const struct wire_msg *m, const struct cmd_result *res)
{
	char	 esc[LOG_LINE_MAX / 2];
	const char *name;
	bool	 cut;

	if (res->query && !log_verbose())
		return;
	cut = log_escape(esc, sizeof(esc) - 3, (const char *)m->data,
	    m->data_len, true);
	if (cut)
		strcat(esc, "...");
	name = res->err ? errtab_name(res->err) : NULL;
	log_info("op=cmd uid=%u gid=%u pid=%u cmd=\"%s\" err=%s%s%s",
	    m->uid, m->gid, m->pid, esc, name ? name : "0",
	    res->locked ? " locked=1" : "", cut ? " truncated=1" : "");
}

/* The handlers of session_table. */

static void
handle_setup(struct session *s, const struct wire_msg *m)
{
	struct cmd_result res;
	struct wire_msg	 e;

	buf_reset(&s->tmp);
	if (cmd_exec(s->policy, m->data, m->data_len, CMD_PROFILE, &s->tmp,
	    &res) == 0) {
		if (s->compact != NULL && !s->marked)
			compact_base(s->compact, m->data, m->data_len);
		if (res.locked) {
			s->setup_locked = true;
			memcpy(s->lock_source, m->source, m->source_len);
			s->lock_source_len = m->source_len;
			s->lock_lineno = m->lineno;
		}
		return;
	}
	e = (struct wire_msg){ .type = WIRE_SETUP_ERROR, .source = m->source,
	    .source_len = m->source_len, .lineno = m->lineno,
	    .err = (uint32_t)res.err };
	session_send(s, &e);
	log_info("op=setup lineno=%u err=%s", m->lineno,
	    errtab_name(res.err) ? errtab_name(res.err) : "?");
	s->phase = PHASE_DONE;
	s->status = 1;
}

/* MARK: the profiles are over, the journal's lines follow. */
static void
handle_mark(struct session *s, const struct wire_msg *m)
{
	(void)m;
	if (s->compact == NULL || s->marked)
		fatalx("op=protocol why=\"MARK without --dump, or twice\"");
	s->marked = true;
}

/* --dump: the compacted journal in DUMP frames, and the worker is done. */
static void
session_dump(struct session *s)
{
	struct wire_msg	 d = { .type = WIRE_DUMP };
	size_t		 off = 0, left, n;
	int		 err;

	s->phase = PHASE_DONE;
	s->status = 1;
	if ((err = compact_finish(s->compact, s->policy, &s->tmp)) != 0) {
		log_warnx("op=compact err=%s", errtab_name(err) ?
		    errtab_name(err) : "?");
		return;
	}
	left = buf_unread(&s->tmp);
	do {
		n = left < WIRE_REPLY_CHUNK ? left : WIRE_REPLY_CHUNK;
		d.data = buf_head(&s->tmp) + off;
		d.data_len = n;
		d.flags = left > n ? WIRE_F_MORE : 0;
		session_send(s, &d);
		if (buf_unread(&s->out) >= OUT_FLUSH_AT)
			session_write(s);
		off += n;
		left -= n;
	} while (left > 0);
	log_info("op=compact bytes=%zu", off);
	s->status = 0;
}

/*
 * READY, or LOCKED when a profile line locked the policy: a locked
 * policy serves nobody, so privconfd starts nothing (docs/design.md 2).
 * With --dump, the compacted journal instead.
 */
static void
handle_setup_done(struct session *s, const struct wire_msg *m)
{
	struct wire_msg	 r = { .type = WIRE_READY };

	(void)m;
	if (s->compact != NULL) {
		session_dump(s);
		return;
	}
	if (s->setup_locked) {
		r = (struct wire_msg){ .type = WIRE_LOCKED,
		    .source = (const uint8_t *)s->lock_source,
		    .source_len = s->lock_source_len,
		    .lineno = s->lock_lineno };
		session_send(s, &r);
		log_info("op=locked lineno=%u", s->lock_lineno);
		s->phase = PHASE_DONE;
		s->status = 0;
		return;
	}
	session_send(s, &r);
	s->phase = PHASE_HELLO;
	log_info("op=ready");
}

static void
handle_hello(struct session *s, const struct wire_msg *m)
{
	policy_set_confine(s->policy, POLICY_PROC_LISTENER, m->uid, m->gid,
	    m->landlock, m->seccomp);
	/* stats shows it: a rendering from before is stale. */
	s->version++;
	s->phase = PHASE_REQUEST;
}

/* A connection, and who connected: the socket that came with it. */
static void
handle_open(struct session *s, const struct wire_msg *m)
{
	struct wpeer	 peer;

	if (handoff_take(&s->handoff, s->access, &peer) == -1)
		fatalx("op=protocol why=\"CONN_OPEN without its socket\"");
	if (!peer.known)
		log_warnx("op=open conn=%llu why=\"its socket names no peer\"",
		    (unsigned long long)m->conn);
	if (conns_open(&s->conns, m->conn, m->credit, &peer) == -1)
		fatalx("op=protocol why=\"bad CONN_OPEN\"");
}

static void
handle_close(struct session *s, const struct wire_msg *m)
{
	if (conns_close(&s->conns, m->conn) == -1)
		fatalx("op=protocol why=\"bad CONN_CLOSE\"");
}

static void
handle_credit(struct session *s, const struct wire_msg *m)
{
	if (conns_credit(&s->conns, m->conn, m->credit) == -1)
		fatalx("op=protocol why=\"bad CREDIT\"");
}

/* lock:on: no reply bytes, the IPC server ends; owed replies go too. */
static void
session_locked(struct session *s)
{
	struct wire_msg	 r = { .type = WIRE_REPLY, .conn = s->locked.conn,
	    .id = s->locked.id, .flags = WIRE_F_FATAL };

	session_send(s, &r);
	s->phase = PHASE_DONE;
	s->status = 0;
}

static void
change_note(struct session *s, uint64_t conn, uint64_t id)
{
	size_t	 ncap;

	if (s->nchanges == s->capchanges) {
		ncap = s->capchanges ? s->capchanges * 2 : 64;
		if ((s->changes = reallocarray(s->changes, ncap,
		    sizeof(*s->changes))) == NULL)
			fatal("op=session why=\"changes\"");
		s->capchanges = ncap;
	}
	s->changes[s->nchanges++] = (struct change){ conn, id };
}

/* The reply a connection is owed for request id, or NULL once it left. */
static struct wreply *
change_reply(struct session *s, const struct change *ch)
{
	struct wconn	*c;
	unsigned	 i;

	if ((c = conns_find(&s->conns, ch->conn)) == NULL)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (c->ring[(c->head + i) % CONN_INFLIGHT_MAX].id == ch->id)
			return &c->ring[(c->head + i) % CONN_INFLIGHT_MAX];
	return NULL;
}

/*
 * The end of a batch: its journal records reach the disk before any of
 * its replies leave (docs/design.md 6).  When they cannot, every change
 * of the batch is taken back and answered with the errno instead, the
 * policy and the journal agree again, and the worker goes on.  Returns 0
 * or that errno; a lock:on taken back is not a lock (s->stop is cleared,
 * and the frames after it run).
 */
static int
session_commit(struct session *s)
{
	struct policy_txn *t = &s->policy->txn;
	struct wconn	*c;
	struct wreply	*w;
	size_t		 i;
	int		 err;

	if ((err = journal_commit(&s->journal)) == 0) {
		policy_txn_commit(s->policy);
		s->nchanges = 0;
		if (s->stop)
			session_locked(s);
		return 0;
	}
	if (t->active && policy_txn_rollback(s->policy) != 0)
		fatalx("op=journal why=\"cannot roll the policy back\"");
	s->version++;
	log_warnx("op=journal why=\"write or sync failed: %zu changes taken "
	    "back\" err=%s", s->nchanges + s->stop, errtab_name(err));
	for (i = 0; i < s->nchanges; i++) {
		if ((w = change_reply(s, &s->changes[i])) == NULL)
			continue;
		if (w->r != NULL)
			render_put(&s->rc, w->r);
		w->r = NULL;
		buf_free(&w->body);
		w->err = err;
	}
	s->nchanges = 0;
	if (!s->stop)
		return err;
	/* Not locked after all: lock:on gets the error, frames go on. */
	s->stop = false;
	if ((c = conns_find(&s->conns, s->locked.conn)) != NULL &&
	    (w = conns_push(&s->conns, c, s->locked.id)) != NULL)
		w->err = err;
	return err;
}

/*
 * A request for a connection that is not open: an honest listener never
 * sends one, so it is refused, logged, and answered outside any credit
 * (one short reply per lie), and the worker goes on serving.
 */
static void
request_stray(struct session *s, const struct wire_msg *m)
{
	struct wire_msg	 r = { .type = WIRE_REPLY, .conn = m->conn,
	    .id = m->id };

	log_warnx("op=request conn=%llu id=%llu uid=%u gid=%u pid=%u "
	    "why=\"no such connection\" err=EACCES",
	    (unsigned long long)m->conn, (unsigned long long)m->id, m->uid,
	    m->gid, m->pid);
	buf_reset(&s->tmp);
	if (errtab_reply(&s->tmp, EACCES) == -1)
		fatal("op=reply");
	r.data = buf_head(&s->tmp);
	r.data_len = buf_unread(&s->tmp);
	session_send(s, &r);
}

/*
 * Run a request's command.  One that changes nothing (a query, a
 * refusal) after changes of this batch answers from those changes, which
 * the journal may yet refuse: they are committed first, and when they are
 * taken back, the command runs again on the policy without them.  So no
 * reply ever describes a change that did not happen.
 */
static void
request_exec(struct session *s, const struct wire_msg *m,
    enum cmd_origin origin, struct cmd_result *res)
{
	do {
		if (journal_on(&s->journal) && !s->policy->txn.active)
			policy_txn_begin(s->policy);
		buf_reset(&s->tmp);
		cmd_exec_lazy(s->policy, m->data, m->data_len, origin,
		    &s->tmp, res);
	} while (!res->changed && s->nchanges > 0 && session_commit(s) != 0);
}

/*
 * A request's level (docs/protocol.md 9): the lower of the line's
 * credentials' level and the connection's, the socket's peer.  A line
 * claiming more than its connection allows, or no level at all, is a
 * listener that lies or was taken over: -1, and a warning naming both.
 */
static int
request_level(struct session *s, const struct wire_msg *m,
    const struct wconn *c, enum cmd_origin *origin)
{
	enum access_level line = access_of(s->access, m->uid, m->gid);
	enum access_level peer = (enum access_level)c->peer.level;

	if (line <= peer && line != ACCESS_NONE) {
		*origin = line == ACCESS_ADMIN ? CMD_IPC : CMD_IPC_READ;
		return 0;
	}
	log_warnx("op=request conn=%llu id=%llu uid=%u gid=%u pid=%u "
	    "level=%s peer_uid=%u peer_gid=%u peer_pid=%u peer_level=%s "
	    "why=\"credentials above the connection's\" err=EACCES",
	    (unsigned long long)m->conn, (unsigned long long)m->id, m->uid,
	    m->gid, m->pid, access_level_name(line), c->peer.uid,
	    c->peer.gid, c->peer.pid, access_level_name(peer));
	return -1;
}

static void
handle_request(struct session *s, const struct wire_msg *m)
{
	struct cmd_result res;
	struct journal_who who;
	struct wconn	*c;
	struct wreply	*w;
	enum cmd_origin	 origin;
	int		 err;

	if (m->id <= s->last_id)
		fatalx("op=protocol why=\"request id %llu not above %llu\"",
		    (unsigned long long)m->id, (unsigned long long)s->last_id);
	s->last_id = m->id;
	if ((c = conns_find(&s->conns, m->conn)) == NULL) {
		request_stray(s, m);
		return;
	}
	/* Checked before the command runs: a violation changes nothing. */
	if (c->n == CONN_INFLIGHT_MAX)
		fatalx("op=protocol why=\"connection %llu has more than %d "
		    "requests in flight\"", (unsigned long long)m->conn,
		    CONN_INFLIGHT_MAX);
	if (request_level(s, m, c, &origin) == -1) {
		/* Nothing runs, nothing is journaled: the warning says it. */
		w = conns_push(&s->conns, c, m->id);
		w->err = EACCES;
		return;
	}
	request_exec(s, m, origin, &res);
	log_command(m, &res);
	who = (struct journal_who){ m->uid, m->gid, m->pid };
	if (res.changed) {
		s->version++;
		journal_change(&s->journal, time(NULL), &who, m->data,
		    m->data_len);
	} else if (res.err != 0 && !res.query)
		journal_refusal(&s->journal, time(NULL), &who, res.err,
		    m->data, m->data_len);
	if (res.locked) {
		/* The FATAL reply waits for the journal: session_commit. */
		s->stop = true;
		s->locked = (struct change){ m->conn, m->id };
		return;
	}
	w = conns_push(&s->conns, c, m->id);
	if (res.changed && journal_on(&s->journal))
		change_note(s, m->conn, m->id);
	w->err = res.err;
	if (res.err == 0 && res.show != CMD_SHOW_NONE) {
		if ((w->r = render_get(&s->rc, s->policy, s->version, res.show,
		    &err)) == NULL)
			w->err = err;
	} else if (res.err == 0 && res.output) {
		/* Its own bytes: hand the buffer over instead of copying. */
		w->body = s->tmp;
		s->tmp = (struct buf)BUF_INIT;
	}
	/* --journal-sync always: this change is durable before the next. */
	if (s->journal.sync == CONTRACT_SYNC_ALWAYS &&
	    journal_pending(&s->journal))
		(void)session_commit(s);
}

/* What each phase accepts (OpenSSH's mon_table); anything else is fatal. */
static const struct session_row {
	enum phase	 phase;
	enum wire_type	 type;
	void		(*fn)(struct session *, const struct wire_msg *);
} session_table[] = {
	{ PHASE_SETUP, WIRE_SETUP, handle_setup },
	{ PHASE_SETUP, WIRE_SETUP_DONE, handle_setup_done },
	{ PHASE_SETUP, WIRE_MARK, handle_mark },
	{ PHASE_HELLO, WIRE_HELLO, handle_hello },
	{ PHASE_REQUEST, WIRE_REQUEST, handle_request },
	{ PHASE_REQUEST, WIRE_CONN_OPEN, handle_open },
	{ PHASE_REQUEST, WIRE_CONN_CLOSE, handle_close },
	{ PHASE_REQUEST, WIRE_CREDIT, handle_credit },
};

static void
session_frame(struct session *s, const struct wire_msg *m)
{
	size_t	 i;

	for (i = 0; i < sizeof(session_table) / sizeof(session_table[0]);
	    i++) {
		if (session_table[i].phase == s->phase &&
		    session_table[i].type == m->type) {
			session_table[i].fn(s, m);
			return;
		}
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

	while (s->phase != PHASE_DONE && !s->stop) {
		n = wire_decode(buf_head(&s->in), buf_unread(&s->in), &m, &why);
		if (n == 0)
			break;
		if (n < 0)
			fatalx("op=protocol why=\"%s\"", why);
		session_frame(s, &m);
		buf_consume(&s->in, (size_t)n);
	}
}

/* Everything sendable, in pieces of about OUT_FLUSH_AT. */
static void
session_flush(struct session *s)
{
	if (s->phase == PHASE_REQUEST)
		while (!conns_flush(&s->conns, &s->out, OUT_FLUSH_AT))
			session_write(s);
	session_write(s);
}

struct session *
session_new(int fd, struct policy *p, const struct session_cfg *cfg)
{
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("op=session why=\"calloc\"");
	s->fd = fd;
	s->policy = p;
	s->phase = PHASE_SETUP;
	s->compact = cfg->compact;
	s->access = cfg->access;
	handoff_init(&s->handoff);
	if (conns_init(&s->conns, cfg->max_conn, &s->rc) == -1)
		fatal("op=session why=\"connection table\"");
	journal_init(&s->journal, cfg->journal_fd, cfg->journal_sync);
	return s;
}

/*
 * One batch: every whole frame of s->in, the journal's commit, then
 * everything owed written.  False once the session is over.
 */
static bool
session_batch(struct session *s)
{
	bool	 stopped;

	/* A lock:on whose record failed lets the frames after it in. */
	do {
		session_frames(s);
		stopped = s->stop;
	} while (s->phase == PHASE_REQUEST && session_commit(s) != 0 &&
	    stopped);
	session_flush(s);
	return s->phase != PHASE_DONE;
}

bool
session_input(struct session *s, const uint8_t *p, size_t n,
    const int *fds, size_t nfds)
{
	size_t	 i;

	for (i = 0; i < nfds; i++)
		handoff_put(&s->handoff, fds[i]);
	if (buf_append(&s->in, p, n) == -1)
		fatal("op=read");
	return session_batch(s);
}

int
session_free(struct session *s)
{
	int	 status = s->status;

	/* Every rendering goes with the last reply that held it. */
	conns_free(&s->conns);
	handoff_free(&s->handoff);
	journal_free(&s->journal);
	free(s->changes);
	buf_free(&s->in);
	buf_free(&s->out);
	buf_free(&s->tmp);
	free(s);
	return status;
}

int
session_serve(int fd, struct policy *p, const struct session_cfg *cfg)
{
	struct session	*s = session_new(fd, p, cfg);
	ssize_t		 n;

	for (;;) {
		/* Read straight into the input buffer: no copy. */
		if (buf_reserve(&s->in, READ_CHUNK) == -1)
			fatal("op=read");
		n = handoff_recv(&s->handoff, fd, s->in.data + s->in.len,
		    s->in.cap - s->in.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("op=read why=\"peer\"");
		if (n == 0) {
			if (buf_unread(&s->in) > 0)
				fatalx("op=protocol why=\"EOF inside a "
				    "frame\"");
			log_info("op=eof phase=%s", s->phase == PHASE_SETUP ?
			    "setup" : s->phase == PHASE_HELLO ? "hello" :
			    "request");
			s->status = 1;
			break;
		}
		s->in.len += (size_t)n;
		if (!session_batch(s))
			break;
	}
	return session_free(s);
}
