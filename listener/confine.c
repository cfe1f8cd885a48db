/*
 * The listener's allow-list: one epoll loop over the listening socket,
 * the worker socket and the clients.  The listener is the process a
 * hostile client talks to, so it gets the least: no file, no new socket,
 * no process, no signal, and each call only on the fds it is meant for.
 *
 * Client sockets are dynamic, so their calls are tied to the client range
 * (SECCOMP_ARG_CLIENT: above every fd the listener owns; common/seccomp.c
 * explains why no owned fd can be named that way).  What that still lets
 * a compromised listener do is what it exists to do anyway: read and
 * write its clients, drop them, and send the worker REQUEST frames, which
 * the worker checks like any client's commands.  An fd a client passes in
 * SCM_RIGHTS also lands in that range; it is the client's own, so using
 * it gains nothing over what the client can do itself.
 */
#define _GNU_SOURCE

#include <sys/socket.h>

#include <sched.h>

#include "common/confine.h"
#include "common/log.h"
#include "listener/confine.h"

#define LISTEN	SECCOMP_IS(0, SECCOMP_ARG_LISTEN)
#define PEER	SECCOMP_IS(0, SECCOMP_ARG_PEER)
#define CLIENT	SECCOMP_IS(0, SECCOMP_ARG_CLIENT)
#define EPOLL	SECCOMP_IS(0, SECCOMP_ARG_EPOLL)

static const struct seccomp_rule listener_rules[] = {
	/* The loop: only its own epoll fd, watching only its own fds. */
	SECCOMP_ALLOW(epoll_wait, EPOLL),
	SECCOMP_ALLOW(epoll_pwait, EPOLL),
	SECCOMP_ALLOW(epoll_pwait2, EPOLL),
	SECCOMP_ALLOW(epoll_ctl, EPOLL, SECCOMP_IS(2, SECCOMP_ARG_CLIENT)),
	SECCOMP_ALLOW(epoll_ctl, EPOLL, SECCOMP_IS(2, SECCOMP_ARG_LISTEN)),
	SECCOMP_ALLOW(epoll_ctl, EPOLL, SECCOMP_IS(2, SECCOMP_ARG_PEER)),

	/* New clients come from the listening socket only. */
	SECCOMP_ALLOW(accept4, LISTEN),
	SECCOMP_ALLOW(accept, LISTEN),

	/* Clients: bytes in (recvmsg for SCM_CREDENTIALS), bytes out, gone. */
	SECCOMP_ALLOW(recvmsg, CLIENT),
	SECCOMP_ALLOW(recvfrom, CLIENT),
	SECCOMP_ALLOW(read, CLIENT),
	SECCOMP_ALLOW(sendto, CLIENT),
	SECCOMP_ALLOW(write, CLIENT),
	SECCOMP_ALLOW(shutdown, CLIENT),
	SECCOMP_ALLOW(close, CLIENT),
	/* Who is there: SO_PEERCRED and nothing else. */
	SECCOMP_ALLOW(getsockopt, CLIENT,
	    SECCOMP_CMP(1, SCMP_CMP_EQ, SOL_SOCKET),
	    SECCOMP_CMP(2, SCMP_CMP_EQ, SO_PEERCRED)),

	/*
	 * The worker link (glibc's recv/send are recvfrom/sendto); sendmsg
	 * hands the worker each client socket with its CONN_OPEN.
	 */
	SECCOMP_ALLOW(recvfrom, PEER),
	SECCOMP_ALLOW(read, PEER),
	SECCOMP_ALLOW(sendto, PEER),
	SECCOMP_ALLOW(sendmsg, PEER),
	SECCOMP_ALLOW(write, PEER),

	/* lock:on ends the service: the listening socket is closed first. */
	SECCOMP_ALLOW(close, LISTEN),
	SECCOMP_ALLOW(close, PEER),
};

/* No CLONE_NEWNS: the listener's chroot is enough, it mounts nothing. */
static const struct confine_profile listener_profile = {
	.proc = "listener",
	.unshare_flags = CLONE_NEWNET | CLONE_NEWIPC,
	.no_file_size = true,		/* it never writes a file */
	.clients = true,
	.rules = listener_rules,
	.nrules = sizeof(listener_rules) / sizeof(listener_rules[0]),
};

void
listener_confine(const struct confine_opts *o)
{
	if (o->proc != CONFINE_LISTENER)
		fatalx("op=confine why=\"options are not the listener's\"");
	if (o->listen_fd < 0 || o->epoll_fd < 0 || o->peer_fd < 0)
		fatalx("op=confine why=\"listen, epoll and peer fds needed\"");
	if (o->journal_fd != -1)
		fatalx("op=confine why=\"the listener owns no journal\"");
	confine_apply(o, &listener_profile);
}
