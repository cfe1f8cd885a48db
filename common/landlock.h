/*
 * Landlock: a ruleset that handles every access right the running kernel's
 * ABI knows and grants none of them (docs/design.md 4).
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2 while the kernels privconf
 * runs on are at ABI 7, so the ABI is written down here, from the kernel's
 * uapi header, and <linux/landlock.h> is never included.  The names differ
 * from the kernel's (LANDLOCK_FS_ not LANDLOCK_ACCESS_FS_) so that both
 * headers can meet in one file without a clash.
 *
 *   ABI 1  Linux 5.13  file system rights EXECUTE .. MAKE_SYM
 *   ABI 2  Linux 5.19  FS_REFER
 *   ABI 3  Linux 6.2   FS_TRUNCATE
 *   ABI 4  Linux 6.7   network: NET_BIND_TCP, NET_CONNECT_TCP
 *   ABI 5  Linux 6.10  FS_IOCTL_DEV
 *   ABI 6  Linux 6.12  scoped: abstract UNIX sockets, signals
 *   ABI 7  Linux 6.15  audit log flags of landlock_restrict_self (no new
 *                      right; privconf keeps the default logging)
 */
#ifndef PRIVCONF_LANDLOCK_H
#define PRIVCONF_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The newest ABI this file describes; a newer kernel is used at this ABI. */
#define LANDLOCK_ABI_KNOWN		7

/* landlock_create_ruleset() flag: return the ABI version. */
#define LANDLOCK_CREATE_VERSION		(1U << 0)

/* Same numbers on every architecture but alpha (unified syscall table). */
#define LANDLOCK_NR_CREATE_RULESET	444
#define LANDLOCK_NR_ADD_RULE		445
#define LANDLOCK_NR_RESTRICT_SELF	446

/* struct landlock_ruleset_attr.handled_access_fs */
#define LANDLOCK_FS_EXECUTE		(1ULL << 0)
#define LANDLOCK_FS_WRITE_FILE		(1ULL << 1)
#define LANDLOCK_FS_READ_FILE		(1ULL << 2)
#define LANDLOCK_FS_READ_DIR		(1ULL << 3)
#define LANDLOCK_FS_REMOVE_DIR		(1ULL << 4)
#define LANDLOCK_FS_REMOVE_FILE		(1ULL << 5)
#define LANDLOCK_FS_MAKE_CHAR		(1ULL << 6)
#define LANDLOCK_FS_MAKE_DIR		(1ULL << 7)
#define LANDLOCK_FS_MAKE_REG		(1ULL << 8)
#define LANDLOCK_FS_MAKE_SOCK		(1ULL << 9)
#define LANDLOCK_FS_MAKE_FIFO		(1ULL << 10)
#define LANDLOCK_FS_MAKE_BLOCK		(1ULL << 11)
#define LANDLOCK_FS_MAKE_SYM		(1ULL << 12)
#define LANDLOCK_FS_REFER		(1ULL << 13)	/* ABI 2 */
#define LANDLOCK_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#define LANDLOCK_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */

/* struct landlock_ruleset_attr.handled_access_net, ABI 4 */
#define LANDLOCK_NET_BIND_TCP		(1ULL << 0)
#define LANDLOCK_NET_CONNECT_TCP	(1ULL << 1)

/* struct landlock_ruleset_attr.scoped, ABI 6 */
#define LANDLOCK_SCOPED_ABSTRACT_UNIX	(1ULL << 0)
#define LANDLOCK_SCOPED_SIGNAL		(1ULL << 1)

/*
 * The kernel's struct landlock_ruleset_attr, all fields up to ABI 7.  The
 * kernel takes a size with it and refuses unknown non-zero trailing
 * fields, so only the prefix the ABI knows is passed
 * (landlock_attr_size()).
 */
struct landlock_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;	/* ABI 4 */
	uint64_t	scoped;			/* ABI 6 */
};

/* The running kernel's ABI, 0 when Landlock is missing or disabled. */
int	landlock_abi(void);

/* What a ruleset handles at a given ABI (abi above the known one: known). */
uint64_t landlock_fs_rights(int abi);
uint64_t landlock_net_rights(int abi);
uint64_t landlock_scoped(int abi);
size_t	 landlock_attr_size(int abi);	/* 0 for abi < 1 */

/*
 * Restrict the calling thread (privconf's processes have one) with a
 * ruleset handling every right and scope of min(kernel ABI,
 * LANDLOCK_ABI_KNOWN) and holding no rule: no file can be opened, created
 * or executed, no TCP port bound or connected, no abstract UNIX socket or
 * process outside the domain reached.  no_new_privs must be set already.
 *
 * Returns the ABI enforced.  When the kernel has no Landlock (ENOSYS,
 * EOPNOTSUPP) returns 0 if allow_weak is set, else -1 with that errno.
 * Any other failure is -1 with errno.
 */
int	landlock_restrict_all(bool allow_weak);

/*
 * The same with some rights granted beneath some directories (an O_PATH
 * fd each), and only the scopes of scoped (LANDLOCK_SCOPED_*) that the
 * ABI knows.  privconfd uses it to keep only the right to remove its own
 * socket and empty root, and to signal the children it started before.
 */
struct landlock_grant {
	int		dirfd;
	uint64_t	access;		/* LANDLOCK_FS_* */
};
int	landlock_restrict(bool allow_weak, uint64_t scoped,
	    const struct landlock_grant *, size_t ngrants);

#endif
