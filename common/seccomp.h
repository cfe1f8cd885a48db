/*
 * seccomp allow-lists as data (OpenSSH's sandbox-seccomp-filter.c keeps
 * one table per process; so does privconf: listener/confine.c and
 * worker/confine.c).  A row names a system call, what happens when it
 * matches (allowed, or refused with an errno) and up to two argument
 * conditions.  Everything that matches no row kills the process
 * (SCMP_ACT_KILL_PROCESS); a system call of another architecture too.
 *
 * Arguments that are fds are tied to the fd the process owns, given at
 * load time: SECCOMP_ARG_PEER means "this argument equals the peer fd".
 * SECCOMP_ARG_CLIENT is the listener's dynamic fds (accepted clients):
 * see seccomp.c for why that range cannot name an fd the process owns.
 *
 * PRIVCONF_SECCOMP_DEBUG=1: the default action is SCMP_ACT_TRAP instead,
 * and a SIGSYS handler writes
 *   privconf[listener]: op=seccomp_trap syscall=59 name=execve
 * to fd 2 and exits with SECCOMP_TRAP_EXIT, so that the day a libc update
 * adds a call, its name is in the log.
 */
#ifndef PRIVCONF_SECCOMP_H
#define PRIVCONF_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <seccomp.h>

/*
 * Exit status of a process stopped by the debug trap: 128 + SIGSYS, what
 * a shell reports for a process killed by SIGSYS, so the two modes read
 * alike in privconfd's "lost child" line.
 */
#define SECCOMP_TRAP_EXIT	159

/* Where the datum of a condition comes from. */
enum seccomp_arg {
	SECCOMP_ARG_NONE = 0,	/* unused condition */
	SECCOMP_ARG_CONST,	/* op with k (k2: SCMP_CMP_MASKED_EQ) */
	SECCOMP_ARG_STDERR,	/* == fd 2 */
	SECCOMP_ARG_PEER,	/* == the listener-worker socket */
	SECCOMP_ARG_LISTEN,	/* == the listening socket */
	SECCOMP_ARG_EPOLL,	/* == the epoll fd */
	SECCOMP_ARG_JOURNAL,	/* == the journal fd */
	SECCOMP_ARG_CLIENT,	/* an fd above every fd the process owns */
	SECCOMP_ARG_COUNT
};

struct seccomp_cond {
	unsigned int	 arg;	/* argument index, 0..5 */
	enum seccomp_arg from;
	int		 op;	/* enum scmp_compare (ARG_CONST) */
	uint64_t	 k;
	uint64_t	 k2;
};

#define SECCOMP_COND_MAX	3

struct seccomp_rule {
	int		 nr;	/* SCMP_SYS(name) */
	int		 err;	/* 0: allow, else fail with it */
	struct seccomp_cond cond[SECCOMP_COND_MAX];	/* all must hold */
};

/*
 * Rows read as sentences:
 *   SECCOMP_ALLOW(getpid)
 *   SECCOMP_ALLOW(accept4, SECCOMP_IS(0, SECCOMP_ARG_LISTEN))
 *   SECCOMP_ALLOW(mmap, SECCOMP_MASKED(2, PROT_EXEC, 0))
 *   SECCOMP_REFUSE(openat, EACCES)
 */
#define SECCOMP_ALLOW(name, ...)	{ SCMP_SYS(name), 0, { __VA_ARGS__ } }
#define SECCOMP_REFUSE(name, err)	{ SCMP_SYS(name), (err), { { 0 } } }
/* Argument a is the fd named by from (an enum seccomp_arg). */
#define SECCOMP_IS(a, from)		{ (a), (from), 0, 0, 0 }
/* Argument a compared with the constant k (op: SCMP_CMP_EQ ...). */
#define SECCOMP_CMP(a, op, k)		\
	{ (a), SECCOMP_ARG_CONST, (op), (k), 0 }
/* (argument a & mask) == v */
#define SECCOMP_MASKED(a, mask, v)	\
	{ (a), SECCOMP_ARG_CONST, SCMP_CMP_MASKED_EQ, (mask), (v) }

struct seccomp_table {
	const struct seccomp_rule *rules;
	size_t		 n;
};

/* The fds a rule table is tied to, for one process. */
struct seccomp_fds {
	/* The fd of each enum seccomp_arg; -1: absent. */
	int		 fd[SECCOMP_ARG_COUNT];
	/*
	 * Client fds are [client_lo, client_hi): above every fd the process
	 * owns, below its RLIMIT_NOFILE.  client_lo == client_hi: none.
	 */
	int		 client_lo;
	int		 client_hi;
};

/*
 * Build a filter from the tables and load it.  A row whose condition names
 * an absent fd (-1) is left out: that call is refused.  proc names the
 * process in the debug trap's log line.  debug: trap instead of kill (see
 * above).  0, or -1 with errno.
 */
int	seccomp_load_rules(const char *proc, const struct seccomp_table *,
	    size_t ntables, const struct seccomp_fds *, bool debug);

#endif
