/*
 * privconf-worker: owns the policy, never touches a client socket.
 * privconfd starts it with the descriptors and argv of common/contract.h:
 * its end of the socketpair, and the journal when --journal says so.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdlib.h>

#include "common/access.h"
#include "common/buf.h"
#include "common/contract.h"
#include "common/log.h"
#include "common/wire.h"
#include "worker/compact.h"
#include "worker/confine.h"
#include "worker/policy.h"
#include "worker/session.h"

/*
 * The admin uid or gid stat shows (its frozen schema holds one of each):
 * the lowest of the list, -1 (null) when not checked.  stats lists all.
 */
static int64_t
worker_ipc_id(bool any, const struct access_ids *ids)
{
	return any || ids->n == 0 ? -1 : (int64_t)ids->v[0];
}

/* A descriptor of the contract is there and of the kind it should be. */
static void
worker_check_fd(int fd, mode_t type, const char *what)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1 || (st.st_mode & S_IFMT) != type)
		fatalx("op=start why=\"fd %d is not the %s\"", fd, what);
}

int
main(int argc, char **argv)
{
	struct contract_args args;
	struct access	 acc;
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
	worker_check_fd(CONTRACT_FD_LINK, S_IFSOCK, "socketpair");
	if (args.journal)
		worker_check_fd(CONTRACT_FD_JOURNAL, S_IFREG, "journal");
	if (contract_access(&args, &acc) == -1)
		fatal("op=start why=\"access levels\"");
	if ((p = policy_new()) == NULL)
		fatal("op=policy_new");
	if (policy_set_ipc(p, args.ipc_addr, worker_ipc_id(acc.admin.any_uid,
	    &acc.admin.uids), worker_ipc_id(!acc.admin.check_gid,
	    &acc.admin.gids)) != 0)
		fatalx("op=start why=\"bad ipc address\"");
	policy_set_access(p, &acc);

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
	scfg.access = &acc;
	if (args.dump && (scfg.compact = compact_new(args.ipc_addr,
	    worker_ipc_id(acc.admin.any_uid, &acc.admin.uids),
	    worker_ipc_id(!acc.admin.check_gid, &acc.admin.gids))) == NULL)
		fatal("op=compact why=\"start\"");
	status = session_serve(CONTRACT_FD_LINK, p, &scfg);
	compact_free(scfg.compact);
	policy_free(p);
	access_free(&acc);
	return status;
}
