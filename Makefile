# privconf: one Makefile (docs/design.md section 7).
#   make          build everything into build/
#   make check    build and run every test (installs missing Debian packages as root)
#   make run      build and start privconfd in the foreground on ./run/privconf.sock
#   make unit, make integration   one half of make check
#   make install  PREFIX (default /usr/local) and DESTDIR, as usual
#   make bench    the benchmarks against HAProxy, Redis and an echo server
#                 (docs/PERFORMANCE.md); make bench-quick: one short round
#   SANITIZE=1    build everything with ASan and UBSan
#   make fuzz     the libFuzzer targets into build/fuzz/; make fuzz-long
#                 SECS=N runs each N seconds; make afl: the AFL++ builds

CC	?= cc
B	:= build
PKGS	:= libseccomp libbsd-overlay
# The last three only for the examples of README.md and docs/, which must
# work as written on a fresh machine: nc -N, socat, jq.
DEB_PKGS := libseccomp-dev libbsd-dev libmsgpack-dev libcriterion-dev pkg-config clang \
	    libclang-rt-14-dev mandoc libedit-dev netcat-openbsd socat jq

# make install: privconfd finds its children in ../libexec/privconf beside
# its own directory (daemon/spawn.c), so only PREFIX moves them all.
PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	 = $(PREFIX)/sbin
BINDIR	 = $(PREFIX)/bin
LIBEXECDIR = $(PREFIX)/libexec/privconf
MANDIR	 = $(PREFIX)/share/man
UNITDIR	 = $(PREFIX)/lib/systemd/system
SYSUSERSDIR = $(PREFIX)/lib/sysusers.d

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 \
	   -fstack-protector-strong -fPIE -I.
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
# Benchmarks only: children that skip Landlock and seccomp, so callgrind
# can write its output (common/confine.c).  Only into build/bench-nosandbox;
# make check proves the default binaries lack the switch.
NOSANDBOX_B := build/bench-nosandbox
ifeq ($(NOSANDBOX),1)
ifneq ($(B),$(NOSANDBOX_B))
$(error NOSANDBOX=1 builds into $(NOSANDBOX_B) only)
endif
CFLAGS	+= -DPRIVCONF_BENCH_NO_SANDBOX
endif
# AFL++ only: the children read their hostile side from stdin
# (worker/main.c, listener/main.c).  Only into build/afl; make check
# proves the default binaries lack the switch.
AFL_B	:= build/afl
ifeq ($(FUZZ_STDIN),1)
ifneq ($(B),$(AFL_B))
$(error FUZZ_STDIN=1 builds into $(AFL_B) only)
endif
CFLAGS	+= -DPRIVCONF_FUZZ_STDIN
endif
ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -O1
LDFLAGS	+= -fsanitize=address,undefined
# The integration harness keeps what it reads of logs until the test ends;
# leaks of the daemons themselves are checked by their unit tests.  ASan's
# SIGSEGV report would open files and die of SIGSYS under seccomp: the
# fail-closed tests want the SIGSEGV itself.
INTEG_ENV := ASAN_OPTIONS=detect_leaks=0:handle_segv=0
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS	+= $(PKG_CFLAGS)
LIBS	:= $(PKG_LIBS)
# msgpack-c: the reference our frame codec is tested against (test_wire).
TEST_LIBS := $(LIBS) $(shell pkg-config --libs msgpack criterion 2>/dev/null)
# libedit: line editing and history for privconfctl -i, client/ only.
EDIT_CFLAGS := $(shell pkg-config --cflags libedit 2>/dev/null)
EDIT_LIBS  := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)

COMMON_SRC   := $(wildcard common/*.c)
LISTENER_SRC := $(filter-out listener/main.c,$(wildcard listener/*.c))
WORKER_SRC   := $(filter-out worker/main.c,$(wildcard worker/*.c))
DAEMON_SRC   := $(filter-out daemon/main.c,$(wildcard daemon/*.c))
CLIENT_SRC   := $(filter-out client/main.c,$(wildcard client/*.c))
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
INTEG_SRC    := $(wildcard tests/integration/test_*.c)
INTEG_LIB    := $(filter-out $(INTEG_SRC),$(wildcard tests/integration/*.c))
# In every test binary: libgit2 starts at criterion's first diff only.
TEST_START   = $(call obj,tests/lazy_git.c)
BENCH_SRC    := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

LIBCOMMON   := $(B)/libcommon.a
LIBLISTENER := $(B)/liblistener.a
LIBWORKER   := $(B)/libworker.a
LIBDAEMON   := $(B)/libdaemon.a
LIBCLIENT   := $(B)/libclient.a
BINS	:= $(B)/privconfd $(B)/privconf-listener $(B)/privconf-worker \
	   $(B)/privconfctl
UNIT_BINS  := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
INTEG_BINS := $(patsubst tests/integration/%.c,$(B)/tests/integration/%,$(INTEG_SRC))
BENCH_BINS := $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRC))

.PHONY: all check unit integration run deps clean bench bench-quick \
	bench-build check-no-bench lint-man fuzz fuzz-smoke fuzz-long afl \
	check-no-fuzz-stdin install uninstall test-bins
all: $(BINS)

# Test and benchmark objects are made by pattern rules only, which would
# make them intermediate: deleted after each build, so rebuilt (and the
# binaries relinked) by every make check of an unchanged tree.
.SECONDARY: $(call obj,$(UNIT_SRC) $(INTEG_SRC) $(INTEG_LIB) $(BENCH_SRC)) \
	$(TEST_START)

# On a fresh Debian 12 machine, install what is missing (as root), or say how.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "installing:$$missing"; \
	        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || exit 1; \
	    else \
	        echo "missing packages; run: sudo apt-get install$$missing"; exit 1; \
	    fi; \
	fi

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
	@rm -f $@; ar rcs $@ $^
$(LIBLISTENER): $(call obj,$(LISTENER_SRC))
	@rm -f $@; ar rcs $@ $^
$(LIBWORKER): $(call obj,$(WORKER_SRC))
	@rm -f $@; ar rcs $@ $^
$(LIBDAEMON): $(call obj,$(DAEMON_SRC))
	@rm -f $@; ar rcs $@ $^
$(LIBCLIENT): $(call obj,$(CLIENT_SRC))
	@rm -f $@; ar rcs $@ $^
$(B)/obj/client/%.o: CFLAGS += $(EDIT_CFLAGS)

$(B)/privconf-listener: $(call obj,listener/main.c) $(LIBLISTENER) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/privconf-worker: $(call obj,worker/main.c) $(LIBWORKER) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
$(B)/privconfd: $(call obj,daemon/main.c) $(LIBDAEMON) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
# The client dispatches a line as the listener does (listener/line.c) and
# completes the worker's own words (worker/names.c): only those objects
# are taken from the two libraries.
CLIENT_LIBS := $(LIBCLIENT) $(LIBLISTENER) $(LIBWORKER) $(LIBCOMMON)
$(B)/privconfctl: $(call obj,client/main.c) $(CLIENT_LIBS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(EDIT_LIBS)

# A unit test links only the library its name starts with:
# test_listener_* liblistener, test_worker_* libworker, test_daemon_*
# libdaemon, test_client_* libclient (and what it takes from the others),
# others libcommon.
$(B)/tests/unit/test_client_%: $(B)/obj/tests/unit/test_client_%.o $(TEST_START) $(CLIENT_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(EDIT_LIBS)
$(B)/tests/unit/test_listener_%: $(B)/obj/tests/unit/test_listener_%.o $(TEST_START) $(LIBLISTENER) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/unit/test_worker_%: $(B)/obj/tests/unit/test_worker_%.o $(TEST_START) $(LIBWORKER) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/unit/test_daemon_%: $(B)/obj/tests/unit/test_daemon_%.o $(TEST_START) $(LIBDAEMON) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/unit/test_%: $(B)/obj/tests/unit/test_%.o $(TEST_START) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/integration/%: $(B)/obj/tests/integration/%.o $(TEST_START) $(call obj,$(INTEG_LIB)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/bench/%: $(B)/obj/bench/%.o $(LIBLISTENER) $(LIBWORKER) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Each test binary runs on its own and prints its criterion "Synthesis"
# line; tests/run.sh closes with the sum, "tests: N passed, M failed".
unit: $(UNIT_BINS)
	@sh tests/run.sh $(UNIT_BINS)
# The integration tests run build/privconfd, and (test_ops) make install,
# mandoc and the man pages of this tree.
TEST_ENV = PRIVCONF_BUILD=$(CURDIR)/$(B) PRIVCONF_SRC=$(CURDIR) \
	INTEG_ENV="$(INTEG_ENV)"
integration: $(BINS) $(INTEG_BINS)
	@$(TEST_ENV) sh tests/run.sh -- $(INTEG_BINS)
# libFuzzer targets (tests/fuzz/README.md): clang, ASan and UBSan, each
# harness linked with the sources of the one process (or parser) it
# drives, into build/fuzz/fuzz_NAME; objects shared in build/fuzz/obj.
FUZZ_CC	:= clang
FUZZ_B	:= build/fuzz
FUZZ_SAN := -g -O1 -fsanitize=address,undefined
FUZZ_CFLAGS := $(FUZZ_SAN) -fsanitize=fuzzer-no-link -std=gnu11 -Wall \
	-Wextra -Werror -I. $(PKG_CFLAGS)
fobj = $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(1))
# The policy: every worker/ file but the process around it.
FUZZ_POLICY := $(filter-out worker/main.c worker/session.c worker/conns.c \
	worker/journal.c worker/confine.c worker/handoff.c, \
	$(wildcard worker/*.c)) \
	common/buf.c common/decimal.c common/errtab.c common/log.c common/utf8.c \
	common/writeall.c
# fuzz_conn, fuzz_listener_link and fuzz_worker replace the log of the
# process they drive (tests/fuzz/fuzz_log.c).
FUZZ_LINK := listener/conn.c listener/link.c listener/auth.c \
	listener/line.c listener/prompt.c common/access.c common/buf.c \
	common/decimal.c common/fdpass.c common/wire.c common/errtab.c \
	common/utf8.c
FUZZ_SRC_wire	:= common/wire.c common/buf.c
FUZZ_SRC_cmd	:= $(FUZZ_POLICY)
FUZZ_SRC_decide	:= $(FUZZ_POLICY)
FUZZ_SRC_conn	:= $(FUZZ_LINK) tests/fuzz/fuzz_log.c
FUZZ_SRC_listener_link := $(FUZZ_LINK) tests/fuzz/fuzz_log.c
# The worker's library whole.
FUZZ_SRC_worker	:= $(filter-out worker/main.c worker/confine.c, \
	$(wildcard worker/*.c)) common/access.c common/buf.c \
	common/decimal.c common/errtab.c common/utf8.c common/wire.c \
	common/writeall.c tests/fuzz/fuzz_log.c
FUZZ_SRC_profile := daemon/profile.c daemon/options.c common/contract.c \
	common/access.c common/ipcaddr.c common/decimal.c common/errtab.c \
	common/log.c common/buf.c common/writeall.c
FUZZ_SRC_glob	:= worker/glob.c
FUZZ_SRC_netaddr := worker/netaddr.c
FUZZ_NAMES := wire cmd decide conn worker listener_link profile glob netaddr
FUZZ_BINS  := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_NAMES))

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
# Made by a chain of pattern rules: kept, not deleted as intermediate.
.PRECIOUS: $(FUZZ_B)/obj/%.o
.SECONDEXPANSION:
$(FUZZ_B)/fuzz_%: $$(call fobj,tests/fuzz/fuzz_$$*.c $$(FUZZ_SRC_$$*))
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz: $(FUZZ_BINS)
# Each target over its corpus and a fixed-seed run, well under a minute.
fuzz-smoke: fuzz
	@sh tests/fuzz/run.sh smoke
# Each target SECS seconds (default 600) from its corpus, two at a time.
fuzz-long: fuzz
	@sh tests/fuzz/run.sh long $(or $(SECS),600)

# privconf-worker and privconf-listener for afl-fuzz, reading their
# hostile side from stdin (tests/fuzz/README.md): Debian's afl++.
afl:
	@command -v afl-clang-fast >/dev/null || \
	    { echo "afl: install afl++ (apt-get install afl++)"; exit 1; }
	@$(MAKE) --no-print-directory B=$(AFL_B) FUZZ_STDIN=1 \
	    CC=afl-clang-fast $(AFL_B)/privconf-worker $(AFL_B)/privconf-listener

# The stdin switch must never reach a default build.
check-no-fuzz-stdin: $(BINS)
	@CC="$(CC)" CFLAGS="$(CFLAGS)" sh tests/fuzz/check-stdin.sh $(B)

lint-man:
	@set -e; for m in $(wildcard docs/*.[1-8]); do mandoc -T lint -W warning $$m; done

# The benchmark switch must never reach a default build: its log words are
# not in the binaries; and loadgen counts what echo_server echoes.
check-no-bench: $(BINS) $(B)/bench/loadgen $(B)/bench/echo_server
	@CC="$(CC)" CFLAGS="$(CFLAGS)" sh bench/check.sh $(B)

# One goal, so that an up-to-date tree says so once, not per binary.
test-bins: all $(UNIT_BINS) $(INTEG_BINS)
check: deps
	@$(MAKE) --no-print-directory test-bins
	@$(MAKE) --no-print-directory lint-man fuzz-smoke check-no-bench \
	    check-no-fuzz-stdin
	@$(TEST_ENV) sh tests/run.sh $(UNIT_BINS) -- $(INTEG_BINS)

# bench/run.sh installs haproxy, redis-server and valgrind when missing.
bench-build: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@$(MAKE) --no-print-directory B=$(NOSANDBOX_B) NOSANDBOX=1 all
bench: bench-build
	@bash bench/run.sh full
bench-quick: bench-build
	@bash bench/run.sh quick

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p run
	@echo "in another terminal: export PRIVCONF_SOCKET=$(CURDIR)/run/privconf.sock; $(CURDIR)/$(B)/privconfctl ping"
	./$(B)/privconfd -f -s ./run/privconf.sock -j ./run/journal

# Binaries, man pages, the systemd units (ExecStart= under PREFIX) and the
# sysusers snippet of the user the unit runs the children as.
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 0755 $(B)/privconfd $(DESTDIR)$(SBINDIR)/privconfd
	install -m 0755 $(B)/privconfctl $(DESTDIR)$(BINDIR)/privconfctl
	install -m 0755 $(B)/privconf-listener $(B)/privconf-worker \
	    $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 docs/privconfctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/privconf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/privconfd.8 $(DESTDIR)$(MANDIR)/man8/
	for u in privconfd.service privconfd.socket; do \
	    sed 's|/usr/local/sbin/|$(SBINDIR)/|' contrib/$$u \
	        >$(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 contrib/privconf.sysusers.conf \
	    $(DESTDIR)$(SYSUSERSDIR)/privconf.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/privconfd $(DESTDIR)$(BINDIR)/privconfctl \
	    $(DESTDIR)$(LIBEXECDIR)/privconf-listener \
	    $(DESTDIR)$(LIBEXECDIR)/privconf-worker \
	    $(DESTDIR)$(MANDIR)/man1/privconfctl.1 \
	    $(DESTDIR)$(MANDIR)/man5/privconf.5 \
	    $(DESTDIR)$(MANDIR)/man8/privconfd.8 \
	    $(DESTDIR)$(UNITDIR)/privconfd.service \
	    $(DESTDIR)$(UNITDIR)/privconfd.socket \
	    $(DESTDIR)$(SYSUSERSDIR)/privconf.conf
	-rmdir $(DESTDIR)$(LIBEXECDIR)

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj $(FUZZ_B)/obj -name '*.d' 2>/dev/null)
