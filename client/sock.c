/* Connecting, the deadline clock and the peer check of sock.h. */
#define _GNU_SOURCE

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/sock.h"
#include "common/clock.h"
#include "common/ipcaddr.h"

int
sock_left_ms(long long deadline)
{
	long long	left = deadline - (long long)clock_ms();

	if (left <= 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static int
peer_ok(int fd, uid_t trusted, char *why, size_t whylen)
{
	struct ucred	 uc;
	socklen_t	 len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		snprintf(why, whylen, "SO_PEERCRED: %s", strerror(errno));
		return -1;
	}
	if (uc.uid == 0 || uc.uid == getuid() || uc.uid == geteuid() ||
	    (trusted != SOCK_NO_UID && uc.uid == trusted))
		return 0;
	snprintf(why, whylen, "served by uid %u, neither root nor you; "
	    "--server-uid %u trusts it", (unsigned)uc.uid, (unsigned)uc.uid);
	return -1;
}

int
sock_connect(const char *addr, long long deadline, uid_t trusted,
    char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv;
	socklen_t		 len;
	int			 fd, ms, r;

	if (ipcaddr_sockaddr(addr, &sun, &len) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, whylen, "socket: %s", strerror(errno));
		return -1;
	}
	/* A full backlog makes connect wait: SO_SNDTIMEO bounds that. */
	ms = sock_left_ms(deadline);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000 + (ms == 0);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1) {
		snprintf(why, whylen, "SO_SNDTIMEO: %s", strerror(errno));
		goto fail;
	}
	do
		r = connect(fd, (struct sockaddr *)&sun, len);
	while (r == -1 && errno == EINTR && sock_left_ms(deadline) > 0);
	if (r == -1) {
		snprintf(why, whylen, "%s", errno == EAGAIN ?
		    "connect timed out" : strerror(errno));
		goto fail;
	}
	if (peer_ok(fd, trusted, why, whylen) == -1)
		goto fail;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		snprintf(why, whylen, "O_NONBLOCK: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
