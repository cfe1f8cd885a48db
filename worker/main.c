/*
 * privconf-worker: owns the policy, never touches a client socket.
 * privconfd starts it with its end of the socketpair on fd 3 (and the
 * journal on fd 4 when there is one); see docs/design.md.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/decimal.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/confine.h"
#include "worker/policy.h"
#include "worker/session.h"

#define WORKER_PEER_FD	3
#define WORKER_JOURNAL_FD 4

struct worker_args {
	const char	*ipc_addr;
	int64_t		 ipc_uid;	/* -1: any */
	int64_t		 ipc_gid;	/* -1: none */
	struct confine_opts co;
};

/* A uid or gid, or -1 for the keyword none (NULL: a number is required). */
static int64_t
parse_id(const char *s, const char *none)
{
	uint64_t v;

	if (none != NULL && strcmp(s, none) == 0)
		return -1;
	if (decimal_parse(s, strlen(s), 0, OPT_ID_MAX, &v) == -1)
		fatalx("op=args why=\"bad id %s\"", s);
	return (int64_t)v;
}

static void
parse_args(int argc, char **argv, struct worker_args *a)
{
	enum { O_ADDR = 256, O_UID, O_GID, O_RUID, O_RGID, O_CHROOT, O_WEAK };
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "ipc-addr", required_argument, NULL, O_ADDR },
		{ "ipc-uid", required_argument, NULL, O_UID },
		{ "ipc-gid", required_argument, NULL, O_GID },
		{ "run-uid", required_argument, NULL, O_RUID },
		{ "run-gid", required_argument, NULL, O_RGID },
		{ "chroot", required_argument, NULL, O_CHROOT },
		{ "allow-weak-sandbox", no_argument, NULL, O_WEAK },
		{ NULL, 0, NULL, 0 },
	};
	int	 c;

	a->ipc_addr = "";
	a->ipc_uid = a->ipc_gid = -1;
	confine_opts_init(&a->co, CONFINE_WORKER);
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			log_set_verbose(1);
			break;
		case O_ADDR:
			a->ipc_addr = optarg;
			break;
		case O_UID:
			a->ipc_uid = parse_id(optarg, "any");
			break;
		case O_GID:
			a->ipc_gid = parse_id(optarg, "none");
			break;
		case O_RUID:
			a->co.run_uid = (uid_t)parse_id(optarg, NULL);
			break;
		case O_RGID:
			a->co.run_gid = (gid_t)parse_id(optarg, NULL);
			break;
		case O_CHROOT:
			a->co.chroot_dir = optarg;
			break;
		case O_WEAK:
			a->co.allow_weak = true;
			break;
		default:
			fatalx("op=args why=\"usage: privconf-worker [-v] "
			    "--ipc-addr ADDR --ipc-uid N|any --ipc-gid N|none\"");
		}
	}
	if (optind != argc)
		fatalx("op=args why=\"unexpected argument %s\"", argv[optind]);
}

int
main(int argc, char **argv)
{
	struct worker_args a;
	struct policy	*p;
	struct stat	 st;
	struct confine_report rep;
	int		 status;

	log_init("privconf[worker]: ");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("op=prctl");
	parse_args(argc, argv, &a);
	if (fstat(WORKER_PEER_FD, &st) == -1 || !S_ISSOCK(st.st_mode))
		fatalx("op=start why=\"fd %d is not the socketpair\"",
		    WORKER_PEER_FD);
	if ((p = policy_new()) == NULL)
		fatal("op=policy_new");
	if (policy_set_ipc(p, a.ipc_addr, a.ipc_uid, a.ipc_gid) != 0)
		fatalx("op=args why=\"bad ipc address\"");

	a.co.peer_fd = WORKER_PEER_FD;
	/* The journal, when privconfd opened one, is fd 4 (a later issue). */
	a.co.journal_fd = fstat(WORKER_JOURNAL_FD, &st) == 0 ?
	    WORKER_JOURNAL_FD : -1;
	worker_confine(&a.co);
	confine_get_report(&rep);
	policy_set_confine(p, POLICY_PROC_WORKER, rep.uid, rep.gid,
	    (uint32_t)rep.landlock_abi, !rep.seccomp ? WIRE_SECCOMP_OFF :
	    rep.seccomp_debug ? WIRE_SECCOMP_TRAP : WIRE_SECCOMP_KILL);

	status = session_serve(WORKER_PEER_FD, p);
	policy_free(p);
	return status;
}
