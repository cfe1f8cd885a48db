/*
 * Taking over a listening socket a service manager bound (the
 * LISTEN_FDS protocol of sd_listen_fds(3)).  The checks are the ones a
 * socket privconfd bound would pass: a UNIX stream socket, listening,
 * with a name to report in `stat`.  Anything else passed as fd 3 is a
 * unit file that does not match this daemon, and privconfd refuses it
 * rather than serve on something it cannot vouch for.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/decimal.h"
#include "common/log.h"
#include "daemon/activate.h"

/* A decimal variable, or -1 when it is missing or not a number. */
static long long
activate_env(const char *name)
{
	const char	*s = getenv(name);
	uint64_t	 v;

	if (s == NULL || decimal_parse(s, strlen(s), 0, INT32_MAX, &v) == -1)
		return -1;
	return (long long)v;
}

static int
activate_sockopt(int fd, int opt)
{
	socklen_t	 len;
	int		 v = -1;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) == -1)
		fatal("op=activate fd=%d why=\"getsockopt\"", fd);
	return v;
}

/* "/path" or "@name" of the socket's own address. */
static void
activate_name(int fd, char addr[IPCADDR_SUN_PATH + 1])
{
	struct sockaddr_un sun;
	socklen_t	 len = sizeof(sun);
	size_t		 n;

	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1)
		fatal("op=activate fd=%d why=\"getsockname\"", fd);
	if (len <= offsetof(struct sockaddr_un, sun_path))
		fatalx("op=activate fd=%d why=\"the socket has no name\"", fd);
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (sun.sun_path[0] != '\0') {
		/* A path: up to its NUL, which the kernel may not count. */
		n = strnlen(sun.sun_path, n);
		memcpy(addr, sun.sun_path, n);
		addr[n] = '\0';
		return;
	}
	/* Abstract: the name goes into an argv, which cannot hold a NUL. */
	if (n < 2 || memchr(sun.sun_path + 1, '\0', n - 1) != NULL)
		fatalx("op=activate fd=%d why=\"an abstract name privconfd "
		    "cannot write (empty, or holding a NUL byte)\"", fd);
	addr[0] = '@';
	memcpy(addr + 1, sun.sun_path + 1, n - 1);
	addr[n] = '\0';
}

int
activate_socket(char addr[IPCADDR_SUN_PATH + 1])
{
	struct stat	 st;
	long long	 pid, n;
	int		 fd = ACTIVATE_FD, on = 1, fl;

	bool		 given = getenv("LISTEN_FDS") != NULL;

	pid = activate_env("LISTEN_PID");
	n = activate_env("LISTEN_FDS");
	/* Read once: nothing after privconfd may take them for its own. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	/* None, or meant for another process (a shell that exec'd us). */
	if (!given || pid != (long long)getpid() || n == 0)
		return -1;
	if (n != 1)
		fatalx("op=activate why=\"one listening socket expected\" "
		    "listen_fds=%s", n < 0 ? "bad" : "many");
	if (fstat(fd, &st) == -1 || !S_ISSOCK(st.st_mode))
		fatalx("op=activate fd=%d why=\"not a socket\"", fd);
	if (activate_sockopt(fd, SO_DOMAIN) != AF_UNIX ||
	    activate_sockopt(fd, SO_TYPE) != SOCK_STREAM ||
	    activate_sockopt(fd, SO_ACCEPTCONN) != 1)
		fatalx("op=activate fd=%d why=\"not a listening AF_UNIX "
		    "stream socket (ListenStream= with a path or @name)\"", fd);
	activate_name(fd, addr);
	/* As bind_open() makes its own: see there. */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		fatal("op=activate why=\"SO_PASSCRED\"");
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("op=activate why=\"fcntl\"");
	return fd;
}
