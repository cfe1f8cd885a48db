#!/bin/sh
# Run criterion test binaries one after another and close with one line,
# "tests: N passed, M failed", the sum of every binary's Synthesis line.
# Exit status 1 when any test failed or crashed, or a binary failed.
# Binaries after an argument "--" run with the variables of $INTEG_ENV
# (VAR=VALUE words) added to their environment.
set -u
passed=0 failed=0 bad=0 extra=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	if [ "$t" = "--" ]; then
		extra="${INTEG_ENV:-}"
		continue
	fi
	echo "== $t"
	# shellcheck disable=SC2086
	env $extra "$t" --jobs 2 >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep 'Synthesis:' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$t: no Synthesis line (exit $rc)"
		bad=1
		continue
	fi
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f + c))
	[ "$rc" -eq 0 ] || bad=1
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
