/*
 * The socket address rules privconfd and privconfctl share: the default
 * address, paths and abstract names at the sun_path limit and one past.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/ipcaddr.h"

static char	 buf[256];

Test(daemon_ipcaddr, default_for_root_is_under_run)
{
	cr_assert_eq(ipcaddr_default(buf, sizeof(buf), 0, "/run/user/0"), 0);
	cr_assert_str_eq(buf, "/run/privconf/ipc.sock");
}

Test(daemon_ipcaddr, default_for_a_user_is_under_xdg_runtime_dir)
{
	cr_assert_eq(ipcaddr_default(buf, sizeof(buf), 1000,
	    "/run/user/1000"), 0);
	cr_assert_str_eq(buf, "/run/user/1000/privconf/ipc.sock");
}

Test(daemon_ipcaddr, default_without_usable_xdg_is_under_tmp)
{
	cr_assert_eq(ipcaddr_default(buf, sizeof(buf), 1000, NULL), 0);
	cr_assert_str_eq(buf, "/tmp/privconf-1000/ipc.sock");
	cr_assert_eq(ipcaddr_default(buf, sizeof(buf), 1000, ""), 0);
	cr_assert_str_eq(buf, "/tmp/privconf-1000/ipc.sock");
	/* The XDG spec: a relative value is ignored. */
	cr_assert_eq(ipcaddr_default(buf, sizeof(buf), 1000, "run/user"), 0);
	cr_assert_str_eq(buf, "/tmp/privconf-1000/ipc.sock");
}

Test(daemon_ipcaddr, default_that_does_not_fit_is_enametoolong)
{
	/* volatile: the size is the test's input, not a constant to check. */
	volatile size_t	 n = strlen("/run/privconf/ipc.sock");

	cr_assert_eq(ipcaddr_default(buf, n, 0, NULL), -1);
	cr_assert_eq(errno, ENAMETOOLONG);
	cr_assert_eq(ipcaddr_default(buf, n + 1, 0, NULL), 0);
	cr_assert_str_eq(buf, "/run/privconf/ipc.sock");
}

Test(daemon_ipcaddr, path_fills_sun_path_with_its_nul)
{
	struct sockaddr_un sun;
	socklen_t	 len;

	cr_assert_eq(ipcaddr_sockaddr("/tmp/x.sock", &sun, &len), 0);
	cr_assert_eq(sun.sun_family, AF_UNIX);
	cr_assert_str_eq(sun.sun_path, "/tmp/x.sock");
	cr_assert_eq(len, offsetof(struct sockaddr_un, sun_path) + 12);
}

Test(daemon_ipcaddr, path_at_the_limit_and_one_past)
{
	struct sockaddr_un sun;
	socklen_t	 len;
	char		 p[sizeof(sun.sun_path) + 1];

	cr_assert_eq(IPCADDR_PATH_MAX, sizeof(sun.sun_path) - 1);
	memset(p, 'p', IPCADDR_PATH_MAX);
	p[IPCADDR_PATH_MAX] = '\0';
	cr_assert_eq(ipcaddr_sockaddr(p, &sun, &len), 0);
	cr_assert_eq(len, sizeof(sun));
	cr_assert_eq(sun.sun_path[IPCADDR_PATH_MAX], '\0');
	p[IPCADDR_PATH_MAX] = 'p';
	p[IPCADDR_PATH_MAX + 1] = '\0';
	cr_assert_eq(ipcaddr_sockaddr(p, &sun, &len), -1);
	cr_assert_eq(errno, ENAMETOOLONG);
}

Test(daemon_ipcaddr, abstract_name_is_exact_without_padding)
{
	struct sockaddr_un sun;
	socklen_t	 len;

	cr_assert(ipcaddr_is_abstract("@x"));
	cr_assert(!ipcaddr_is_abstract("/x"));
	cr_assert_eq(ipcaddr_sockaddr("@privconf", &sun, &len), 0);
	cr_assert_eq(sun.sun_path[0], '\0');
	cr_assert(memcmp(sun.sun_path + 1, "privconf", 8) == 0);
	/* What socat ABSTRACT-CONNECT:privconf connects to: 1 + 8 bytes. */
	cr_assert_eq(len, offsetof(struct sockaddr_un, sun_path) + 9);
}

Test(daemon_ipcaddr, abstract_name_at_the_limit_and_one_past)
{
	struct sockaddr_un sun;
	socklen_t	 len;
	char		 a[sizeof(sun.sun_path) + 2];

	a[0] = '@';
	memset(a + 1, 'a', IPCADDR_ABSTRACT_MAX);
	a[1 + IPCADDR_ABSTRACT_MAX] = '\0';
	cr_assert_eq(ipcaddr_sockaddr(a, &sun, &len), 0);
	cr_assert_eq(len, sizeof(sun));
	a[1 + IPCADDR_ABSTRACT_MAX] = 'a';
	a[2 + IPCADDR_ABSTRACT_MAX] = '\0';
	cr_assert_eq(ipcaddr_sockaddr(a, &sun, &len), -1);
	cr_assert_eq(errno, ENAMETOOLONG);
}

Test(daemon_ipcaddr, empty_path_and_empty_name_are_einval)
{
	struct sockaddr_un sun;
	socklen_t	 len;

	cr_assert_eq(ipcaddr_sockaddr("", &sun, &len), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(ipcaddr_sockaddr("@", &sun, &len), -1);
	cr_assert_eq(errno, EINVAL);
}
