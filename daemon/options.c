/*
 * privconfd's command line: every option of docs/design.md section 2 (the
 * journal options come with the journal), the listener limits of
 * docs/protocol.md section 8, --libexec-dir and --allow-weak-sandbox.
 * Nothing here prints or exits; main.c decides what to do.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"
#include "common/limits.h"
#include "daemon/options.h"

enum {
	OPT_IPC_UID = 256,
	OPT_IPC_GID,
	OPT_READ_UID,
	OPT_READ_GID,
	OPT_MAX_CONN,
	OPT_MAX_CONN_PER_UID,
	OPT_AUTH_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_MAX_QUEUE,
	OPT_FD_RESERVE,
	OPT_WORKER_TIMEOUT,
	OPT_JOURNAL_SYNC,
	OPT_COMPACT,
	OPT_LIBEXEC_DIR,
	OPT_ALLOW_WEAK,
	OPT_VERSION,
};

static const struct option options_long[] = {
	{ "socket",		required_argument, NULL, 's' },
	{ "ipc-uid",		required_argument, NULL, OPT_IPC_UID },
	{ "ipc-gid",		required_argument, NULL, OPT_IPC_GID },
	{ "read-uid",		required_argument, NULL, OPT_READ_UID },
	{ "read-gid",		required_argument, NULL, OPT_READ_GID },
	{ "user",		required_argument, NULL, 'u' },
	{ "profile",		required_argument, NULL, 'P' },
	{ "max-conn",		required_argument, NULL, OPT_MAX_CONN },
	{ "max-conn-per-uid",	required_argument, NULL,
	    OPT_MAX_CONN_PER_UID },
	{ "auth-timeout",	required_argument, NULL, OPT_AUTH_TIMEOUT },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-queue",		required_argument, NULL, OPT_MAX_QUEUE },
	{ "fd-reserve",		required_argument, NULL, OPT_FD_RESERVE },
	{ "worker-timeout",	required_argument, NULL, OPT_WORKER_TIMEOUT },
	{ "journal",		required_argument, NULL, 'j' },
	{ "journal-sync",	required_argument, NULL, OPT_JOURNAL_SYNC },
	{ "compact-journal",	required_argument, NULL, OPT_COMPACT },
	{ "foreground",		no_argument,	   NULL, 'f' },
	{ "check",		no_argument,	   NULL, 'n' },
	{ "log-file",		required_argument, NULL, 'l' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "libexec-dir",	required_argument, NULL, OPT_LIBEXEC_DIR },
	{ "allow-weak-sandbox",	no_argument,	   NULL, OPT_ALLOW_WEAK },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 },
};

void
options_usage(FILE *fp)
{
	fputs("usage: privconfd [-fhnv] [-j journal] [-l file] [-P file]"
	    " [-s address] [-u user]\n"
	    "                 [--journal-sync always|batch|none]"
	    " [--ipc-uid list|any]\n"
	    "                 [--ipc-gid list|none] [--read-uid list|any]"
	    " [--read-gid list]\n"
	    "                 [--max-conn n] [--max-conn-per-uid n]\n"
	    "                 [--auth-timeout seconds]"
	    " [--idle-timeout seconds]\n"
	    "                 [--max-queue bytes] [--fd-reserve n]"
	    " [--worker-timeout seconds]\n"
	    "                 [--libexec-dir dir] [--allow-weak-sandbox]"
	    " [--version]\n"
	    "       privconfd --compact-journal journal [-v] [-P file]"
	    " [-s address] [-u user]\n", fp);
}

void
options_version(FILE *fp)
{
	fprintf(fp, "privconfd %s (IPC %d.%d)\n", PRIVCONF_VERSION,
	    IPC_API_MAJOR, IPC_API_MINOR);
}

int
options_number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return decimal_parse(s, strlen(s), min, max, out);
}

int
options_id(const char *s, const char *word, struct contract_id *out)
{
	uint64_t	 v;

	if (strcmp(s, word) == 0) {
		out->kind = CONTRACT_ID_ANY;
		out->id = 0;
		return 0;
	}
	if (options_number(s, 0, OPT_ID_MAX, &v) == -1)
		return -1;
	out->kind = CONTRACT_ID_NUM;
	out->id = (uint32_t)v;
	return 0;
}

/* A user or group name as useradd(8) takes it: the portable set. */
static bool
options_name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 32 || s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return false;
	return true;
}

int
options_ids(const char *s, const char *word, struct contract_ids *out)
{
	const char	*item = s, *comma;
	uint64_t	 v;
	size_t		 len, n = 0;

	if (word != NULL && strcmp(s, word) == 0) {
		out->kind = CONTRACT_ID_ANY;
		out->text = NULL;
		return 0;
	}
	for (;;) {
		comma = strchr(item, ',');
		len = comma != NULL ? (size_t)(comma - item) : strlen(item);
		if (++n > ACCESS_IDS_MAX || (decimal_parse(item, len, 0,
		    OPT_ID_MAX, &v) == -1 && !options_name_ok(item, len)))
			return -1;
		if (comma == NULL)
			break;
		item = comma + 1;
	}
	out->kind = CONTRACT_ID_NUM;
	out->text = s;
	return 0;
}

static enum options_result
options_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return OPTIONS_ERROR;
}

static void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->user = "nobody";
	contract_args_init(&o->child);
}

/* The option's name as the user typed it, for messages. */
static const char *
options_name(int c, char *tmp, size_t n)
{
	size_t	 i;

	for (i = 0; options_long[i].name != NULL; i++)
		if (options_long[i].val == c) {
			snprintf(tmp, n, "--%s", options_long[i].name);
			return tmp;
		}
	snprintf(tmp, n, "-%c", c);
	return tmp;
}

static enum options_result
options_one(struct options *o, int c, const char *arg, char *err,
    size_t errlen)
{
	char		 name[32];

	if (arg != NULL && *arg == '\0')
		return options_fail(err, errlen, "empty argument to %s",
		    options_name(c, name, sizeof(name)));
	switch (c) {
	case OPT_MAX_CONN:
	case OPT_MAX_CONN_PER_UID:
	case OPT_AUTH_TIMEOUT:
	case OPT_IDLE_TIMEOUT:
	case OPT_MAX_QUEUE:
	case OPT_FD_RESERVE:
	case OPT_WORKER_TIMEOUT:
	case OPT_JOURNAL_SYNC:
		/* The children's limits: the contract's bounds, said once. */
		if (contract_set(&o->child, options_name(c, name,
		    sizeof(name)), arg, err, errlen) == -1)
			return OPTIONS_ERROR;
		break;
	case 's':
		o->socket = arg;
		break;
	case OPT_IPC_UID:
	case OPT_READ_UID:
		if (options_ids(arg, "any", c == OPT_IPC_UID ? &o->ipc_uid :
		    &o->read_uid) == -1)
			return options_fail(err, errlen, "%s: %s: not a list of "
			    "uids and user names, or \"any\"",
			    options_name(c, name, sizeof(name)), arg);
		break;
	case OPT_IPC_GID:
	case OPT_READ_GID:
		if (options_ids(arg, c == OPT_IPC_GID ? "none" : NULL,
		    c == OPT_IPC_GID ? &o->ipc_gid : &o->read_gid) == -1)
			return options_fail(err, errlen, "%s: %s: not a list of "
			    "gids and group names%s",
			    options_name(c, name, sizeof(name)), arg,
			    c == OPT_IPC_GID ? ", or \"none\"" : "");
		break;
	case 'u':
		o->user = arg;
		o->user_set = true;
		break;
	case 'P':
		o->profiles[o->nprofiles++] = arg;
		break;
	case 'j':
	case OPT_COMPACT:
		/* One journal: a second one would silently lose the first. */
		if (o->journal != NULL)
			return options_fail(err, errlen,
			    "one journal: --journal or --compact-journal, "
			    "once");
		o->journal = arg;
		o->compact = c == OPT_COMPACT;
		break;
	case 'f':
		o->foreground = true;
		break;
	case 'n':
		o->check = true;
		break;
	case 'l':
		o->log_file = arg;
		break;
	case 'v':
		o->verbose++;
		break;
	case OPT_LIBEXEC_DIR:
		o->libexec_dir = arg;
		break;
	case OPT_ALLOW_WEAK:
		o->allow_weak_sandbox = true;
		break;
	case OPT_VERSION:
		return OPTIONS_VERSION;
	case 'h':
		return OPTIONS_HELP;
	default:
		return options_fail(err, errlen, "unknown option");
	}
	return OPTIONS_RUN;
}

enum options_result
options_parse(struct options *o, int argc, char *argv[], char *err,
    size_t errlen)
{
	enum options_result r;
	int		 c;

	options_defaults(o);
	if (errlen > 0)
		err[0] = '\0';
	/* -P can appear at most argc times: one slot per argument. */
	o->profiles = calloc(argc > 0 ? (size_t)argc : 1, sizeof(char *));
	if (o->profiles == NULL)
		return options_fail(err, errlen, "out of memory");

	/* optind 0 makes glibc start over, so tests may parse many times. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:fhj:l:nP:s:u:v", options_long,
	    NULL)) != -1) {
		if (c == '?') {
			/*
			 * glibc: optopt 0 is an unknown long option; a known
			 * one given "=value" sets optopt to its value.
			 */
			if (optopt == 0 ||
			    strncmp(argv[optind - 1], "--", 2) == 0)
				return options_fail(err, errlen,
				    "bad option %s", argv[optind - 1]);
			return options_fail(err, errlen, "unknown option -%c",
			    optopt);
		}
		if (c == ':')
			return options_fail(err, errlen,
			    "option %s needs an argument", argv[optind - 1]);
		if ((r = options_one(o, c, optarg, err, errlen)) != OPTIONS_RUN)
			return r;
	}
	if (optind < argc)
		return options_fail(err, errlen, "unexpected argument %s",
		    argv[optind]);
	if (o->check && o->compact)
		return options_fail(err, errlen, "-n checks, --compact-journal "
		    "writes: one or the other");
	return OPTIONS_RUN;
}

void
options_free(struct options *o)
{
	free(o->profiles);
	o->profiles = NULL;
	o->nprofiles = 0;
}
