/*
 * privconf-listener: the unprivileged process that faces the clients.
 * privconfd passes the worker link and the listening socket
 * (common/contract.h); all the logic lives in liblistener.
 */
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/contract.h"
#include "common/log.h"
#include "common/wire.h"
#include "listener/confine.h"
#include "listener/link.h"
#include "listener/loop.h"

int
main(int argc, char **argv)
{
	struct contract_args args;
	struct confine_opts co;
	struct confine_report rep;
	struct loop	*l;
	char		 err[256];
	int		 rc;

	/* First thing: never outlive privconfd. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		exit(1);
	log_init("privconf[listener]: ");
	if (contract_parse(CONTRACT_LISTENER, argc, argv, &args, err,
	    sizeof(err)) == -1)
		fatalx("op=start why=\"%s\"", err);
	log_set_verbose((int)args.verbose);
	/* Sends use MSG_NOSIGNAL; this covers anything else. */
	signal(SIGPIPE, SIG_IGN);
	buf_tune_malloc();

	l = loop_new(&args, CONTRACT_FD_LINK, CONTRACT_FD_LISTEN);

	/* Confined for good before the first client byte is read. */
	confine_opts_init(&co, CONFINE_LISTENER);
	confine_opts_contract(&co, &args);
	co.peer_fd = CONTRACT_FD_LINK;
	co.listen_fd = CONTRACT_FD_LISTEN;
	co.epoll_fd = loop_epoll_fd(l);
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
