/*
 * The SCM_CREDENTIALS decision table of docs/protocol.md 2.3.  It is a pure
 * function so that every cell of the table is a unit test.
 */
#include "listener/auth.h"

static bool
auth_one(const struct auth_policy *ap, const struct auth_cred *c)
{
	/* The kernel reports pid 0 when it could not map the sender: no one. */
	if (c->pid <= 0)
		return false;
	/* Root always passes, as in Syd: it could change the policy anyway. */
	if (c->uid == 0 && c->gid == 0)
		return true;
	if (ap->check_uid && c->uid != ap->uid)
		return false;
	if (ap->check_gid && c->gid != ap->gid)
		return false;
	return true;
}

bool
auth_check(const struct auth_policy *ap, const struct auth_cred *creds,
    size_t n, struct auth_cred *who)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (auth_one(ap, &creds[i])) {
			if (who != NULL)
				*who = creds[i];
			return true;
		}
	}
	return false;
}
