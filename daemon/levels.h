/*
 * The access levels privconfd resolves at start (docs/protocol.md 9):
 * names become numbers, each group's members (the group database as it
 * is now) become a uid list, and the children get numbers only.  Also
 * the narrowest owner, group and mode of a path socket that lets every
 * configured id connect.
 */
#ifndef PRIVCONF_DAEMON_LEVELS_H
#define PRIVCONF_DAEMON_LEVELS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "common/access.h"
#include "common/contract.h"

/* What the command line and the profiles said, still with names. */
struct levels_in {
	struct contract_ids ipc_uid;
	struct contract_ids ipc_gid;
	struct contract_ids read_uid;
	struct contract_ids read_gid;
	uid_t		 starter;	/* the admin uid when none is given */
};

/*
 * Resolve in into acc: 0, or -1 with err ("--ipc-uid: alice: no such
 * user", "--read-gid: staff: more than N members").
 */
int	levels_resolve(const struct levels_in *in, struct access *acc,
	    char *err, size_t errlen);
/* The children's lists for acc (malloc'd texts, kept for the process). */
int	levels_contract(const struct access *acc, struct contract_args *c);

/* A path socket's owner and group ((uid_t)-1: leave), and mode. */
struct levels_sock {
	uid_t		 uid;
	gid_t		 gid;
	mode_t		 mode;
};
void	levels_socket(const struct access *acc, struct levels_sock *out);

#endif
