/*
 * The IPC socket address rules shared by privconfd and privconfctl.
 * client/ipcaddr.c compiles this same file (see there why).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/ipcaddr.h"

int
ipcaddr_default(char *dst, size_t n, uid_t euid, const char *xdg)
{
	int	 r;

	/* XDG says to ignore a relative XDG_RUNTIME_DIR, and root uses /run. */
	if (euid == 0)
		r = snprintf(dst, n, "/run/privconf/ipc.sock");
	else if (xdg != NULL && xdg[0] == '/')
		r = snprintf(dst, n, "%s/privconf/ipc.sock", xdg);
	else
		r = snprintf(dst, n, "/tmp/privconf-%lu/ipc.sock",
		    (unsigned long)euid);
	if (r < 0 || (size_t)r >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
ipcaddr_sockaddr(const char *addr, struct sockaddr_un *sun, socklen_t *len)
{
	size_t	 n = strlen(addr);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (ipcaddr_is_abstract(addr)) {
		/* A bare "@" would be an empty name: not what anyone means. */
		if (n == 1) {
			errno = EINVAL;
			return -1;
		}
		if (n - 1 > IPCADDR_ABSTRACT_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, addr + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
		return 0;
	}
	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	if (n > IPCADDR_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, addr, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}
