/*
 * The IPC socket address rules that privconfd and privconfctl share
 * (docs/protocol.md 1, docs/design.md 2): a path, or an abstract
 * name after "@", and the default address.
 */
#ifndef PRIVCONF_IPCADDR_H
#define PRIVCONF_IPCADDR_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stdbool.h>
#include <stddef.h>

/* Longest path (its NUL must fit) and longest abstract name, in bytes. */
#define IPCADDR_SUN_PATH	sizeof(((struct sockaddr_un *)0)->sun_path)
#define IPCADDR_PATH_MAX	(IPCADDR_SUN_PATH - 1)
#define IPCADDR_ABSTRACT_MAX	(IPCADDR_SUN_PATH - 1)

static inline bool
ipcaddr_is_abstract(const char *addr)
{
	return addr[0] == '@';
}

/*
 * The default socket: /run/privconf/ipc.sock for root, else
 * $XDG_RUNTIME_DIR/privconf/ipc.sock when that is an absolute path, else
 * /tmp/privconf-UID/ipc.sock.  xdg is getenv("XDG_RUNTIME_DIR") or NULL.
 * 0, or -1 with errno ENAMETOOLONG when it does not fit in n bytes.
 */
int	ipcaddr_default(char *dst, size_t n, uid_t euid, const char *xdg);

/*
 * Fill sun and *len for addr.  An abstract name is the bytes after "@",
 * exact length, no NUL padding.  0, or -1 with errno EINVAL (empty path,
 * empty name) or ENAMETOOLONG (does not fit in sun_path).
 */
int	ipcaddr_sockaddr(const char *addr, struct sockaddr_un *sun,
	    socklen_t *len);

#endif
