#!/bin/sh
# Run criterion test binaries and close with one line, "tests: N passed,
# M failed", the sum of every binary's Synthesis line.  Exit status 1
# when any test failed or crashed, or a binary failed.
# Binaries after an argument "--" run with the variables of $INTEG_ENV
# (VAR=VALUE words) added to their environment.
#
# $TEST_LANES (default 2) binaries run at a time, each with criterion's
# --jobs 2: most tests wait on a daemon more than they compute.  The
# reports come in the order of the arguments, whatever order the
# binaries end in.
# - test_limits starts first: its tests sleep through real timeouts (one
#   of 10 s) and use almost no CPU, so the others run beside it.
# - test_stale_roots runs alone, after the others: every privconfd sweeps
#   the stale roots it checks at start (its file says why).
# A binary whose tests all pass shows its Synthesis line only: the log
# lines its tests expect (refusals, usage errors) are not results.  A
# binary with a failure, a crash or a bad exit shows everything it wrote.
set -u
LANES=${TEST_LANES:-2}
FIRST="test_limits"
ALONE="test_stale_roots"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The queue: one line per binary, "INDEX KIND BINARY", KIND "i" after
# "--" (INTEG_ENV added), "u" before.
i=0 kind=u queue="" alone=""
for t in "$@"; do
	if [ "$t" = "--" ]; then
		kind=i
		continue
	fi
	i=$((i + 1))
	line="$i $kind $t"
	case " $FIRST " in
	*" ${t##*/} "*) queue="$line
$queue" ;;
	*)	case " $ALONE " in
		*" ${t##*/} "*) alone="$alone$line
" ;;
		*) queue="$queue$line
" ;;
		esac ;;
	esac
done
n=$i

# One binary: its output to $dir/INDEX.log, its exit status to .rc.
cat >"$dir/one" <<'EOF'
#!/bin/sh
dir=$1 idx=$2 kind=$3 bin=$4 extra=""
[ "$kind" = i ] && extra=${INTEG_ENV:-}
# shellcheck disable=SC2086	# VAR=VALUE words
env $extra "$bin" --jobs "${TEST_JOBS:-2}" >"$dir/$idx.log" 2>&1
echo $? >"$dir/$idx.rc"
EOF
chmod +x "$dir/one"
export INTEG_ENV
printf '%s' "$queue" | xargs -r -P "$LANES" -L 1 "$dir/one" "$dir"
printf '%s' "$alone" | while read -r idx kind bin; do
	"$dir/one" "$dir" "$idx" "$kind" "$bin"
done

passed=0 failed=0 bad=0
i=0
for t in "$@"; do
	[ "$t" = "--" ] && continue
	i=$((i + 1))
	log=$dir/$i.log
	rc=$(cat "$dir/$i.rc" 2>/dev/null || echo 127)
	line=$(grep 'Synthesis:' "$log" 2>/dev/null | tail -n 1)
	if [ -z "$line" ]; then
		echo "== $t"
		cat "$log" 2>/dev/null
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
