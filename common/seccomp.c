/*
 * Turn a table of seccomp_rule rows into a libseccomp filter and load it.
 *
 * Client fds.  The listener's client sockets come and go, so their calls
 * cannot be tied to one fd number.  They are tied to a range instead:
 * fd numbers are always handed out lowest first, and the listener keeps
 * every fd from 0 to the highest one it owns open for its whole life
 * (confine.c checks there is no hole), so an accepted socket is always
 * numbered above all of them, and below RLIMIT_NOFILE, which the kernel
 * enforces.  A "client" argument is therefore one in [client_lo,
 * client_hi): never stderr, the worker socket, the listening socket or
 * the epoll fd.
 *
 * The range is checked on all 64 bits of the argument.  The kernel reads
 * an fd argument as a 32-bit int and ignores the upper half of the
 * register; a plain "a0 > 5" would let 0x100000003 through as fd 3.
 * libseccomp takes one comparison per argument, so "lo <= a0 < hi with
 * the upper half clear" is written as a few masked-equality rows, one per
 * aligned power-of-two block of the range (like a route split into
 * prefixes): the mask covers all 64 bits, so any upper bit set fails.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/seccomp.h"

/* Names of the native system calls, resolved before the filter is loaded. */
#define TRAP_NAMES	512
#define TRAP_NAME_LEN	24

static char	 trap_prefix[64];
static char	 trap_names[TRAP_NAMES][TRAP_NAME_LEN];
static uint32_t	 trap_arch;

static size_t
put_str(char *dst, size_t n, size_t off, const char *s)
{
	while (*s != '\0' && off < n)
		dst[off++] = *s++;
	return off;
}

static size_t
put_num(char *dst, size_t n, size_t off, long v)
{
	char	 tmp[24];
	size_t	 i = 0;
	unsigned long u;

	if (v < 0 && off < n)
		dst[off++] = '-';
	u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0 && i < sizeof(tmp));
	while (i > 0 && off < n)
		dst[off++] = tmp[--i];
	return off;
}

/*
 * Runs under the filter, so it uses write and _exit only, both allowed
 * in every process, and no libc formatting (not async-signal-safe).
 */
static void
trap_handler(int sig, siginfo_t *si, void *ctx)
{
	char	 line[160];
	size_t	 n;
	int	 nr = si->si_syscall;
	const char *name = "?";
	ssize_t	 w;

	(void)sig;
	(void)ctx;
	if (si->si_arch == trap_arch && nr >= 0 && nr < TRAP_NAMES &&
	    trap_names[nr][0] != '\0')
		name = trap_names[nr];
	n = put_str(line, sizeof(line) - 1, 0, trap_prefix);
	n = put_str(line, sizeof(line) - 1, n, "op=seccomp_trap syscall=");
	n = put_num(line, sizeof(line) - 1, n, nr);
	n = put_str(line, sizeof(line) - 1, n, " name=");
	n = put_str(line, sizeof(line) - 1, n, name);
	line[n++] = '\n';
	w = write(STDERR_FILENO, line, n);
	(void)w;
	_exit(SECCOMP_TRAP_EXIT);
}

static int
trap_install(const char *proc)
{
	struct sigaction sa;
	sigset_t set;
	char	*name;
	int	 nr;

	if ((size_t)snprintf(trap_prefix, sizeof(trap_prefix), "privconf[%s]: ",
	    proc) >= sizeof(trap_prefix))
		trap_prefix[0] = '\0';
	trap_arch = seccomp_arch_native();
	for (nr = 0; nr < TRAP_NAMES; nr++) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name == NULL)
			continue;
		strlcpy(trap_names[nr], name, TRAP_NAME_LEN);
		free(name);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static int
add_row(scmp_filter_ctx ctx, uint32_t action, int nr,
    struct scmp_arg_cmp *cmp, unsigned int ncmp)
{
	int	 rc;

	rc = seccomp_rule_add_array(ctx, action, nr, ncmp, cmp);
	if (rc < 0) {
		errno = -rc;
		log_warn("op=confine why=\"seccomp rule\" nr=%d", nr);
		errno = -rc;
		return -1;
	}
	return 0;
}

/* One row per aligned block of [lo, hi), in slot `slot` of cmp. */
static int
add_client_rows(scmp_filter_ctx ctx, uint32_t action, int nr,
    struct scmp_arg_cmp *cmp, unsigned int ncmp, unsigned int slot,
    uint64_t lo, uint64_t hi)
{
	uint64_t size;

	while (lo < hi) {
		size = 1;
		while ((lo & (2 * size - 1)) == 0 && lo + 2 * size <= hi)
			size *= 2;
		cmp[slot].op = SCMP_CMP_MASKED_EQ;
		cmp[slot].datum_a = ~(size - 1);
		cmp[slot].datum_b = lo;
		if (add_row(ctx, action, nr, cmp, ncmp) == -1)
			return -1;
		lo += size;
	}
	return 0;
}

static int
add_rule(scmp_filter_ctx ctx, const struct seccomp_rule *r,
    const struct seccomp_fds *fds)
{
	struct scmp_arg_cmp cmp[SECCOMP_COND_MAX];
	const struct seccomp_cond *c;
	uint32_t action;
	unsigned int i, n = 0, client = SECCOMP_COND_MAX;
	int	 fd;

	/* A call this architecture lacks (a libseccomp pseudo-number). */
	if (r->nr < 0)
		return 0;
	action = r->err ? SCMP_ACT_ERRNO((uint16_t)r->err) : SCMP_ACT_ALLOW;
	for (i = 0; i < SECCOMP_COND_MAX; i++) {
		c = &r->cond[i];
		if (c->from == SECCOMP_ARG_NONE)
			continue;
		memset(&cmp[n], 0, sizeof(cmp[n]));
		cmp[n].arg = c->arg;
		switch (c->from) {
		case SECCOMP_ARG_CONST:
			cmp[n].op = (enum scmp_compare)c->op;
			cmp[n].datum_a = c->k;
			cmp[n].datum_b = c->k2;
			break;
		case SECCOMP_ARG_CLIENT:
			if (client != SECCOMP_COND_MAX) {
				errno = EINVAL;
				return -1;
			}
			client = n;
			break;
		default:
			if ((unsigned int)c->from >= SECCOMP_ARG_COUNT) {
				errno = EINVAL;
				return -1;
			}
			fd = fds->fd[c->from];
			if (fd < 0)
				return 0;	/* no such fd: stays refused */
			cmp[n].op = SCMP_CMP_EQ;
			cmp[n].datum_a = (uint64_t)fd;
			break;
		}
		n++;
	}
	if (client == SECCOMP_COND_MAX)
		return add_row(ctx, action, r->nr, cmp, n);
	if (fds->client_lo < 0 || fds->client_hi < fds->client_lo) {
		errno = EINVAL;
		return -1;
	}
	return add_client_rows(ctx, action, r->nr, cmp, n, client,
	    (uint64_t)fds->client_lo, (uint64_t)fds->client_hi);
}

int
seccomp_load_rules(const char *proc, const struct seccomp_table *tables,
    size_t ntables, const struct seccomp_fds *fds, bool debug)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	size_t	 i, t;
	int	 rc, saved;

	/*
	 * KILL_PROCESS needs API level 3 (Linux 4.14); KILL (the thread) is
	 * the same for privconf's single-threaded processes.
	 */
	def = seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL;
	if (debug) {
		if (trap_install(proc) == -1)
			return -1;
		def = SCMP_ACT_TRAP;
	}
	if ((ctx = seccomp_init(def)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    seccomp_api_get() >= 3 ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_KILL);
	if (rc < 0)
		goto fail;
	/* Best effort: raw kernel errnos from seccomp_load, a faster filter. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (t = 0; t < ntables; t++) {
		for (i = 0; i < tables[t].n; i++) {
			if (add_rule(ctx, &tables[t].rules[i], fds) == -1) {
				rc = -errno;
				goto fail;
			}
		}
	}
	if ((rc = seccomp_load(ctx)) < 0)
		goto fail;
	seccomp_release(ctx);
	return 0;
 fail:
	saved = rc < 0 ? -rc : EINVAL;
	seccomp_release(ctx);
	errno = saved;
	return -1;
}
