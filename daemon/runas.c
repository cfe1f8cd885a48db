/*
 * The identity and the empty root of the children under root.  The
 * children chroot into the directory before they drop to the user, so
 * it must hold nothing and be writable by nobody but root: a fresh
 * mkdtemp() directory, checked after it is made.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
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

void
runas_mkroot(struct runas *ra)
{
	static const char *const bases[] = { "/run", "/tmp" };
	const size_t	 nbases = sizeof(bases) / sizeof(bases[0]);
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < nbases; i++) {
		snprintf(ra->root, sizeof(ra->root), "%s/privconfd-root.XXXXXX",
		    bases[i]);
		if (mkdtemp(ra->root) != NULL)
			break;
		if (errno != ENOENT || i + 1 == nbases) {
			ra->root[0] = '\0';
			fatal("op=runas dir=\"%s\" why=\"cannot create the "
			    "children's empty root\"", bases[i]);
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
