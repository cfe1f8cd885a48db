/*
 * Reading profiles: comments, blanks, line numbers, the line limit at
 * the limit and one past it, and the ipc lines privconfd binds from.
 * The daemon's sources are compiled in directly (unit tests link
 * libcommon only).
 */
#include <criterion/criterion.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/limits.h"
#include "common/wire.h"
#include "daemon/options.h"
#include "daemon/profile.h"

static struct profile	 prof = PROFILE_INIT;
static char		 err[8192];
static char		 path[64];

/* Write len bytes to a fresh temporary file; its name is in path. */
static const char *
file(const void *bytes, size_t len)
{
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/privconf-prof.XXXXXX");
	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	return path;
}

static int
read_str(const char *s)
{
	int	 r;

	profile_free(&prof);
	r = profile_read(&prof, file(s, strlen(s)), err, sizeof(err));
	unlink(path);
	return r;
}

static void
line_is(size_t i, uint32_t lineno, const char *text)
{
	cr_assert_lt(i, prof.n);
	cr_assert_eq(prof.lines[i].lineno, lineno, "line %zu", i);
	cr_assert_eq(prof.lines[i].len, strlen(text));
	cr_assert(memcmp(prof.lines[i].text, text, strlen(text)) == 0);
	cr_assert_eq(prof.lines[i].text[prof.lines[i].len], '\0');
}

Test(daemon_profile, comments_and_blank_lines_are_skipped_numbers_kept)
{
	cr_assert_eq(read_str("# head\n\nsandbox/read:off\n \t\r\f\n"
	    "#x\nallow/read+/usr/***\n"), 0);
	cr_assert_eq(prof.n, 2);
	line_is(0, 3, "sandbox/read:off");
	line_is(1, 6, "allow/read+/usr/***");
}

Test(daemon_profile, source_is_the_path_as_given)
{
	cr_assert_eq(read_str("a\n"), 0);
	cr_assert_eq(prof.lines[0].source, path);
}

Test(daemon_profile, only_a_leading_hash_is_a_comment)
{
	/* The worker judges these; privconfd must not hide them. */
	cr_assert_eq(read_str(" #x\n\v\na#b\n"), 0);
	cr_assert_eq(prof.n, 3);
	line_is(0, 1, " #x");
	line_is(1, 2, "\v");
	line_is(2, 3, "a#b");
}

Test(daemon_profile, bytes_are_kept_as_they_are)
{
	static const char bytes[] = "a\r\nb c \n\xff\x00z\n";

	profile_free(&prof);
	cr_assert_eq(profile_read(&prof, file(bytes, sizeof(bytes) - 1), err,
	    sizeof(err)), 0);
	unlink(path);
	cr_assert_eq(prof.n, 3);
	line_is(0, 1, "a\r");
	line_is(1, 2, "b c ");
	cr_assert_eq(prof.lines[2].len, 3);
	cr_assert(memcmp(prof.lines[2].text, "\xff\x00z", 3) == 0);
}

Test(daemon_profile, last_line_without_newline_is_a_line)
{
	cr_assert_eq(read_str("a\nlast"), 0);
	cr_assert_eq(prof.n, 2);
	line_is(1, 2, "last");
}

Test(daemon_profile, empty_file_has_no_lines)
{
	cr_assert_eq(read_str(""), 0);
	cr_assert_eq(prof.n, 0);
}

Test(daemon_profile, files_append_in_order)
{
	cr_assert_eq(read_str("one\n"), 0);
	/* read_str frees; read a second file into the same profile. */
	cr_assert_eq(profile_read(&prof, file("two\nthree\n", 10), err,
	    sizeof(err)), 0);
	unlink(path);
	cr_assert_eq(prof.n, 3);
	line_is(0, 1, "one");
	line_is(1, 1, "two");
	line_is(2, 2, "three");
	cr_assert_str_eq(prof.lines[1].source, path);
}

Test(daemon_profile, line_at_the_limit_is_read)
{
	char	*s = malloc(PROFILE_LINE_MAX + 3);

	cr_assert_eq(PROFILE_LINE_MAX, IPC_LINE_MAX - 2);
	memset(s, 'a', PROFILE_LINE_MAX);
	strcpy(s + PROFILE_LINE_MAX, "\nb");
	cr_assert_eq(read_str(s), 0, "%s", err);
	cr_assert_eq(prof.n, 2);
	cr_assert_eq(prof.lines[0].len, PROFILE_LINE_MAX);
	line_is(1, 2, "b");
	free(s);
}

Test(daemon_profile, line_one_past_the_limit_is_refused)
{
	char	*s = malloc(PROFILE_LINE_MAX + 8);
	char	 want[128];

	strcpy(s, "ok\n");
	memset(s + 3, 'a', PROFILE_LINE_MAX + 1);
	strcpy(s + 3 + PROFILE_LINE_MAX + 1, "\n");
	cr_assert_eq(read_str(s), -1);
	snprintf(want, sizeof(want), "%s:2: line longer than %d bytes", path,
	    PROFILE_LINE_MAX);
	cr_assert_str_eq(err, want);
	free(s);
}

Test(daemon_profile, unterminated_last_line_past_the_limit_is_refused)
{
	char	*s = malloc(PROFILE_LINE_MAX + 2);

	memset(s, 'a', PROFILE_LINE_MAX + 1);
	s[PROFILE_LINE_MAX + 1] = '\0';
	cr_assert_eq(read_str(s), -1);
	free(s);
}

Test(daemon_profile, every_line_fits_a_setup_frame)
{
	struct buf	 b = BUF_INIT;
	struct wire_msg	 m = { 0 };
	char		*src = malloc(WIRE_SOURCE_MAX + 1);
	char		*line = malloc(PROFILE_LINE_MAX);

	memset(src, 's', WIRE_SOURCE_MAX);
	src[WIRE_SOURCE_MAX] = '\0';
	memset(line, 'l', PROFILE_LINE_MAX);
	m.type = WIRE_SETUP;
	m.source = (const uint8_t *)src;
	m.source_len = WIRE_SOURCE_MAX;
	m.lineno = UINT32_MAX;
	m.data = (const uint8_t *)line;
	m.data_len = PROFILE_LINE_MAX;
	cr_assert_eq(wire_encode(&b, &m), 0);
	buf_free(&b);
	free(src);
	free(line);
}

Test(daemon_profile, source_name_at_the_limit_and_one_past)
{
	char	*src = malloc(WIRE_SOURCE_MAX + 2);
	int	 fd;

	memset(src, 'n', WIRE_SOURCE_MAX + 1);
	src[WIRE_SOURCE_MAX] = '\0';
	file("x\n", 2);
	fd = open(path, O_RDONLY);
	cr_assert_eq(profile_read_fd(&prof, fd, src, err, sizeof(err)), 0);
	cr_assert_eq(prof.n, 1);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	src[WIRE_SOURCE_MAX] = 'n';
	src[WIRE_SOURCE_MAX + 1] = '\0';
	cr_assert_eq(profile_read_fd(&prof, fd, src, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "profile name longer than 4096 bytes");
	cr_assert_eq(prof.n, 1);
	close(fd);
	unlink(path);
	free(src);
}

Test(daemon_profile, missing_file_and_directory_are_refused)
{
	cr_assert_eq(profile_read(&prof, "/nonexistent/p", err, sizeof(err)),
	    -1);
	cr_assert_str_eq(err, "/nonexistent/p: No such file or directory");
	cr_assert_eq(profile_read(&prof, "/", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "/: Is a directory");
}

static int
ipc_of(const char *s, struct profile_ipc *pi)
{
	cr_assert_eq(read_str(s), 0);
	return profile_ipc(&prof, pi, err, sizeof(err));
}

Test(daemon_profile, no_ipc_lines_leave_everything_unset)
{
	struct profile_ipc pi;

	cr_assert_eq(ipc_of("sandbox/read:off\nipc/uid?\n", &pi), 0);
	cr_assert_null(pi.addr);
	cr_assert_eq(pi.uid.kind, CONTRACT_ID_UNSET);
	cr_assert_eq(pi.gid.kind, CONTRACT_ID_UNSET);
}

Test(daemon_profile, ipc_lines_set_address_uid_gid)
{
	struct profile_ipc pi;

	cr_assert_eq(ipc_of("ipc:@privconf\nipc/uid:1000\nipc/gid:100\n",
	    &pi), 0);
	cr_assert_str_eq(pi.addr, "@privconf");
	cr_assert_eq(pi.uid.kind, CONTRACT_ID_NUM);
	cr_assert_eq(pi.uid.id, 1000);
	cr_assert_eq(pi.gid.kind, CONTRACT_ID_NUM);
	cr_assert_eq(pi.gid.id, 100);
	/* Still commands for the worker, which shows them in stat. */
	cr_assert_eq(prof.n, 3);
}

Test(daemon_profile, last_ipc_line_wins)
{
	struct profile_ipc pi;

	cr_assert_eq(ipc_of("ipc:/a\nipc/uid:1\nipc:/b\nipc/uid:any\n", &pi),
	    0);
	cr_assert_str_eq(pi.addr, "/b");
	cr_assert_eq(pi.uid.kind, CONTRACT_ID_ANY);
}

Test(daemon_profile, ipc_ids_at_the_limit_and_one_past)
{
	struct profile_ipc pi;
	char	 want[256];

	cr_assert_eq(ipc_of("ipc/uid:4294967294\nipc/gid:4294967294\n", &pi),
	    0);
	cr_assert_eq(pi.uid.id, OPT_ID_MAX);
	cr_assert_eq(pi.gid.id, OPT_ID_MAX);
	cr_assert_eq(ipc_of("x\nipc/uid:4294967295\n", &pi), -1);
	snprintf(want, sizeof(want),
	    "%s:2: ipc/uid:4294967295: EINVAL: Invalid argument", path);
	cr_assert_str_eq(err, want);
	cr_assert_eq(ipc_of("ipc/gid:4294967295\n", &pi), -1);
	snprintf(want, sizeof(want),
	    "%s:1: ipc/gid:4294967295: EINVAL: Invalid argument", path);
	cr_assert_str_eq(err, want);
}

Test(daemon_profile, malformed_ipc_values_are_einval)
{
	static const char *const bad[] = { "ipc:\n", "ipc/uid:\n",
	    "ipc/uid:1000 \n", "ipc/uid: 1000\n", "ipc/uid:-1\n",
	    "ipc/uid:none\n", "ipc/gid:none\n", "ipc/gid:any\n",
	    "ipc/gid:1x\n" };
	struct profile_ipc pi;
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(ipc_of(bad[i], &pi), -1, "%s", bad[i]);
		cr_assert_not_null(strstr(err, ": EINVAL: Invalid argument"));
	}
}

Test(daemon_profile, nul_inside_an_ipc_line_is_einval)
{
	static const char bytes[] = "ipc:/a\0b\n";
	struct profile_ipc pi;
	char	 want[128];

	profile_free(&prof);
	cr_assert_eq(profile_read(&prof, file(bytes, sizeof(bytes) - 1), err,
	    sizeof(err)), 0);
	unlink(path);
	cr_assert_eq(profile_ipc(&prof, &pi, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "%s:1: ipc:/a\\x00b: EINVAL: Invalid argument", path);
	cr_assert_str_eq(err, want);
}

Test(daemon_profile, find_matches_source_and_line)
{
	const struct profile_line *l;

	cr_assert_eq(read_str("a\n#\nb\n"), 0);
	l = profile_find(&prof, (const uint8_t *)path, strlen(path), 3);
	cr_assert_not_null(l);
	cr_assert_str_eq(l->text, "b");
	cr_assert_null(profile_find(&prof, (const uint8_t *)path,
	    strlen(path), 2));
	cr_assert_null(profile_find(&prof, (const uint8_t *)path,
	    strlen(path) - 1, 3));
}



/*
 * Texts live in 1 MiB blocks: 300,000 lines (about 7 MB, longest lines
 * included) come back whole, each in place, across block boundaries.
 */
Test(daemon_profile, many_lines_across_text_blocks_stay_whole)
{
	enum { N = 300000 };
	struct buf	 b = BUF_INIT;
	char		 want[64], *longest;
	size_t		 i;

	longest = malloc(PROFILE_LINE_MAX + 1);
	cr_assert_not_null(longest);
	memset(longest, 'L', PROFILE_LINE_MAX);
	longest[PROFILE_LINE_MAX] = '\0';
	for (i = 0; i < N; i++) {
		if (i % 1000 == 999)
			cr_assert_eq(buf_printf(&b, "%s\n", longest), 0);
		else
			cr_assert_eq(buf_printf(&b, "allow/read+/x/%zu\n", i),
			    0);
	}
	profile_free(&prof);
	cr_assert_eq(profile_read(&prof, file(buf_head(&b), buf_unread(&b)),
	    err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert_eq(prof.n, N);
	for (i = 0; i < N; i++) {
		if (i % 1000 == 999) {
			line_is(i, (uint32_t)i + 1, longest);
			continue;
		}
		snprintf(want, sizeof(want), "allow/read+/x/%zu", i);
		line_is(i, (uint32_t)i + 1, want);
	}
	profile_free(&prof);
	cr_assert_eq(prof.n, 0);
	free(longest);
	buf_free(&b);
}
