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
#include "listener/loop.h"
#include "listener/opts.h"

int
main(int argc, char **argv)
{
	struct listener_opts opts;
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

	/* confine: listener_confine() goes here */

	rc = loop_run(l);
	loop_free(l);
	return rc;
}
