/*
 * loadgen: load on a line-protocol server behind a UNIX socket, for
 * bench/run.sh (docs/PERFORMANCE.md says how the numbers are used).
 *
 * One process, one epoll loop, C non-blocking connections, in one of two
 * modes:
 *   pipe     persistent connections, D lines in flight on each: a reply
 *            in lets the next line out (closed loop), or, with -r, lines
 *            leave at a fixed total rate while fewer than D are in flight;
 *   oneshot  connect, send one line, read to EOF, close, and again.
 *
 * The dialect says what a connection sends first and how a reply ends:
 *   privconf "prompt i\n" first (no reply); a reply is one line, "\n".
 *   haproxy  the runtime API of HAProxy 2.6 (checked byte for byte): each
 *            command's output is followed by the prompt "\n> " in prompt
 *            mode, by "\n" alone otherwise.  "get var proc.x" outputs
 *            "proc.x: type=str value=<...>" without a newline of its own,
 *            so its reply is that, then "\n> "; "prompt" and
 *            "experimental-mode on" (sent first, so that "set var" works)
 *            output nothing: each is answered "\n> ".  A one-shot is
 *            non-interactive: the output, "\n", then HAProxy closes.
 *   redis    inline commands ending "\r\n", replies ending "\r\n" (use a
 *            command with a one-line reply, e.g. EXISTS); a one-shot adds
 *            QUIT, which Redis answers "+OK\r\n" and then closes.
 *   echo     bench/echo_server.c: the line comes back; a one-shot
 *            half-closes after its line, and the server then closes.
 *
 * The timed path allocates nothing: connection state, send-time rings and
 * output buffers are made before the clock starts, and latencies go to a
 * log-bucket histogram (bench/hist.h).  Every loop is bounded: the run
 * ends at its deadline (-t) or after -n replies, whichever comes first.
 *
 * Output, one line on stdout of key=value words (docs/PERFORMANCE.md):
 *   label dialect mode clients depth secs cmds per_s p50_us p99_us
 *   p999_us max_us total sent odd errors retries idle idle_ok rss_kb
 *   srv_cpu_us srv_cpu_split cli_cpu_us reply
 * cmds and per_s count the replies after the warm-up; odd counts replies
 * whose length differs from the first one's (a wrong answer, usually);
 * srv_cpu_us is the CPU time of the -P processes per reply (schedstat).
 * Exit status 0, or 1 when the run failed (no reply, every connection
 * lost, -n not reached in time), 2 for a usage error.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/hist.h"

#define LG_LINES_MAX	8	/* -l lines, sent in turn */
#define LG_LINE_MAX	512	/* one expanded line with its end */
#define LG_PIDS_MAX	8	/* -P processes */
#define LG_DEPTH_MAX	4096
#define LG_CLIENTS_MAX	100000
#define LG_RBUF		(64 * 1024)
#define LG_EVENTS	256
#define LG_SETUP_S	60	/* idle connections must be up by then */
#define LG_SETUP_BATCH	128	/* connects in flight at set-up */
#define LG_REPLY_SHOW	60	/* bytes of the first reply printed */

struct dialect {
	const char	*name;
	const char	*hello;		/* first, on a pipe connection */
	unsigned int	 hello_replies;	/* replies the hello gets */
	const char	*term;		/* how a reply ends */
	const char	*eol;		/* how a line sent ends */
	const char	*oneshot_tail;	/* after a one-shot line */
	bool		 oneshot_shut;	/* then half-close */
};

static const struct dialect dialects[] = {
	{ "privconf", "prompt i\n", 0, "\n", "\n", "", false },
	{ "haproxy", "prompt\nexperimental-mode on\n", 2, "\n> ", "\n", "",
	    false },
	{ "redis", "", 0, "\r\n", "\r\n", "QUIT\r\n", false },
	{ "echo", "", 0, "\n", "\n", "", true },
};

enum lg_mode { MODE_PIPE, MODE_ONESHOT };

enum cstate {
	C_FREE,		/* one-shot slot between connections */
	C_WAIT,		/* one-shot slot that found a full backlog */
	C_HELLO,	/* hello sent, its replies not all in */
	C_RUN,		/* lines may go out */
	C_DEAD,		/* lost: the server closed it or an error */
};

struct conn {
	int		 fd;
	unsigned int	 idx;
	enum cstate	 st;
	bool		 idle;		/* an -I connection */
	bool		 pollout;	/* EPOLLOUT armed */
	unsigned int	 hello_left;
	uint32_t	 depth;		/* lines it may have in flight */
	uint32_t	 inflight;
	uint32_t	 ts_head;	/* oldest send time in ts */
	uint64_t	 budget;	/* lines it may still send */
	uint64_t	 seq;		/* lines sent so far */
	size_t		 tmatch;	/* terminator bytes matched */
	size_t		 rlen;		/* bytes of this reply so far */
	uint64_t	 t_conn;	/* one-shot: connect time */
	uint64_t	*ts;		/* send times, a ring of depth */
	char		*out;
	size_t		 outcap, outlen, outoff;
};

struct opts {
	const char	*path;
	const struct dialect *d;
	const char	*label;
	enum lg_mode	 mode;
	unsigned int	 clients;
	uint32_t	 depth;
	double		 secs;
	uint64_t	 warm_ns;
	uint64_t	 limit;		/* -n: replies, 0: none */
	double		 rate;		/* -r lines/s, 0: closed loop */
	const char	*lines[LG_LINES_MAX];
	size_t		 nlines;
	unsigned int	 idle;
	pid_t		 mem_pid;
	pid_t		 pids[LG_PIDS_MAX];
	size_t		 npids;
};

/* The run's state: one loop, so one global. */
static struct {
	struct opts	 o;
	int		 ep;
	struct sockaddr_un sa;
	socklen_t	 salen;
	size_t		 tlen;
	struct conn	*conns;		/* -c clients, then -I ones */
	size_t		 nconns;
	struct hist	 h;
	uint64_t	 t_start, t_warm, t_end, t_stop;
	unsigned int	 rr;		/* pacing starts here */
	bool		 warm, stopped;
	uint64_t	 cmds;		/* replies after the warm-up */
	uint64_t	 total;		/* replies, all */
	uint64_t	 sent;		/* lines sent by -c clients */
	uint64_t	 odd, errors, retries;
	uint64_t	 replylen;	/* the first reply's, 0: none yet */
	char		 reply[LG_REPLY_SHOW + 1];
	unsigned int	 waiting;	/* one-shot slots in C_WAIT */
	unsigned int	 dead;		/* -c clients lost */
	uint64_t	 cpu0[LG_PIDS_MAX], cpu1[LG_PIDS_MAX];
	struct rusage	 ru0, ru1;
	uint8_t		 rbuf[LG_RBUF];
} g;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen -s socket [-d privconf|haproxy|redis|echo] "
	    "[-m pipe|oneshot]\n"
	    "               [-c clients] [-D depth] [-t seconds] "
	    "[-w warmup_ms] [-n replies]\n"
	    "               [-r lines_per_s] [-l line]... [-I idle] "
	    "[-M pid] [-P pid,...] [-L label]\n"
	    "  a line may hold %%c (client number) and %%n (round number)\n");
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	 ap;
	int	 e = errno;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (e != 0)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(1);
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned long
num(const char *s, unsigned long min, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
parse_pids(const char *s)
{
	char	*copy, *tok, *save;

	if ((copy = strdup(s)) == NULL)
		die("strdup");
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (g.o.npids == LG_PIDS_MAX)
			usage();
		g.o.pids[g.o.npids++] = (pid_t)num(tok, 1, INT32_MAX);
	}
	free(copy);
}

static void
parse_args(int argc, char **argv)
{
	struct opts	*o = &g.o;
	char		*end;
	size_t		 i;
	int		 ch;

	o->d = &dialects[0];
	o->label = "-";
	o->mode = MODE_PIPE;
	o->clients = 1;
	o->depth = 1;
	o->secs = 2;
	o->warm_ns = 200 * 1000000ull;
	while ((ch = getopt(argc, argv, "c:d:D:I:l:L:m:M:n:P:r:s:t:w:")) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->clients = (unsigned int)num(optarg, 1,
			    LG_CLIENTS_MAX);
			break;
		case 'd':
			for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]);
			    i++)
				if (strcmp(optarg, dialects[i].name) == 0)
					break;
			if (i == sizeof(dialects) / sizeof(dialects[0]))
				usage();
			o->d = &dialects[i];
			break;
		case 'D':
			o->depth = (uint32_t)num(optarg, 1, LG_DEPTH_MAX);
			break;
		case 'I':
			o->idle = (unsigned int)num(optarg, 0, LG_CLIENTS_MAX);
			break;
		case 'l':
			/* Room for the line, 20 digits per %, its end. */
			for (i = 0, ch = 0; optarg[i] != '\0'; i++)
				ch += optarg[i] == '%';
			if (o->nlines == LG_LINES_MAX ||
			    i + 20 * (size_t)ch + 4 > LG_LINE_MAX)
				usage();
			o->lines[o->nlines++] = optarg;
			break;
		case 'L':
			o->label = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "pipe") == 0)
				o->mode = MODE_PIPE;
			else if (strcmp(optarg, "oneshot") == 0)
				o->mode = MODE_ONESHOT;
			else
				usage();
			break;
		case 'M':
			o->mem_pid = (pid_t)num(optarg, 1, INT32_MAX);
			break;
		case 'n':
			o->limit = num(optarg, 0, ULONG_MAX);
			break;
		case 'P':
			parse_pids(optarg);
			break;
		case 'r':
			o->rate = (double)num(optarg, 1, 1000000000);
			break;
		case 's':
			o->path = optarg;
			break;
		case 't':
			o->secs = strtod(optarg, &end);
			if (end == optarg || *end != '\0' ||
			    !(o->secs >= 0 && o->secs <= 3600))
				usage();
			break;
		case 'w':
			o->warm_ns = num(optarg, 0, 60000) * 1000000ull;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o->path == NULL)
		usage();
	if (o->nlines == 0)
		o->lines[o->nlines++] = "ping";
	/* A counted run counts everything: no warm-up. */
	if (o->limit > 0)
		o->warm_ns = 0;
	if (strlen(o->path) >= sizeof(g.sa.sun_path))
		die("%s: path too long", o->path);
}

/* Lines alternate by client sequence; %c and %n become numbers. */
static size_t
expand(const struct conn *c, char *dst)
{
	const char	*s = g.o.lines[c->seq % g.o.nlines];
	const char	*eol = g.o.d->eol;
	size_t		 n = 0;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && (s[1] == 'c' || s[1] == 'n')) {
			n += (size_t)snprintf(dst + n, 24, "%" PRIu64,
			    s[1] == 'c' ? (uint64_t)c->idx :
			    c->seq / g.o.nlines);
			s++;
		} else
			dst[n++] = *s;
	}
	while (*eol != '\0')
		dst[n++] = *eol++;
	return n;
}

static void
conn_alloc(struct conn *c, unsigned int idx, uint32_t depth, bool idle)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->idx = idx;
	c->idle = idle;
	c->depth = depth;
	c->budget = idle ? 1 : UINT64_MAX;
	c->outcap = (size_t)depth * LG_LINE_MAX + strlen(g.o.d->hello) +
	    strlen(g.o.d->oneshot_tail);
	if ((c->ts = calloc(depth, sizeof(*c->ts))) == NULL ||
	    (c->out = malloc(c->outcap)) == NULL)
		die("malloc");
}

static void
conn_events(struct conn *c, bool out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

	if (out == c->pollout)
		return;
	if (out)
		ev.events |= EPOLLOUT;
	if (epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		die("epoll_ctl");
	c->pollout = out;
}

static void
conn_lost(struct conn *c)
{
	if (c->st == C_DEAD)
		return;
	g.errors++;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->st = C_DEAD;
	if (!c->idle)
		g.dead++;
}

/* Write what is queued; arm EPOLLOUT while some is left. */
static void
conn_flush(struct conn *c)
{
	ssize_t	 n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_lost(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	conn_events(c, c->outlen > 0);
}

/* Lines the pacing allows now, and the time the first of them was due. */
static uint64_t
paced(uint64_t now, uint64_t *due)
{
	double	 gap = 1e9 / g.o.rate;
	uint64_t allowed;

	allowed = (uint64_t)((double)(now - g.t_start) / gap) + 1;
	*due = g.t_start + (uint64_t)((double)g.sent * gap);
	return allowed > g.sent ? allowed - g.sent : 0;
}

/* Queue as many lines as depth, budget, pacing and -n allow, then send. */
static void
conn_fill(struct conn *c, uint64_t now)
{
	uint64_t	 k, i, due = now, left;
	double		 gap = g.o.rate > 0 ? 1e9 / g.o.rate : 0;

	if (c->st != C_RUN || g.stopped)
		return;
	k = c->depth - c->inflight;
	if (k > c->budget)
		k = c->budget;
	if (!c->idle && g.o.rate > 0 && (left = paced(now, &due)) < k)
		k = left;
	if (!c->idle && g.o.limit > 0)
		k = g.sent >= g.o.limit ? 0 : k < g.o.limit - g.sent ? k :
		    g.o.limit - g.sent;
	if (k == 0)
		return;
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	for (i = 0; i < k; i++) {
		c->outlen += expand(c, c->out + c->outlen);
		/* Paced: latency counts from when the line was due. */
		c->ts[(c->ts_head + c->inflight) % c->depth] = gap > 0 ?
		    due + (uint64_t)((double)i * gap) : now;
		c->inflight++;
		c->seq++;
		c->budget--;
	}
	if (!c->idle)
		g.sent += k;
	conn_flush(c);
}

static void
record(uint64_t t0, uint64_t now, uint64_t len)
{
	if (g.replylen == 0)
		g.replylen = len;
	else if (len != g.replylen)
		g.odd++;
	g.total++;
	if (g.warm && !g.stopped) {
		hist_add(&g.h, now > t0 ? now - t0 : 0, 1);
		g.cmds++;
	}
}

/* A reply ended just before p (in g.rbuf). */
static void
reply_done(struct conn *c, const uint8_t *p, uint64_t now)
{
	if (c->hello_left > 0) {
		if (--c->hello_left == 0)
			c->st = C_RUN;
		return;
	}
	if (c->inflight == 0) {
		g.odd++;	/* a reply nobody asked for */
		return;
	}
	if (g.reply[0] == '\0' && !c->idle && c->rlen <= (size_t)(p - g.rbuf))
		memcpy(g.reply, p - c->rlen, c->rlen < LG_REPLY_SHOW ?
		    c->rlen : LG_REPLY_SHOW);
	if (!c->idle)
		record(c->ts[c->ts_head], now, c->rlen);
	c->ts_head = (c->ts_head + 1) % c->depth;
	c->inflight--;
}

/* Count the replies in p[0..n), carrying a partial terminator over. */
static void
scan(struct conn *c, const uint8_t *p, size_t n, uint64_t now)
{
	const uint8_t	*end = p + n, *q;
	const char	*term = g.o.d->term;

	for (;;) {
		if (c->tmatch == 0) {
			if ((q = memchr(p, term[0], (size_t)(end - p))) ==
			    NULL) {
				c->rlen += (size_t)(end - p);
				return;
			}
			c->rlen += (size_t)(q - p) + 1;
			p = q + 1;
			c->tmatch = 1;
		}
		while (c->tmatch < g.tlen && p < end) {
			if (*p != (uint8_t)term[c->tmatch]) {
				c->tmatch = 0;	/* look at *p again */
				break;
			}
			c->tmatch++;
			c->rlen++;
			p++;
		}
		if (c->tmatch == g.tlen) {
			reply_done(c, p, now);
			c->tmatch = 0;
			c->rlen = 0;
		} else if (p == end)
			return;
	}
}

static void
pipe_readable(struct conn *c)
{
	ssize_t		 n;
	uint64_t	 now;

	do {
		n = recv(c->fd, g.rbuf, sizeof(g.rbuf), 0);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			conn_lost(c);
			return;
		}
		now = now_ns();
		scan(c, g.rbuf, (size_t)n, now);
	} while (n == (ssize_t)sizeof(g.rbuf));
	if (g.o.rate == 0)
		conn_fill(c, now_ns());
}

/*
 * Open c's socket and connect.  Returns 0, or -1 when the backlog is
 * full (UNIX sockets say EAGAIN then; try again later).
 */
static int
conn_open(struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	int		 fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&g.sa, g.salen) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR) {
			close(fd);
			return -1;
		}
		die("connect %s", g.o.path);
	}
	c->fd = fd;
	c->pollout = false;
	c->tmatch = c->rlen = 0;
	c->inflight = 0;
	c->ts_head = 0;
	c->outoff = c->outlen = 0;
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		die("epoll_ctl");
	return 0;
}

/* A pipe connection: connect and say hello. */
static int
pipe_start(struct conn *c)
{
	size_t	 n = strlen(g.o.d->hello);

	if (conn_open(c) == -1)
		return -1;
	memcpy(c->out, g.o.d->hello, n);
	c->outlen = n;
	c->hello_left = g.o.d->hello_replies;
	c->st = c->hello_left > 0 ? C_HELLO : C_RUN;
	conn_flush(c);
	return 0;
}

/* A one-shot: connect, send the line and the dialect's tail. */
static void
oneshot_start(struct conn *c, uint64_t now)
{
	const char	*tail = g.o.d->oneshot_tail;
	size_t		 n;

	if (g.stopped || (g.o.limit > 0 && g.sent >= g.o.limit)) {
		c->st = C_FREE;
		return;
	}
	if (conn_open(c) == -1) {
		if (c->st != C_WAIT)
			g.waiting++;
		c->st = C_WAIT;
		g.retries++;
		return;
	}
	if (c->st == C_WAIT)
		g.waiting--;
	c->t_conn = now;
	c->st = C_RUN;
	c->outlen = expand(c, c->out);
	n = strlen(tail);
	memcpy(c->out + c->outlen, tail, n);
	c->outlen += n;
	c->seq++;
	g.sent++;
	conn_flush(c);
	if (c->st == C_RUN && g.o.d->oneshot_shut &&
	    shutdown(c->fd, SHUT_WR) == -1)
		conn_lost(c);
}

/* Read to EOF: the reply is every byte, the end is the close. */
static void
oneshot_readable(struct conn *c)
{
	ssize_t		 n;
	uint64_t	 now;

	for (;;) {
		n = recv(c->fd, g.rbuf, sizeof(g.rbuf), 0);
		if (n > 0) {
			if (g.reply[0] == '\0')
				memcpy(g.reply, g.rbuf, (size_t)n <
				    LG_REPLY_SHOW ? (size_t)n : LG_REPLY_SHOW);
			c->rlen += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;
	}
	now = now_ns();
	close(c->fd);
	c->fd = -1;
	if (n == 0 && c->rlen > 0)
		record(c->t_conn, now, c->rlen);
	else
		g.errors++;	/* reset, or closed without a word */
	c->st = C_FREE;
	oneshot_start(c, now);
}

static uint64_t
proc_cpu_ns(pid_t pid)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*de;
	FILE		*f;
	unsigned long long v;
	uint64_t	 sum = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
		    (int)pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &v) == 1)
			sum += v;
		fclose(f);
	}
	closedir(d);
	return sum;
}

static long
proc_rss_kb(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void
cpu_sample(uint64_t *v, struct rusage *ru)
{
	size_t	 i;

	for (i = 0; i < g.o.npids; i++)
		v[i] = proc_cpu_ns(g.o.pids[i]);
	getrusage(RUSAGE_SELF, ru);
}

static void
on_event(struct conn *c, uint32_t ev)
{
	if (c->st == C_DEAD || c->fd == -1)
		return;
	if ((ev & EPOLLOUT) && c->outlen > 0) {
		conn_flush(c);
		if (c->st == C_DEAD)
			return;
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (g.o.mode == MODE_ONESHOT && !c->idle)
			oneshot_readable(c);
		else
			pipe_readable(c);
	}
}

/* One epoll_wait and its events; timeout in microseconds. */
static void
poll_once(int64_t timeout_us)
{
	struct epoll_event evs[LG_EVENTS];
	struct timespec	 ts;
	int		 i, n;

	if (timeout_us < 0)
		timeout_us = 0;
	ts.tv_sec = timeout_us / 1000000;
	ts.tv_nsec = (timeout_us % 1000000) * 1000;
	n = epoll_pwait2(g.ep, evs, LG_EVENTS, &ts, NULL);
	if (n == -1) {
		if (errno == EINTR)
			return;
		die("epoll_pwait2");
	}
	for (i = 0; i < n; i++)
		on_event(evs[i].data.ptr, evs[i].events);
}

/*
 * -I: open the idle connections, each authenticated by its hello and one
 * answered line, LG_SETUP_BATCH at a time, then leave them alone.
 */
static unsigned int
idle_setup(void)
{
	struct conn	*c, *idle = g.conns + g.o.clients;
	uint64_t	 deadline = now_ns() + LG_SETUP_S * 1000000000ull;
	unsigned int	 next = 0, done = 0, busy, i;

	while (done < g.o.idle && now_ns() < deadline) {
		busy = 0;
		for (i = 0; i < next; i++) {
			c = &idle[i];
			if (c->st == C_RUN && c->seq == 0)
				conn_fill(c, now_ns());
			if (c->st == C_HELLO || c->inflight > 0 ||
			    (c->st == C_RUN && c->seq == 0))
				busy++;
		}
		while (next < g.o.idle && busy < LG_SETUP_BATCH) {
			if (pipe_start(&idle[next]) == -1)
				break;
			next++;
			busy++;
		}
		poll_once(1000);
		for (done = 0, i = 0; i < next; i++)
			if (idle[i].seq == 1 && idle[i].inflight == 0 &&
			    idle[i].st == C_RUN)
				done++;
	}
	return done;
}

static void
setup(void)
{
	struct rlimit	 rl;
	size_t		 i;

	signal(SIGPIPE, SIG_IGN);
	/* Idle connections need fds: take the hard limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	g.sa.sun_family = AF_UNIX;
	memcpy(g.sa.sun_path, g.o.path, strlen(g.o.path));
	g.salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(g.o.path) + 1);
	g.tlen = strlen(g.o.d->term);
	if ((g.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	g.nconns = (size_t)g.o.clients + g.o.idle;
	if ((g.conns = calloc(g.nconns, sizeof(*g.conns))) == NULL)
		die("calloc");
	for (i = 0; i < g.nconns; i++)
		conn_alloc(&g.conns[i], (unsigned int)i, i < g.o.clients ?
		    (g.o.mode == MODE_ONESHOT ? 1 : g.o.depth) : 1,
		    i >= g.o.clients);
}

/* The -c clients: connect (and say hello), then lines flow. */
static void
run(void)
{
	struct conn	*c;
	uint64_t	 now, until;
	unsigned int	 i, j, started = 0;
	int64_t		 wait_us;

	g.t_start = now = now_ns();
	g.t_warm = g.t_start + g.o.warm_ns;
	g.t_end = g.t_start + (uint64_t)(g.o.secs * 1e9) + g.o.warm_ns;
	g.warm = g.o.warm_ns == 0;
	if (g.warm)
		cpu_sample(g.cpu0, &g.ru0);
	for (;;) {
		now = now_ns();
		if (!g.warm && now >= g.t_warm) {
			g.warm = true;
			hist_reset(&g.h);
			g.cmds = 0;
			cpu_sample(g.cpu0, &g.ru0);
		}
		if (now >= g.t_end || (g.o.limit > 0 &&
		    g.total >= g.o.limit) || g.dead == g.o.clients)
			break;
		/* Clients not started yet (a full backlog), and pacing. */
		while (g.o.mode == MODE_PIPE && started < g.o.clients &&
		    pipe_start(&g.conns[started]) == 0)
			started++;
		for (j = 0; j < g.o.clients; j++) {
			/* Paced lines go round, not all to the first. */
			i = (j + g.rr) % g.o.clients;
			c = &g.conns[i];
			if (g.o.mode == MODE_ONESHOT) {
				if (c->st == C_FREE && c->seq == 0)
					oneshot_start(c, now);
				else if (c->st == C_WAIT)
					oneshot_start(c, now);
			} else if (i >= started)
				continue;
			else if (g.o.rate > 0)
				conn_fill(c, now);
			else if (c->st == C_RUN && c->seq == 0)
				conn_fill(c, now);
		}
		until = g.t_end;
		if (!g.warm && g.t_warm < until)
			until = g.t_warm;
		wait_us = (int64_t)((until - now) / 1000) + 1;
		/* A full backlog or pacing: look again soon. */
		if (g.waiting > 0 ||
		    (g.o.mode == MODE_PIPE && started < g.o.clients))
			wait_us = wait_us < 1000 ? wait_us : 1000;
		if (g.o.rate > 0 && wait_us > 50)
			wait_us = 50;
		g.rr++;
		poll_once(wait_us);
	}
	g.t_stop = now;
	g.stopped = true;
	cpu_sample(g.cpu1, &g.ru1);
}

static double
tv_us(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e6 + (double)tv->tv_usec;
}

static void
report(unsigned int idle_ok, long rss_kb)
{
	double		 secs, per, cpu = 0, cli;
	size_t		 i;
	char		 split[LG_PIDS_MAX * 24] = "-", *p;

	secs = g.t_stop > g.t_warm ? (double)(g.t_stop - g.t_warm) / 1e9 : 0;
	per = secs > 0 ? (double)g.cmds / secs : 0;
	p = split;
	for (i = 0; i < g.o.npids; i++) {
		cpu += (double)(g.cpu1[i] - g.cpu0[i]);
		p += snprintf(p, 24, "%s%.3f", i ? "/" : "", g.cmds ?
		    (double)(g.cpu1[i] - g.cpu0[i]) / 1e3 / (double)g.cmds :
		    0.0);
	}
	cli = tv_us(&g.ru1.ru_utime) + tv_us(&g.ru1.ru_stime) -
	    tv_us(&g.ru0.ru_utime) - tv_us(&g.ru0.ru_stime);
	for (i = 0; g.reply[i] != '\0'; i++)
		if (!isprint((unsigned char)g.reply[i]) || g.reply[i] == '"')
			g.reply[i] = g.reply[i] == '\n' ? '|' : '.';
	printf("label=%s dialect=%s mode=%s clients=%u depth=%u secs=%.3f "
	    "cmds=%" PRIu64 " per_s=%.0f p50_us=%.1f p99_us=%.1f "
	    "p999_us=%.1f max_us=%.1f total=%" PRIu64 " sent=%" PRIu64
	    " odd=%" PRIu64 " errors=%" PRIu64 " retries=%" PRIu64
	    " idle=%u idle_ok=%u rss_kb=%ld srv_cpu_us=%.3f srv_cpu_split=%s"
	    " cli_cpu_us=%.3f reply=\"%s\"\n", g.o.label, g.o.d->name,
	    g.o.mode == MODE_PIPE ? "pipe" : "oneshot", g.o.clients,
	    g.o.mode == MODE_PIPE ? g.o.depth : 1, secs, g.cmds, per,
	    (double)hist_quantile(&g.h, 0.50) / 1e3,
	    (double)hist_quantile(&g.h, 0.99) / 1e3,
	    (double)hist_quantile(&g.h, 0.999) / 1e3, (double)g.h.max / 1e3,
	    g.total, g.sent, g.odd, g.errors, g.retries, g.o.idle, idle_ok,
	    rss_kb, g.cmds && g.o.npids ? cpu / 1e3 / (double)g.cmds : 0.0,
	    split, g.cmds ? cli / (double)g.cmds : 0.0, g.reply);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	unsigned int	 idle_ok = 0;
	long		 rss_kb = -1;
	bool		 ok;

	parse_args(argc, argv);
	setup();
	if (g.o.idle > 0) {
		idle_ok = idle_setup();
		if (idle_ok < g.o.idle)
			fprintf(stderr, "loadgen: %u of %u idle connections "
			    "up\n", idle_ok, g.o.idle);
	}
	if (g.o.mem_pid > 0) {
		/* Let the server finish with the last handshakes. */
		usleep(200 * 1000);
		rss_kb = proc_rss_kb(g.o.mem_pid);
	}
	if (g.o.secs > 0 || g.o.limit > 0) {
		run();
		ok = g.cmds > 0 && g.dead < g.o.clients &&
		    (g.o.limit == 0 || g.total >= g.o.limit);
	} else {
		g.t_warm = g.t_end = g.t_stop = now_ns();
		ok = idle_ok == g.o.idle;
	}
	report(idle_ok, rss_kb);
	return ok ? 0 : 1;
}
