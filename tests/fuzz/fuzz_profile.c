/*
 * libFuzzer target for privconfd's profile reader (daemon/profile.c):
 * profile_read_limited() on arbitrary file contents, the bytes of every
 * -P profile and of the journal, read from a memfd as from the file.
 *
 * Beside it, the rules of daemon/profile.h written out again: lines end
 * at '\n' and are numbered from 1; a line starting with '#' and a line
 * of only space, \t, \r, \f (or none) is skipped; a kept line holds at
 * most PROFILE_LINE_MAX bytes (a comment any number); the file at most
 * max bytes; the last line may lack its newline, except for a journal
 * (a tail asked for), where it is not a line but the torn record, its
 * number and length reported.  Checked:
 *  - it fails exactly when a kept line is too long or the file too
 *    large, with the message that says which;
 *  - otherwise the lines are exactly the model's, their bytes, numbers
 *    and source, each NUL-terminated; profile_find() finds each of
 *    the first 64;
 *    the tail is the model's; profile_ipc() reads the last ipc: line;
 *  - everything is freed (LeakSanitizer).
 *
 * Input: a configuration byte (bit 0: a journal, with its tail; bits
 * 1-7: max, in units of 64 bytes, 0 for PROFILE_SIZE_MAX), then the
 * file.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <sys/mman.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "daemon/profile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_profile: " __VA_ARGS__);			\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define SOURCE	"fuzz.conf"

/* profile.h's blanks: space, \t, \r, \f; a NUL is not one. */
static bool
blank(const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\f')
			return false;
	return true;
}

static bool
kept(const uint8_t *p, size_t n)
{
	return !(n > 0 && p[0] == '#') && !blank(p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile	 p = PROFILE_INIT;
	struct profile_tail tail;
	struct profile_ipc ipc;
	const struct profile_line *l;
	const uint8_t	*f, *s, *nl, *last_ipc = NULL;
	char		 err[256];
	size_t		 n, max, k = 0, len, i;
	uint32_t	 lineno = 1;
	bool		 journal, too_long = false, too_big, ok;
	int		 fd, r;

	if (size < 1)
		return 0;
	journal = data[0] & 1;
	max = (data[0] >> 1) == 0 ? PROFILE_SIZE_MAX : (size_t)(data[0] >> 1) *
	    64;
	f = data + 1;
	n = size - 1;
	if ((fd = memfd_create("fuzz_profile", MFD_CLOEXEC)) == -1)
		FAIL("memfd_create");
	if (n > 0 && write(fd, f, n) != (ssize_t)n)
		FAIL("write");
	if (lseek(fd, 0, SEEK_SET) != 0)
		FAIL("lseek");
	r = profile_read_limited(&p, fd, SOURCE, max, journal ? &tail : NULL,
	    err, sizeof(err));
	close(fd);

	/* The model: too big, or a kept line too long anywhere. */
	too_big = n > max;
	for (s = f; s < f + n; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(f + n - s));
		len = nl != NULL ? (size_t)(nl - s) : (size_t)(f + n - s);
		if (!(len > 0 && s[0] == '#') && len > PROFILE_LINE_MAX)
			too_long = true;
		if (nl == NULL)
			break;
	}
	if (too_big || too_long) {
		if (r != -1)
			FAIL("read %zu bytes (max %zu)%s without an error", n,
			    max, too_long ? " with a line too long" : "");
		ok = (too_big && strstr(err, "larger than") != NULL) ||
		    (too_long && strstr(err, "line longer than") != NULL);
		if (!ok || strncmp(err, SOURCE, strlen(SOURCE)) != 0)
			FAIL("the error says \"%s\"", err);
		profile_free(&p);
		return 0;
	}
	if (r != 0)
		FAIL("refused a good file: %s", err);

	/* The lines, one by one. */
	for (s = f; s < f + n; s = nl + 1, lineno++) {
		nl = memchr(s, '\n', (size_t)(f + n - s));
		if (nl == NULL && journal) {
			if (tail.lineno != lineno ||
			    tail.len != (size_t)(f + n - s))
				FAIL("torn tail: line %u, %zu bytes; the model "
				    "says %u, %zu", tail.lineno, tail.len,
				    lineno, (size_t)(f + n - s));
			break;
		}
		len = nl != NULL ? (size_t)(nl - s) : (size_t)(f + n - s);
		if (!kept(s, len))
			goto next;
		if (k == p.n)
			FAIL("line %u missing", lineno);
		l = &p.lines[k++];
		if (l->lineno != lineno || l->len != len ||
		    memcmp(l->text, s, len) != 0 || l->text[len] != '\0' ||
		    strcmp(l->source, SOURCE) != 0)
			FAIL("line %u read as line %u of %u bytes", lineno,
			    l->lineno, l->len);
		/* profile_find is linear: the first lines only, or O(n^2). */
		if (k <= 64 && profile_find(&p, (const uint8_t *)SOURCE,
		    strlen(SOURCE), lineno) != l)
			FAIL("profile_find does not find line %u", lineno);
		if (len >= 4 && memcmp(s, "ipc:", 4) == 0)
			last_ipc = s;
	next:
		if (nl == NULL)
			break;
	}
	if (journal && (n == 0 || f[n - 1] == '\n') &&
	    (tail.len != 0 || tail.lineno != lineno))
		FAIL("no torn tail, yet %zu bytes at line %u", tail.len,
		    tail.lineno);
	if (journal && tail.size != n)
		FAIL("tail.size %zu of %zu", tail.size, n);
	if (k != p.n)
		FAIL("%zu lines read, the model has %zu", p.n, k);
	/* The last ipc: line's value, when every one is well formed. */
	if (profile_ipc(&p, &ipc, err, sizeof(err)) == 0 && last_ipc != NULL) {
		for (i = p.n; i-- > 0;)
			if (p.lines[i].len >= 4 &&
			    memcmp(p.lines[i].text, "ipc:", 4) == 0)
				break;
		if (ipc.addr != p.lines[i].text + 4)
			FAIL("profile_ipc's address is not the last ipc: line");
	}
	profile_free(&p);
	return 0;
}
