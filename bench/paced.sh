#!/bin/bash
# Latency under paced load: privconf against echo_server at the same
# absolute rates, 1/2, 1/4, 1/8 and 1/16 of privconf's closed-loop peak
# (32 clients, depth 16, SECS-second runs), so that what the second hop
# costs in p99 is told apart from what the machine costs
# (docs/PERFORMANCE.md, the third round).
#
#	bench/paced.sh [BUILD_DIR [SECS]]	default build, 3
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
SECS=${2:-3}
LG=$B/bench/loadgen
for f in "$B/privconfd" "$LG" "$B/bench/echo_server"; do
	[ -x "$f" ] || { echo "paced: $f missing: make bench-build" >&2; exit 1; }
done
T=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait; rm -rf "$T"' EXIT
"$B/privconfd" -f -s "$T/p.sock" 2>"$T/privconfd.log" &
pids+=($!)
"$B/bench/echo_server" -s "$T/e.sock" -t 3600 2>"$T/echo.log" &
pids+=($!)
for s in p e; do
	for _ in $(seq 100); do [ -S "$T/$s.sock" ] && break; sleep 0.05; done
done
run() {	# SOCKET DIALECT [loadgen options]
	local sock=$1 d=$2
	shift 2
	"$LG" -s "$sock" -d "$d" -c 32 -D 16 -t "$SECS" -l 'sandbox/read?' "$@"
}
peak=$(run "$T/p.sock" privconf | sed -n 's/.* per_s=\([0-9]*\) .*/\1/p')
echo "privconf closed-loop peak: $peak/s"
printf '%-10s %-8s %9s %9s %9s %9s\n' rate server per_s p50_us p99_us p999_us
for frac in 2 4 8 16; do
	r=$((peak / frac))
	for s in privconf echo; do
		[ "$s" = privconf ] && sock=$T/p.sock || sock=$T/e.sock
		run "$sock" "$s" -r "$r" | awk -v r="$r" -v s="$s" '{
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%-10s %-8s %9s %9s %9s %9s\n", r, s, v["per_s"],
			    v["p50_us"], v["p99_us"], v["p999_us"] }'
	done
done
