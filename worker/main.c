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

#ifdef PRIVCONF_FUZZ_STDIN
#include <sys/socket.h>

/* Frames per batch: one session_input, as one read would be. */
#define FUZZ_BATCH_FRAMES	16

/*
 * `make afl` only, never a default build (make check proves the word
 * below is in no default binary): the link is stdin, the frames the
 * worker sends go to stdout, and nothing is confined, so that AFL++ runs
 * the real frame loop on one file per input.  The input is cut into
 * batches of FUZZ_BATCH_FRAMES frames (the rest whole after a malformed
 * one), each given to session_input, as session_serve gives each read,
 * with a socket of this process (an admin peer) for each CONN_OPEN.
 */
static int
worker_fuzz_stdin(struct policy *p, const struct session_cfg *cfg)
{
	struct buf	 in = BUF_INIT;
	struct wire_msg	 m;
	struct session	*s;
	const char	*why;
	size_t		 off = 0, end, k, nfd;
	ssize_t		 n, r;
	int		 fds[FUZZ_BATCH_FRAMES], sv[2];
	bool		 more = true;

	log_info("op=start mode=fuzz-stdin");
	for (;;) {
		if (buf_reserve(&in, 65536) == -1)
			fatal("op=read");
		if ((n = read(STDIN_FILENO, in.data + in.len, 65536)) <= 0)
			break;
		in.len += (size_t)n;
	}
	s = session_new(STDOUT_FILENO, p, cfg);
	while (more && off < in.len) {
		for (end = off, k = nfd = 0; k < FUZZ_BATCH_FRAMES; k++) {
			r = wire_decode(in.data + end, in.len - end, &m, &why);
			if (r <= 0) {
				end = in.len;
				break;
			}
			end += (size_t)r;
			if (m.type != WIRE_CONN_OPEN)
				continue;
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
				fatal("op=socketpair");
			close(sv[1]);
			fds[nfd++] = sv[0];
		}
		more = session_input(s, in.data + off, end - off, fds, nfd);
		off = end;
	}
	buf_free(&in);
	return session_free(s);
}
#endif

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
	/* Its stderr is privconfd's relay, which reads each line's level. */
	log_mark_levels(true);
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
	if (contract_access(&args, &acc) == -1)
		fatal("op=start why=\"access levels\"");
	if ((p = policy_new()) == NULL)
		fatal("op=policy_new");
	if (policy_set_ipc(p, args.ipc_addr, worker_ipc_id(acc.admin.any_uid,
	    &acc.admin.uids), worker_ipc_id(!acc.admin.check_gid,
	    &acc.admin.gids)) != 0)
		fatalx("op=start why=\"bad ipc address\"");
	policy_set_access(p, &acc);

#ifdef PRIVCONF_FUZZ_STDIN
	(void)co;
	(void)rep;
	scfg = (struct session_cfg){ (size_t)args.max_conn, args.journal ?
	    CONTRACT_FD_JOURNAL : -1, (enum contract_sync)args.journal_sync,
	    NULL, &acc };
	status = worker_fuzz_stdin(p, &scfg);
	policy_free(p);
	access_free(&acc);
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
