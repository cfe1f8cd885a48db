/*
 * privconfctl: a scriptable client of privconfd (privconfctl(1)).
 * Options and the order of things: every command is checked before the
 * connection is made, the server is checked before a byte is sent, then
 * one session carries every command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/cmdfile.h"
#include "client/request.h"
#include "client/session.h"
#include "client/shell.h"
#include "client/sock.h"
#include "common/clock.h"
#include "common/decimal.h"
#include "common/ipcaddr.h"
#include "common/limits.h"

#define CTL_VERSION	"0.2"

enum {
	OPT_RAW = 256,
	OPT_SERVER_UID,
	OPT_VERSION
};

struct opts {
	const char	*addr;
	const char	*file;
	bool		 interactive;
	bool		 keep_going;
	bool		 raw;
	bool		 compact;
	int		 timeout_s;
	uid_t		 server_uid;
};

static const char usage_text[] =
    "usage: privconfctl [-ck] [--raw] [-s address] [-t seconds]"
    " [--server-uid uid]\n"
    "                   command ...\n"
    "       privconfctl [options] -f file\n"
    "       privconfctl [options] -i\n"
    "       privconfctl -h | -V | --version\n"
    "  -c, --compact      print stat as sent, on one line\n"
    "  -f, --file file    commands from file, one a line (- for stdin)\n"
    "  -h, --help         print this and exit\n"
    "  -i, --interactive  a shell: line editing, history, completion\n"
    "  -k, --keep-going   go on after a failed command\n"
    "  -s, --socket addr  the socket: a path or @name\n"
    "  -t, --timeout s    give up after s seconds (default 30)\n"
    "  -V, --version      print the version and exit\n"
    "      --raw          print every reply byte for byte\n"
    "      --server-uid uid  trust a server run by uid too\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(SESSION_USAGE);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("privconfctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(SESSION_USAGE);
}

static uint64_t
number(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (decimal_parse(s, strlen(s), min, max, &v) == -1)
		usage_error("%s %s: not a number from %llu to %llu", opt, s,
		    (unsigned long long)min, (unsigned long long)max);
	return v;
}

static void
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "compact", no_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "server-uid", required_argument, NULL, OPT_SERVER_UID },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	int	 c;

	memset(o, 0, sizeof(*o));
	o->timeout_s = CTL_TIMEOUT_S;
	o->server_uid = SOCK_NO_UID;
	/* "+": a command such as "-x" never looks like an option. */
	while ((c = getopt_long(argc, argv, "+cf:hiks:t:V", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c':
			o->compact = true;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'i':
			o->interactive = true;
			break;
		case 'k':
			o->keep_going = true;
			break;
		case 's':
			o->addr = optarg;
			break;
		case 't':
			o->timeout_s = (int)number("-t", optarg, 1,
			    OPT_TIMEOUT_MAX_S);
			break;
		case 'V':
		case OPT_VERSION:
			printf("privconfctl %s (IPC %d.%d)\n", CTL_VERSION,
			    IPC_API_MAJOR, IPC_API_MINOR);
			exit(0);
		case OPT_RAW:
			o->raw = true;
			break;
		case OPT_SERVER_UID:
			o->server_uid = (uid_t)number("--server-uid", optarg,
			    0, OPT_ID_MAX);
			break;
		default:
			usage();
		}
	}
}

/* The commands of the arguments or of -f, all checked. */
static void
load(int argc, char *argv[], const struct opts *o, struct reqlist *l)
{
	char	 why[REQUEST_WHY_MAX + 256];
	FILE	*fp;
	int	 i;

	if (o->interactive && (o->file != NULL || argc > 0))
		usage_error("-i reads its commands from standard input");
	if (o->file != NULL && argc > 0)
		usage_error("-f and commands as arguments exclude each other");
	if (o->file != NULL) {
		fp = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "r");
		if (fp == NULL)
			usage_error("%s: %s", o->file, strerror(errno));
		if (cmdfile_read(fp, strcmp(o->file, "-") == 0 ? "stdin" :
		    o->file, l, why, sizeof(why)) == -1)
			usage_error("%s", why);
		if (fp != stdin)
			fclose(fp);
	}
	for (i = 0; i < argc; i++)
		if (reqlist_add(l, argv[i], strlen(argv[i]), why,
		    sizeof(why)) == -1)
			usage_error("%s: %s", argv[i], why);
	if (reqlist_check(l, why, sizeof(why)) == -1)
		usage_error("%s", why);
	if (!o->interactive && l->n == 0 && o->file == NULL)
		usage();
}

/* -s, else $PRIVCONF_SOCKET, else privconfd's own default. */
static const char *
address(const struct opts *o, char *buf, size_t len)
{
	const char	*env;

	if (o->addr != NULL)
		return o->addr;
	if ((env = getenv("PRIVCONF_SOCKET")) != NULL && *env != '\0')
		return env;
	if (ipcaddr_default(buf, len, geteuid(),
	    getenv("XDG_RUNTIME_DIR")) == -1)
		usage_error("the default address is too long; use -s");
	return buf;
}

int
main(int argc, char *argv[])
{
	struct reqlist	 l = REQLIST_INIT;
	struct session	 s;
	struct opts	 o;
	char		 defaddr[IPCADDR_PATH_MAX + 1], why[SOCK_WHY_MAX];
	int		 fd, status;

	parse_opts(argc, argv, &o);
	load(argc - optind, argv + optind, &o, &l);
	memset(&s, 0, sizeof(s));
	s.addr = address(&o, defaddr, sizeof(defaddr));
	s.ropt.raw = o.raw;
	s.ropt.compact = o.compact;
	s.keep_going = o.keep_going;
	s.timeout_s = o.timeout_s;
	s.out = stdout;
	s.err = stderr;
	s.deadline = (long long)clock_ms() + (long long)o.timeout_s * 1000;
	if ((fd = sock_connect(s.addr, s.deadline, o.server_uid, why,
	    sizeof(why))) == -1) {
		fprintf(stderr, "privconfctl: %s: %s\n", s.addr, why);
		reqlist_free(&l);
		return SESSION_LOST;
	}
	status = session_open(&s, fd);
	if (status == SESSION_OK)
		status = o.interactive ? shell_run(&s, o.timeout_s) :
		    session_run(&s, l.v, l.n);
	session_close(&s);
	reqlist_free(&l);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "privconfctl: stdout: %s\n", strerror(errno));
		return status == SESSION_OK ? SESSION_FAILED : status;
	}
	return status;
}
