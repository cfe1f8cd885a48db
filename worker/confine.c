/*
 * The worker's allow-list.  The worker talks to one fd (the socketpair,
 * to privconfd during SETUP and to the listener after), appends to one
 * (the journal) and logs to stderr.  Its only dynamic fds are the client
 * sockets the listener hands over (worker/handoff.c): on those, asking
 * who connected and closing, nothing else, so a read, a write or a send
 * on one kills the worker.  Everything else in common/confine.c's base
 * list (memory, clock, exit).
 */
#define _GNU_SOURCE

#include <sys/socket.h>

#include <sched.h>

#include "common/confine.h"
#include "common/log.h"
#include "worker/confine.h"

static const struct seccomp_rule worker_rules[] = {
	/* Frames in and out (glibc's recv/send are recvfrom/sendto). */
	SECCOMP_ALLOW(read, SECCOMP_IS(0, SECCOMP_ARG_PEER)),
	SECCOMP_ALLOW(recvfrom, SECCOMP_IS(0, SECCOMP_ARG_PEER)),
	SECCOMP_ALLOW(recvmsg, SECCOMP_IS(0, SECCOMP_ARG_PEER)),
	SECCOMP_ALLOW(write, SECCOMP_IS(0, SECCOMP_ARG_PEER)),
	SECCOMP_ALLOW(sendto, SECCOMP_IS(0, SECCOMP_ARG_PEER)),

	/*
	 * The journal: appends, made durable (docs/design.md 6); its end
	 * read once, and the file cut back there when a commit fails.
	 */
	SECCOMP_ALLOW(write, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),
	SECCOMP_ALLOW(fdatasync, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),
	SECCOMP_ALLOW(fsync, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),
	SECCOMP_ALLOW(lseek, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),
	SECCOMP_ALLOW(ftruncate, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),

	/* A client socket: who connected, then closed at once. */
	SECCOMP_ALLOW(getsockopt, SECCOMP_IS(0, SECCOMP_ARG_CLIENT),
	    SECCOMP_CMP(1, SCMP_CMP_EQ, SOL_SOCKET),
	    SECCOMP_CMP(2, SCMP_CMP_EQ, SO_PEERCRED)),
	SECCOMP_ALLOW(close, SECCOMP_IS(0, SECCOMP_ARG_CLIENT)),

	/* Leaving cleanly. */
	SECCOMP_ALLOW(close, SECCOMP_IS(0, SECCOMP_ARG_PEER)),
	SECCOMP_ALLOW(close, SECCOMP_IS(0, SECCOMP_ARG_JOURNAL)),
};

/*
 * A mount namespace of its own as well (docs/design.md 4): the process that
 * holds the policy shares no mount table with the host.
 */
static const struct confine_profile worker_profile = {
	.proc = "worker",
	.unshare_flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS,
	.no_file_size = false,		/* the journal grows */
	.clients = true,		/* the sockets of worker/handoff.c */
	.rules = worker_rules,
	.nrules = sizeof(worker_rules) / sizeof(worker_rules[0]),
};

void
worker_confine(const struct confine_opts *o)
{
	if (o->proc != CONFINE_WORKER)
		fatalx("op=confine why=\"options are not the worker's\"");
	if (o->listen_fd != -1 || o->epoll_fd != -1)
		fatalx("op=confine why=\"the worker owns no listening "
		    "socket\"");
	confine_apply(o, &worker_profile);
}
