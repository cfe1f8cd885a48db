#!/bin/sh
# Run criterion test binaries one after another and close with one line,
# "tests: N passed, M failed", the sum of every binary's Synthesis line.
# Exit status 1 when any test failed or crashed, or a binary failed.
# Binaries after an argument "--" run with the variables of $INTEG_ENV
# (VAR=VALUE words) added to their environment.
# A binary whose tests all pass shows its Synthesis line only: the log
# lines its tests expect (refusals, usage errors) are not results.  A
# binary with a failure, a crash or a bad exit shows everything it wrote.
set -u
passed=0 failed=0 bad=0 extra=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	if [ "$t" = "--" ]; then
		extra="${INTEG_ENV:-}"
		continue
	fi
	# shellcheck disable=SC2086
	env $extra "$t" --jobs 2 >"$log" 2>&1
	rc=$?
	line=$(grep 'Synthesis:' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "== $t"
		cat "$log"
		echo "$t: no Synthesis line (exit $rc)"
		bad=1
		continue
	fi
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f + c))
	if [ "$rc" -ne 0 ] || [ "$((f + c))" -ne 0 ]; then
		echo "== $t"
		cat "$log"
		bad=1
	else
		printf '%s: %s\n' "${t##*/}" \
		    "$(echo "$line" | sed 's/.*Synthesis: //')"
	fi
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
