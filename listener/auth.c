/*
 * The SCM_CREDENTIALS decision table of docs/protocol.md 2.3.  It is a pure
 * function so that every cell of the table is a unit test.
 */
#include "common/access.h"
#include "listener/auth.h"

static bool
auth_one(const struct access *ap, const struct auth_cred *c)
{
	/* The kernel reports pid 0 when it could not map the sender: no one. */
	if (c->pid <= 0)
		return false;
	return access_of(ap, (uint32_t)c->uid, (uint32_t)c->gid) !=
	    ACCESS_NONE;
}

bool
auth_check(const struct access *ap, const struct auth_cred *creds,
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
