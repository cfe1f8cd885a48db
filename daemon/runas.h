/*
 * Whom the children run as when privconfd starts as root, and the empty
 * directory they chroot into (docs/design.md section 4).
 */
#ifndef PRIVCONF_DAEMON_RUNAS_H
#define PRIVCONF_DAEMON_RUNAS_H

#include <stdint.h>

#define RUNAS_ROOT_MAX	80

struct runas {
	uint32_t	 uid;
	uint32_t	 gid;
	char		 root[RUNAS_ROOT_MAX];	/* "" until created */
};

/* Resolve user with getpwnam(); fatalx() when unknown or root. */
void	runas_user(struct runas *ra, const char *user);
/*
 * Create a fresh, empty, root-owned 0755 directory under /run (or /tmp
 * when there is no /run) and check that it is exactly that; fatal()
 * otherwise.
 */
void	runas_mkroot(struct runas *ra);
/* Remove it again; idempotent. */
void	runas_rmroot(struct runas *ra);
/*
 * Remove the empty roots that privconfds killed by SIGKILL left behind:
 * root-owned empty directories named for a pid that runs no privconfd.
 */
void	runas_sweep(void);

#endif
