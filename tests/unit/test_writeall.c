/* write_all: every byte, or -1 with the reason. */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/writeall.h"

/* 1 MiB through a pipe (64 KiB at a time in the kernel): short writes. */
Test(writeall, a_pipe_gets_every_byte_in_order)
{
	static uint8_t	 big[1 << 20], back[1 << 20];
	size_t		 got = 0, i;
	ssize_t		 r;
	int		 p[2], st;
	pid_t		 pid;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + i / 251);
	cr_assert_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		_exit(write_all(p[1], big, sizeof(big)) == 0 ? 0 : 1);
	}
	close(p[1]);
	while ((r = read(p[0], back + got, sizeof(back) - got)) > 0)
		got += (size_t)r;
	close(p[0]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(got, sizeof(big));
	cr_assert_arr_eq(back, big, sizeof(big));
}

Test(writeall, errors_come_back_with_errno)
{
	int	 fd, p[2];

	/* Nothing to write: no write(2) at all, even on a bad descriptor. */
	cr_assert_eq(write_all(-1, NULL, 0), 0);
	errno = 0;
	cr_assert_eq(write_all(-1, "x", 1), -1);
	cr_assert_eq(errno, EBADF);
	fd = open("/dev/full", O_WRONLY);
	cr_assert_neq(fd, -1);
	errno = 0;
	cr_assert_eq(write_all(fd, "x", 1), -1);
	cr_assert_eq(errno, ENOSPC);
	close(fd);
	/* A reader gone: EPIPE (SIGPIPE ignored, as every process does). */
	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	close(p[0]);
	errno = 0;
	cr_assert_eq(write_all(p[1], "x", 1), -1);
	cr_assert_eq(errno, EPIPE);
	close(p[1]);
}
