/*
 * Logging: one line per event on stderr, "privconf[proc]: key=value ...".
 * Lines are built in a LOG_LINE_MAX buffer and written with one write(2);
 * stderr of the children is a non-blocking pipe to privconfd, so a full
 * pipe drops the line instead of blocking the event loop.
 */
#ifndef PRIVCONF_LOG_H
#define PRIVCONF_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void	log_init(const char *prefix);	/* "privconf[listener]: ", "privconfd: " */
/*
 * The children: every line starts with "<N>", N its syslog level (as in
 * sd-daemon(3)), which privconfd's log_line reads and takes off.
 */
void	log_mark_levels(bool on);
/*
 * Another destination for every line (privconfd's syslog or log file,
 * daemon/logdest.c): put gets the whole line as fd 2 would (newline
 * included), its syslog level (LOG_INFO ...), and the length of the
 * process's own prefix (0 for a relayed line); 0, or -1 when the line
 * was not taken (counted as dropped).  to_stderr: fd 2 gets lines too.
 */
typedef int	(*log_put_fn)(int pri, const char *line, size_t n, size_t skip);
void	log_route(log_put_fn put, bool to_stderr);
void	log_set_verbose(int);
int	log_verbose(void);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* log_warn and fatal append err="strerror(errno)" to the line. */
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* This process cannot go on: log and exit(1). */
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
/*
 * Copy s[0..len) into dst (size n, always terminated, cut at a whole
 * escape): printable ASCII kept, "\\" for a backslash, \" for a quote
 * when quoted (the text goes between quotes), \xHH for any other byte.
 * True when it had to cut s short.
 */
bool	log_escape(char *dst, size_t n, const char *s, size_t len,
	    bool quoted);
/*
 * Write a line formatted elsewhere (privconfd relaying a child's line),
 * ending in a newline, with the same accounting of dropped lines.  A
 * leading "<N>" before a child's prefix ("privconf[") is its level,
 * taken off; never above LOG_ERR, so that no child can make syslog wall
 * an emergency.  Without one the line is LOG_INFO.
 */
void	log_line(const char *line, size_t n);
/* Lines dropped (a full pipe) and not yet reported by op=log dropped=N. */
unsigned long log_dropped_count(void);

#endif
