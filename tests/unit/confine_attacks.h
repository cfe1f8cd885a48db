/*
 * What a taken-over listener or worker tries first, the same for both:
 * included by test_listener_confine.c and test_worker_confine.c after
 * they define T(), run_expect_exit() and run_expect_signal() for their
 * own process.
 */
#ifndef PRIVCONF_TESTS_CONFINE_ATTACKS_H
#define PRIVCONF_TESTS_CONFINE_ATTACKS_H

T(open_etc_passwd_fails_eacces)
{
	run_expect_exit(cc_body_open_passwd, EACCES);
}

T(create_file_fails_eacces)
{
	run_expect_exit(cc_body_open_create, EACCES);
}

T(stat_probe_fails_eacces)
{
	run_expect_exit(cc_body_stat, EACCES);
}

T(execve_is_killed)
{
	run_expect_signal(cc_body_execve, SIGSYS);
}

T(fork_is_killed)
{
	run_expect_signal(cc_body_fork, SIGSYS);
}

T(inet_socket_is_killed)
{
	run_expect_signal(cc_body_socket_inet, SIGSYS);
}

T(ptrace_is_killed)
{
	run_expect_signal(cc_body_ptrace, SIGSYS);
}

T(kill_of_parent_is_killed)
{
	run_expect_signal(cc_body_kill_parent, SIGSYS);
}

T(executable_mmap_is_killed)
{
	run_expect_signal(cc_body_mmap_exec, SIGSYS);
}

T(mprotect_to_executable_is_killed)
{
	run_expect_signal(cc_body_mprotect_exec, SIGSYS);
}

T(malloc_still_works)
{
	run_expect_exit(cc_body_malloc_large, 0);
}

/*
 * SANITIZE=1 builds: ASan's allocator replaces glibc's, and the filter
 * lets every madvise through for it (common/confine.c), so these two
 * check the sanitizer build's own promise instead.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CC_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CC_SANITIZER	1
#endif
#endif

T(malloc_trim_still_works)
{
#ifdef CC_SANITIZER
	cr_skip_test("SANITIZE=1: glibc's malloc_trim, which this checks, "
	    "is replaced by ASan's allocator");
#else
	run_expect_exit(cc_body_malloc_trim, 0);
#endif
}

T(madvise_mergeable_is_killed)
{
#ifdef CC_SANITIZER
	run_expect_exit(cc_body_madvise_mergeable, CC_SUCCEEDED);
#else
	run_expect_signal(cc_body_madvise_mergeable, SIGSYS);
#endif
}

T(mremap_to_a_fixed_address_is_killed)
{
	run_expect_signal(cc_body_mremap_fixed, SIGSYS);
}

T(setuid_root_is_killed)
{
	run_expect_signal(cc_body_setuid_root, SIGSYS);
}

T(connect_to_outside_abstract_socket_is_killed)
{
	int	 s = cc_outside_listener();

	run_expect_signal(cc_body_connect_abstract, SIGSYS);
	close(s);
}

#endif
