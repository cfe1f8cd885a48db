/*
 * privconfd's command line: every option of docs/design.md section 2 (the
 * journal options come with the journal), the listener limits of
 * docs/protocol.md section 8, --libexec-dir and --allow-weak-sandbox.
 * Nothing here prints or exits; main.c decides what to do.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"
#include "common/limits.h"
#include "daemon/options.h"

enum {
	OPT_IPC_UID = 256,
	OPT_IPC_GID,
	OPT_MAX_CONN,
	OPT_MAX_CONN_PER_UID,
	OPT_AUTH_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_MAX_QUEUE,
	OPT_FD_RESERVE,
	OPT_LIBEXEC_DIR,
	OPT_ALLOW_WEAK,
	OPT_VERSION,
};

static const struct option options_long[] = {
	{ "socket",		required_argument, NULL, 's' },
	{ "ipc-uid",		required_argument, NULL, OPT_IPC_UID },
	{ "ipc-gid",		required_argument, NULL, OPT_IPC_GID },
	{ "user",		required_argument, NULL, 'u' },
	{ "profile",		required_argument, NULL, 'P' },
	{ "max-conn",		required_argument, NULL, OPT_MAX_CONN },
	{ "max-conn-per-uid",	required_argument, NULL,
	    OPT_MAX_CONN_PER_UID },
	{ "auth-timeout",	required_argument, NULL, OPT_AUTH_TIMEOUT },
	{ "idle-timeout",	required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-queue",		required_argument, NULL, OPT_MAX_QUEUE },
	{ "fd-reserve",		required_argument, NULL, OPT_FD_RESERVE },
	{ "foreground",		no_argument,	   NULL, 'f' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "libexec-dir",	required_argument, NULL, OPT_LIBEXEC_DIR },
	{ "allow-weak-sandbox",	no_argument,	   NULL, OPT_ALLOW_WEAK },
	{ "version",		no_argument,	   NULL, OPT_VERSION },
	{ "help",		no_argument,	   NULL, 'h' },
	{ NULL,			0,		   NULL, 0 },
};

/* Numeric options and their bounds (docs/protocol.md section 8 for meaning). */
struct options_num {
	int		 val;
	const char	*name;
	uint64_t	 min;
	uint64_t	 max;
};

static const struct options_num options_nums[] = {
	{ OPT_MAX_CONN, "max-conn", 1, OPT_MAX_CONN_MAX },
	{ OPT_MAX_CONN_PER_UID, "max-conn-per-uid", 1, OPT_MAX_CONN_MAX },
	{ OPT_AUTH_TIMEOUT, "auth-timeout", 1, OPT_TIMEOUT_MAX_S },
	{ OPT_IDLE_TIMEOUT, "idle-timeout", 0, OPT_TIMEOUT_MAX_S },
	{ OPT_MAX_QUEUE, "max-queue", 1, OPT_MAX_QUEUE_MAX },
	{ OPT_FD_RESERVE, "fd-reserve", 0, OPT_FD_RESERVE_MAX },
};

static unsigned *
options_slot(struct options *o, int c)
{
	switch (c) {
	case OPT_MAX_CONN:
		return &o->max_conn;
	case OPT_MAX_CONN_PER_UID:
		return &o->max_conn_per_uid;
	case OPT_AUTH_TIMEOUT:
		return &o->auth_timeout;
	case OPT_IDLE_TIMEOUT:
		return &o->idle_timeout;
	case OPT_MAX_QUEUE:
		return &o->max_queue;
	default:
		return &o->fd_reserve;
	}
}

void
options_usage(FILE *fp)
{
	fputs("usage: privconfd [-fhv] [-P file] [-s address] [-u user]"
	    " [--ipc-uid n|any]\n"
	    "                 [--ipc-gid n|none] [--max-conn n]"
	    " [--max-conn-per-uid n]\n"
	    "                 [--auth-timeout seconds]"
	    " [--idle-timeout seconds]\n"
	    "                 [--max-queue bytes] [--fd-reserve n]"
	    " [--libexec-dir dir]\n"
	    "                 [--allow-weak-sandbox] [--version]\n", fp);
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
options_id(const char *s, const char *word, struct opt_id *out)
{
	uint64_t	 v;

	if (strcmp(s, word) == 0) {
		out->kind = OPT_ID_ANY;
		out->id = 0;
		return 0;
	}
	if (options_number(s, 0, OPT_ID_MAX, &v) == -1)
		return -1;
	out->kind = OPT_ID_NUM;
	out->id = (uint32_t)v;
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
	o->max_conn = DEFAULT_MAX_CONN;
	o->max_conn_per_uid = DEFAULT_MAX_CONN_PER_UID;
	o->auth_timeout = PREAUTH_TIMEOUT_MS / 1000;
	o->idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
	o->max_queue = CONN_OUTQ_MAX;
	o->fd_reserve = FD_RESERVE;
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
	uint64_t	 v;
	size_t		 i;

	if (arg != NULL && *arg == '\0')
		return options_fail(err, errlen, "empty argument to %s",
		    options_name(c, name, sizeof(name)));
	for (i = 0; i < sizeof(options_nums) / sizeof(options_nums[0]); i++) {
		if (options_nums[i].val != c)
			continue;
		if (options_number(arg, options_nums[i].min,
		    options_nums[i].max, &v) == -1)
			return options_fail(err, errlen,
			    "--%s: %s: not a number from %llu to %llu",
			    options_nums[i].name, arg,
			    (unsigned long long)options_nums[i].min,
			    (unsigned long long)options_nums[i].max);
		*options_slot(o, c) = (unsigned)v;
		return OPTIONS_RUN;
	}
	switch (c) {
	case 's':
		o->socket = arg;
		break;
	case OPT_IPC_UID:
		if (options_id(arg, "any", &o->ipc_uid) == -1)
			return options_fail(err, errlen,
			    "--ipc-uid: %s: not a uid or \"any\"", arg);
		break;
	case OPT_IPC_GID:
		if (options_id(arg, "none", &o->ipc_gid) == -1)
			return options_fail(err, errlen,
			    "--ipc-gid: %s: not a gid or \"none\"", arg);
		break;
	case 'u':
		o->user = arg;
		o->user_set = true;
		break;
	case 'P':
		o->profiles[o->nprofiles++] = arg;
		break;
	case 'f':
		o->foreground = true;
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
	while ((c = getopt_long(argc, argv, "+:fhP:s:u:v", options_long,
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
	return OPTIONS_RUN;
}

void
options_free(struct options *o)
{
	free(o->profiles);
	o->profiles = NULL;
	o->nprofiles = 0;
}
