/*
 * The identity and the empty root of the children under root.  The
 * children chroot into the directory before they drop to the user, so
 * it must hold nothing and be writable by nobody but root: a fresh
 * mkdtemp() directory, checked after it is made.  Its name holds the pid
 * of the privconfd that made it, so that a later privconfd can tell a
 * root left behind by a SIGKILL from one in use.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/runas.h"

void
runas_user(struct runas *ra, const char *user)
{
	struct passwd	*pw;

	memset(ra, 0, sizeof(*ra));
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0)
			fatal("op=runas user=\"%s\" why=\"getpwnam\"", user);
		fatalx("op=runas user=\"%s\" why=\"no such user\"", user);
	}
	/* A child that runs as root could regain everything it gave up. */
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		fatalx("op=runas user=\"%s\" uid=%lu gid=%lu why=\"refusing "
		    "to run the children as root\"", user,
		    (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid);
	ra->uid = pw->pw_uid;
	ra->gid = pw->pw_gid;
}

static const char *const runas_bases[] = { "/run", "/tmp" };
#define RUNAS_NBASES	(sizeof(runas_bases) / sizeof(runas_bases[0]))
#define RUNAS_PREFIX	"privconfd-root."

/* Is pid a running privconfd?  (A reused pid runs something else.) */
static bool
runas_live(long pid)
{
	char	 path[64], comm[32];
	ssize_t	 n;
	int	 fd;

	if (pid <= 0 || pid > INT32_MAX ||
	    (kill((pid_t)pid, 0) == -1 && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return true;	/* cannot tell: keep it */
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return true;
	comm[n] = '\0';
	return strcmp(comm, "privconfd\n") == 0;
}

/* "privconfd-root.PID.XXXXXX": the pid, or -1 for any other name. */
static long
runas_name_pid(const char *name)
{
	const char	*p;
	char		*end;
	long		 pid;

	if (strncmp(name, RUNAS_PREFIX, strlen(RUNAS_PREFIX)) != 0)
		return -1;
	p = name + strlen(RUNAS_PREFIX);
	if (*p < '1' || *p > '9')
		return -1;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno != 0 || *end != '.' || strlen(end + 1) != 6)
		return -1;
	return pid;
}

void
runas_sweep(void)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 i;
	long		 pid;
	int		 dfd;

	for (i = 0; i < RUNAS_NBASES; i++) {
		if ((d = opendir(runas_bases[i])) == NULL)
			continue;
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL) {
			if ((pid = runas_name_pid(de->d_name)) == -1 ||
			    pid == (long)getpid() || runas_live(pid))
				continue;
			/* Root's own empty directory, nothing else. */
			if (fstatat(dfd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(st.st_mode) ||
			    st.st_uid != 0)
				continue;
			if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0)
				log_info("op=runas root=\"%s/%s\" why=\"removed "
				    "a stale empty root\"", runas_bases[i],
				    de->d_name);
		}
		closedir(d);
	}
}

void
runas_mkroot(struct runas *ra)
{
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < RUNAS_NBASES; i++) {
		snprintf(ra->root, sizeof(ra->root), "%s/" RUNAS_PREFIX
		    "%ld.XXXXXX", runas_bases[i], (long)getpid());
		if (mkdtemp(ra->root) != NULL)
			break;
		/*
		 * No /run, or a read-only one (systemd's ProtectSystem=strict,
		 * with a private /tmp beside it): the next base.
		 */
		if ((errno != ENOENT && errno != EROFS && errno != EACCES) ||
		    i + 1 == RUNAS_NBASES) {
			ra->root[0] = '\0';
			fatal("op=runas dir=\"%s\" why=\"cannot create the "
			    "children's empty root\"", runas_bases[i]);
		}
	}
	if (chmod(ra->root, 0755) == -1)
		fatal("op=runas root=\"%s\" why=\"chmod\"", ra->root);
	if (lstat(ra->root, &st) == -1)
		fatal("op=runas root=\"%s\" why=\"lstat\"", ra->root);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 07777) != 0755)
		fatalx("op=runas root=\"%s\" why=\"not a root-owned 0755 "
		    "directory\" owner=%lu mode=%04o", ra->root,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
	log_debug("op=runas root=\"%s\"", ra->root);
}

void
runas_rmroot(struct runas *ra)
{
	if (ra->root[0] == '\0')
		return;
	if (rmdir(ra->root) == -1 && errno != ENOENT)
		log_warn("op=runas root=\"%s\" why=\"cannot remove\"",
		    ra->root);
	ra->root[0] = '\0';
}
