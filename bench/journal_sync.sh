#!/bin/sh
# Changes per second with 8 pipelining clients (depth 32, each adding and
# removing its own rule) for each --journal-sync mode, and without a
# journal as the baseline measured in the same run (issue 9).
#   bench/journal_sync.sh [BUILD_DIR [SECONDS]]     (after make all bench)
# The journal lives in a fresh directory under ${TMPDIR:-/tmp}: its file
# system decides what fdatasync costs.
set -eu
B=${1:-build}
T=${2:-5}
pid=""
d=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$d" ] && rm -rf "$d"
	return 0
}
trap cleanup EXIT INT TERM
base=""
for mode in none-journal always batch none; do
	d=$(mktemp -d "${TMPDIR:-/tmp}/privconf-jsync.XXXXXX")
	if [ "$mode" = none-journal ]; then
		set --
	else
		set -- -j "$d/journal" --journal-sync "$mode"
	fi
	"$B/privconfd" -f -s "$d/sock" "$@" 2>"$d/log" &
	pid=$!
	i=0
	while [ ! -S "$d/sock" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	out=$("$B/bench/loadgen" -s "$d/sock" -m pipe -c 8 -D 32 -t "$T" \
	    -l 'allow/read+/b/%c' -l 'allow/read-/b/%c')
	rate=$(echo "$out" | sed -n 's/.* per_s=\([0-9]*\).*/\1/p')
	p99=$(echo "$out" | sed -n 's/.* p99_us=\([0-9.]*\).*/\1/p')
	errors=$(echo "$out" | sed -n 's/.* errors=\([0-9]*\).*/\1/p')
	kill "$pid"
	wait "$pid" || true
	pid=""
	[ -z "$base" ] && base=$rate
	echo "VALUE changes_per_s_sync_$mode $rate p99_us=$p99 errors=$errors"
	[ "$mode" != none-journal ] &&
		echo "RATIO changes_sync_${mode}_vs_no_journal $(awk \
		    "BEGIN { printf \"%.3f\", $rate / $base }")"
	rm -rf "$d"
	d=""
done
