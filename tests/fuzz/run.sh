#!/bin/sh
# Run the libFuzzer targets of tests/fuzz/, built by `make fuzz` into
# build/fuzz/ (tests/fuzz/README.md).  New inputs and findings go to
# build/fuzz/, never into the seed corpus.
#
#   tests/fuzz/run.sh smoke       each target over its seed corpus, then a
#                                 fixed number of inputs from -seed=1;
#                                 two at a time, well under a minute in
#                                 all; exit 1 on any crash, leak or
#                                 failed check (make check)
#   tests/fuzz/run.sh long SECS   each target SECS seconds from a copy of
#                                 its corpus, two at a time, with memory
#                                 limits; a summary line each (execs/s,
#                                 edges); exit 1 on any finding
#   tests/fuzz/run.sh smoke NAME..., long SECS NAME...   those targets
set -eu

cd "$(dirname "$0")/../.."
OUT=build/fuzz
D=tests/fuzz

# name, -max_len, smoke runs, options.  The smoke runs are set so that
# the targets take about 20 s of CPU in all (corpus included; make check
# on an unchanged tree stays under a minute), and the order so that the
# two lanes (odd and even lines) share it evenly: conn's corpus replay
# (450 inputs at ~100/s) is the longest part.
TARGETS="
conn 4200 400 -dict=$D/conn.dict
worker 8192 1500 -dict=$D/worker.dict -len_control=0
decide 2048 2000 -dict=$D/decide.dict
listener_link 4096 2000 -dict=$D/listener_link.dict
netaddr 512 20000 -dict=$D/netaddr.dict
cmd 16384 300 -dict=$D/cmd.dict -len_control=0
profile 20000 3000 -dict=$D/profile.dict
glob 512 20000 -dict=$D/glob.dict
wire 70000 4000 -dict=$D/wire.dict
"

mode=${1:-smoke}
[ $# -gt 0 ] && shift
secs=600
if [ "$mode" = long ] && [ $# -gt 0 ]; then
	secs=$1
	shift
fi
only="$*"

# One target: smoke or long; its status is the run's.
one() {
	name=$1
	maxlen=$2
	runs=$3
	shift 3
	dir=$OUT/$mode/$name
	rm -rf "$dir"
	mkdir -p "$dir/new"
	if [ "$mode" = smoke ]; then
		set -- -seed=1 -runs="$runs" "$@" "$dir/new" "$D/corpus/$name"
	else
		cp -r "$D/corpus/$name/." "$dir/new/"
		set -- -max_total_time="$secs" -rss_limit_mb=2048 \
		    -malloc_limit_mb=1024 -print_final_stats=1 "$@" "$dir/new"
	fi
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$OUT/fuzz_$name" -max_len="$maxlen" -timeout=30 \
	    -artifact_prefix="$dir/" "$@" >"$dir/log" 2>&1
}

report() {
	name=$1
	dir=$OUT/$mode/$name
	if [ "$2" -eq 0 ]; then
		if [ "$mode" = smoke ]; then
			echo "fuzz_$name: ok, $(grep -o 'Done [0-9]* runs in .*' \
			    "$dir/log")"
		else
			echo "fuzz_$name: ok, $(awk \
			    '/stat::number_of_executed_units/ { print $2 }' \
			    "$dir/log") runs, $(awk \
			    '/stat::average_exec_per_sec/ { print $2 }' \
			    "$dir/log") execs/s, $(grep -o 'cov: [0-9]*' \
			    "$dir/log" | tail -1 | cut -c6-) edges, corpus" \
			    "$(ls "$dir/new" | wc -l) files"
		fi
		return 0
	fi
	echo "fuzz_$name: FAILED (exit $2), log $dir/log:"
	grep -E "^fuzz_$name:|ERROR|SUMMARY|runtime error|Test unit written" \
	    "$dir/log" | head -8 | sed 's/^/    /'
	return 1
}

# Two lanes, one per core: the targets alternate between them.
lane() {
	i=0
	fail=0
	echo "$TARGETS" | while read -r name maxlen runs opts; do
		[ -n "$name" ] || continue
		case " ${only:-$name} " in *" $name "*) ;; *) continue ;; esac
		i=$((i + 1))
		[ $((i % 2)) -eq "$1" ] || continue
		st=0
		# shellcheck disable=SC2086	# the options are words
		one "$name" "$maxlen" "$runs" $opts || st=$?
		report "$name" "$st" || fail=1
		[ $fail -eq 0 ] || echo FAIL >"$OUT/$mode/.failed"
	done
}

for n in $(echo "$TARGETS" | awk 'NF { print $1 }'); do
	[ -x "$OUT/fuzz_$n" ] || { echo "fuzz: $OUT/fuzz_$n missing: make fuzz" >&2; exit 1; }
done
mkdir -p "$OUT/$mode"
rm -f "$OUT/$mode/.failed"
lane 0 & p0=$!
lane 1
wait $p0 || true
[ ! -e "$OUT/$mode/.failed" ]
