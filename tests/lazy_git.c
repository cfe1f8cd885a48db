/*
 * Linked into every criterion test binary: libgit2 starts only when
 * criterion first prints a diff.
 *
 * Criterion 2.4 calls git_libgit2_init() as each test process starts (it
 * runs every test in a fresh exec of the binary), and Debian's libgit2,
 * built on mbedtls, then parses every certificate of the system's CA
 * bundle: about 7 ms of CPU in each of the ~850 test processes of make
 * check, a fifth of the unit tests' time.  Criterion uses libgit2 for one
 * thing, git_diff_buffers(), the diff of a failed comparison of strings.
 * These definitions come before libgit2's in the dynamic linker's search
 * (the executable is searched first), so libcriterion calls them: the
 * start is deferred to the first diff, and the real functions are found
 * with dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <git2.h>

typedef int	diff_fn(const void *, size_t, const char *, const void *,
		    size_t, const char *, const git_diff_options *,
		    git_diff_file_cb, git_diff_binary_cb, git_diff_hunk_cb,
		    git_diff_line_cb, void *);

static int	started;

static void *
next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

int
git_libgit2_init(void)
{
	return 1;
}

int
git_libgit2_shutdown(void)
{
	int	(*real)(void);

	if (!started || (real = (int (*)(void))next("git_libgit2_shutdown")) == NULL)
		return 0;
	started = 0;
	return real();
}

int
git_diff_buffers(const void *old_buf, size_t old_len, const char *old_path,
    const void *new_buf, size_t new_len, const char *new_path,
    const git_diff_options *opts, git_diff_file_cb file_cb,
    git_diff_binary_cb binary_cb, git_diff_hunk_cb hunk_cb,
    git_diff_line_cb line_cb, void *payload)
{
	int	(*init)(void);
	diff_fn	*real;

	if (!started) {
		init = (int (*)(void))next("git_libgit2_init");
		if (init == NULL || init() < 0)
			return -1;
		started = 1;
	}
	real = (diff_fn *)next("git_diff_buffers");
	if (real == NULL)
		return -1;
	return real(old_buf, old_len, old_path, new_buf, new_len, new_path,
	    opts, file_cb, binary_cb, hunk_cb, line_cb, payload);
}
