/*
 * The process contract: what privconfd hands each child, said once.
 * privconfd builds the children's argv from the table in contract.c, and
 * both children parse their argv with the same table, so a name, a bound
 * or a default cannot differ between the writer and the reader.
 *
 * Who opens which descriptor, and who gets it:
 *
 *	privconfd                    worker               listener
 *	---------                    ------               --------
 *	0, 1  /dev/null          ->  0, 1                 0, 1
 *	log pipe (one per child) ->  2 (write end)        2 (write end)
 *	socketpair(sp[0], sp[1])
 *	   sp[1]                 ->  3 LINK
 *	   sp[0] (SETUP first)   ------------------------> 3 LINK
 *	journal (-j, O_APPEND)   ->  4 JOURNAL, when --journal
 *	listening socket         ------------------------> 4 LISTEN
 *	                                                  5 its epoll fd,
 *	                                                    made first
 *
 * privconfd talks to the worker on sp[0] during start-up (SETUP frames),
 * then hands sp[0] to the listener and keeps no copy of either end, of
 * the journal or of the listening socket.  Nothing else is open in a
 * child; each child closes what it does not own before its first
 * untrusted byte (common/confine.c step 2).
 *
 * Every bound comes from common/limits.h; the child refuses any value
 * outside it as if a stranger had written the argv.
 */
#ifndef PRIVCONF_CONTRACT_H
#define PRIVCONF_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The descriptors of the drawing above. */
#define CONTRACT_FD_LINK	3
#define CONTRACT_FD_LISTEN	4	/* listener */
#define CONTRACT_FD_JOURNAL	4	/* worker, with --journal */
#define CONTRACT_FD_EPOLL	5	/* listener, its own */

/* Which child an option is for (a bit mask in the table). */
enum contract_proc {
	CONTRACT_WORKER = 0x1,
	CONTRACT_LISTENER = 0x2,
};

/* A uid or gid option: not given, "any"/"none" (not checked), a number. */
enum contract_id_kind {
	CONTRACT_ID_UNSET,
	CONTRACT_ID_ANY,
	CONTRACT_ID_NUM,
};

struct contract_id {
	enum contract_id_kind kind;
	uint32_t	 id;
};

/*
 * A list of ids (docs/protocol.md 9): not given, "any"/"none", or
 * CONTRACT_ID_NUM with text a comma list of decimal ids (common/access.h).
 */
struct contract_ids {
	enum contract_id_kind kind;
	const char	*text;
};

struct access;

/*
 * Everything a child can be told.  A field the child does not take stays
 * as contract_args_init() left it.
 */
struct contract_args {
	unsigned	 verbose;		/* -v, repeatable */
	const char	*ipc_addr;		/* worker: what was bound */
	/* Both: the access levels, every name resolved by privconfd. */
	struct contract_ids ipc_uid;		/* admin: "any" or uids */
	struct contract_ids ipc_gid;		/* admin: "none" or gids */
	struct contract_ids ipc_members;	/* admin: uids in those groups */
	struct contract_ids read_uid;		/* read: "any" or uids */
	struct contract_ids read_gid;		/* read: gids */
	struct contract_ids read_members;	/* read: uids in those groups */
	uint64_t	 max_conn;		/* both: connections at once */
	uint64_t	 max_conn_per_uid;	/* listener limits */
	uint64_t	 auth_timeout;		/* seconds, >= 1 */
	uint64_t	 idle_timeout;		/* seconds, 0: never */
	uint64_t	 max_queue;		/* bytes */
	uint64_t	 fd_reserve;
	uint64_t	 worker_timeout;	/* seconds, >= 1 */
	struct contract_id run_uid;		/* both, as root: whom to */
	struct contract_id run_gid;		/* become, and where */
	const char	*chroot;
	bool		 allow_weak;		/* --allow-weak-sandbox */
	bool		 journal;		/* worker: fd 4 is the journal */
	unsigned	 journal_sync;		/* worker: enum contract_sync */
	bool		 dump;			/* worker: compaction, MARK/DUMP */
};

/* --journal-sync: when the worker makes its journal writes durable. */
enum contract_sync {
	CONTRACT_SYNC_BATCH,	/* one fdatasync per batch (the default) */
	CONTRACT_SYNC_ALWAYS,	/* one fdatasync per change */
	CONTRACT_SYNC_NONE,	/* the kernel's own time */
};
/* Its words, by enum contract_sync: "batch", "always", "none". */
extern const char *const contract_sync_words[];

/*
 * The listener's exit status when a request stayed unanswered for
 * --worker-timeout: privconfd logs "lost child: worker stalled".
 */
#define CONTRACT_EXIT_STALLED	3

/* Longest argv the table can produce, program name and NULL included. */
#define CONTRACT_ARGV_MAX	40

struct contract_argv {
	char	*v[CONTRACT_ARGV_MAX];		/* NULL-terminated */
	int	 n;
	char	 num[CONTRACT_ARGV_MAX][24];	/* the numbers in v */
};

/* The defaults of common/limits.h; ids unset; no journal. */
void	contract_args_init(struct contract_args *);
/*
 * The access levels a's id lists describe (docs/protocol.md 9): 0, or -1
 * when out of memory.  The lists were checked by contract_parse().
 */
int	contract_access(const struct contract_args *, struct access *);

/*
 * The argv of child proc for a (program name first).  Every option of the
 * table that proc takes and a sets is written, in table order.
 */
void	contract_argv(struct contract_argv *, enum contract_proc,
	    const struct contract_args *);

/*
 * Set one numeric or word option of the table by its name ("--max-conn")
 * from its text, with the table's bound: privconfd's own command line
 * takes the children's limits this way, so there is one bound for both.
 * 0, or -1 with err "--max-conn: 0: not a number from 1 to 1048576".
 */
int	contract_set(struct contract_args *, const char *name,
	    const char *value, char *err, size_t errlen);

/*
 * Parse a child's argv into a (contract_args_init() first).  Every number
 * is plain decimal within its bound, every required option is there, run
 * ids come in pairs.  0, or -1 with a message in err.
 */
int	contract_parse(enum contract_proc, int argc, char *const argv[],
	    struct contract_args *, char *err, size_t errlen);

#endif
