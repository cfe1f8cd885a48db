/*
 * privconfd gives up what it no longer needs once both children run.  It
 * keeps root's uid (its socket and empty root live in root-owned
 * directories, and it must remove them at the end), but no capability
 * except CAP_KILL, no file access except those two removals and, with
 * -l, the reopen of its log file, and a handful of system calls.
 */
#define _GNU_SOURCE
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <string.h>
#include <unistd.h>

#include "common/confine.h"
#include "common/landlock.h"
#include "common/log.h"
#include "common/seccomp.h"
#include "daemon/confine.h"
#include "daemon/logdest.h"

/* Rows built at run time: the fds and pids are known only now. */
#define DAEMON_ROWS_MAX	32

static void
add_row(struct seccomp_rule *rows, size_t *n, struct seccomp_rule r)
{
	if (*n >= DAEMON_ROWS_MAX)
		fatalx("op=confine why=\"too many seccomp rows\"");
	rows[(*n)++] = r;
}

/*
 * The log (daemon/logdest.c) is fd 2 by now.  syslog: connect it again
 * after syslogd restarts.  -l: SIGHUP opens the file again in its
 * directory with the one set of flags, and puts it on fd 2; every other
 * openat is refused as before (two rows: libseccomp takes no
 * unconditional row beside a conditional one).
 */
static size_t
daemon_log_rows(struct seccomp_rule *rows, size_t n)
{
	uint64_t dir = (uint64_t)logdest_dirfd();

	switch (logdest_kind()) {
	case LOGDEST_SYSLOG:
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(connect,
		    SECCOMP_IS(0, SECCOMP_ARG_STDERR)));
		break;
	case LOGDEST_FILE:
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(openat,
		    SECCOMP_CMP(0, SCMP_CMP_EQ, dir),
		    SECCOMP_CMP(2, SCMP_CMP_EQ, LOGDEST_FLAGS)));
		add_row(rows, &n, (struct seccomp_rule){ SCMP_SYS(openat),
		    EACCES, { SECCOMP_CMP(0, SCMP_CMP_NE, dir) } });
		add_row(rows, &n, (struct seccomp_rule){ SCMP_SYS(openat),
		    EACCES, { SECCOMP_CMP(0, SCMP_CMP_EQ, dir),
		    SECCOMP_CMP(2, SCMP_CMP_NE, LOGDEST_FLAGS) } });
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(dup2,
		    SECCOMP_CMP(1, SCMP_CMP_EQ, STDERR_FILENO)));
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(dup3,
		    SECCOMP_CMP(1, SCMP_CMP_EQ, STDERR_FILENO)));
		return n;
	case LOGDEST_STDERR:
		break;
	}
	add_row(rows, &n, (struct seccomp_rule)SECCOMP_REFUSE(openat, EACCES));
	return n;
}

/* What privconfd does from now on, as data. */
static size_t
daemon_rows(const struct supervisor *sv, struct seccomp_rule *rows)
{
	static const struct seccomp_rule fixed[] = {
		SECCOMP_ALLOW(poll),
		SECCOMP_ALLOW(ppoll),
		SECCOMP_ALLOW(rt_sigprocmask),
		SECCOMP_ALLOW(getpid),
		SECCOMP_ALLOW(close),
		/* exit() flushes stdout (/dev/null or a terminal). */
		SECCOMP_ALLOW(write, SECCOMP_CMP(0, SCMP_CMP_EQ, STDOUT_FILENO)),
		/* The end: is the path still our socket, then remove it. */
		SECCOMP_ALLOW(newfstatat),
		SECCOMP_ALLOW(lstat),
		SECCOMP_ALLOW(unlink),
		SECCOMP_ALLOW(unlinkat),
		SECCOMP_ALLOW(rmdir),
		/* Anything that would open a file is refused, not killed. */
		SECCOMP_REFUSE(open, EACCES),
		SECCOMP_REFUSE(openat2, EACCES),
	};
	const struct child *c;
	size_t	 n = 0, i;
	int	 k;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add_row(rows, &n, fixed[i]);
	n = daemon_log_rows(rows, n);
	add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(read,
	    SECCOMP_CMP(0, SCMP_CMP_EQ, (uint64_t)sv->sigfd)));
	for (k = 0; k < sv->nkids; k++) {
		c = sv->kids[k];
		if (c->log.fd != -1)
			add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(
			    read, SECCOMP_CMP(0, SCMP_CMP_EQ,
			    (uint64_t)c->log.fd)));
		if (c->pid <= 0)
			continue;
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(kill,
		    SECCOMP_CMP(0, SCMP_CMP_EQ, (uint64_t)c->pid)));
		add_row(rows, &n, (struct seccomp_rule)SECCOMP_ALLOW(wait4,
		    SECCOMP_CMP(0, SCMP_CMP_EQ, (uint64_t)c->pid)));
	}
	return n;
}

/* An O_PATH fd on the directory that holds path, or -1 for no path. */
static int
parent_dir(const char *path)
{
	char	 copy[PATH_MAX];
	int	 fd;

	if (path == NULL || path[0] == '\0')
		return -1;
	if (strlcpy(copy, path, sizeof(copy)) >= sizeof(copy))
		fatalx("op=confine why=\"path too long\"");
	if ((fd = open(dirname(copy), O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("op=confine path=\"%s\" why=\"open\"", copy);
	return fd;
}

static int
daemon_landlock(const char *sock_path, const char *empty_root,
    bool allow_weak)
{
	struct landlock_grant g[3];
	size_t	 n = 0, i;
	int	 abi;

	if ((g[n].dirfd = parent_dir(sock_path)) != -1)
		g[n++].access = LANDLOCK_FS_REMOVE_FILE;
	if ((g[n].dirfd = parent_dir(empty_root)) != -1)
		g[n++].access = LANDLOCK_FS_REMOVE_DIR;
	/* -l: write and create files there (privconfd.8 says: a log dir). */
	if (logdest_dirfd() != -1) {
		if ((g[n].dirfd = fcntl(logdest_dirfd(), F_DUPFD_CLOEXEC,
		    0)) == -1)
			fatal("op=confine why=\"dup\"");
		g[n++].access = LANDLOCK_FS_WRITE_FILE | LANDLOCK_FS_MAKE_REG;
	}
	/*
	 * No signal scope: the children were started before this domain
	 * existed, so a scoped privconfd could no longer stop them.
	 */
	abi = landlock_restrict(allow_weak, LANDLOCK_SCOPED_ABSTRACT_UNIX, g,
	    n);
	for (i = 0; i < n; i++)
		close(g[i].dirfd);
	if (abi == -1)
		fatal("op=confine why=\"landlock\"");
	return abi;
}

void
daemon_confine(const struct supervisor *sv, const char *sock_path,
    const char *empty_root, bool allow_weak)
{
	struct seccomp_rule rows[DAEMON_ROWS_MAX];
	struct seccomp_table tables[2];
	struct seccomp_fds fds;
	uint64_t keep = 0;
	bool	 debug = confine_seccomp_debug();
	int	 abi, i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("op=confine why=\"PR_SET_NO_NEW_PRIVS\"");
	if (geteuid() == 0) {
		keep = (uint64_t)1 << CAP_KILL;
		confine_drop_bounding(keep);
	}
	confine_drop_caps(keep);
	abi = daemon_landlock(sock_path, empty_root, allow_weak);

	for (i = 0; i < SECCOMP_ARG_COUNT; i++)
		fds.fd[i] = -1;
	fds.fd[SECCOMP_ARG_STDERR] = STDERR_FILENO;
	fds.client_lo = fds.client_hi = 0;
	tables[0] = confine_base_table;
	tables[1].rules = rows;
	tables[1].n = daemon_rows(sv, rows);
	confine_quiet_sanitizer();
	if (seccomp_load_rules("privconfd", tables, 2, &fds, debug) == -1)
		fatal("op=confine why=\"seccomp\"");
	log_info("op=confine landlock=%d seccomp=%s caps=%s", abi,
	    debug ? "trap" : "kill", keep ? "kill" : "none");
}
