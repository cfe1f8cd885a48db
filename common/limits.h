/*
 * Every limit of privconf, in one place.  Tests and code read these names,
 * never the numbers.  docs/protocol.md calls the line limit LINE_MAX; glibc's
 * <limits.h> already owns that name (2048), so ours is IPC_LINE_MAX.
 */
#ifndef PRIVCONF_LIMITS_H
#define PRIVCONF_LIMITS_H

/* Client protocol (docs/protocol.md). */
#define IPC_LINE_MAX		4096	/* a line holds at most IPC_LINE_MAX - 1 bytes with its \n */
#define IPC_API_MAJOR		3
#define IPC_API_MINOR		1

/* Listener <-> worker frames (docs/design.md section 3). */
#define WIRE_HDR_LEN		4	/* big-endian body length */
#define WIRE_BODY_MAX		(64 * 1024)
#define WIRE_REPLY_CHUNK	(60 * 1024)	/* a REPLY body larger than this is split with WIRE_F_MORE */
#define WIRE_REPLY_TOTAL_MAX	(64u * 1024 * 1024)	/* one whole reply, all chunks */
#define WIRE_SOURCE_MAX		4096	/* a SETUP source name (a file path) */
#define WIRE_WORKER_OUTQ_MAX	(1024 * 1024)	/* listener stops reading clients past this */
/*
 * Client sockets one sendmsg on the link carries at most, and one recvmsg
 * of the worker takes (docs/design.md 3): each goes no later than the
 * first byte of its CONN_OPEN.
 */
#define WIRE_FDS_PER_MSG	8

/* Start-up and supervision (docs/design.md section 2). */
#define SETUP_TIMEOUT_MS	10000
#define TERM_GRACE_MS		5000
#define LOST_SETTLE_MS		1000	/* after a child dies, time for the other to end on its own */

/* Listener limits (docs/protocol.md 8); the defaults of daemon options. */
#define DEFAULT_MAX_CONN	1024
#define DEFAULT_MAX_CONN_PER_UID 64
#define PREAUTH_TIMEOUT_MS	10000
#define DEFAULT_IDLE_TIMEOUT_S	600
#define CONN_OUTQ_MAX		(256 * 1024)
/*
 * Lines of one connection the worker holds at once (forwarded, reply not
 * yet all out): the listener forwards no more, the worker dies on more.
 */
#define CONN_INFLIGHT_MAX	32
#define DEFAULT_WORKER_TIMEOUT_S 30	/* a request unanswered this long: hung */
#define FD_RESERVE		8
#define LISTEN_BACKLOG		128

/*
 * Bounds of privconfd's numeric options.  Timeouts stay below INT_MAX
 * milliseconds so that a child can turn them into an int for epoll_wait.
 */
#define OPT_MAX_CONN_MAX	1048576
#define OPT_TIMEOUT_MAX_S	2147483		/* INT_MAX / 1000 */
#define OPT_MAX_QUEUE_MAX	(1024u * 1024 * 1024)
#define OPT_FD_RESERVE_MAX	1024
#define OPT_ID_MAX		(UINT32_MAX - 1)	/* (uid_t)-1: "no id" */
/*
 * Access levels (docs/protocol.md 9): ids in one --ipc-uid, --ipc-gid,
 * --read-uid or --read-gid list, and the members of a level's groups
 * privconfd hands the children (each list is one argv word, which the
 * kernel bounds at 128 KiB: 8192 ids of 10 digits and a comma fit).
 */
#define ACCESS_IDS_MAX		1024
#define ACCESS_MEMBERS_MAX	8192

/* A profile line obeys the IPC line rule, so it fits a SETUP frame. */
#define PROFILE_LINE_MAX	(IPC_LINE_MAX - 2)
/* Bytes of one profile file privconfd reads at most. */
#define PROFILE_SIZE_MAX	(64u * 1024 * 1024)
/*
 * Bytes of a journal privconfd replays at most; it warns at start past
 * half of it (compact the journal: privconfd --compact-journal).
 */
#define JOURNAL_SIZE_MAX	(256u * 1024 * 1024)

/* Policy (docs/commands.md). */
#define POLICY_RULES_MAX	65536
#define PATTERN_MAX		4095	/* bytes of one path pattern */
/* docs/commands.md names only the rule limit; these keep a client from growing
 * the worker without bound through the other lists (ENOMEM past them). */
#define POLICY_IOCTL_MAX	POLICY_RULES_MAX	/* each ioctl list */
#define POLICY_IDMAP_MAX	POLICY_RULES_MAX	/* setuid, setgid */
#define POLICY_PATTERN_BYTES_MAX (32u * 1024 * 1024)	/* all rule patterns together */
#define NAME_MAX_LEN		64	/* name/host, name/domain */
/*
 * A glob of none of worker/glob.h's simple shapes runs an automaton of
 * one 64-bit word per 64 of its tokens for every byte of the target, and
 * a decision may have to run every such rule of its category: their
 * words, summed per category, are capped (ENOMEM past it) so that one
 * decision stays well under 100 ms at the longest target, whatever the
 * patterns (docs/design.md, "The rule index").
 */
#define POLICY_GLOB_WORDS_MAX	4096
/* The rule index's memory per rule, beyond the pattern's own bytes. */
#define POLICY_INDEX_BYTES_PER_RULE 256
/* A decision's target (check/): a path holds at most this, as a pattern. */
#define TARGET_MAX		PATTERN_MAX

/* Logging (docs/design.md section 5). */
#define LOG_LINE_MAX		1024

/* privconfctl (docs/privconfctl.1). */
#define CTL_CMD_MAX		(IPC_LINE_MAX - 2)	/* bytes of one command, without its \n */
#define CTL_TIMEOUT_S		30	/* default -t */
#define CTL_REPLY_MAX		(WIRE_REPLY_TOTAL_MAX + 3)	/* one reply, its \n and the "; " prompt */
#define CTL_JSON_DEPTH_MAX	32	/* stat nests 3 deep; deeper is not our server */
#define CTL_SEND_CHUNK		(64 * 1024)	/* pipelined commands queued ahead of the socket */
#define CTL_HISTORY_MAX		1000	/* lines the -i shell remembers */

#endif
