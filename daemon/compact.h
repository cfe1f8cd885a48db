/*
 * privconfd --compact-journal FILE, the file's side (docs/design.md 6):
 * the compacted journal is written to a temporary file next to FILE,
 * made durable, then renamed over FILE and the directory synced, so
 * that a crash at any moment leaves either the old journal or the new
 * one, whole.  privconfd holds FILE's lock throughout: no daemon can
 * start on it meanwhile, and a running one makes the compaction refuse.
 */
#ifndef PRIVCONF_DAEMON_COMPACT_H
#define PRIVCONF_DAEMON_COMPACT_H

#include <stddef.h>
#include <time.h>

struct compact_file {
	const char	*path;		/* the journal */
	char		*tmp;		/* the new one, until renamed */
	int		 fd;		/* of tmp */
};

/*
 * Create the temporary file and write its header comment: when, from
 * which journal (size, lines) and after which profiles.  0, or -1 with a
 * message in err.
 */
int	compact_begin(struct compact_file *, const char *path, time_t now,
	    size_t journal_bytes, size_t journal_lines,
	    const char *const *profiles, size_t nprofiles, char *err,
	    size_t errlen);
/* fsync, rename over the journal, fsync the directory: 0, or -1 and err. */
int	compact_commit(struct compact_file *, char *err, size_t errlen);
/* Remove the temporary file: the journal stays as it was. */
void	compact_abort(struct compact_file *);

#endif
