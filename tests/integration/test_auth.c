/*
 * docs/protocol.md section 2 step 3: SCM_CREDENTIALS authentication of every
 * chunk.  The "stranger" is a client whose uid the daemon was not told to
 * accept.  As root (CI), the stranger is a forked client that drops to
 * nobody (65534:65534) and the daemon keeps its default IPC uid, root's.
 * Not as root, we cannot become someone else, so the direction is turned
 * round: we are the stranger, and the daemon is told to expect another uid.
 * Abstract sockets, so that no file permission stands between the stranger
 * and the listener: these tests are about the listener's own check.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/limits.h"
#include "tests/integration/harness.h"

#define NOBODY	65534

static struct h_daemon	d;

static void
teardown(void)
{
	h_done(&d);
}

TestSuite(auth, .fini = teardown, .timeout = 120);

static uid_t
s_uid(void)
{
	return h_is_root() ? NOBODY : getuid();
}

static gid_t
s_gid(void)
{
	return h_is_root() ? NOBODY : getgid();
}

/* An id that is neither root's nor the stranger's. */
static char *
other_id(unsigned not)
{
	return h_printf("%u", not == 4242 ? 4243u : 4242u);
}

static char *
num(unsigned v)
{
	return h_printf("%u", v);
}

/* What the stranger gets for send. */
static void
stranger_expect(const void *send, size_t len, const char *want)
{
	struct h_bytes	b;
	int		r;

	r = h_request_as(s_uid(), s_gid(), d.addr, send, len, &b);
	cr_assert(r == 0, "stranger cannot connect to %s: %s", d.addr,
	    strerror(-r));
	h_assert_str(&b, want);
	h_bytes_free(&b);
}

static void
need_root(void)
{
	/* Only root can be root, or become two other users. */
	if (!h_is_root())
		cr_skip_test("needs root: the client must run as uid 0 or "
		    "change identity");
}

Test(auth, rejects_other_uid)
{
	if (h_is_root())
		h_start_abstract(&d, NULL);	/* IPC uid: root's */
	else
		h_start_abstract(&d, "--ipc-uid", other_id(getuid()), NULL);
	stranger_expect("ping\n", 5, H_AUTH);
}

Test(auth, rejects_other_uid_before_any_line_runs)
{
	if (h_is_root())
		h_start_abstract(&d, NULL);
	else
		h_start_abstract(&d, "--ipc-uid", other_id(getuid()), NULL);
	stranger_expect("prompt i\nping\nsandbox/read:off\nping\n", 36,
	    H_AUTH);
	/* Nothing of the refused chunk ran. */
	if (h_is_root())
		h_expect(d.addr, "sandbox/read?\n", H_ACK);
}

Test(auth, rejects_other_uid_on_blank_line)
{
	if (h_is_root())
		h_start_abstract(&d, NULL);
	else
		h_start_abstract(&d, "--ipc-uid", other_id(getuid()), NULL);
	stranger_expect("\n", 1, H_AUTH);
}

Test(auth, rate_is_checked_before_auth)
{
	char	*l;

	if (h_is_root())
		h_start_abstract(&d, NULL);
	else
		h_start_abstract(&d, "--ipc-uid", other_id(getuid()), NULL);
	l = h_repeat('x', IPC_LINE_MAX);
	l[IPC_LINE_MAX - 1] = '\n';
	stranger_expect(l, IPC_LINE_MAX, H_RATE);
	free(l);
}

Test(auth, refused_client_costs_nobody_else)
{
	int	fd;

	need_root();	/* two identities at once */
	h_start_abstract(&d, NULL);
	fd = h_connect(d.addr);
	h_sends(fd, "prompt i\nping\n");
	h_expect_read(fd, H_PONG);
	stranger_expect("ping\n", 5, H_AUTH);
	h_sends(fd, "ping\nquit\n");
	h_expect_closed(fd, H_PONG);
	h_expect(d.addr, "ping\n", H_PONG);
}

Test(auth, accepts_configured_uid)
{
	h_start_abstract(&d, "--ipc-uid", num(s_uid()), NULL);
	stranger_expect("ping\n", 5, H_PONG);
	stranger_expect("prompt i\nping\nsandbox/read?\nquit\n", 33,
	    H_PONG H_ACK);
}

Test(auth, ipc_uid_any_accepts_anyone)
{
	h_start_abstract(&d, "--ipc-uid", "any", NULL);
	stranger_expect("ping\n", 5, H_PONG);
	h_expect(d.addr, "ping\n", H_PONG);
}

Test(auth, accepts_matching_gid)
{
	h_start_abstract(&d, "--ipc-uid", "any", "--ipc-gid", num(s_gid()),
	    NULL);
	stranger_expect("ping\n", 5, H_PONG);
}

Test(auth, rejects_other_gid)
{
	h_start_abstract(&d, "--ipc-uid", "any", "--ipc-gid",
	    other_id(s_gid()), NULL);
	stranger_expect("ping\n", 5, H_AUTH);
}

Test(auth, uid_match_with_gid_mismatch_is_refused)
{
	h_start_abstract(&d, "--ipc-uid", num(s_uid()), "--ipc-gid",
	    other_id(s_gid()), NULL);
	stranger_expect("ping\n", 5, H_AUTH);
}

Test(auth, gid_match_with_uid_mismatch_is_refused)
{
	h_start_abstract(&d, "--ipc-uid", other_id(s_uid()), "--ipc-gid",
	    num(s_gid()), NULL);
	stranger_expect("ping\n", 5, H_AUTH);
}

Test(auth, uid_and_gid_match_is_accepted)
{
	h_start_abstract(&d, "--ipc-uid", num(s_uid()), "--ipc-gid",
	    num(s_gid()), NULL);
	stranger_expect("ping\n", 5, H_PONG);
}

Test(auth, root_always_passes)
{
	need_root();
	h_start_abstract(&d, "--ipc-uid", "65534", "--ipc-gid", "65534",
	    NULL);
	h_expect(d.addr, "ping\n", H_PONG);
	h_expect(d.addr, "sandbox/read?\n", H_ACK);
}

Test(auth, uid_zero_without_gid_zero_is_not_root)
{
	struct h_bytes	b;

	need_root();
	h_start_abstract(&d, "--ipc-uid", "65534", NULL);
	cr_assert(h_request_as(0, NOBODY, d.addr, "ping\n", 5, &b) == 0);
	h_assert_str(&b, H_AUTH);
	h_bytes_free(&b);
	/* And the other way round against the default IPC uid (0). */
	h_done(&d);
	h_start_abstract(&d, NULL);
	cr_assert(h_request_as(NOBODY, 0, d.addr, "ping\n", 5, &b) == 0);
	h_assert_str(&b, H_AUTH);
	h_bytes_free(&b);
}

Test(auth, path_socket_belongs_to_ipc_uid_mode_0600)
{
	struct h_bytes	b;
	struct stat	st;

	need_root();
	h_start(&d, "--ipc-uid", "65534", NULL);
	cr_assert(stat(d.path, &st) == 0, "%s: %s", d.path, strerror(errno));
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_uid, 65534, "owner %u", (unsigned)st.st_uid);
	/* Let nobody reach the socket through our private directory. */
	cr_assert(chmod(d.dir, 0711) == 0);
	cr_assert(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5, &b) == 0);
	h_assert_str(&b, H_PONG);
	h_bytes_free(&b);
}

Test(auth, path_socket_default_is_root_only_0600)
{
	struct h_bytes	b;
	struct stat	st;

	need_root();
	h_start(&d, NULL);
	cr_assert(stat(d.path, &st) == 0, "%s: %s", d.path, strerror(errno));
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_uid, 0, "owner %u", (unsigned)st.st_uid);
	cr_assert(chmod(d.dir, 0711) == 0);
	cr_assert_eq(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5, &b),
	    -EACCES, "nobody could connect to a 0600 root socket");
}

Test(auth, path_socket_with_ipc_gid_is_group_0660)
{
	struct h_bytes	b;
	struct stat	st;

	need_root();
	h_start(&d, "--ipc-uid", "any", "--ipc-gid", "65534", NULL);
	cr_assert(stat(d.path, &st) == 0, "%s: %s", d.path, strerror(errno));
	cr_assert_eq(st.st_mode & 07777, 0660, "mode %o", st.st_mode & 07777);
	cr_assert_eq(st.st_gid, 65534, "group %u", (unsigned)st.st_gid);
	cr_assert(chmod(d.dir, 0711) == 0);
	cr_assert(h_request_as(NOBODY, NOBODY, d.addr, "ping\n", 5, &b) == 0);
	h_assert_str(&b, H_PONG);
	h_bytes_free(&b);
}
