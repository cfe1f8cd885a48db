/*
 * privconf-worker: owns the policy, never touches a client socket.
 * privconfd starts it with the descriptors and argv of common/contract.h:
 * its end of the socketpair, and the journal when --journal says so.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/contract.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/compact.h"
#include "worker/confine.h"
#include "worker/policy.h"
#include "worker/session.h"

/* A contract id as the policy's ipc uid/gid: -1 is "not checked". */
static int64_t
worker_ipc_id(const struct contract_id *id)
{
	return id->kind == CONTRACT_ID_NUM ? (int64_t)id->id : -1;
}

/* A descriptor of the contract is there and of the kind it should be. */
static void
worker_check_fd(int fd, mode_t type, const char *what)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1 || (st.st_mode & S_IFMT) != type)
		fatalx("op=start why=\"fd %d is not the %s\"", fd, what);
}

#ifdef PRIVCONF_FUZZ_STDIN
/*
 * `make afl` only, never a default build (make check proves the word
 * below is in no default binary): the link is stdin, the frames the
 * worker sends go to stdout, and nothing is confined, so that AFL++ runs
 * the real frame loop (session_input, as session_serve runs it on each
 * read) on one file per input.
 */
static int
worker_fuzz_stdin(struct policy *p, const struct session_cfg *cfg)
{
	static uint8_t	 chunk[WIRE_HDR_LEN + WIRE_BODY_MAX];
	struct session	*s;
	ssize_t		 n;

	log_info("op=start mode=fuzz-stdin");
	s = session_new(STDOUT_FILENO, p, cfg);
	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0)
		if (!session_input(s, chunk, (size_t)n))
			break;
	return session_free(s);
}
#endif

int
main(int argc, char **argv)
{
	struct contract_args args;
	struct confine_opts co;
	struct confine_report rep;
	struct session_cfg scfg;
	struct policy	*p;
	char		 err[256];
	int		 status;

	log_init("privconf[worker]: ");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("op=prctl");
	/* A vanished listener must be an error return, never a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (contract_parse(CONTRACT_WORKER, argc, argv, &args, err,
	    sizeof(err)) == -1)
		fatalx("op=start why=\"%s\"", err);
	log_set_verbose((int)args.verbose);
	buf_tune_malloc();
#ifndef PRIVCONF_FUZZ_STDIN
	worker_check_fd(CONTRACT_FD_LINK, S_IFSOCK, "socketpair");
#endif
	if (args.journal)
		worker_check_fd(CONTRACT_FD_JOURNAL, S_IFREG, "journal");
	if ((p = policy_new()) == NULL)
		fatal("op=policy_new");
	if (policy_set_ipc(p, args.ipc_addr, worker_ipc_id(&args.ipc_uid),
	    worker_ipc_id(&args.ipc_gid)) != 0)
		fatalx("op=start why=\"bad ipc address\"");

#ifdef PRIVCONF_FUZZ_STDIN
	(void)co;
	(void)rep;
	scfg = (struct session_cfg){ (size_t)args.max_conn, args.journal ?
	    CONTRACT_FD_JOURNAL : -1, (enum contract_sync)args.journal_sync,
	    NULL };
	status = worker_fuzz_stdin(p, &scfg);
	policy_free(p);
	return status;
#endif
	confine_opts_init(&co, CONFINE_WORKER);
	confine_opts_contract(&co, &args);
	co.peer_fd = CONTRACT_FD_LINK;
	co.journal_fd = args.journal ? CONTRACT_FD_JOURNAL : -1;
	worker_confine(&co);
	confine_get_report(&rep);
	policy_set_confine(p, POLICY_PROC_WORKER, rep.uid, rep.gid,
	    (uint32_t)rep.landlock_abi, !rep.seccomp ? WIRE_SECCOMP_OFF :
	    rep.seccomp_debug ? WIRE_SECCOMP_TRAP : WIRE_SECCOMP_KILL);

	scfg.max_conn = (size_t)args.max_conn;
	scfg.journal_fd = co.journal_fd;
	scfg.journal_sync = (enum contract_sync)args.journal_sync;
	scfg.compact = NULL;
	if (args.dump && (scfg.compact = compact_new(args.ipc_addr,
	    worker_ipc_id(&args.ipc_uid), worker_ipc_id(&args.ipc_gid))) == NULL)
		fatal("op=compact why=\"start\"");
	status = session_serve(CONTRACT_FD_LINK, p, &scfg);
	compact_free(scfg.compact);
	policy_free(p);
	return status;
}
