/*
 * Integration test harness: start the real privconfd in a fresh temporary
 * directory, talk to it over its socket and look at what is left behind.
 *
 * Every wait has a deadline far beyond what a slow machine needs; a
 * deadline hit is a test failure (never a hang), never a condition a test
 * relies on to pass.  Helpers whose name does not say "try" assert with
 * criterion and end the test on failure.
 */
#ifndef PRIVCONF_TESTS_HARNESS_H
#define PRIVCONF_TESTS_HARNESS_H

#include <sys/types.h>

#include <stddef.h>

#include "common/limits.h"
#include "common/writeall.h"

/* Deadlines, in milliseconds; generous on purpose. */
#define H_START_MS	10000	/* the socket accepts */
#define H_IO_MS		30000	/* one exchange on one connection */
#define H_EXIT_MS	(TERM_GRACE_MS + 25000)	/* privconfd ends */

/* Exact client bytes of docs/protocol.md, written out from the spec. */
#define H_PONG		"{\"err\":0,\"msg\":\"PONG\"}\n"
#define H_PINK		"{\"err\":0,\"msg\":\"Change return success. " \
			"Going and coming without error. " \
			"Action brings good fortune.\"}\n"
#define H_ACK		"{\"err\":0,\"msg\":\"ACK\"}\n"
#define H_EPERM		"{\"err\":1,\"msg\":" \
			"\"EPERM: Operation not permitted\"}\n"
#define H_ENOENT	"{\"err\":2,\"msg\":" \
			"\"ENOENT: No such file or directory\"}\n"
#define H_RATE		"{\"err\":7,\"msg\":\"RATE\"}\n"
#define H_EAGAIN	"{\"err\":11,\"msg\":\"EAGAIN: Try again\"}\n"
#define H_AUTH		"{\"err\":13,\"msg\":\"AUTH\"}\n"
#define H_EBUSY		"{\"err\":16,\"msg\":" \
			"\"EBUSY: Device or resource busy\"}\n"
#define H_EINVAL	"{\"err\":22,\"msg\":\"EINVAL: Invalid argument\"}\n"
#define H_UNKNOWN_MODE	"Unknown prompt mode!\n"
#define H_PROMPT	"; "

/* The API numbers come from common/limits.h, never from a literal. */
#define H_STR_(x)	#x
#define H_STR(x)	H_STR_(x)
#define H_API		H_STR(IPC_API_MAJOR) "." H_STR(IPC_API_MINOR)
#define H_VERSION	"{\"major\":" H_STR(IPC_API_MAJOR) \
			",\"minor\":" H_STR(IPC_API_MINOR) \
			",\"version\":\"" H_API "\"}\n"
#define H_STAT_HEAD	"{\"api\":" H_STR(IPC_API_MAJOR) \
			",\"version\":\"" H_API "\",\"lock\":"

enum h_addr {
	H_PATH,		/* DIR/ipc.sock */
	H_ABSTRACT	/* @privconf-test-PID-N-RANDOM */
};

struct h_daemon {
	char	 dir[64];	/* mkdtemp, removed by h_done() */
	char	 addr[128];	/* what -s gets: a path or @name */
	char	 path[128];	/* the socket path; "" when abstract */
	char	 logpath[96];	/* privconfd's stderr */
	pid_t	 pid;		/* 0 before spawn */
	int	 reaped;
	int	 status;	/* wait status once reaped */
	/* Set between h_init() and h_spawn(); h_init() clears them. */
	int	 own_pgrp;	/* privconfd leads a process group */
	int	 ignore_xfsz;	/* privconfd and its children ignore SIGXFSZ */
	const char *exe;	/* privconfd to run; NULL: the build's */
	int	 detach;	/* no -f: pid is the starter, which exits */
	/*
	 * Root only: privconfd sees this file as /etc/group (a mount
	 * namespace of its own), so group membership can be tested.
	 */
	const char *group_file;
};

/* How a read ended. */
enum h_end {
	H_EOF,		/* orderly close */
	H_RESET,	/* ECONNRESET after the bytes: input left unread */
	H_TIMEOUT	/* only from the h_try_ helpers */
};

struct h_bytes {
	char		*p;	/* NUL-terminated for convenience */
	size_t		 len;
	enum h_end	 end;
};

/* The daemon. */
void	 h_init(struct h_daemon *, enum h_addr);
void	 h_spawn(struct h_daemon *, ...) __attribute__((sentinel));
void	 h_spawnv(struct h_daemon *, const char *const *args);
void	 h_ready(struct h_daemon *);
void	 h_start(struct h_daemon *, ...) __attribute__((sentinel));
void	 h_start_abstract(struct h_daemon *, ...) __attribute__((sentinel));
int	 h_try_wait_exit(struct h_daemon *, int ms);
int	 h_wait_exit(struct h_daemon *, int ms);
void	 h_assert_exit(struct h_daemon *, int code);
int	 h_stop(struct h_daemon *);
void	 h_done(struct h_daemon *);
char	*h_log(const struct h_daemon *);
int	 h_log_has_line(const struct h_daemon *, const char *line);
void	 h_assert_log_line(const struct h_daemon *, const char *line);
void	 h_wait_log_line(const struct h_daemon *, const char *line);
const char	*h_build_dir(void);

/* Connections. */
int	 h_try_connect(const char *addr);
int	 h_connect(const char *addr);
int	 h_try_send(int, const void *, size_t);
void	 h_send(int, const void *, size_t);
void	 h_sends(int, const char *);
void	 h_send_slowly(int, const void *, size_t, size_t piece);
void	 h_shutwr(int);
int	 h_try_read_all(int, struct h_bytes *, int ms);
void	 h_read_all(int, struct h_bytes *);
int	 h_try_read_n(int, size_t, struct h_bytes *, int ms);
void	 h_read_n(int, size_t, struct h_bytes *);
void	 h_expect_read(int, const char *want);
void	 h_expect_read_n(int, const void *want, size_t wantlen);
void	 h_expect_closed(int, const char *want);
int	 h_quiet(int, int ms);
void	 h_bytes_free(struct h_bytes *);
void	 h_assert_bytes(const struct h_bytes *, const void *, size_t);
void	 h_assert_str(const struct h_bytes *, const char *);
void	 h_request(const char *addr, const void *, size_t, struct h_bytes *);
void	 h_expect(const char *addr, const char *send, const char *want);
void	 h_expectn(const char *addr, const void *send, size_t sendlen,
	    const void *want, size_t wantlen);
char	*h_stat(const char *addr);

/* Clients with another identity (root only; see h_request_as()). */
int	 h_is_root(void);
int	 h_request_as(uid_t, gid_t, const char *addr, const void *, size_t,
	    struct h_bytes *);

/*
 * A connected socket whose peer (SO_PEERCRED) is a process that ran as
 * uid:gid when it made it; only root can ask for other ids than its own.
 */
int	 h_socket_as(uid_t uid, gid_t gid);

/* Processes. */
int	 h_children(pid_t parent, pid_t *out, int max);
pid_t	 h_child_named(pid_t parent, const char *name);
int	 h_proc_running(pid_t);
void	 h_assert_proc_gone(pid_t);

/* Commands run to their end (harness_run.c). */
struct h_run {
	struct h_bytes	 out;
	struct h_bytes	 err;
	int		 status;	/* wait status */
};
/*
 * Run argv[0] (a path) with stdin /dev/null; env holds "VAR=VALUE" to set
 * and "VAR" to unset in the child (NULL: none).  Fails the test when it
 * runs longer than ms.
 */
void	 h_run(struct h_run *, int ms, const char *const *argv,
	    const char *const *env);
void	 h_run_free(struct h_run *);
/* The source tree: $PRIVCONF_SRC (make sets it), else ".". */
const char	*h_src_dir(void);

/* Small things. */
void	*h_alloc(size_t);
char	*h_status_text(int);
char	*h_repeat(char, size_t);
char	*h_printf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*h_concat(const char *, ...) __attribute__((sentinel));
size_t	 h_count(const char *hay, size_t haylen, const char *needle);
void	 h_sleep_ms(int);
long long	 h_now_ms(void);
char	*h_write_file(struct h_daemon *, const char *name, const char *text);
char	*h_escape(const void *, size_t, size_t max);

#endif
