#!/bin/sh
# Build the libFuzzer targets of tests/fuzz/ into build/fuzz/ with clang,
# and nothing else: the Makefile's outputs are left alone.
#
#   tests/fuzz/build.sh          build fuzz_wire, fuzz_cmd, fuzz_decide,
#                                fuzz_conn
#   tests/fuzz/build.sh smoke    build, then run each over its seed corpus
#                                and 20000 inputs from a fixed seed; exit 1
#                                on any crash, leak or failed check
#
# Each target is one file linked with the sources of the one parser it
# drives (docs/design.md 1: a fuzz target links the logic of one process).
set -eu

cd "$(dirname "$0")/../.."
OUT=build/fuzz
CC=clang
PKGS="libseccomp libbsd-overlay msgpack"
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -Wall -Wextra
    -Werror -I."
# shellcheck disable=SC2086	# three package names
PKG_CFLAGS=$(pkg-config --cflags $PKGS)
# shellcheck disable=SC2086
PKG_LIBS=$(pkg-config --libs $PKGS)

WIRE_SRC="common/wire.c common/buf.c"
# The policy: every worker/ file but the process around it (main, the
# frame loop and its connection table, confinement), so a new command
# file is fuzzed without an edit.
CMD_SRC="$(ls worker/*.c | grep -v -e '/main\.c$' -e '/session\.c$' \
    -e '/conns\.c$' -e '/journal\.c$' -e '/confine\.c$' \
    -e '/handoff\.c$') common/buf.c
    common/decimal.c common/errtab.c common/log.c common/utf8.c"
# Not common/log.c: fuzz_conn.c has its own log_info, fatal, fatalx.
CONN_SRC="listener/conn.c listener/link.c listener/auth.c listener/line.c
    listener/prompt.c common/access.c common/buf.c common/decimal.c
    common/fdpass.c common/wire.c common/errtab.c common/utf8.c"

build() {
	name=$1
	shift
	# shellcheck disable=SC2086
	$CC $CFLAGS $PKG_CFLAGS "tests/fuzz/fuzz_$name.c" "$@" $PKG_LIBS \
	    -o "$OUT/fuzz_$name"
}

mkdir -p "$OUT"
# The three builds are independent: run them side by side.
# shellcheck disable=SC2086
build wire $WIRE_SRC & pw=$!
# shellcheck disable=SC2086
build cmd $CMD_SRC & pc=$!
# shellcheck disable=SC2086
build conn $CONN_SRC & pn=$!
# The decision against its oracle: the policy's sources, like fuzz_cmd.
# shellcheck disable=SC2086
build decide $CMD_SRC & pd=$!
fail=0
wait $pw || fail=1
wait $pc || fail=1
wait $pn || fail=1
wait $pd || fail=1
if [ $fail -ne 0 ]; then
	echo "fuzz: build failed" >&2
	exit 1
fi
echo "fuzz: built $OUT/fuzz_wire $OUT/fuzz_cmd $OUT/fuzz_decide" \
    "$OUT/fuzz_conn"

[ "${1:-}" = smoke ] || exit 0

# New inputs go to a scratch directory, never into the seed corpus; a
# UBSan report is a failure, as an ASan one is.
smoke() {
	name=$1
	maxlen=$2
	shift 2
	dir=$OUT/smoke/$name
	rm -rf "$dir"
	mkdir -p "$dir/new"
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$OUT/fuzz_$name" -seed=1 -runs=20000 -max_len="$maxlen" \
	    -timeout=30 -artifact_prefix="$dir/" "$@" "$dir/new" \
	    "tests/fuzz/corpus/$name" >"$dir/log" 2>&1
}

# No locals in sh: report reads its status from $2 only.
report() {
	name=$1
	dir=$OUT/smoke/$name
	if [ "$2" -eq 0 ]; then
		echo "fuzz_$name: ok, $(grep -o 'Done [0-9]* runs in .*' \
		    "$dir/log")"
		return 0
	fi
	echo "fuzz_$name: FAILED (exit $2), log $dir/log:"
	grep -E "^fuzz_$name:|ERROR|SUMMARY|runtime error|Test unit written" \
	    "$dir/log" | head -8 | sed 's/^/    /'
	return 1
}

# Two cores: fuzz_conn, the slowest, beside the three others in turn.
smoke conn 4200 -dict=tests/fuzz/conn.dict & pn=$!
sw=0
smoke wire 70000 || sw=$?
sc=0
smoke cmd 4200 -dict=tests/fuzz/cmd.dict || sc=$?
sd=0
smoke decide 2048 -dict=tests/fuzz/decide.dict || sd=$?
sn=0
wait $pn || sn=$?
fail=0
report wire $sw || fail=1
report cmd $sc || fail=1
report decide $sd || fail=1
report conn $sn || fail=1
exit $fail
