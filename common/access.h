/*
 * Access levels (docs/protocol.md 9): who may run what.  Two levels,
 * admin (every command) and read (what the listener answers, queries,
 * stat, stats, check).  Both the listener (which lets a chunk in when
 * its credentials have a level) and the worker (which decides each
 * request's level itself) use this one decision.
 *
 * A level matches credentials (uid, gid) when its uid list (unless any)
 * holds the uid, and its gid list (when one is configured) holds the gid
 * or the uid is a member of one of its groups, as privconfd read the
 * group database at start.  Root (0:0) is always admin.
 */
#ifndef PRIVCONF_ACCESS_H
#define PRIVCONF_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum access_level {
	ACCESS_NONE,
	ACCESS_READ,
	ACCESS_ADMIN,
};

/* A set of uids or gids: sorted, each once. */
struct access_ids {
	uint32_t	*v;
	size_t		 n;
};

struct access_rule {
	bool		 on;		/* anyone at all has this level */
	bool		 any_uid;	/* the uid is not checked */
	struct access_ids uids;
	bool		 check_gid;
	struct access_ids gids;
	struct access_ids members;	/* uids in the groups of gids */
};

struct access {
	struct access_rule admin;
	struct access_rule read;
};

/*
 * "1000,1001,5": decimal ids up to OPT_ID_MAX, at most max of them, no
 * blank, no empty item.  0, or -1 (nothing allocated) when s is not one.
 */
int	access_ids_parse(const char *s, size_t max, struct access_ids *out);
/* Add one id: 0, or -1 when out of memory. */
int	access_ids_add(struct access_ids *, uint32_t id);
bool	access_ids_has(const struct access_ids *, uint32_t id);
/* The list as "1,2,3", malloc'd; NULL when out of memory. */
char	*access_ids_format(const struct access_ids *);
void	access_ids_free(struct access_ids *);

enum access_level access_of(const struct access *, uint32_t uid,
	    uint32_t gid);
/* "admin", "read", "none". */
const char *access_level_name(enum access_level);
void	access_free(struct access *);

#endif
