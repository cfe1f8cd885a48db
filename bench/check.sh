#!/bin/sh
# make check's part of the benchmarks; no timing, only facts.
#  1. The benchmark switch (PRIVCONF_BENCH_NO_SANDBOX, common/confine.c)
#     is in no default binary: its log word "off-bench" is absent, and
#     present when confine.c is compiled with the switch, so the test
#     cannot pass by looking for the wrong word.
#  2. loadgen against echo_server: a fixed number of lines, pipelined and
#     one connection each, all answered, each answer the expected one.
# Usage: bench/check.sh BUILD_DIR   (CC and CFLAGS from make)
set -eu
B=${1:?usage: bench/check.sh BUILD_DIR}
word=off-bench
tmp=$(mktemp -d)
es=""
cleanup() {
	[ -n "$es" ] && kill "$es" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "check-no-bench: FAIL: $*"
	exit 1
}

# shellcheck disable=SC2086
${CC:-cc} ${CFLAGS:-} -DPRIVCONF_BENCH_NO_SANDBOX -c -o "$tmp/confine.o" \
    common/confine.c
grep -q "$word" "$tmp/confine.o" ||
	fail "a switched confine.o lacks \"$word\": update this test"
for f in "$B/privconfd" "$B/privconf-listener" "$B/privconf-worker" \
    "$B/privconfctl" "$B/libcommon.a"; do
	! grep -q "$word" "$f" ||
		fail "$f has the benchmark switch (\"$word\")"
done

"$B/bench/echo_server" -s "$tmp/echo.sock" -t 60 &
es=$!
i=0
while [ ! -S "$tmp/echo.sock" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
# cmds=N counts the answers; odd=0: each one is the line sent.
want() {
	out=$("$B/bench/loadgen" -s "$tmp/echo.sock" -d echo -t 30 "$@") ||
		fail "loadgen $*: $out"
	case "$out" in
	*" cmds=$n "*" odd=0 errors=0 "*) ;;
	*) fail "loadgen $*: want cmds=$n odd=0 errors=0: $out" ;;
	esac
}
n=2000
want -m pipe -c 4 -D 16 -n $n -l 'sandbox/read?'
n=200
want -m oneshot -c 4 -n $n -l 'sandbox/read?'
echo "check-no-bench: ok (no \"$word\" in $B; loadgen and echo_server agree)"
