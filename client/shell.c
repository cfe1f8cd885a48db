/*
 * The shell of shell.h.  Each line gets the whole timeout for itself:
 * time spent typing is not the server's.
 */
#include <histedit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client/cmdfile.h"
#include "client/complete.h"
#include "client/shell.h"
#include "client/sock.h"
#include "common/clock.h"
#include "listener/line.h"

#define SHELL_END	(-1)	/* quit, exit, or the server is gone */

/*
 * One line: a SESSION_ status, or SHELL_END.  A line we would not send
 * is reported like a failed command and the shell goes on.
 */
static int
shell_line(struct session *s, int timeout_s, const char *line, size_t len,
    int *status)
{
	struct request	 rq;
	struct line_cmd	 lc;
	char		 why[REQUEST_WHY_MAX], cmd[CTL_CMD_MAX + 1];
	int		 st;

	line_parse((const uint8_t *)line, len, &lc);
	if (lc.kind == LINE_BLANK)
		return 0;
	if (lc.kind == LINE_QUIT)
		return SHELL_END;
	if (request_parse(line, len, &rq, why, sizeof(why)) == -1) {
		fflush(s->out);
		fprintf(s->err, "privconfctl: %.*s: %s\n", (int)len, line,
		    why);
		*status = SESSION_FAILED;
		return 0;
	}
	memcpy(cmd, line, len);
	cmd[len] = '\0';
	rq.line = cmd;
	s->deadline = (long long)clock_ms() + (long long)timeout_s * 1000;
	st = session_run(s, &rq, 1);
	fflush(s->out);
	if (st == SESSION_LOST) {
		*status = SESSION_LOST;
		return SHELL_END;
	}
	if (st == SESSION_FAILED)
		*status = SESSION_FAILED;
	/* After lock:on there is no server left to talk to. */
	return rq.kind == REQ_LOCK ? SHELL_END : 0;
}

static int
plain_loop(struct session *s, int timeout_s)
{
	char	 buf[CTL_CMD_MAX + 1];
	long	 n;
	int	 status = SESSION_OK;

	while ((n = cmdfile_getline(stdin, buf)) != -1) {
		if (shell_line(s, timeout_s, buf, (size_t)n, &status) ==
		    SHELL_END)
			break;
	}
	return status;
}

static char *
prompt(EditLine *el)
{
	(void)el;
	return (char *)"; ";
}

/* Tab: finish the word, or list the choices when there are several. */
static unsigned char
complete(EditLine *el, int ch)
{
	const LineInfo	*li = el_line(el);
	struct complete	 c;
	char		 ins[64];
	size_t		 len, typed, common, i;

	(void)ch;
	len = (size_t)(li->cursor - li->buffer);
	complete_word(li->buffer, len, &c);
	if (c.n == 0)
		return CC_ERROR;
	typed = len - c.stem;
	common = complete_common(&c);
	if (common > typed) {
		snprintf(ins, sizeof(ins), "%.*s", (int)(common - typed),
		    c.word[0] + typed);
		return el_insertstr(el, ins) == -1 ? CC_ERROR : CC_REFRESH;
	}
	if (c.n == 1)
		return CC_NORM;
	putchar('\n');
	for (i = 0; i < c.n; i++)
		printf("%s%s", c.word[i], i + 1 < c.n ? "  " : "\n");
	return CC_REDISPLAY;
}

static int
edit_loop(struct session *s, int timeout_s)
{
	EditLine	*el;
	History		*hist;
	HistEvent	 ev;
	const char	*line;
	size_t		 len;
	int		 count, status = SESSION_OK;

	if ((el = el_init("privconfctl", stdin, stdout, stderr)) == NULL ||
	    (hist = history_init()) == NULL)
		return plain_loop(s, timeout_s);
	history(hist, &ev, H_SETSIZE, CTL_HISTORY_MAX);
	history(hist, &ev, H_SETUNIQUE, 1);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_ADDFN, "privconf-complete", "complete a command word",
	    complete);
	el_set(el, EL_BIND, "^I", "privconf-complete", NULL);
	el_source(el, NULL);	/* ~/.editrc, as every libedit tool */
	while ((line = el_gets(el, &count)) != NULL && count > 0) {
		len = strcspn(line, "\n");
		if (len > 0)
			history(hist, &ev, H_ENTER, line);
		if (shell_line(s, timeout_s, line, len, &status) == SHELL_END)
			break;
	}
	history_end(hist);
	el_end(el);
	return status;
}

int
shell_run(struct session *s, int timeout_s)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return edit_loop(s, timeout_s);
	return plain_loop(s, timeout_s);
}
