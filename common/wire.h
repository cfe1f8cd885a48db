/*
 * Frames between privconfd, the listener and the worker (docs/design.md 3).
 *
 * Every frame is a 4-byte big-endian body length followed by a msgpack
 * body of exactly that length, at most WIRE_BODY_MAX bytes.  The body is
 * an array whose first element is the message type:
 *
 *   REQUEST     [1, conn, id, uid, gid, pid, line]  listener -> worker
 *   REPLY       [2, conn, id, flags, body]          worker -> listener
 *   SETUP       [3, source, lineno, line]           privconfd -> worker
 *   SETUP_DONE  [4]                                 privconfd -> worker
 *   READY       [5]                                 worker -> privconfd
 *   SETUP_ERROR [6, source, lineno, errno]          worker -> privconfd
 *   HELLO       [7, uid, gid, landlock, seccomp]    listener -> worker
 *   CONN_OPEN   [8, conn, credit]                   listener -> worker
 *   CONN_CLOSE  [9, conn]                           listener -> worker
 *   CREDIT      [10, conn, credit]                  listener -> worker
 *   LOCKED      [11, source, lineno]                worker -> privconfd
 *   MARK        [12]                                privconfd -> worker
 *   DUMP        [13, flags, body]                   worker -> privconfd
 *
 * Every number is a msgpack positive integer; source, line and body are
 * msgpack bin.  conn and id are > 0; uid and gid fit in 32 bits, pid in
 * 31 bits and is > 0, lineno in 32 bits, errno is 1..4095, credit is
 * 1..WIRE_CREDIT_MAX bytes.
 *
 * A connection id names one client connection for its whole life and is
 * never reused: the listener opens it (CONN_OPEN, with the reply bytes
 * the client can take so far), sends its REQUESTs, grants more reply
 * bytes as the client reads them (CREDIT), and closes it (CONN_CLOSE).
 * The worker sends no more reply bytes for a connection than it was
 * granted, and answers each connection's requests in their order.
 * HELLO is the listener's first frame, sent once it is confined: the ids
 * it runs as, its Landlock ABI (0..WIRE_LANDLOCK_MAX, 0 = none) and its
 * seccomp state (enum wire_seccomp), for the worker's `stats`.
 * A REPLY body is the exact bytes for the client; a reply longer than
 * WIRE_REPLY_CHUNK, or than the connection's credit, is sent as several
 * REPLY frames with the same id, all but the last with WIRE_F_MORE.
 * WIRE_F_FATAL: the policy is now locked (lock:on), the body is empty and
 * the IPC server ends.  LOCKED answers SETUP_DONE instead of READY when
 * the profile line source:lineno locked the policy.
 * MARK and DUMP exist only for `privconfd --compact-journal` (a worker
 * started with --dump, docs/design.md 6): SETUP lines before MARK are
 * the profiles, after it the journal; DUMP answers SETUP_DONE with the
 * compacted journal, WIRE_REPLY_CHUNK bytes at most per frame, all but
 * the last with WIRE_F_MORE.
 *
 * Packing and unpacking are ours (msgpack-c only checks them in
 * test_wire).  msgpack-c's unpacker would not do: it allocates from
 * declared lengths before it reads them, so wire_decode() walks the body
 * with its own bounded reader and checks every length against the bytes
 * left in the frame.  Pointers in a decoded message point into the frame.
 */
#ifndef PRIVCONF_WIRE_H
#define PRIVCONF_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/limits.h"

enum wire_type {
	WIRE_REQUEST = 1,
	WIRE_REPLY = 2,
	WIRE_SETUP = 3,
	WIRE_SETUP_DONE = 4,
	WIRE_READY = 5,
	WIRE_SETUP_ERROR = 6,
	WIRE_HELLO = 7,
	WIRE_CONN_OPEN = 8,
	WIRE_CONN_CLOSE = 9,
	WIRE_CREDIT = 10,
	WIRE_LOCKED = 11,
	WIRE_MARK = 12,
	WIRE_DUMP = 13,
};

enum wire_seccomp {
	WIRE_SECCOMP_OFF = 0,
	WIRE_SECCOMP_KILL = 1,	/* the filter kills on a refused call */
	WIRE_SECCOMP_TRAP = 2,	/* PRIVCONF_SECCOMP_DEBUG=1 */
};
#define WIRE_LANDLOCK_MAX	255
/* Reply bytes one CONN_OPEN or CREDIT may grant: --max-queue's bound. */
#define WIRE_CREDIT_MAX		OPT_MAX_QUEUE_MAX

/*
 * A connection id is the listener's slot index in its low 32 bits (below
 * --max-conn, which both children are told) and that slot's generation,
 * from 1, in the high 32 bits: never 0, never reused while the listener
 * runs, and found in O(1) on both sides.
 */
#define WIRE_CONN_ID(gen, idx)	((uint64_t)(gen) << 32 | (uint32_t)(idx))
#define WIRE_CONN_INDEX(id)	((uint32_t)(id))

#define WIRE_F_FATAL	0x1u	/* policy locked: close everything */
#define WIRE_F_MORE	0x2u	/* more REPLY frames with this id follow */
#define WIRE_F_ALL	(WIRE_F_FATAL | WIRE_F_MORE)

struct wire_msg {
	enum wire_type	 type;
	uint64_t	 conn;		/* REQUEST, REPLY, CONN_*, CREDIT */
	uint64_t	 id;		/* REQUEST, REPLY */
	uint32_t	 credit;	/* CONN_OPEN, CREDIT */
	uint32_t	 uid;		/* REQUEST, HELLO */
	uint32_t	 gid;		/* REQUEST, HELLO */
	uint32_t	 pid;		/* REQUEST */
	uint32_t	 flags;		/* REPLY, DUMP */
	uint32_t	 lineno;	/* SETUP, SETUP_ERROR, LOCKED */
	uint32_t	 err;		/* SETUP_ERROR */
	uint32_t	 landlock;	/* HELLO */
	uint32_t	 seccomp;	/* HELLO */
	const uint8_t	*source;	/* SETUP, SETUP_ERROR, LOCKED */
	size_t		 source_len;
	const uint8_t	*data;		/* REQUEST line, REPLY/DUMP body, SETUP line */
	size_t		 data_len;
};

/* Append one frame for m to out.  0, or -1 with errno (EINVAL, ENOMEM). */
int	wire_encode(struct buf *out, const struct wire_msg *m);
/*
 * The same bytes as wire_encode() of that REQUEST, from its fields: the
 * listener's hot path, spared a wire_msg and two switches.
 */
int	wire_encode_request(struct buf *out, uint64_t conn, uint64_t id,
	    uint32_t uid, uint32_t gid, uint32_t pid, const uint8_t *line,
	    size_t len);

/*
 * Decode the first frame of p[0..n).  Returns the frame's total size
 * (header included) when a whole valid frame is there, 0 when more bytes
 * are needed, -1 when the bytes can never become a valid frame; then *why
 * names the reason.  A declared body length over WIRE_BODY_MAX is -1 as
 * soon as the 4 header bytes are there.
 */
ssize_t	wire_decode(const uint8_t *p, size_t n, struct wire_msg *m,
	    const char **why);

const char *wire_type_name(enum wire_type);

#endif
