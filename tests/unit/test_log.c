/* Escaping of client and profile bytes in log lines. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "common/limits.h"
#include "common/log.h"

Test(log, escape_keeps_printable_ascii_only)
{
	char	 out[64];

	log_escape(out, sizeof(out), "a\"b\\c\n\x1b\xc3\xa9", 9, false);
	cr_assert_str_eq(out, "a\"b\\\\c\\x0a\\x1b\\xc3\\xa9");
	log_escape(out, sizeof(out), "a\"b", 3, true);
	cr_assert_str_eq(out, "a\\\"b");
}

Test(log, escape_cuts_at_a_whole_escape)
{
	char	 out[64];

	log_escape(out, 6, "abc\ndef", 7, false);
	cr_assert_str_eq(out, "abc");
	log_escape(out, 5, "abc\\d", 5, false);
	cr_assert_str_eq(out, "abc");
	log_escape(out, 1, "abc", 3, false);
	cr_assert_str_eq(out, "");
}

/* What log_warn writes to fd 2, read back through a pipe. */
static char *
captured(void (*emit)(void))
{
	static char	 out[2048];
	int		 p[2], saved;
	ssize_t		 n;

	cr_assert_eq(pipe(p), 0);
	saved = dup(2);
	cr_assert_eq(dup2(p[1], 2), 2);
	emit();
	cr_assert_eq(dup2(saved, 2), 2);
	close(saved);
	close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	cr_assert_gt(n, 0);
	out[n] = '\0';
	return out;
}

static void
emit_warn(void)
{
	log_init("privconf[test]: ");
	errno = ENOENT;
	log_warn("op=open path=\"%s\"", "/x");
}

static void
emit_long(void)
{
	char	 big[LOG_LINE_MAX * 2];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_init("p: ");
	log_info("op=x v=%s", big);
}

/* Key=value lines: the errno of log_warn is one more key, err. */
Test(log, warn_appends_err_as_a_key)
{
	cr_assert_str_eq(captured(emit_warn), "privconf[test]: op=open "
	    "path=\"/x\" err=\"No such file or directory\"\n");
}

/* A line never passes LOG_LINE_MAX: cut, still one line. */
Test(log, long_line_is_cut_to_one_line)
{
	char	*s = captured(emit_long);

	cr_assert_eq(strlen(s), LOG_LINE_MAX);
	cr_assert_eq(s[LOG_LINE_MAX - 1], '\n');
	cr_assert_eq(strchr(s, '\n'), s + LOG_LINE_MAX - 1);
}

/*
 * A full non-blocking pipe drops lines; the count comes out, in a line of
 * its own, before the next line that gets through.  log_line (privconfd
 * relaying its children) shares the count.
 */
Test(log, dropped_lines_are_counted_and_reported)
{
	char	 buf[65536 * 4], *s;
	int	 p[2], saved;
	ssize_t	 n;
	size_t	 full = 0;

	cr_assert_eq(pipe2(p, O_NONBLOCK), 0);
	while (write(p[1], "x", 1) == 1)
		full++;
	cr_assert_gt(full, 0);
	saved = dup(2);
	cr_assert_eq(dup2(p[1], 2), 2);
	log_init("t: ");
	log_info("op=one");
	log_line("c: op=two\n", 10);
	log_warnx("op=three");
	cr_assert_eq(log_dropped_count(), 3);
	/* Empty the pipe: the next line carries the count first. */
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	log_line("c: op=four\n", 11);
	cr_assert_eq(log_dropped_count(), 0);
	cr_assert_eq(dup2(saved, 2), 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	s = buf;
	cr_assert_str_eq(s, "t: op=log dropped=3\nc: op=four\n");
}

/* privconfd's other destination: what log_route's hook is given. */
static int	 hook_pri = -1;
static size_t	 hook_skip;
static char	 hook_line[256];

static int
hook(int pri, const char *line, size_t n, size_t skip)
{
	hook_pri = pri;
	hook_skip = skip;
	snprintf(hook_line, sizeof(hook_line), "%.*s", (int)n, line);
	return 0;
}

Test(log, route_sends_level_line_and_prefix_length)
{
	int	 p[2], saved;
	ssize_t	 n;
	char	 buf[64];

	/* Not to stderr: the hook only. */
	cr_assert_eq(pipe2(p, O_NONBLOCK), 0);
	saved = dup(2);
	dup2(p[1], 2);
	log_init("privconfd: ");
	log_route(hook, false);
	log_warnx("op=test n=%d", 2);
	cr_assert_eq(hook_pri, LOG_WARNING);
	cr_assert_eq(hook_skip, strlen("privconfd: "));
	cr_assert_str_eq(hook_line, "privconfd: op=test n=2\n");
	log_line("privconf[worker]: op=x\n", 23);
	cr_assert_eq(hook_pri, LOG_INFO);
	cr_assert_eq(hook_skip, 0);
	cr_assert_str_eq(hook_line, "privconf[worker]: op=x\n");
	log_route(NULL, true);
	dup2(saved, 2);
	close(saved);
	n = read(p[0], buf, sizeof(buf));
	cr_assert_eq(n, -1, "stderr got a line");
	close(p[0]);
	close(p[1]);
}

static void
emit_marked(void)
{
	log_init("privconf[worker]: ");
	log_mark_levels(true);
	log_info("op=a");
	log_warnx("op=b");
	log_set_verbose(1);
	log_debug("op=c");
	log_set_verbose(0);
	log_mark_levels(false);
}

/* A child's lines carry their level for privconfd: "<N>" first. */
Test(log, child_lines_start_with_their_level)
{
	cr_assert_str_eq(captured(emit_marked),
	    "<6>privconf[worker]: op=a\n"
	    "<4>privconf[worker]: op=b\n"
	    "<7>privconf[worker]: op=c\n");
}

/*
 * privconfd takes a child's mark off and logs the line at its level,
 * never above LOG_ERR; a mark not followed by a child's prefix, or not a
 * level, is text of a line at LOG_INFO.
 */
Test(log, relayed_mark_is_the_level_capped_at_err)
{
	static const struct {
		const char	*in, *out;
		int		 pri;
	} t[] = {
		{ "<4>privconf[worker]: op=x\n", "privconf[worker]: op=x\n",
		    LOG_WARNING },
		{ "<7>privconf[listener]: op=y\n",
		    "privconf[listener]: op=y\n", LOG_DEBUG },
		{ "<3>privconf[worker]: op=z\n", "privconf[worker]: op=z\n",
		    LOG_ERR },
		{ "<0>privconf[worker]: op=e\n", "privconf[worker]: op=e\n",
		    LOG_ERR },
		{ "<2>privconf[worker]: op=c\n", "privconf[worker]: op=c\n",
		    LOG_ERR },
		{ "<4>op=no prefix\n", "<4>op=no prefix\n", LOG_INFO },
		{ "<8>privconf[worker]: op=x\n", "<8>privconf[worker]: op=x\n",
		    LOG_INFO },
		{ "<4privconf[worker]: op=x\n", "<4privconf[worker]: op=x\n",
		    LOG_INFO },
		{ "<4>\n", "<4>\n", LOG_INFO },
	};
	int	 p[2], saved;
	size_t	 i;

	cr_assert_eq(pipe2(p, O_NONBLOCK), 0);
	saved = dup(2);
	dup2(p[1], 2);
	log_init("privconfd: ");
	log_route(hook, false);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		log_line(t[i].in, strlen(t[i].in));
		cr_assert_eq(hook_pri, t[i].pri, "%s", t[i].in);
		cr_assert_eq(hook_skip, 0);
		cr_assert_str_eq(hook_line, t[i].out);
	}
	log_route(NULL, true);
	dup2(saved, 2);
	close(saved);
	close(p[0]);
	close(p[1]);
}
