#!/bin/bash
# bench/attack.sh: issue 8's attacks, measured against one build or two
# (docs/PERFORMANCE.md, "Attacks (issue 8)").
#
#	bench/attack.sh [-r REPS] [-p PARTS] [BUILD [OLD_BUILD]]
#
# BUILD (default: this tree's build/) is labelled "new", OLD_BUILD "old";
# each must hold privconfd, privconf-listener and privconf-worker.  The
# parts (default all three):
#
#  amp    finding 1, reply amplification: 256 rules of ~4 KB (`stat` is
#         ~1 MB); one client sends "prompt i" and 819 `stat` in one write
#         and never reads.
#  stats  64 connections each send "prompt i" and 4000 `stats` (empty
#         policy) and never read; --max-conn 80 --max-conn-per-uid 80.
#  fair   65,536 rules (the cap); one client pipelines 2000 removals of
#         the oldest rules (in one write), another sends `sandbox/read?`
#         one at a time on its own connection; 5 rounds per run, the
#         removed rules added back between rounds (not timed).
#
# amp and stats: the attackers hold at least 5 s, then until the RSS of
# the listener and the worker stops growing (at most 20 s), then leave;
# VmRSS is sampled every 100 ms; during the attack another client pings
# (one connection per ping, 2 s timeout) every 50 ms, and a third sends
# `sandbox/read?` the same way (a command the worker answers).  Reported:
# VmHWM of each child before, at the end of the attack and 2 s after the
# attackers left, with VmRSS then; p50/p99/max and timeouts of both
# probes (and the p50 of 20 pings before the attack).  fair: the other client's latency p50/p99/max
# over the queries it sent while removals were being answered, the time
# of the 2000 removals, and the same query alone (200 times) for reference.
#
# Every run has its own privconfd (root, children as nobody, as deployed),
# in a temporary directory; builds take turns going first; each part runs
# REPS times (default 3) per build.  One line per run, then the medians
# per build and the ratios new/old; the raw lines stay in
# build/bench/attack/results.txt.  About 2.5 minutes with two builds.
set -euo pipefail
export LC_ALL=C
trap 'echo "attack: failed at ${BASH_SOURCE[0]##*/}:$LINENO:" \
    "$BASH_COMMAND" >&2' ERR

REPS=3
PARTS="amp stats fair"
while getopts r:p: o; do
	case $o in
	r) REPS=$OPTARG ;;
	p) PARTS=$OPTARG ;;
	*) echo "usage: bench/attack.sh [-r REPS] [-p 'amp stats fair']" \
	    "[BUILD [OLD_BUILD]]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/bench/attack_client.py
declare -A BDIR
BDIR[new]=$(cd "${1:-$ROOT/build}" && pwd)
BUILDS=(new)
if [ $# -ge 2 ]; then
	BDIR[old]=$(cd "$2" && pwd)
	BUILDS=(old new)
fi
# shellcheck source=bench/servers.sh
source "$ROOT/bench/servers.sh"

[ "$(id -u)" = 0 ] || die "run as root: privconfd drops its children to nobody"
for b in "${BUILDS[@]}"; do
	for f in privconfd privconf-listener privconf-worker; do
		[ -x "${BDIR[$b]}/$f" ] || die "${BDIR[$b]}/$f missing: run make"
	done
done
command -v python3 >/dev/null || die "python3 missing"

T=$(mktemp -d /dev/shm/privconf-attack.XXXXXX 2>/dev/null) ||
	T=$(mktemp -d /tmp/privconf-attack.XXXXXX)
chmod 755 "$T"
# Every process this script starts is in STARTED (servers.sh) or is the
# one client in CLIENT; the clients' own children die with them.
CLIENT=""
cleanup() {
	if [ -n "$CLIENT" ]; then kill -KILL "$CLIENT" 2>/dev/null || true; fi
	stop_all
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RES=$ROOT/build/bench/attack
mkdir -p "$RES"
R=$RES/results.txt
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC') reps=$REPS parts=$PARTS" \
	    "cpus=$(nproc) kernel=$(uname -r)"
	for b in "${BUILDS[@]}"; do
		echo "# $b ${BDIR[$b]}" \
		    "$(git -C "${BDIR[$b]}" describe --always --dirty 2>/dev/null)"
	done
	echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$R"

# Profiles.  amp: 256 distinct rules with a 4000-byte path each; fair:
# the rule cap (docs/commands.md 3.3: POLICY_RULES_MAX = 65536).
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(256):
        f.write("allow/read+/%03d/%s\n" % (i, "a" * 3995))
with open(sys.argv[2], "w") as f:
    for i in range(65536):
        f.write("allow/read+/r/%d\n" % i)
' "$T/amp.conf" "$T/cap.conf"

# start_pc NAME BUILD_DIR [privconfd options...]: a privconfd in $T/NAME
# (socket privconf.sock, log privconfd.log); sets PC_D, PC_L, PC_W.  The
# children are found as privconfd's children by name, which old and new
# builds share (their "serving" log lines differ).
start_pc() {
	local name=$1 bdir=$2 dir=$T/$1 log i c comm
	shift 2
	mkdir -p "$dir"
	log=$dir/privconfd.log
	"$bdir/privconfd" -f -s "$dir/privconf.sock" "$@" 2>"$log" &
	PC_D=$!
	STARTED+=("$PC_D")
	# Ready when privconfd and both children said how they are confined.
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -c 'op=confine ' "$log")" -ge 3 ] && break
		kill -0 "$PC_D" 2>/dev/null ||
			die "privconfd $name ended: $(tail -5 "$log")"
		sleep 0.05
	done
	wait_sock "$dir/privconf.sock"
	PC_L="" PC_W=""
	# shellcheck disable=SC2013  # pids, space-separated
	for c in $(cat /proc/"$PC_D"/task/*/children); do
		comm=$(cat /proc/"$c"/comm 2>/dev/null) || continue
		case $comm in
		privconf-listen*) PC_L=$c ;;
		privconf-worker) PC_W=$c ;;
		esac
	done
	if [ -z "$PC_L" ] || [ -z "$PC_W" ]; then
		die "privconfd $name: no listener or worker: $(tail -5 "$log")"
	fi
}

# run PART BUILD REP: one privconfd, one client run, one results line.
run() {
	local part=$1 b=$2 rep=$3 opts=() cli=() out rc=0
	case $part in
	amp)	opts=(-P "$T/amp.conf") ;;
	stats)	opts=(--max-conn 80 --max-conn-per-uid 80) ;;
	fair)	opts=(-P "$T/cap.conf") ;;
	esac
	rm -rf "${T:?}/$b"
	start_pc "$b" "${BDIR[$b]}" "${opts[@]}"
	case $part in
	amp)	cli=(flood --conns 1 --line stat --count 819) ;;
	stats)	cli=(flood --conns 64 --line stats --count 4000) ;;
	fair)	cli=(fair --removals 2000) ;;
	esac
	[ "$part" = fair ] || cli+=(--listener "$PC_L" --worker "$PC_W")
	python3 "$PY" "${cli[@]:0:1}" "$T/$b/privconf.sock" "${cli[@]:1}" \
	    >"$T/out" 2>"$T/err" &
	CLIENT=$!
	wait "$CLIENT" || rc=$?
	CLIENT=""
	out=$(cat "$T/out")
	if [ "$rc" != 0 ] || [ -z "$out" ]; then
		say "$part $b: client failed ($rc): $(cat "$T/err")"
		say "privconfd log: $(grep -v ' op=cmd ' "$T/$b/privconfd.log" |
		    tail -5)"
		out="failed=1"
	fi
	local alive=1
	kill -0 "$PC_D" 2>/dev/null || alive=0
	if [ "$alive" = 0 ]; then
		say "$part $b: privconfd ended: $(grep -v ' op=cmd ' \
		    "$T/$b/privconfd.log" | tail -3)"
	fi
	stop_all
	echo "scenario=$part build=$b rep=$rep daemon_alive=$alive $out" |
	    tee -a "$R"
}

for part in $PARTS; do
	for ((rep = 1; rep <= REPS; rep++)); do
		# Builds take turns going first.
		if ((rep % 2)); then order=("${BUILDS[@]}")
		else order=(); for b in "${BUILDS[@]}"; do order=("$b" "${order[@]}"); done
		fi
		for b in "${order[@]}"; do
			run "$part" "$b" "$rep"
		done
	done
done
echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$R"
echo "# medians over $REPS runs (kB, microseconds, seconds)"
python3 "$PY" summary "$R" | tee "$RES/summary.txt"
