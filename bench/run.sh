#!/bin/bash
# make bench / make bench-quick: privconf against HAProxy's runtime API,
# Redis and a one-hop echo server, all on this machine, then a table and
# the RATIO / VALUE lines of issue 12 (docs/PERFORMANCE.md explains each).
#
#	bench/run.sh quick [PART...]	one round of 2 s runs, under 2 minutes
#	bench/run.sh full [PART...]	five rounds of 3 s runs; medians
#
# PART limits the run to some of: load (the rates, latencies and CPU
# against the other servers), idle (listener memory and idle clients),
# sys (system calls per command), cg (callgrind, instructions per
# command: no timing, so the quickest check of a change to the hot path).
#
# Within a round every test runs once per server, back to back, and the
# servers take turns going first, so that drift of a shared machine hits
# all of them alike; ratios are taken within a round, then the median.
# Every run is bounded in time (loadgen -t) and every server is this
# run's own, in a temporary directory, stopped on exit.  The raw results
# stay in build/bench/results-MODE/ (results.txt: a line per measurement).
set -euo pipefail
export LC_ALL=C
trap 'echo "bench: failed at ${BASH_SOURCE[0]##*/}:$LINENO:" \
    "$BASH_COMMAND" >&2' ERR

mode=${1:-quick}
[ $# -gt 0 ] && shift
PARTS=" ${*:-load idle sys cg} "
case "$mode" in
quick)	REPS=1 SECS=2 CG_N=5000 CG_IDLE=2000 SYS_SECS=1 ;;
full)	REPS=5 SECS=3 CG_N=20000 CG_IDLE=10000 SYS_SECS=2 ;;
*)	echo "usage: bench/run.sh quick|full [load idle sys cg]" >&2; exit 2 ;;
esac
part() { [[ "$PARTS" == *" $1 "* ]]; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
NB=$B/bench-nosandbox
LG=$B/bench/loadgen
RES=$B/bench/results-$mode
# shellcheck source=bench/servers.sh
source "$ROOT/bench/servers.sh"
# shellcheck source=bench/callgrind.sh
source "$ROOT/bench/callgrind.sh"
# shellcheck source=bench/rounds.sh
source "$ROOT/bench/rounds.sh"

# What the bench needs beyond make check's packages: as root, install what
# is missing; otherwise say how.
need_packages() {
	local p missing=""
	for p in haproxy redis-server redis-tools valgrind linux-perf; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] ||
		die "missing packages; run: sudo apt-get install$missing"
	say "installing:$missing"
	# shellcheck disable=SC2086
	(apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) \
	    >/dev/null || die "apt-get install$missing failed"
}

# How busy the machine is besides us: others' load moves every timing.
machine_load() {
	local psi=""
	[ -r /proc/pressure/cpu ] &&
		psi=$(sed -n 's/^some avg10=[^ ]* avg60=\([^ ]*\).*/\1/p' \
		    /proc/pressure/cpu)
	echo "# load at $1: $(cut -d' ' -f1-3 /proc/loadavg)" \
	    "(1, 5, 15 min); CPU pressure ${psi:-n/a}% (60 s)"
}

[ "$(id -u)" = 0 ] ||
	die "run as root: privconfd drops to nobody, callgrind runs as nobody"
need_packages
for f in "$B/privconfd" "$LG" "$B/bench/echo_server" "$NB/privconfd"; do
	[ -x "$f" ] || die "$f missing: run make bench"
done

# In memory when it can be: privconfd's log takes a line per command, and
# writing hundreds of megabytes back to disk would steal CPU from the runs.
T=$(mktemp -d /dev/shm/privconf-bench.XXXXXX 2>/dev/null) ||
	T=$(mktemp -d /tmp/privconf-bench.XXXXXX)
chmod 755 "$T"
trap 'stop_all; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
# Idle connections need a descriptor each, in loadgen and the listener.
ulimit -n "$(ulimit -Hn)"
IDLE_MAX=10000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10200 ]; then
	IDLE_MAX=$(($(ulimit -n) - 200))
	say "RLIMIT_NOFILE $(ulimit -n): idle test with $IDLE_MAX, not 10000"
fi
[ "$CG_IDLE" -le "$IDLE_MAX" ] || CG_IDLE=$IDLE_MAX
rm -rf "$RES"
mkdir -p "$RES"
R=$RES/results.txt
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC') mode=$mode reps=$REPS" \
	    "secs=$SECS cpus=$(nproc) kernel=$(uname -r) parts=$PARTS"
	echo "# $(haproxy -v | head -1)"
	echo "# $(redis-server --version)"
	echo "# privconf" \
	    "$(git -C "$ROOT" describe --always --dirty 2>/dev/null)"
	machine_load start
} >"$R"

PCONF=(--ipc-uid any --max-conn 20000 --max-conn-per-uid 20000)
if part load; then
	say "starting echo_server, redis-server, haproxy"
	start_echo
	start_redis
	start_haproxy
fi
if part load || part sys; then
	say "starting privconfd"
	start_privconfd main "$B" "${PCONF[@]}"
	PCM=("$PC_D" "$PC_L" "$PC_W")
fi
if part load; then
	run_load
fi
if part idle; then
	run_idle
fi
if part sys; then
	run_sys
fi
stop_all
if part cg; then
	say "callgrind: instructions per command (build/bench-nosandbox)"
	cg_run "$CG_N"
	# The raw outputs, for callgrind_annotate --auto=yes by line.
	rm -rf "$RES/cgout"
	cp -r "$T/cgout" "$RES/cgout"
fi

machine_load end >>"$R"
tops=("$RES"/callgrind-read-*.txt)
[ -e "${tops[0]}" ] || tops=()
awk -f "$ROOT/bench/report.awk" "$R" "${tops[@]}" | tee "$RES/report.txt"
[ "$FAILED" = 0 ] || die "some runs failed (see above); results in $RES"
