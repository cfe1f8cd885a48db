/*
 * Parsing of the listener's argv.  privconfd builds it, but the listener
 * checks it as if a stranger had: numbers are plain decimal, in range, and
 * nothing is left to a default that would widen access.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"
#include "common/limits.h"
#include "listener/opts.h"

enum {
	OPT_IPC_UID = 256,
	OPT_IPC_GID,
	OPT_MAX_CONN,
	OPT_MAX_CONN_PER_UID,
	OPT_AUTH_TIMEOUT,
	OPT_IDLE_TIMEOUT,
	OPT_MAX_QUEUE,
	OPT_FD_RESERVE,
	OPT_RUN_UID,
	OPT_RUN_GID,
	OPT_CHROOT,
	OPT_ALLOW_WEAK,
};

static const struct option opts_long[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "ipc-uid", required_argument, NULL, OPT_IPC_UID },
	{ "ipc-gid", required_argument, NULL, OPT_IPC_GID },
	{ "max-conn", required_argument, NULL, OPT_MAX_CONN },
	{ "max-conn-per-uid", required_argument, NULL, OPT_MAX_CONN_PER_UID },
	{ "auth-timeout", required_argument, NULL, OPT_AUTH_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "max-queue", required_argument, NULL, OPT_MAX_QUEUE },
	{ "fd-reserve", required_argument, NULL, OPT_FD_RESERVE },
	{ "run-uid", required_argument, NULL, OPT_RUN_UID },
	{ "run-gid", required_argument, NULL, OPT_RUN_GID },
	{ "chroot", required_argument, NULL, OPT_CHROOT },
	{ "allow-weak-sandbox", no_argument, NULL, OPT_ALLOW_WEAK },
	{ NULL, 0, NULL, 0 },
};

static int
opts_num(const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *v)
{
	uint64_t x;

	if (decimal_parse(s, strlen(s), min, max, &x) == -1)
		return -1;
	*v = x;
	return 0;
}

static int
opts_fail(char *err, size_t errlen, const char *name, const char *arg)
{
	snprintf(err, errlen, "--%s: bad value \"%s\"", name,
	    arg ? arg : "");
	return -1;
}

int
listener_opts_parse(int argc, char **argv, struct listener_opts *o,
    char *err, size_t errlen)
{
	unsigned long long v;
	bool		 have_uid = false, have_gid = false;
	bool		 have_ruid = false, have_rgid = false;
	int		 ch, idx;
	const char	*name;

	memset(o, 0, sizeof(*o));
	o->max_conn = DEFAULT_MAX_CONN;
	o->max_conn_per_uid = DEFAULT_MAX_CONN_PER_UID;
	o->auth_timeout = PREAUTH_TIMEOUT_MS / 1000;
	o->idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
	o->max_queue = CONN_OUTQ_MAX;
	o->fd_reserve = FD_RESERVE;
	snprintf(err, errlen, "bad arguments");

	/* optind 0 makes glibc start over, so tests can parse twice. */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+v", opts_long, &idx)) != -1) {
		/* Every option but -v is long only, so idx names it. */
		name = ch >= OPT_IPC_UID ? opts_long[idx].name : "";
		switch (ch) {
		case 'v':
			o->verbose++;
			break;
		case OPT_IPC_UID:
			have_uid = true;
			if (strcmp(optarg, "any") == 0) {
				o->auth.check_uid = false;
				break;
			}
			if (opts_num(optarg, 0, UINT32_MAX - 1, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->auth.check_uid = true;
			o->auth.uid = (uid_t)v;
			break;
		case OPT_IPC_GID:
			have_gid = true;
			if (strcmp(optarg, "none") == 0) {
				o->auth.check_gid = false;
				break;
			}
			if (opts_num(optarg, 0, UINT32_MAX - 1, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->auth.check_gid = true;
			o->auth.gid = (gid_t)v;
			break;
		case OPT_MAX_CONN:
			if (opts_num(optarg, 1, LISTENER_CONN_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->max_conn = (unsigned long)v;
			break;
		case OPT_MAX_CONN_PER_UID:
			if (opts_num(optarg, 1, LISTENER_CONN_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->max_conn_per_uid = (unsigned long)v;
			break;
		case OPT_AUTH_TIMEOUT:
			if (opts_num(optarg, 1, LISTENER_TIMEOUT_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->auth_timeout = (unsigned long)v;
			break;
		case OPT_IDLE_TIMEOUT:
			if (opts_num(optarg, 0, LISTENER_TIMEOUT_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->idle_timeout = (unsigned long)v;
			break;
		case OPT_MAX_QUEUE:
			if (opts_num(optarg, 1, LISTENER_QUEUE_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->max_queue = (size_t)v;
			break;
		case OPT_FD_RESERVE:
			if (opts_num(optarg, 0, LISTENER_RESERVE_MAX, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			o->fd_reserve = (unsigned long)v;
			break;
		case OPT_RUN_UID:
			if (opts_num(optarg, 0, UINT32_MAX - 1, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			have_ruid = true;
			o->run_uid = (uid_t)v;
			break;
		case OPT_RUN_GID:
			if (opts_num(optarg, 0, UINT32_MAX - 1, &v) == -1)
				return opts_fail(err, errlen, name, optarg);
			have_rgid = true;
			o->run_gid = (gid_t)v;
			break;
		case OPT_CHROOT:
			if (optarg[0] != '/')
				return opts_fail(err, errlen, name, optarg);
			o->chroot_dir = optarg;
			break;
		case OPT_ALLOW_WEAK:
			o->allow_weak = true;
			break;
		default:
			snprintf(err, errlen, "unknown option \"%s\"",
			    optind > 0 && optind <= argc ?
			    argv[optind - 1] : "?");
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument \"%s\"",
		    argv[optind]);
		return -1;
	}
	if (!have_uid || !have_gid) {
		snprintf(err, errlen, "--ipc-uid and --ipc-gid are required");
		return -1;
	}
	if (have_ruid != have_rgid) {
		snprintf(err, errlen, "--run-uid and --run-gid go together");
		return -1;
	}
	o->run_ids = have_ruid;
	return 0;
}
