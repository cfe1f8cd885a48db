/*
 * The log of the process a harness drives, replaced (fuzz_conn,
 * fuzz_listener_link, fuzz_worker): the info and warning lines are
 * dropped, a line per refused input would bury the fuzzer's own output;
 * fatal() and an unexpected fatalx() abort with their stack.  A process
 * that ends a session with a hostile peer by fatalx("op=..."), the
 * worker's "op=protocol" or the listener's "op=link", comes back
 * through longjmp while fuzz_fatal_expect names that prefix, and the
 * harness's model says whether the input deserved it.
 */
#ifndef PRIVCONF_FUZZ_LOG_H
#define PRIVCONF_FUZZ_LOG_H

#include <setjmp.h>

extern jmp_buf		 fuzz_fatal_jmp;
/* The expected fatalx's message, once it came. */
extern char		 fuzz_fatal_msg[256];
/* NULL: every fatalx aborts; else the one prefix that longjmps, once. */
extern const char	*fuzz_fatal_expect;

#endif
