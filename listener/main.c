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

#ifdef PRIVCONF_FUZZ_STDIN
#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

/* The lines of the one client, each forwarded: REQUESTs 1, 2 and 3. */
#define FUZZ_LINES	"prompt i\nstat\nsandbox/read?\nstats\n"
#define FUZZ_REQUESTS	3

/* The helper: wait for the REQUESTs, then stdin as the worker's bytes. */
static void
fuzz_helper(int link, int client)
{
	struct buf	 in = BUF_INIT;
	struct wire_msg	 m;
	struct pollfd	 pfd[2] = { { link, POLLIN, 0 }, { client, POLLIN, 0 } };
	uint8_t		 b[65536];
	const char	*why;
	ssize_t		 n, r;
	int		 reqs = 0;

	if (write(client, FUZZ_LINES, strlen(FUZZ_LINES)) == -1)
		_exit(1);
	while (reqs < FUZZ_REQUESTS && poll(pfd, 1, 2000) == 1 &&
	    (n = read(link, b, sizeof(b))) > 0) {
		(void)buf_append(&in, b, (size_t)n);
		while ((r = wire_decode(buf_head(&in), buf_unread(&in), &m,
		    &why)) > 0) {
			reqs += m.type == WIRE_REQUEST;
			buf_consume(&in, (size_t)r);
		}
	}
	while ((n = read(STDIN_FILENO, b, sizeof(b))) > 0)
		if (write(link, b, (size_t)n) != n)
			break;
	shutdown(link, SHUT_WR);
	/* Drain both until the listener is gone. */
	while (poll(pfd, 2, 5000) > 0 && ((pfd[0].revents &&
	    read(link, b, sizeof(b)) > 0) || (pfd[1].revents &&
	    read(client, b, sizeof(b)) > 0)))
		;
	_exit(0);
}

/*
 * `make afl` only, never a default build (make check proves the word
 * below is in no default binary): the worker's side of the link is
 * stdin.  A helper process holds the other end of a socketpair and one
 * client connection (always connection 1 << 32, slot 0, generation 1,
 * its lines REQUESTs 1 to 3); once the three REQUESTs are out it writes
 * stdin to the link and closes it.  Nothing is confined.
 */
static void
listener_fuzz_stdin(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t	 len;
	int		 sv[2], lfd, cfd, lk, ls, one = 1;

	log_info("op=start mode=fuzz-stdin");
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
	    "privconf-afl-%d", (int)getpid());
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(sun.sun_path + 1));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, len) == -1 ||
	    /* Before the client connects: its socket inherits it. */
	    setsockopt(lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ==
	    -1 ||
	    listen(lfd, 4) == -1 ||
	    (cfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(cfd, (struct sockaddr *)&sun, len) == -1)
		fatal("op=start why=\"fuzz-stdin sockets\"");
	switch (fork()) {
	case -1:
		fatal("op=start why=\"fork\"");
	case 0:
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		close(lfd);
		fuzz_helper(sv[1], cfd);
	}
	close(sv[1]);
	close(cfd);
	/* Above the contract's fds first, so that no dup2 clobbers one. */
	if ((lk = fcntl(sv[0], F_DUPFD, 10)) == -1 ||
	    (ls = fcntl(lfd, F_DUPFD, 10)) == -1)
		fatal("op=start why=\"F_DUPFD\"");
	close(sv[0]);
	close(lfd);
	if (dup2(lk, CONTRACT_FD_LINK) == -1 ||
	    dup2(ls, CONTRACT_FD_LISTEN) == -1)
		fatal("op=start why=\"dup2\"");
	close(lk);
	close(ls);
}
#endif

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
	/* Its stderr is privconfd's relay, which reads each line's level. */
	log_mark_levels(true);
	if (contract_parse(CONTRACT_LISTENER, argc, argv, &args, err,
	    sizeof(err)) == -1)
		fatalx("op=start why=\"%s\"", err);
	log_set_verbose((int)args.verbose);
	/* Sends use MSG_NOSIGNAL; this covers anything else. */
	signal(SIGPIPE, SIG_IGN);
	buf_tune_malloc();

#ifdef PRIVCONF_FUZZ_STDIN
	listener_fuzz_stdin();
	l = loop_new(&args, CONTRACT_FD_LINK, CONTRACT_FD_LISTEN);
	(void)co;
	(void)rep;
	link_hello(&l->link, 0, 0, 0, WIRE_SECCOMP_OFF);
	rc = loop_run(l);
	loop_free(l);
	return rc;
#endif
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
