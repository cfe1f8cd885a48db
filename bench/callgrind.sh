# Sourced by bench/run.sh: instructions per command of the listener and
# the worker, counted by callgrind (docs/PERFORMANCE.md, "Instructions").
#
# Callgrind must open and write its output file when a child exits, which
# Landlock, seccomp, RLIMIT_FSIZE and a chroot forbid.  So the children
# come from build/bench-nosandbox (common/confine.c's benchmark switch,
# allowed by PRIVCONF_BENCH_NO_SANDBOX=1), privconfd runs as nobody (no
# chroot, no id change), and --libexec-dir points it at two wrappers
# that exec the real children under valgrind; fds 3 and 4 pass through.
#
# Each session is one privconfd: start, one loadgen run of N commands,
# SIGTERM (the children exit and callgrind writes).  A command costs
# (I(session) - I(base)) / N, where the base session runs no command:
# start-up and shutdown cancel, and the instruction counts repeat to a
# few parts in 10,000 between runs.
# Needs: T, B, NB (the bench-nosandbox build), LG, RES, CG_IDLE;
# servers.sh.

cg_setup() {
	local p
	mkdir -p "$T/cglib" "$T/cgout"
	chown 65534:65534 "$T/cgout"
	for p in listener worker; do
		cat >"$T/cglib/privconf-$p" <<-EOF
		#!/bin/sh
		exec valgrind -q --tool=callgrind --vgdb=no \\
		    --callgrind-out-file="\$PRIVCONF_BENCH_CG_OUT.$p" \\
		    "$NB/privconf-$p" "\$@"
		EOF
		chmod 755 "$T/cglib/privconf-$p"
	done
}

cg_total() {
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$1"
}

# cg_session NAME [loadgen options...]: one privconfd under callgrind.
cg_session() {
	local name=$1 out=$T/cgout/$1
	shift
	PRIVCONF_BENCH_NO_SANDBOX=1 PRIVCONF_BENCH_CG_OUT=$out \
	    RUN_AS=65534:65534 start_privconfd "cg-$name" "$NB" \
	    --libexec-dir "$T/cglib" --max-conn 20000 --max-conn-per-uid 20000
	local dir=$T/cg-$name
	if [ $# -gt 0 ] && ! "$LG" -s "$dir/privconf.sock" -t 300 "$@" \
	    >>"$dir/loadgen.out"; then
		die "callgrind $name: loadgen: $(cat "$dir/loadgen.out")"
	fi
	stop_pid "$PC_D"
	if ! [ -s "$out.listener" ] || ! [ -s "$out.worker" ]; then
		die "callgrind $name: no output:" \
		    "$(tail -5 "$dir/privconfd.log")"
	fi
}

# Self cost per function of one output file: "file:function<TAB>instr",
# sorted for join(1).
cg_functions() {
	callgrind_annotate --auto=no --threshold=100 "$@" 2>/dev/null | awk '
	    /^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]/ && !/PROGRAM TOTALS/ {
		n = $1; gsub(",", "", n)
		sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "")
		sub(/ \[.*\]$/, "")
		sub(/^.*\//, "")	# the file without its directories
		s[$0] += n
	    }
	    END { for (k in s) print k "\t" s[k] }' | sort -t '	' -k1,1
}

# cg_per_cmd NAME N [BASE [WORDS]]: an "I" line per process for session
# NAME against session BASE (default base), with WORDS added, and its top
# functions per command into $RES/callgrind-NAME-PROC.txt.
cg_per_cmd() {
	local name=$1 n=$2 from=${3:-base} words=${4:-} p base run f
	for p in listener worker; do
		base=$(cg_total "$T/cgout/$from.$p")
		run=$(cg_total "$T/cgout/$name.$p")
		echo "I name=$name proc=$p instr=$(( (run - base) / n ))" \
		    "n=$n base=$base run=$run $words" >>"$RES/results.txt"
		f=$RES/callgrind-$name-$p.txt
		{
			echo "# $p, session $name: instructions per command" \
			    "(self cost, session minus $from, / $n)"
			join -t '	' -a 1 -e 0 -o '0,1.2,2.2' \
			    <(cg_functions "$T/cgout/$name.$p") \
			    <(cg_functions "$T/cgout/$from.$p") |
			    awk -F '\t' -v n="$n" '{ d = ($2 - $3) / n;
				if (d >= 1) printf "%8.0f  %s\n", d, $1 }' |
			    sort -rn
		} >"$f"
	done
	# The worker's per-command log line, inclusive (log_info and below).
	if [ "$name" = read ]; then
		base=$(cg_inclusive log_info "$T/cgout/base.worker")
		run=$(cg_inclusive log_info "$T/cgout/read.worker")
		echo "I name=read_log proc=worker" \
		    "instr=$(( (${run:-0} - ${base:-0}) / n )) n=$n" \
		    >>"$RES/results.txt"
	fi
}

# cg_inclusive FUNCTION FILE: the inclusive cost of FUNCTION.
cg_inclusive() {
	callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$2" \
	    2>/dev/null | awk -v fn=":$1 " 'index($0, fn) && n == "" {
		n = $1; gsub(",", "", n) } END { print n + 0 }'
}

# All sessions; n is the number of pipelined commands per session.
cg_run() {
	local n=$1
	cg_setup
	say "callgrind: base session (no command)"
	cg_session base
	say "callgrind: $n pipelined reads, pings, mutations;" \
	    "$((n / 10)) one-shots; $((n / 4)) at depth 1"
	cg_session read -d privconf -c 1 -D 16 -n "$n" -l 'sandbox/read?'
	cg_session ping -d privconf -c 1 -D 16 -n "$n" -l ping
	cg_session mut -d privconf -c 1 -D 16 -n "$n" \
	    -l 'allow/read+/b/%c/%n' -l 'allow/read-/b/%c/%n'
	cg_session oneshot -d privconf -m oneshot -c 1 -n $((n / 10)) \
	    -l 'sandbox/read?'
	cg_session depth1 -d privconf -c 1 -D 1 -n $((n / 4)) \
	    -l 'sandbox/read?'
	# What idle clients cost a newcomer: one-shots with CG_IDLE idle
	# connections held, against the same idle connections alone.
	say "callgrind: $((n / 10)) one-shots beside $CG_IDLE idle connections"
	cg_session idle -d privconf -t 0 -I "$CG_IDLE" -l 'sandbox/read?'
	cg_session idle_oneshot -d privconf -I "$CG_IDLE" -m oneshot -c 1 \
	    -n $((n / 10)) -l 'sandbox/read?'
	cg_per_cmd read "$n"
	cg_per_cmd ping "$n"
	cg_per_cmd mut "$n"
	cg_per_cmd oneshot $((n / 10))
	cg_per_cmd depth1 $((n / 4))
	cg_per_cmd idle_oneshot $((n / 10)) idle "idle=$CG_IDLE"
}
