/*
 * privconfd's command line (docs/design.md section 2, the process contract).
 * Parsing is a pure function so that tests can pin every option and
 * every limit without starting a daemon.
 */
#ifndef PRIVCONF_DAEMON_OPTIONS_H
#define PRIVCONF_DAEMON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/contract.h"
#include "common/limits.h"

#define PRIVCONF_VERSION	"0.1"

struct options {
	const char	 *socket;	/* NULL: from profile, or default */
	/* Access levels as given: numbers and names (daemon/levels.c). */
	struct contract_ids	  ipc_uid;
	struct contract_ids	  ipc_gid;
	struct contract_ids	  read_uid;
	struct contract_ids	  read_gid;
	const char	 *user;		/* the children's user under root */
	bool		  user_set;
	const char	*journal;	/* -j FILE, or NULL */
	bool		  compact;	/* --compact-journal FILE: journal */
	const char	**profiles;	/* -P FILE, in order */
	size_t		  nprofiles;
	/* The listener's limits, straight into the children's contract. */
	struct contract_args child;
	bool		  foreground;
	bool		  check;	/* -n: check the configuration, exit */
	const char	 *log_file;	/* -l FILE, or NULL */
	int		  verbose;
	const char	 *libexec_dir;	/* NULL: by /proc/self/exe */
	bool		  allow_weak_sandbox;
};

enum options_result {
	OPTIONS_RUN,		/* start the daemon */
	OPTIONS_HELP,		/* print the usage on stdout, exit 0 */
	OPTIONS_VERSION,	/* print the version on stdout, exit 0 */
	OPTIONS_ERROR,		/* err says why: usage, exit 1 */
};

/*
 * Parse argv into o (defaults of common/limits.h first).  o->profiles
 * points into a block allocated here; options_free() releases it.  On
 * OPTIONS_ERROR, err (size errlen) says why, without the "privconfd: "
 * prefix.
 */
enum options_result options_parse(struct options *o, int argc, char *argv[],
		    char *err, size_t errlen);
void		options_free(struct options *o);
void		options_usage(FILE *fp);
void		options_version(FILE *fp);

/*
 * Strict decimal in [min, max]: digits only, no sign, no blanks.
 * 0, or -1 when s is anything else.
 */
int		options_number(const char *s, uint64_t min, uint64_t max,
		    uint64_t *out);
/*
 * A list of ids for an access level: comma-separated numbers (at most
 * OPT_ID_MAX) and user or group names, at most ACCESS_IDS_MAX, or the
 * word alone (NULL: no word).  0, or -1 when s is not one.
 */
int		options_ids(const char *s, const char *word,
		    struct contract_ids *out);
/* An IPC id: a number in [0, OPT_ID_MAX], or the word "word" (any/none). */
int		options_id(const char *s, const char *word,
		    struct contract_id *out);

#endif
