/*
 * The confinement steps both children share (docs/design.md 4); the order is
 * the one in confine.h and each step says why it sits where it does.
 */
#define _GNU_SOURCE

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/confine.h"
#include "common/landlock.h"
#include "common/log.h"
#include "common/seccomp.h"

/* SANITIZE=1 builds: the sanitizer runtimes make a few calls of their own. */
#if defined(__SANITIZE_ADDRESS__)
#define CONFINE_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define CONFINE_SANITIZER	1
#endif
#endif

/*
 * Benchmark builds only (make bench builds them in build/bench-nosandbox/;
 * make check proves the default binaries lack them): callgrind must open
 * and write its output file when the process ends, which Landlock,
 * seccomp and the listener's RLIMIT_FSIZE forbid.  Those are skipped,
 * loudly, and only when the run says PRIVCONF_BENCH_NO_SANDBOX=1.
 */
#ifdef PRIVCONF_BENCH_NO_SANDBOX
#define CONFINE_BENCH	true
#else
#define CONFINE_BENCH	false
#endif

/* 0, 1, 2, the four named fds and the extra ones. */
#define KEEP_MAX	(3 + 4 + CONFINE_KEEP_MAX)

static struct confine_report report;

#ifdef CONFINE_SANITIZER
/*
 * LeakSanitizer's check at exit() starts a tracer thread and ptraces the
 * process: seccomp kills that.  Once confined, the check is off; before
 * (and in every program that never confines) it runs as usual.
 */
static volatile int	 lsan_off;

int	__lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return lsan_off;
}
#endif

/*
 * What every privconf process needs once confined, whatever its job:
 * log lines to stderr, malloc, the clock (the vDSO usually answers, the
 * system call is the fallback), leaving.  Memory is never made
 * executable.  madvise is limited to the advice glibc's malloc gives
 * (MADV_DONTNEED when it trims, MADV_FREE for other allocators), as
 * OpenSSH does: no KSM merging (MADV_MERGEABLE, a side channel between
 * processes), no MADV_DONTFORK games.  mremap may move a mapping, as
 * realloc asks, but never to an address of the caller's choosing
 * (MREMAP_FIXED) nor keep the old one (MREMAP_DONTUNMAP).  Probes of the file system (glibc's stdio fstat()s a stream,
 * localtime looks for /etc/localtime) fail with EACCES instead of killing:
 * Landlock would refuse them anyway, and a refusal is what such code is
 * written to survive.
 */
static const struct seccomp_rule base_rules[] = {
	SECCOMP_ALLOW(write, SECCOMP_IS(0, SECCOMP_ARG_STDERR)),

	SECCOMP_ALLOW(brk),
	SECCOMP_ALLOW(mmap, SECCOMP_MASKED(2, PROT_EXEC, 0)),
	SECCOMP_ALLOW(mprotect, SECCOMP_MASKED(2, PROT_EXEC, 0)),
	SECCOMP_ALLOW(munmap),
	SECCOMP_ALLOW(mremap, SECCOMP_MASKED(3, ~(uint64_t)MREMAP_MAYMOVE, 0)),
	SECCOMP_ALLOW(madvise, SECCOMP_CMP(2, SCMP_CMP_EQ, MADV_DONTNEED)),
	SECCOMP_ALLOW(madvise, SECCOMP_CMP(2, SCMP_CMP_EQ, MADV_FREE)),

	SECCOMP_ALLOW(clock_gettime),
	SECCOMP_ALLOW(gettimeofday),
	SECCOMP_ALLOW(time),

	SECCOMP_ALLOW(rt_sigreturn),
	SECCOMP_ALLOW(restart_syscall),
	SECCOMP_ALLOW(exit),
	SECCOMP_ALLOW(exit_group),

#ifdef CONFINE_SANITIZER
	/* ASan and UBSan unset their signal stack in _exit(). */
	SECCOMP_ALLOW(sigaltstack),
	/* ASan's allocator advises its shadow memory in its own ways. */
	SECCOMP_ALLOW(madvise),
#endif
};

/* The file system probes, refused with EACCES (see above). */
static const struct seccomp_rule probe_rules[] = {
	SECCOMP_REFUSE(open, EACCES),
	SECCOMP_REFUSE(openat, EACCES),
	SECCOMP_REFUSE(openat2, EACCES),
	SECCOMP_REFUSE(creat, EACCES),
	SECCOMP_REFUSE(stat, EACCES),
	SECCOMP_REFUSE(lstat, EACCES),
	SECCOMP_REFUSE(fstat, EACCES),
	SECCOMP_REFUSE(newfstatat, EACCES),
	SECCOMP_REFUSE(statx, EACCES),
	SECCOMP_REFUSE(statfs, EACCES),
	SECCOMP_REFUSE(fstatfs, EACCES),
	SECCOMP_REFUSE(access, EACCES),
	SECCOMP_REFUSE(faccessat, EACCES),
	SECCOMP_REFUSE(faccessat2, EACCES),
	SECCOMP_REFUSE(readlink, EACCES),
	SECCOMP_REFUSE(readlinkat, EACCES),
};

const struct seccomp_table confine_base_table = {
	base_rules, sizeof(base_rules) / sizeof(base_rules[0])
};
const struct seccomp_table confine_probe_table = {
	probe_rules, sizeof(probe_rules) / sizeof(probe_rules[0])
};

void
confine_opts_init(struct confine_opts *o, enum confine_proc proc)
{
	size_t	 i;

	memset(o, 0, sizeof(*o));
	o->proc = proc;
	for (i = 0; i < CONFINE_KEEP_MAX; i++)
		o->keep_fds[i] = -1;
	o->run_uid = CONFINE_NO_ID;
	o->run_gid = (gid_t)CONFINE_NO_ID;
	o->peer_fd = -1;
	o->listen_fd = -1;
	o->epoll_fd = -1;
	o->journal_fd = -1;
}

void
confine_opts_contract(struct confine_opts *o, const struct contract_args *a)
{
	/* contract_parse() refuses one run id without the other. */
	if (a->run_uid.kind == CONTRACT_ID_NUM &&
	    a->run_gid.kind == CONTRACT_ID_NUM) {
		o->run_uid = (uid_t)a->run_uid.id;
		o->run_gid = (gid_t)a->run_gid.id;
	}
	o->chroot_dir = a->chroot;
	o->allow_weak = a->allow_weak;
}

void
confine_get_report(struct confine_report *r)
{
	*r = report;
}

/*
 * SIGKILL when privconfd dies, so no child outlives the supervisor.  The
 * parent may have died before the signal was armed: then getppid() no
 * longer names it.
 */
static void
arm_pdeathsig(pid_t ppid)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		fatal("op=confine why=\"PR_SET_PDEATHSIG\"");
	if (getppid() != ppid)
		fatalx("op=confine why=\"parent process is gone\"");
}

static int
cmp_int(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void
close_between(int lo, int hi)
{
	int	 fd;

	if (lo > hi)
		return;
	if (close_range((unsigned int)lo, (unsigned int)hi, 0) == 0)
		return;
	if (errno != ENOSYS)
		fatal("op=confine why=\"close_range\" lo=%d hi=%d", lo, hi);
	/* Kernel before 5.9: one by one, up to the fd limit. */
	if (hi > (int)sysconf(_SC_OPEN_MAX))
		hi = (int)sysconf(_SC_OPEN_MAX);
	for (fd = lo; fd <= hi; fd++)
		(void)close(fd);
}

/*
 * Close everything but 0, 1, 2 and the fds in o.  Returns the highest fd
 * kept.  An fd inherited by mistake (a leaked descriptor of privconfd, of
 * a library) would otherwise stay usable after every later step.
 */
static int
close_fds(const struct confine_opts *o)
{
	int	 keep[KEEP_MAX];
	size_t	 n = 0, i;
	int	 next;

	keep[n++] = STDIN_FILENO;
	keep[n++] = STDOUT_FILENO;
	keep[n++] = STDERR_FILENO;
	keep[n++] = o->peer_fd;
	keep[n++] = o->listen_fd;
	keep[n++] = o->epoll_fd;
	keep[n++] = o->journal_fd;
	if (o->nkeep > CONFINE_KEEP_MAX)
		fatalx("op=confine why=\"too many fds to keep\" n=%zu max=%d",
		    o->nkeep,
		    CONFINE_KEEP_MAX);
	for (i = 0; i < o->nkeep; i++)
		keep[n++] = o->keep_fds[i];
	qsort(keep, n, sizeof(keep[0]), cmp_int);

	next = 0;
	for (i = 0; i < n; i++) {
		if (keep[i] < next)
			continue;	/* -1 (none) or a duplicate */
		close_between(next, keep[i] - 1);
		if (fcntl(keep[i], F_GETFD) == -1)
			fatal("op=confine why=\"fd to keep\" fd=%d", keep[i]);
		next = keep[i] + 1;
	}
	close_between(next, (int)(~0U >> 1));
	return next - 1;
}

/*
 * The client range of seccomp.c relies on every fd up to the highest one
 * owned being open: a hole would be handed to the next client, and that
 * client's calls would then be killed as "not a client".
 */
static void
check_no_hole(int last)
{
	int	 fd;

	for (fd = 0; fd <= last; fd++)
		if (fcntl(fd, F_GETFD) == -1)
			fatalx("op=confine why=\"a hole in the owned fds: clients "
			    "must be numbered above them\" fd=%d last=%d", fd,
			    last);
}

/*
 * chroot to dir after checking it is a real directory, owned by root, mode
 * 0755 and empty: a directory anyone else could write to would let them
 * plant files the process might reach.  Checked and entered through one
 * fd, so the path cannot be swapped between the check and the chroot.
 */
static void
enter_chroot(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR	*d;
	int	 fd, fd2;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		fatal("op=confine chroot=\"%s\"", dir);
	if (fstat(fd, &st) == -1)
		fatal("op=confine chroot=\"%s\"", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 07777) != 0755)
		fatalx("op=confine chroot=\"%s\" why=\"must be a directory "
		    "owned by root with mode 0755\"", dir);
	if ((fd2 = dup(fd)) == -1)
		fatal("op=confine chroot=\"%s\"", dir);
	if ((d = fdopendir(fd2)) == NULL)
		fatal("op=confine chroot=\"%s\"", dir);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			fatalx("op=confine chroot=\"%s\" why=\"not empty\"",
			    dir);
	}
	if (errno != 0)
		fatal("op=confine chroot=\"%s\"", dir);
	closedir(d);
	if (fchdir(fd) == -1 || chroot(".") == -1 || chdir("/") == -1)
		fatal("op=confine chroot=\"%s\"", dir);
	close(fd);
}

/* While still root: nothing exec'd later could gain a capability back. */
void
confine_drop_bounding(uint64_t keep)
{
	int	 cap;

	for (cap = 0; cap < 64; cap++) {
		if (keep & ((uint64_t)1 << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break;	/* past the kernel's last capability */
		fatal("op=confine why=\"PR_CAPBSET_DROP\" cap=%d", cap);
	}
}

/*
 * OpenSSH's permanently_set_uid() in spirit: set all three ids of each
 * kind, then prove that neither root nor the old ids can be regained.
 */
static void
drop_ids(uid_t uid, gid_t gid)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;

	if (setgroups(0, NULL) == -1)
		fatal("op=confine why=\"setgroups\"");
	if (setresgid(gid, gid, gid) == -1)
		fatal("op=confine why=\"setresgid\" gid=%u", (unsigned int)gid);
	if (setresuid(uid, uid, uid) == -1)
		fatal("op=confine why=\"setresuid\" uid=%u", (unsigned int)uid);

	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		fatal("op=confine why=\"getresuid\"");
	if (ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid ||
	    getuid() != uid || getgid() != gid)
		fatalx("op=confine why=\"can't drop privileges: ids did not "
		    "all change\"");
	if (getgroups(0, NULL) != 0)
		fatalx("op=confine why=\"can't drop privileges: supplementary "
		    "groups remain\"");
	if (setgid(0) != -1 || setegid(0) != -1)
		fatalx("op=confine why=\"can't drop privileges: gid 0 can be "
		    "regained\"");
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("op=confine why=\"can't drop privileges: uid 0 can be "
		    "regained\"");
}

/*
 * Effective and permitted sets of only keep, an empty inheritable set,
 * and no ambient capability: a non-root start may carry some (a service
 * manager's AmbientCapabilities); after setresuid from root they are gone
 * already.
 */
void
confine_drop_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		fatal("op=confine why=\"PR_CAP_AMBIENT_CLEAR_ALL\"");
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("op=confine why=\"capset\"");
}

static void
set_limit(int resource, const char *name, rlim_t cur, rlim_t max)
{
	struct rlimit rl;

	rl.rlim_cur = cur;
	rl.rlim_max = max;
	if (setrlimit(resource, &rl) == -1)
		fatal("op=confine why=\"setrlimit\" limit=%s", name);
}

/*
 * NPROC 0: no fork even if seccomp had a hole.  CORE 0: no core file
 * with client data in it.  FSIZE 0 for the listener: it never writes a
 * file.  NOFILE: the soft limit the process sized itself with, made hard
 * so that it cannot be raised.  Returns that limit.
 */
static rlim_t
set_limits(bool no_file_size)
{
	struct rlimit rl;

	set_limit(RLIMIT_NPROC, "RLIMIT_NPROC", 0, 0);
	set_limit(RLIMIT_CORE, "RLIMIT_CORE", 0, 0);
	if (no_file_size) {
		/*
		 * A write past the limit then fails with EFBIG instead of
		 * killing: stderr is privconfd's pipe, but run by hand it may
		 * be a file, and a lost log line beats a lost listener.
		 */
		if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
			fatal("op=confine why=\"signal SIGXFSZ\"");
		set_limit(RLIMIT_FSIZE, "RLIMIT_FSIZE", 0, 0);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("op=confine why=\"getrlimit NOFILE\"");
	set_limit(RLIMIT_NOFILE, "RLIMIT_NOFILE", rl.rlim_cur, rl.rlim_cur);
	return rl.rlim_cur;
}

void
confine_quiet_sanitizer(void)
{
#ifdef CONFINE_SANITIZER
	lsan_off = 1;
#endif
}

bool
confine_seccomp_debug(void)
{
	const char *v = getenv("PRIVCONF_SECCOMP_DEBUG");

	return v != NULL && strcmp(v, "1") == 0;
}

#ifdef PRIVCONF_BENCH_NO_SANDBOX
static void
confine_bench_skip(void)
{
	const char *v = getenv("PRIVCONF_BENCH_NO_SANDBOX");

	if (v == NULL || strcmp(v, "1") != 0)
		fatalx("op=confine why=\"benchmark build without Landlock "
		    "and seccomp: runs only with PRIVCONF_BENCH_NO_SANDBOX=1\"");
	report.uid = getuid();
	report.gid = getgid();
	log_warnx("op=confine landlock=off-bench seccomp=off-bench "
	    "fsize=off-bench uid=%u gid=%u root=%s why=\"benchmark build\"",
	    (unsigned int)report.uid, (unsigned int)report.gid,
	    report.dropped ? "chroot" : "unchanged");
}
#endif

void
confine_apply(const struct confine_opts *o, const struct confine_profile *p)
{
	struct seccomp_fds fds;
	struct seccomp_table tables[3];
	pid_t	 ppid = getppid();
	bool	 want_drop;
	rlim_t	 nofile;
	int	 last, abi;

	memset(&report, 0, sizeof(report));

	/* 1. Die with the parent. */
	arm_pdeathsig(ppid);

	/* 2. Only the fds the process owns. */
	last = close_fds(o);
	if (p->clients)
		check_no_hole(last);

	/* 3. Namespaces, chroot, ids: all need root, all or nothing. */
	want_drop = o->run_uid != CONFINE_NO_ID ||
	    o->run_gid != (gid_t)CONFINE_NO_ID || o->chroot_dir != NULL;
	if (want_drop) {
		if (o->run_uid == CONFINE_NO_ID ||
		    o->run_gid == (gid_t)CONFINE_NO_ID || o->chroot_dir == NULL)
			fatalx("op=confine why=\"--run-uid, --run-gid and "
			    "--chroot go together\"");
		if (o->run_uid == 0 || o->run_gid == 0)
			fatalx("op=confine why=\"refusing to run as uid or "
			    "gid 0\"");
		if (geteuid() != 0)
			fatalx("op=confine why=\"--run-uid needs root\"");
		if (unshare(p->unshare_flags) == -1)
			fatal("op=confine why=\"unshare\"");
		enter_chroot(o->chroot_dir);
		confine_drop_bounding(0);
		drop_ids(o->run_uid, (gid_t)o->run_gid);
		/* The credential change cleared PDEATHSIG. */
		arm_pdeathsig(ppid);
		report.dropped = true;
	} else if (geteuid() == 0 || getuid() == 0)
		fatalx("op=confine why=\"running as root needs --run-uid, "
		    "--run-gid and --chroot\"");

	/* 4. No capability left. */
	confine_drop_caps(0);

	/* 5. Resource limits. */
	nofile = set_limits(p->no_file_size && !CONFINE_BENCH);

	/* 6. Not ptrace-able or dumpable by the user; no privilege via exec. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("op=confine why=\"PR_SET_DUMPABLE\"");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("op=confine why=\"PR_SET_NO_NEW_PRIVS\"");
#ifdef PRIVCONF_BENCH_NO_SANDBOX
	confine_bench_skip();
	return;
#endif

	/* 7. Landlock: no file, no TCP port, no outside socket or signal. */
	if ((abi = landlock_restrict_all(o->allow_weak)) == -1) {
		if (errno == ENOSYS || errno == EOPNOTSUPP)
			fatal("op=confine why=\"Landlock is not available; "
			    "--allow-weak-sandbox runs without it\"");
		fatal("op=confine why=\"landlock\"");
	}
	if (abi == 0)
		log_warnx("op=confine why=\"Landlock is not available: weak "
		    "sandbox (--allow-weak-sandbox)\"");
	report.landlock_abi = abi;

	/* 8. seccomp, last: every step above needed calls it refuses. */
	memset(&fds, 0, sizeof(fds));
	fds.fd[SECCOMP_ARG_NONE] = -1;
	fds.fd[SECCOMP_ARG_CONST] = -1;
	fds.fd[SECCOMP_ARG_STDERR] = STDERR_FILENO;
	fds.fd[SECCOMP_ARG_PEER] = o->peer_fd;
	fds.fd[SECCOMP_ARG_LISTEN] = o->listen_fd;
	fds.fd[SECCOMP_ARG_EPOLL] = o->epoll_fd;
	fds.fd[SECCOMP_ARG_JOURNAL] = o->journal_fd;
	fds.fd[SECCOMP_ARG_CLIENT] = -1;
	fds.client_lo = fds.client_hi = 0;
	if (p->clients) {
		fds.client_lo = last + 1;
		fds.client_hi = nofile > (rlim_t)(~0U >> 1) ?
		    (int)(~0U >> 1) : (int)nofile;
		if (fds.client_hi < fds.client_lo)
			fds.client_hi = fds.client_lo;
	}
	report.uid = getuid();
	report.gid = getgid();
	report.seccomp_debug = confine_seccomp_debug();
	confine_quiet_sanitizer();
	tables[0] = confine_base_table;
	tables[1] = confine_probe_table;
	tables[2].rules = p->rules;
	tables[2].n = p->nrules;
	if (seccomp_load_rules(p->proc, tables, 3, &fds,
	    report.seccomp_debug) == -1)
		fatal("op=confine why=\"seccomp\"");
	report.seccomp = true;

	log_info("op=confine landlock=%d seccomp=%s uid=%u gid=%u root=%s",
	    report.landlock_abi, report.seccomp_debug ? "trap" : "kill",
	    (unsigned int)report.uid, (unsigned int)report.gid,
	    report.dropped ? "chroot" : "unchanged");
}
