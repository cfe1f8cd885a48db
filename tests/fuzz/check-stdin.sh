#!/bin/sh
# make check's guard of the AFL++ switch (PRIVCONF_FUZZ_STDIN: a child
# reads its hostile side from stdin, unconfined; worker/main.c,
# listener/main.c): its log word "fuzz-stdin" is in both mains compiled
# with the switch, so the test cannot pass by looking for the wrong word,
# and in no default binary.
# Usage: tests/fuzz/check-stdin.sh BUILD_DIR   (CC and CFLAGS from make)
set -eu
B=${1:?usage: tests/fuzz/check-stdin.sh BUILD_DIR}
word=fuzz-stdin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "check-no-fuzz-stdin: FAIL: $*"
	exit 1
}
for m in worker listener; do
	# shellcheck disable=SC2086
	${CC:-cc} ${CFLAGS:-} -DPRIVCONF_FUZZ_STDIN -c -o "$tmp/$m.o" \
	    "$m/main.c"
	grep -q "$word" "$tmp/$m.o" ||
		fail "a switched $m/main.c lacks \"$word\": update this test"
done
for f in "$B/privconfd" "$B/privconf-listener" "$B/privconf-worker" \
    "$B/privconfctl"; do
	! grep -q "$word" "$f" || fail "$f has the AFL++ stdin switch"
done
echo "check-no-fuzz-stdin: ok (no \"$word\" in $B)"
