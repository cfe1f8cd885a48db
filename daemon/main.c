/*
 * privconfd: binds the IPC socket, starts privconf-worker and
 * privconf-listener with the process contract's descriptors and
 * arguments, hands the profile to the worker, then supervises.  It never
 * reads a client byte and never runs a command (docs/design.md section 2).
 *
 * Exit status: 0 after SIGTERM/SIGINT or when lock:on ended IPC, 1 for
 * any failure (bad option or profile, bind, setup, lost child).  With
 * -n: 0 when the configuration would start, 1 when it would not.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/contract.h"
#include "common/ipcaddr.h"
#include "daemon/activate.h"
#include "daemon/bind.h"
#include "daemon/compact.h"
#include "daemon/confine.h"
#include "daemon/detach.h"
#include "daemon/journal.h"
#include "daemon/levels.h"
#include "daemon/logdest.h"
#include "daemon/options.h"
#include "daemon/profile.h"
#include "daemon/runas.h"
#include "daemon/setup.h"
#include "daemon/spawn.h"
#include "daemon/supervise.h"

/* What the exit path must undo, whichever way privconfd leaves. */
static struct supervisor sv;
static struct child	 worker, listener;
static struct bound	 bound = BOUND_INIT;
static struct runas	 ra;
static pid_t		 daemon_pid;

static void
daemon_cleanup(void)
{
	/* Only the supervisor, not a child between fork and exec. */
	if (getpid() != daemon_pid)
		return;
	supervise_kill(&sv);
	bind_remove(&bound);
	runas_rmroot(&ra);
}

/* With 0, 1 or 2 closed, a socket could become someone's stderr. */
static void
daemon_stdfds(void)
{
	int	 fd;

	for (fd = 0; fd <= STDERR_FILENO; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			_exit(1);
}

/* A profile's ipc/uid or ipc/gid as a list of one. */
static struct contract_ids
daemon_one_id(const struct contract_id *id, char buf[16])
{
	if (id->kind == CONTRACT_ID_ANY)
		return (struct contract_ids){ CONTRACT_ID_ANY, NULL };
	snprintf(buf, 16, "%u", (unsigned)id->id);
	return (struct contract_ids){ CONTRACT_ID_NUM, buf };
}

/*
 * What both children are told (common/contract.h).  For the socket and
 * the admin ids, the command line wins over the profile, the profile
 * over the default.
 */
static void
daemon_conf(struct options *o, const struct profile_ipc *pi, char *defaddr,
    size_t n, bool *is_default, struct levels_in *in)
{
	static char	 uidbuf[16], gidbuf[16];
	struct contract_args *c = &o->child;

	c->verbose = (unsigned)o->verbose;
	c->allow_weak = o->allow_weak_sandbox;
	*is_default = false;
	if (o->socket != NULL)
		c->ipc_addr = o->socket;
	else if (pi->addr != NULL) {
		/* The profile's lines are freed once the worker has them. */
		if ((c->ipc_addr = strdup(pi->addr)) == NULL)
			fatal("op=start why=\"strdup\"");
	}
	else {
		if (ipcaddr_default(defaddr, n, geteuid(),
		    getenv("XDG_RUNTIME_DIR")) == -1)
			fatalx("op=start why=\"default socket address: "
			    "XDG_RUNTIME_DIR too long, use -s\"");
		c->ipc_addr = defaddr;
		*is_default = true;
	}
	/* The command line wins over the profile's ipc/uid and ipc/gid. */
	in->ipc_uid = o->ipc_uid;
	in->ipc_gid = o->ipc_gid;
	if (in->ipc_uid.kind == CONTRACT_ID_UNSET && pi->uid.kind !=
	    CONTRACT_ID_UNSET)
		in->ipc_uid = daemon_one_id(&pi->uid, uidbuf);
	if (in->ipc_gid.kind == CONTRACT_ID_UNSET && pi->gid.kind !=
	    CONTRACT_ID_UNSET)
		in->ipc_gid = daemon_one_id(&pi->gid, gidbuf);
	in->read_uid = o->read_uid;
	in->read_gid = o->read_gid;
	in->starter = getuid();
}

/* A worker that refused the profile exits 1 by itself; a stuck one is told. */
static void __attribute__((noreturn))
daemon_setup_failed(int sp, int stuck)
{
	char	 desc[64];

	close(sp);
	supervise_stop(&sv, stuck);
	if (!WIFEXITED(worker.status) || WEXITSTATUS(worker.status) != 1) {
		supervise_describe(desc, sizeof(desc), worker.status);
		log_warnx("op=setup worker=\"%s\"", desc);
	}
	exit(1);
}

/*
 * --compact-journal: a worker started with --dump rebuilds the policy
 * from the profiles and the journal and answers the shortest journal
 * that rebuilds it, checked by a replay of its own; privconfd only
 * stores the answer.  The journal's lock is held from before the replay
 * to after the rename: no daemon runs on the journal meanwhile.
 */
static int
daemon_compact(struct options *o, struct profile *prof, size_t nbase,
    int jfd)
{
	struct compact_file cf;
	struct contract_argv av;
	struct setup_dump d = { .mark = nbase, .max = JOURNAL_SIZE_MAX };
	struct stat	 st;
	enum setup_result r;
	char		 err[1024];
	int		 sp[2];

	if (fstat(jfd, &st) == -1)
		fatal("op=compact path=\"%s\"", o->journal);
	if (compact_begin(&cf, o->journal, time(NULL), (size_t)st.st_size,
	    prof->n - nbase, o->profiles, o->nprofiles, err, sizeof(err)) == -1)
		fatalx("op=compact why=\"%s\"", err);
	d.fd = cf.fd;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("op=compact why=\"socketpair\"");
	o->child.dump = true;
	contract_argv(&av, CONTRACT_WORKER, &o->child);
	supervise_add(&sv, &worker);
	spawn_child(&worker, av.v, sp[1], -1, &sv.childmask);
	close(sp[1]);
	r = setup_run(sp[0], prof, &sv, &worker, &d);
	close(sp[0]);
	supervise_stop(&sv, r != SETUP_DUMPED);
	if (r != SETUP_DUMPED || !WIFEXITED(worker.status) ||
	    WEXITSTATUS(worker.status) != 0) {
		compact_abort(&cf);
		log_warnx("op=compact path=\"%s\" why=\"not compacted: the "
		    "journal is unchanged\"", o->journal);
		return 1;
	}
	if (compact_commit(&cf, err, sizeof(err)) == -1)
		fatalx("op=compact why=\"%s\"", err);
	log_info("op=compact path=\"%s\" bytes=%lld commands=%zu "
	    "new_bytes=%zu", o->journal, (long long)st.st_size,
	    prof->n - nbase, d.bytes);
	close(jfd);
	return 0;
}

/*
 * -n: what a start does up to READY, with nothing bound and nothing
 * written: the options, the profiles and the journal go through a
 * worker in its set-up phase, the one judge of a line.
 */
static int
daemon_check(struct options *o, struct profile *prof)
{
	struct contract_argv av;
	enum setup_result r;
	int		 sp[2];

	bind_check(o->child.ipc_addr);
	daemon_pid = getpid();
	supervise_init(&sv);
	if (atexit(daemon_cleanup) != 0)
		fatalx("op=start why=\"atexit\"");
	if (geteuid() == 0) {
		runas_mkroot(&ra);
		o->child.chroot = ra.root;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("op=check why=\"socketpair\"");
	contract_argv(&av, CONTRACT_WORKER, &o->child);
	supervise_add(&sv, &worker);
	spawn_child(&worker, av.v, sp[1], -1, &sv.childmask);
	close(sp[1]);
	/* Its log would bury the one line that matters; -v shows it. */
	worker.log.mute = o->verbose == 0;
	setup_report_to(stderr);
	r = setup_run(sp[0], prof, &sv, &worker, NULL);
	close(sp[0]);
	/* A worker that refused a line exits 1 by itself. */
	supervise_stop(&sv, r != SETUP_FAILED);
	if (r == SETUP_READY || r == SETUP_LOCKED) {
		printf("configuration OK\n");
		return 0;
	}
	if (r == SETUP_FAILED && (!WIFEXITED(worker.status) ||
	    WEXITSTATUS(worker.status) != 1) && worker.log.mute)
		log_warnx("op=check why=\"the worker failed; -v shows its "
		    "log\"");
	return 1;
}

/* Where the log goes (daemon/logdest.h): -n and -f keep stderr. */
static void
daemon_log(const struct options *o)
{
	char	 err[1024];

	if (o->check)
		return;
	if (o->log_file != NULL) {
		if (logdest_file(o->log_file, err, sizeof(err)) == -1)
			fatalx("op=log why=\"%s\"", err);
	} else if (!o->foreground && !o->compact &&
	    logdest_syslog(err, sizeof(err)) == -1)
		log_warnx("op=log why=\"%s: logging to standard error\"",
		    err);
}

int
main(int argc, char *argv[])
{
	struct options		 o;
	struct profile		 prof = PROFILE_INIT;
	struct profile_ipc	 pi;
	struct levels_in	 lin;
	struct access		 acc;
	struct contract_args	*conf;
	struct bind_req		 breq;
	struct contract_argv	 av;
	enum setup_result	 r;
	char			 err[1024], defaddr[IPCADDR_PATH_MAX + 1];
	char			 actaddr[IPCADDR_SUN_PATH + 1];
	bool			 is_default;
	size_t			 i, nbase;
	int			 sp[2], jfd = -1, actfd;

	supervise_hold_sighup();
	daemon_stdfds();
	log_init("privconfd: ");
	switch (options_parse(&o, argc, argv, err, sizeof(err))) {
	case OPTIONS_RUN:
		break;
	case OPTIONS_HELP:
		options_usage(stdout);
		return 0;
	case OPTIONS_VERSION:
		options_version(stdout);
		return 0;
	case OPTIONS_ERROR:
		log_warnx("%s", err);
		options_usage(stderr);
		return 1;
	}
	log_set_verbose(o.verbose);
	/* fd 3 first: nothing else may be opened as it. */
	actfd = o.check ? -1 : activate_socket(actaddr);
	daemon_log(&o);

	for (i = 0; i < o.nprofiles; i++)
		if (profile_read(&prof, o.profiles[i], err, sizeof(err)) == -1)
			fatalx("op=profile why=\"%s\"", err);
	/* The journal replays after the profiles, as one more. */
	nbase = prof.n;
	if (o.journal != NULL) {
		if (o.check ? journal_check(o.journal, &prof, err,
		    sizeof(err)) == -1 :
		    (jfd = journal_open(o.journal, err, sizeof(err))) == -1 ||
		    journal_replay(jfd, o.journal, &prof, err,
		    sizeof(err)) == -1)
			fatalx("op=journal why=\"%s\"", err);
		o.child.journal = !o.compact && !o.check;
	}
	if (profile_ipc(&prof, &pi, err, sizeof(err)) == -1)
		fatalx("%s", err);
	daemon_conf(&o, &pi, defaddr, sizeof(defaddr), &is_default, &lin);
	conf = &o.child;
	if (actfd != -1) {
		if (!is_default && strcmp(conf->ipc_addr, actaddr) != 0)
			log_warnx("op=activate addr=\"%s\" why=\"serving the "
			    "socket the service manager passed, not %s\"",
			    actaddr, conf->ipc_addr);
		conf->ipc_addr = actaddr;
		is_default = false;
	}
	if (levels_resolve(&lin, &acc, err, sizeof(err)) == -1)
		fatalx("op=start why=\"%s\"", err);
	if (levels_contract(&acc, conf) == -1)
		fatal("op=start why=\"access lists\"");
	if (geteuid() == 0) {
		runas_user(&ra, o.user);
		conf->run_uid = (struct contract_id){ CONTRACT_ID_NUM, ra.uid };
		conf->run_gid = (struct contract_id){ CONTRACT_ID_NUM, ra.gid };
	} else if (o.user_set)
		log_warnx("op=start user=\"%s\" why=\"not root: --user "
		    "ignored\"", o.user);
	spawn_find(&worker, "worker", o.libexec_dir, "privconf-worker");
	if (o.compact) {
		daemon_pid = getpid();
		supervise_init(&sv);
		if (atexit(daemon_cleanup) != 0)
			fatalx("op=start why=\"atexit\"");
		if (geteuid() == 0) {
			runas_sweep();
			runas_mkroot(&ra);
			conf->chroot = ra.root;
		}
		exit(daemon_compact(&o, &prof, nbase, jfd));
	}
	spawn_find(&listener, "listener", o.libexec_dir, "privconf-listener");
	if (o.check)
		exit(daemon_check(&o, &prof));

	if (!o.foreground)
		detach_start();
	daemon_pid = getpid();
	supervise_init(&sv);
	if (atexit(daemon_cleanup) != 0)
		fatalx("op=start why=\"atexit\"");

	breq.addr = conf->ipc_addr;
	breq.is_default = is_default;
	levels_socket(&acc, &breq.sock);
	breq.root = geteuid() == 0;
	if (actfd != -1) {
		/* The manager's socket: never unlinked (bound.have_path). */
		bind_check(conf->ipc_addr);
		bound.fd = actfd;
	} else
		bind_open(&bound, &breq);
	if (breq.root) {
		runas_sweep();
		runas_mkroot(&ra);
		conf->chroot = ra.root;
	}

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("op=start why=\"socketpair\"");
	contract_argv(&av, CONTRACT_WORKER, conf);
	supervise_add(&sv, &worker);
	spawn_child(&worker, av.v, sp[1], jfd, &sv.childmask);
	close(sp[1]);
	/* The worker's copy keeps the journal and its lock. */
	if (jfd != -1)
		close(jfd);
	switch ((r = setup_run(sp[0], &prof, &sv, &worker, NULL))) {
	case SETUP_READY:
		break;
	case SETUP_FAILED:
	case SETUP_TIMEOUT:
	case SETUP_DUMPED:	/* only with --dump */
		daemon_setup_failed(sp[0], r == SETUP_TIMEOUT);
	case SETUP_STOPPED:
	case SETUP_LOCKED:
		/* A locked worker exits 0 by itself; a stopped one is told. */
		close(sp[0]);
		supervise_stop(&sv, r == SETUP_STOPPED);
		exit(0);
	}
	profile_free(&prof);

	/* Only the listener keeps the socket: its close ends IPC. */
	contract_argv(&av, CONTRACT_LISTENER, conf);
	supervise_add(&sv, &listener);
	spawn_child(&listener, av.v, sp[0], bound.fd, &sv.childmask);
	close(sp[0]);
	close(bound.fd);
	bound.fd = -1;
	log_info("op=serve addr=\"%s\" worker=%ld listener=%ld",
	    conf->ipc_addr, (long)worker.pid, (long)listener.pid);
	detach_done();
	logdest_serving();
	daemon_confine(&sv, bound.have_path ? bound.path : NULL,
	    breq.root ? ra.root : NULL, o.allow_weak_sandbox);

	exit(supervise_run(&sv));
}
