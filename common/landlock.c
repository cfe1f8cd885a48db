/*
 * Landlock with no rules: the process keeps the fds it was given and can
 * reach nothing else by path, TCP port, abstract socket name or signal.
 */
#include <sys/syscall.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "common/landlock.h"

#ifdef __NR_landlock_create_ruleset
_Static_assert(__NR_landlock_create_ruleset == LANDLOCK_NR_CREATE_RULESET,
    "landlock_create_ruleset number");
_Static_assert(__NR_landlock_restrict_self == LANDLOCK_NR_RESTRICT_SELF,
    "landlock_restrict_self number");
#endif

/* Each size must match the kernel's LANDLOCK_*_ATTR_SIZE for its ABI. */
_Static_assert(offsetof(struct landlock_attr, handled_access_net) == 8,
    "landlock_attr layout");
_Static_assert(offsetof(struct landlock_attr, scoped) == 16,
    "landlock_attr layout");
_Static_assert(sizeof(struct landlock_attr) == 24, "landlock_attr size");

static int
clamp_abi(int abi)
{
	return abi > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : abi;
}

int
landlock_abi(void)
{
	long	 r;

	r = syscall(LANDLOCK_NR_CREATE_RULESET, NULL, (size_t)0,
	    (uint32_t)LANDLOCK_CREATE_VERSION);
	return r < 0 ? 0 : (int)r;
}

uint64_t
landlock_fs_rights(int abi)
{
	uint64_t r;

	abi = clamp_abi(abi);
	if (abi < 1)
		return 0;
	/* ABI 1: bits 0 to 12, EXECUTE to MAKE_SYM. */
	r = (LANDLOCK_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		r |= LANDLOCK_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_FS_IOCTL_DEV;
	return r;
}

uint64_t
landlock_net_rights(int abi)
{
	if (clamp_abi(abi) < 4)
		return 0;
	return LANDLOCK_NET_BIND_TCP | LANDLOCK_NET_CONNECT_TCP;
}

uint64_t
landlock_scoped(int abi)
{
	if (clamp_abi(abi) < 6)
		return 0;
	return LANDLOCK_SCOPED_ABSTRACT_UNIX | LANDLOCK_SCOPED_SIGNAL;
}

size_t
landlock_attr_size(int abi)
{
	abi = clamp_abi(abi);
	if (abi < 1)
		return 0;
	if (abi < 4)
		return offsetof(struct landlock_attr, handled_access_net);
	if (abi < 6)
		return offsetof(struct landlock_attr, scoped);
	return sizeof(struct landlock_attr);
}

/* The kernel's struct landlock_path_beneath_attr (packed, 12 bytes). */
struct landlock_beneath {
	uint64_t	allowed_access;
	int32_t		parent_fd;
} __attribute__((packed));
#define LANDLOCK_RULE_PATH_BENEATH	1

int
landlock_restrict(bool allow_weak, uint64_t scoped,
    const struct landlock_grant *grants, size_t ngrants)
{
	struct landlock_attr attr;
	struct landlock_beneath rule;
	long	 r;
	int	 abi, fd, saved;
	size_t	 i;

	r = syscall(LANDLOCK_NR_CREATE_RULESET, NULL, (size_t)0,
	    (uint32_t)LANDLOCK_CREATE_VERSION);
	if (r < 0) {
		/* Not built in (ENOSYS) or not enabled at boot (EOPNOTSUPP). */
		if ((errno == ENOSYS || errno == EOPNOTSUPP) && allow_weak)
			return 0;
		return -1;
	}
	if (r < 1) {
		errno = EOPNOTSUPP;
		return allow_weak ? 0 : -1;
	}
	abi = clamp_abi((int)r);

	attr.handled_access_fs = landlock_fs_rights(abi);
	attr.handled_access_net = landlock_net_rights(abi);
	attr.scoped = landlock_scoped(abi) & scoped;
	r = syscall(LANDLOCK_NR_CREATE_RULESET, &attr, landlock_attr_size(abi),
	    (uint32_t)0);
	if (r < 0)
		return -1;
	fd = (int)r;

	for (i = 0; i < ngrants; i++) {
		rule.allowed_access = grants[i].access &
		    attr.handled_access_fs;
		rule.parent_fd = grants[i].dirfd;
		if (syscall(LANDLOCK_NR_ADD_RULE, fd,
		    LANDLOCK_RULE_PATH_BENEATH, &rule, (uint32_t)0) == -1)
			goto fail;
	}
	if (syscall(LANDLOCK_NR_RESTRICT_SELF, fd, (uint32_t)0) == -1)
		goto fail;
	close(fd);
	return abi;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
landlock_restrict_all(bool allow_weak)
{
	/* No rule: every handled access is denied. */
	return landlock_restrict(allow_weak, LANDLOCK_SCOPED_ABSTRACT_UNIX |
	    LANDLOCK_SCOPED_SIGNAL, NULL, 0);
}
