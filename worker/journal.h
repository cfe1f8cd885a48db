/*
 * The worker's side of the journal (docs/design.md 6): the audit record
 * of every change and every refusal, appended to fd 4 and made durable
 * before the replies it covers leave the worker.
 *
 *   # 2026-11-28T10:15:02Z uid=1000 gid=1000 pid=4242
 *   allow/read+/usr/lib
 *   #! 2026-11-28T10:15:03Z uid=1000 gid=1000 pid=4242 err=EPERM lock:off
 *
 * A change is a comment saying when and who, then the command: the
 * journal is a profile that rebuilds the policy.  A refusal is one
 * comment line.  Records gather in memory for a batch and are written
 * and synced at its end (journal_commit); a commit that fails cuts the
 * file back to where the batch began, so the journal never holds a
 * change the policy does not.
 */
#ifndef PRIVCONF_WORKER_JOURNAL_H
#define PRIVCONF_WORKER_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/contract.h"

struct journal {
	int		 fd;		/* -1: no journal */
	enum contract_sync sync;
	struct buf	 batch;		/* records not yet written */
	uint64_t	 size;		/* of the file, as this process made it */
	bool		 broken;	/* a failed commit could not be undone */
};

/* Who sent a command, as the journal names them. */
struct journal_who {
	uint32_t	 uid;
	uint32_t	 gid;
	uint32_t	 pid;
};

/* fd -1: no journal, every call does nothing.  Fatal if fd is unusable. */
void	journal_init(struct journal *, int fd, enum contract_sync);
void	journal_free(struct journal *);
bool	journal_on(const struct journal *);
/* Records of a change and of a refusal (err an errno), at time now. */
void	journal_change(struct journal *, time_t now,
	    const struct journal_who *, const uint8_t *line, size_t len);
void	journal_refusal(struct journal *, time_t now,
	    const struct journal_who *, int err, const uint8_t *line,
	    size_t len);
/* Records wait to be committed. */
bool	journal_pending(const struct journal *);
/*
 * Write the records, then fdatasync unless --journal-sync none: 0, or the
 * errno of the write or the sync (ENOSPC, EIO, ...) after cutting the file
 * back to the size before them.  A journal that cannot be cut back is
 * broken: every later commit fails with EIO.
 */
int	journal_commit(struct journal *);

#endif
