/*
 * privconf-listener: the unprivileged process that faces the clients.
 * privconfd passes the worker link as fd 3 and the listening socket as
 * fd 4 (the process contract); all the logic lives in liblistener.
 */
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "listener/confine.h"
#include "listener/link.h"
#include "listener/loop.h"
#include "listener/opts.h"

int
main(int argc, char **argv)
{
	struct listener_opts opts;
	struct confine_opts co;
	struct confine_report rep;
	struct loop	*l;
	char		 err[256];
	int		 rc;

	/* First thing: never outlive privconfd. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		exit(1);
	log_init("privconf[listener]: ");
	if (listener_opts_parse(argc, argv, &opts, err, sizeof(err)) == -1)
		fatalx("op=start why=\"%s\"", err);
	log_set_verbose(opts.verbose);
	/* Sends use MSG_NOSIGNAL; this covers anything else. */
	signal(SIGPIPE, SIG_IGN);

	l = loop_new(&opts, LISTENER_LINK_FD, LISTENER_LISTEN_FD);

	/* Confined for good before the first client byte is read. */
	confine_opts_init(&co, CONFINE_LISTENER);
	co.peer_fd = LISTENER_LINK_FD;
	co.listen_fd = LISTENER_LISTEN_FD;
	co.epoll_fd = loop_epoll_fd(l);
	if (opts.run_ids) {
		co.run_uid = opts.run_uid;
		co.run_gid = opts.run_gid;
	}
	co.chroot_dir = opts.chroot_dir;
	co.allow_weak = opts.allow_weak;
	listener_confine(&co);
	confine_get_report(&rep);
	/* The worker shows in stats how its untrusted peer is confined. */
	link_hello(&l->link, rep.uid, rep.gid, (uint32_t)rep.landlock_abi,
	    !rep.seccomp ? WIRE_SECCOMP_OFF : rep.seccomp_debug ?
	    WIRE_SECCOMP_TRAP : WIRE_SECCOMP_KILL);

	rc = loop_run(l);
	loop_free(l);
	return rc;
}
