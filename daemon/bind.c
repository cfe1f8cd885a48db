/*
 * Binding the IPC socket.  The daemon may run as root in directories
 * other users can write (/tmp), so every step that follows a path checks
 * what it finds there and never follows a symbolic link.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"
#include "daemon/bind.h"
#include "common/ipcaddr.h"

/*
 * The default socket's directory: created with the socket's owner and
 * group, and its mode's read bits as search bits (0700, 0750 or 0755);
 * an existing one must be a real directory that only its owner, root
 * or the socket's owner, can write.
 */
static void
bind_mkdir(const char *path, const struct bind_req *r)
{
	char		 dir[IPCADDR_PATH_MAX + 1];
	char		*slash;
	struct stat	 st;
	mode_t		 mode = 0700 | (r->sock.mode & 0044) >> 2 |
			    (r->sock.mode & 0044);
	uid_t		 uid = r->root ? r->sock.uid : (uid_t)-1;
	gid_t		 gid = r->sock.gid;
	int		 fd, created;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	created = mkdir(dir, 0700) == 0;
	if (!created && errno != EEXIST)
		fatal("op=bind dir=\"%s\" why=\"cannot create\"", dir);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		fatal("op=bind dir=\"%s\" why=\"open\"", dir);
	if (fstat(fd, &st) == -1)
		fatal("op=bind dir=\"%s\" why=\"fstat\"", dir);
	if (!created) {
		if (st.st_uid != geteuid() && !(r->root &&
		    r->sock.uid != (uid_t)-1 && st.st_uid == r->sock.uid))
			fatalx("op=bind dir=\"%s\" why=\"not ours\" "
			    "owner=%lu uid=%lu", dir,
			    (unsigned long)st.st_uid,
			    (unsigned long)geteuid());
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			fatalx("op=bind dir=\"%s\" why=\"writable by "
			    "group or others\" mode=%04o", dir,
			    (unsigned)(st.st_mode & 07777));
		close(fd);
		return;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchown(fd, uid, gid) == -1)
		fatal("op=bind dir=\"%s\" why=\"chown\"", dir);
	if (fchmod(fd, mode) == -1)
		fatal("op=bind dir=\"%s\" why=\"chmod\"", dir);
	close(fd);
}

/*
 * Is something accepting on the path?  A stale socket refuses the
 * connection; a live one accepts it, or is too busy (EAGAIN), which is
 * just as live.  1 live, 0 stale; anything else is fatal.
 */
static int
bind_live(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat	 st;
	int		 fd, r, e;

	if (lstat(path, &st) == -1)
		fatal("op=bind path=\"%s\" why=\"lstat\"", path);
	if (!S_ISSOCK(st.st_mode))
		fatalx("op=bind path=\"%s\" why=\"exists and is not a "
		    "socket, not replacing it\"", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("op=bind why=\"socket\"");
	r = connect(fd, (const struct sockaddr *)sun, len);
	e = errno;
	close(fd);
	if (r == 0 || e == EAGAIN || e == EINPROGRESS)
		return 1;
	if (e == ECONNREFUSED)
		return 0;
	errno = e;
	fatal("op=bind path=\"%s\" why=\"cannot tell whether a server "
	    "listens there\"", path);
}

static void
bind_owner(struct bound *b, const struct bind_req *r)
{
	struct stat	 st;
	uid_t		 uid = r->root ? r->sock.uid : (uid_t)-1;
	gid_t		 gid = r->sock.gid;
	mode_t		 mode = r->sock.mode;

	if (lstat(b->path, &st) == -1)
		fatal("op=bind path=\"%s\" why=\"lstat\"", b->path);
	if (!S_ISSOCK(st.st_mode))
		fatalx("op=bind path=\"%s\" why=\"replaced by something "
		    "else while binding\"", b->path);
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	b->have_path = true;
	/* Owner and group first: group bits must never reach a wrong group. */
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(AT_FDCWD, b->path, uid, gid, AT_SYMLINK_NOFOLLOW) == -1)
		fatal("op=bind path=\"%s\" why=\"chown\" uid=%ld gid=%ld",
		    b->path,
		    uid == (uid_t)-1 ? -1L : (long)uid,
		    gid == (gid_t)-1 ? -1L : (long)gid);
	if (fchmodat(AT_FDCWD, b->path, mode, AT_SYMLINK_NOFOLLOW) == -1)
		fatal("op=bind path=\"%s\" why=\"chmod\" mode=%04o", b->path,
		    (unsigned)mode);
}

void
bind_check(const char *addr)
{
	struct sockaddr_un sun;
	socklen_t	 len;
	bool		 abstract = ipcaddr_is_abstract(addr);

	if (ipcaddr_sockaddr(addr, &sun, &len) == -1) {
		if (errno == ENAMETOOLONG)
			fatalx("op=bind addr=\"%s\" why=\"%s longer than "
			    "%zu bytes\"", addr,
			    abstract ? "abstract name" : "path",
			    abstract ? IPCADDR_ABSTRACT_MAX : IPCADDR_PATH_MAX);
		fatalx("op=bind addr=\"%s\" why=\"empty\"", addr);
	}
	/*
	 * An abstract name has no owner and no mode: whoever binds it first
	 * serves it, and a local user can take it while privconfd is down.
	 */
	if (abstract)
		log_warnx("op=bind addr=\"%s\" why=\"an abstract name: any "
		    "local user can bind it first; clients must check who "
		    "serves it (privconfctl does), or use a path\"", addr);
}

void
bind_open(struct bound *b, const struct bind_req *r)
{
	struct sockaddr_un sun;
	socklen_t	 len;
	mode_t		 old;
	int		 fd, on = 1, rv, e;
	bool		 abstract = ipcaddr_is_abstract(r->addr);

	bind_check(r->addr);
	if (ipcaddr_sockaddr(r->addr, &sun, &len) == -1)
		fatal("op=bind addr=\"%s\"", r->addr);
	if (!abstract) {
		snprintf(b->path, sizeof(b->path), "%s", r->addr);
		if (r->is_default)
			bind_mkdir(b->path, r);
	}

	/*
	 * Non-blocking: the listener's loop accepts until EAGAIN.  The
	 * listener inherits it with SO_PASSCRED, so every accepted socket
	 * carries SCM_CREDENTIALS.
	 */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		fatal("op=bind why=\"socket\"");
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		fatal("op=bind why=\"SO_PASSCRED\"");
	old = umask(077);
	rv = bind(fd, (struct sockaddr *)&sun, len);
	e = errno;
	if (rv == -1 && e == EADDRINUSE && !abstract &&
	    bind_live(b->path, &sun, len) == 0) {
		log_info("op=bind path=\"%s\" why=\"replacing a stale socket\"",
		    b->path);
		if (unlink(b->path) == -1 && errno != ENOENT)
			fatal("op=bind path=\"%s\" why=\"cannot remove the "
			    "stale socket\"", b->path);
		rv = bind(fd, (struct sockaddr *)&sun, len);
		e = errno;
	}
	umask(old);
	if (rv == -1 && e == EADDRINUSE)
		fatalx("op=bind addr=\"%s\" why=\"a server is already "
		    "listening there\"", r->addr);
	if (rv == -1) {
		errno = e;
		fatal("op=bind addr=\"%s\" why=\"bind\"", r->addr);
	}
	if (!abstract)
		bind_owner(b, r);
	if (listen(fd, LISTEN_BACKLOG) == -1)
		fatal("op=bind addr=\"%s\" why=\"listen\"", r->addr);
	b->fd = fd;
}

void
bind_remove(struct bound *b)
{
	struct stat	 st;

	if (b->fd != -1) {
		close(b->fd);
		b->fd = -1;
	}
	if (!b->have_path)
		return;
	b->have_path = false;
	/* Someone may have put another socket there since: leave it. */
	if (lstat(b->path, &st) == -1 || !S_ISSOCK(st.st_mode) ||
	    st.st_dev != b->dev || st.st_ino != b->ino)
		return;
	if (unlink(b->path) == -1)
		log_warn("op=unbind path=\"%s\" why=\"cannot remove\"",
		    b->path);
}
