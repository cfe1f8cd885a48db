/*
 * The supervisor loop.  privconfd fails closed: a child that dies for any
 * reason other than the end of IPC (lock:on, both children exit 0) or a
 * stop privconfd asked for takes the other one with it, and privconfd
 * exits 1 so that the service manager restarts the whole service.
 */
#define _GNU_SOURCE	/* sigabbrev_np */
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/contract.h"
#include "common/limits.h"
#include "common/log.h"
#include "daemon/logdest.h"
#include "daemon/supervise.h"

enum sv_state {
	SV_RUN,		/* both children up */
	SV_ENDING,	/* one exited 0, the other has TERM_GRACE_MS to do so */
	SV_STOP,	/* privconfd stops them: SIGTERM sent */
};

void
supervise_describe(char *dst, size_t n, int status)
{
	const char	*abbr;

	if (WIFEXITED(status))
		snprintf(dst, n, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		abbr = sigabbrev_np(WTERMSIG(status));
		snprintf(dst, n, "terminated by signal %d (SIG%s)",
		    WTERMSIG(status), abbr != NULL ? abbr : "?");
	} else
		snprintf(dst, n, "wait status %#x", (unsigned)status);
}

static sigset_t	startmask;	/* as privconfd was started */
static bool	sighup_held;

void
supervise_hold_sighup(void)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &startmask) == -1)
		fatal("op=start why=\"sigprocmask\"");
	sighup_held = true;
}

void
supervise_init(struct supervisor *sv)
{
	sigset_t	 set;

	memset(sv, 0, sizeof(*sv));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &sv->childmask) == -1)
		fatal("op=start why=\"sigprocmask\"");
	if (sighup_held)
		sv->childmask = startmask;
	if ((sv->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("op=start why=\"signalfd\"");
	/* A vanished reader must be an error return, never a signal. */
	signal(SIGPIPE, SIG_IGN);
}

void
supervise_add(struct supervisor *sv, struct child *c)
{
	if (sv->nkids < SUPERVISE_KIDS)
		sv->kids[sv->nkids++] = c;
}

/* SIGHUP: reopen the log file, or say why nothing happens. */
static void
sv_hup(void)
{
	switch (logdest_reopen()) {
	case 1:
		log_info("op=log signal=SIGHUP path=\"%s\" why=\"reopened\"",
		    logdest_path());
		break;
	case 0:
		log_info("op=signal signal=SIGHUP why=\"ignored: no log "
		    "file to reopen\"");
		break;
	default:
		log_warn("op=log signal=SIGHUP path=\"%s\" why=\"cannot "
		    "reopen, still writing to the old file\"", logdest_path());
		break;
	}
}

int
supervise_signals(struct supervisor *sv)
{
	struct signalfd_siginfo si;
	ssize_t	 n;
	int	 stop = 0;

	for (;;) {
		n = read(sv->sigfd, &si, sizeof(si));
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return stop;
		if (si.ssi_signo == SIGCHLD)
			continue;
		/*
		 * Operators send SIGHUP to reload or after a log rotation;
		 * it must never take the service down.
		 */
		if (si.ssi_signo == SIGHUP) {
			sv_hup();
			continue;
		}
		/* timeout(1) and friends signal privconfd and its group. */
		if (!sv->stopping)
			log_info("op=stop signal=SIG%s",
			    sigabbrev_np((int)si.ssi_signo));
		sv->stopping = 1;
		stop = 1;
	}
}

/* How bad an end is: a signal, then a non-zero status, then status 0. */
static int
sv_severity(int status)
{
	if (!WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status) != 0;
}

/*
 * Reap every child that has ended; returns how many did.  When both
 * ended since the last look, *last is the worse end: the worker killed
 * by a signal is the cause, the listener's exit 1 on the closed link
 * only its consequence.
 */
static int
sv_reap(struct supervisor *sv, struct child **last)
{
	struct child	*c;
	int		 i, st, got = 0;
	pid_t		 pid;

	for (i = 0; i < sv->nkids; i++) {
		c = sv->kids[i];
		if (c->pid <= 0)
			continue;
		pid = waitpid(c->pid, &st, WNOHANG);
		if (pid == 0 || (pid == -1 && errno == EINTR))
			continue;
		if (pid == -1)
			fatal("op=reap child=%s why=\"waitpid\"", c->name);
		c->pid = 0;
		c->status = st;
		/* Its last words come before privconfd's verdict on it. */
		relay_drain(&c->log);
		if (got == 0 || sv_severity(st) > sv_severity((*last)->status))
			*last = c;
		got++;
	}
	return got;
}

static int
sv_alive(const struct supervisor *sv)
{
	int	 i, n = 0;

	for (i = 0; i < sv->nkids; i++)
		if (sv->kids[i]->pid > 0)
			n++;
	return n;
}

static void
sv_signal(struct supervisor *sv, int sig)
{
	int	 i;

	for (i = 0; i < sv->nkids; i++)
		if (sv->kids[i]->pid > 0 && kill(sv->kids[i]->pid, sig) == -1 &&
		    errno != ESRCH)
			log_warn("op=signal child=%s why=\"kill\"",
			    sv->kids[i]->name);
}

/*
 * Wait for events until deadline (-1: none): signals, log lines, ended
 * children.  Returns 1 when a stop signal arrived.
 */
static int
sv_wait(struct supervisor *sv, int64_t deadline)
{
	struct pollfd	 pfd[1 + SUPERVISE_KIDS];
	int		 i, n = 0, timeout = -1;
	int64_t		 left;

	pfd[n].fd = sv->sigfd;
	pfd[n++].events = POLLIN;
	for (i = 0; i < sv->nkids; i++)
		if (sv->kids[i]->log.fd != -1) {
			pfd[n].fd = sv->kids[i]->log.fd;
			pfd[n++].events = POLLIN;
		}
	if (deadline >= 0) {
		left = deadline - (int64_t)clock_ms();
		timeout = left < 0 ? 0 : left > INT32_MAX ? INT32_MAX :
		    (int)left;
	}
	if (poll(pfd, (nfds_t)n, timeout) == -1 && errno != EINTR)
		fatal("op=supervise why=\"poll\"");
	for (i = 0; i < sv->nkids; i++)
		if (sv->kids[i]->log.fd != -1)
			relay_read(&sv->kids[i]->log);
	return supervise_signals(sv);
}

void
supervise_kill(struct supervisor *sv)
{
	struct child	*c;
	int		 i;

	sv_signal(sv, SIGKILL);
	for (i = 0; i < sv->nkids; i++) {
		c = sv->kids[i];
		/* After SIGKILL the wait is short and certain. */
		while (c->pid > 0 && waitpid(c->pid, &c->status, 0) == -1) {
			if (errno != EINTR) {
				log_warn("op=reap child=%s why=\"waitpid\"", c->name);
				break;
			}
		}
		c->pid = 0;
		relay_drain(&c->log);
	}
}

void
supervise_stop(struct supervisor *sv, int term)
{
	struct child	*last;
	int64_t		 deadline = (int64_t)clock_ms() + TERM_GRACE_MS;

	if (term)
		sv_signal(sv, SIGTERM);
	sv_reap(sv, &last);
	while (sv_alive(sv) > 0 && (int64_t)clock_ms() < deadline) {
		sv_wait(sv, deadline);
		sv_reap(sv, &last);
	}
	if (sv_alive(sv) > 0)
		log_warnx("op=stop why=\"children still running, killing "
		    "them\" grace_ms=%d", TERM_GRACE_MS);
	supervise_kill(sv);
}

/*
 * When one child dies, its sockets close before it can be reaped, so the
 * other one may see EOF, exit 1 and be reaped first.  Give the other a
 * short, bounded time to end on its own, then blame the worse end: a
 * worker killed by SIGSYS must be named as the cause, not the listener
 * that only lost its link.
 */
static const struct child *
sv_settle(struct supervisor *sv, const struct child *c)
{
	struct child	*last;
	int64_t		 deadline = (int64_t)clock_ms() + LOST_SETTLE_MS;

	while (sv_alive(sv) > 0 && (int64_t)clock_ms() < deadline) {
		sv_wait(sv, deadline);
		if (sv_reap(sv, &last) > 0 &&
		    sv_severity(last->status) > sv_severity(c->status))
			c = last;
	}
	return c;
}

/* Fail closed: log, take the other child down too, exit status 1. */
static int
sv_lost(struct supervisor *sv, const struct child *c)
{
	char	 desc[64], why[96] = "";
	int	 i;

	/*
	 * The listener's watchdog: a worker that answers nothing may be
	 * stopped, not dead, so waiting for it to end would be in vain.
	 */
	if (strcmp(c->name, "listener") == 0 && WIFEXITED(c->status) &&
	    WEXITSTATUS(c->status) == CONTRACT_EXIT_STALLED) {
		log_warnx("lost child: worker stalled");
		supervise_kill(sv);
		return 1;
	}
	if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0)
		c = sv_settle(sv, c);
	supervise_describe(desc, sizeof(desc), c->status);
	/* A status 0 is only lost when the other child did not follow. */
	for (i = 0; i < sv->nkids; i++)
		if (sv->kids[i]->pid > 0 && WIFEXITED(c->status) &&
		    WEXITSTATUS(c->status) == 0)
			snprintf(why, sizeof(why), " but the %s kept running "
			    "for %d ms", sv->kids[i]->name, TERM_GRACE_MS);
	log_warnx("lost child: %s %s%s", c->name, desc, why);
	supervise_kill(sv);
	return 1;
}

int
supervise_run(struct supervisor *sv)
{
	enum sv_state	 state = SV_RUN;
	struct child	*last = NULL, *first0 = NULL;
	int64_t		 deadline = -1;
	int		 stop;

	for (;;) {
		stop = sv_wait(sv, deadline);
		/*
		 * A stop first: a child that died in the same instant (a
		 * signal sent to the whole group) is then part of the stop.
		 */
		if (stop && state != SV_STOP) {
			state = SV_STOP;
			sv_signal(sv, SIGTERM);
			deadline = (int64_t)clock_ms() + TERM_GRACE_MS;
		}
		if (sv_reap(sv, &last) > 0 && state != SV_STOP) {
			if (sv_severity(last->status) > 0)
				return sv_lost(sv, last);
			/* Status 0: the end of IPC if the other follows. */
			if (state == SV_RUN) {
				state = SV_ENDING;
				first0 = last;
				deadline = (int64_t)clock_ms() + TERM_GRACE_MS;
			}
		}
		if (sv_alive(sv) == 0) {
			log_info("op=stop why=\"%s\"", state == SV_STOP ?
			    "stopped" : "both children ended: IPC is over");
			return 0;
		}
		if (deadline >= 0 && (int64_t)clock_ms() >= deadline) {
			if (state == SV_STOP) {
				log_warnx("op=stop why=\"children still "
				    "running, killing them\" grace_ms=%d",
				    TERM_GRACE_MS);
				supervise_kill(sv);
				return 0;
			}
			return sv_lost(sv, first0);
		}
	}
}
