# Sourced by bench/run.sh: the timed measurements.  Each loadgen run
# appends one "M" line to $R; see bench/report.awk for what is read.
# Needs: T, R, RES, LG, SECS, SYS_SECS, REPS, IDLE_MAX, PCONF, PCM (the
# main privconfd's pids), the servers of servers.sh.

# The lines each server is asked, per kind of test.
lines() {
	case "$1:$2" in
	privconf:read | echo:read | privconf-idle:read)
		L=(-l 'sandbox/read?') ;;
	haproxy:read)	L=(-l 'get var proc.x') ;;
	redis:read)	L=(-l 'EXISTS k') ;;
	privconf:mut)
		L=(-l 'allow/read+/b/%c/%n' -l 'allow/read-/b/%c/%n') ;;
	haproxy:mut)	L=(-l 'set var proc.y str(%n)') ;;
	redis:mut)	L=(-l 'SADD s%c %n' -l 'SREM s%c %n') ;;
	esac
}

# lg ROUND TEST SERVER [loadgen options]: one run, one results line; the
# loadgen line is left in OUT.
FAILED=0
lg() {
	local round=$1 test=$2 server=$3 sock pids dialect log="" daemon
	shift 3
	case "$server" in
	privconf)
		sock=$T/main/privconf.sock dialect=privconf
		pids=${PCM[0]},${PCM[1]},${PCM[2]} daemon=${PCM[0]}
		log=$T/main/privconfd.log ;;
	privconf-idle)
		sock=$T/idle/privconf.sock dialect=privconf
		pids=${PCI[0]},${PCI[1]},${PCI[2]} daemon=${PCI[0]}
		log=$T/idle/privconfd.log ;;
	haproxy) sock=$T/haproxy.sock dialect=haproxy pids=$HAPROXY_PID ;;
	redis)	sock=$T/redis.sock dialect=redis pids=$REDIS_PID ;;
	echo)	sock=$T/echo.sock dialect=echo pids=$ECHO_PID ;;
	esac
	if ! OUT=$("$LG" -L "$test" -s "$sock" -d "$dialect" -P "$pids" \
	    -t "$SECS" "$@" 2>&1); then
		say "FAILED: $test $server: $OUT"
		FAILED=1
	fi
	case "$OUT" in
	*" odd=0 errors=0 "*) ;;
	*) say "warning: $test $server: wrong or lost replies: $OUT" ;;
	esac
	echo "M round=$round test=$test server=$server $OUT" >>"$R"
	[ -z "$log" ] || privconfd_trim "$daemon" "$log"
}

per_s() { sed -n 's/.* per_s=\([0-9]*\) .*/\1/p' <<<"$1"; }

# The servers in turn, the first one moving on each round.
rotate() {
	local r=$1 i
	shift
	local a=("$@")
	for ((i = 0; i < ${#a[@]}; i++)); do
		echo "${a[$(((i + r) % ${#a[@]}))]}"
	done
}

# The rates, latencies and CPU of privconf against the other servers,
# round by round.
run_load() {
	local round s peak=2
	local all=(privconf haproxy redis echo)
	for ((round = 1; round <= REPS; round++)); do
		say "round $round of $REPS ($SECS s runs)"
		for s in $(rotate "$round" "${all[@]}"); do
			lines "$s" read
			lg "$round" pipe32 "$s" -c 32 -D 16 "${L[@]}"
			[ "$s" = privconf ] || continue
			peak=$(per_s "$OUT")
			lg "$round" pipe32_ping privconf -c 32 -D 16 -l ping
		done
		for s in $(rotate "$round" "${all[@]}"); do
			lines "$s" read
			lg "$round" pipe1 "$s" -c 1 -D 16 "${L[@]}"
		done
		for s in $(rotate "$round" "${all[@]}"); do
			lines "$s" read
			lg "$round" oneshot8 "$s" -m oneshot -c 8 "${L[@]}"
		done
		for s in $(rotate "$round" "${all[@]}"); do
			lines "$s" read
			lg "$round" depth1 "$s" -c 1 -D 1 "${L[@]}"
		done
		for s in $(rotate "$round" privconf haproxy redis); do
			lines "$s" mut
			lg "$round" mut8 "$s" -c 8 -D 16 "${L[@]}"
		done
		# Half of this round's peak, paced; latency counts from when
		# each line was due, so a server that falls behind shows it.
		lines privconf read
		lg "$round" half privconf -c 32 -D 16 -r $((peak / 2)) \
		    "${L[@]}"
	done
}

# Memory and the cost of idle clients, on a privconfd of its own so that
# the listener's memory is not what the pipelined runs left behind.
run_idle() {
	local round n
	say "listener memory with 0, 1000 and $IDLE_MAX idle connections"
	start_privconfd idle "$B" "${PCONF[@]}"
	PCI=("$PC_D" "$PC_L" "$PC_W")
	lines privconf-idle read
	for n in 0 1000 "$IDLE_MAX"; do
		lg 0 "idle$n" privconf-idle -t 0 -I "$n" -M "${PCI[1]}" \
		    "${L[@]}"
	done
	for ((round = 1; round <= REPS; round++)); do
		lg "$round" idle_pipe32_none privconf-idle -c 32 -D 16 \
		    "${L[@]}"
		lg "$round" idle_pipe32_many privconf-idle -c 32 -D 16 \
		    -I "$IDLE_MAX" "${L[@]}"
		lg "$round" idle_oneshot8_none privconf-idle -m oneshot -c 8 \
		    "${L[@]}"
		lg "$round" idle_oneshot8_many privconf-idle -m oneshot -c 8 \
		    -I "$IDLE_MAX" "${L[@]}"
	done
	stop_pid "${PCI[0]}"

}

# System calls per command, from the kernel's syscall tracepoints.
sys_run() {
	local test=$1 ev="raw_syscalls:sys_enter" sc perfpid total i
	local names=(privconfd listener worker)
	shift
	for sc in read write readv writev recvfrom sendto recvmsg sendmsg \
	    epoll_wait epoll_pwait epoll_ctl poll ppoll accept4 close shutdown \
	    getsockopt; do
		[ -d "/sys/kernel/tracing/events/syscalls/sys_enter_$sc" ] &&
			ev="$ev,syscalls:sys_enter_$sc"
	done
	perf stat -x, --per-thread -e "$ev" \
	    -p "${PCM[0]},${PCM[1]},${PCM[2]}" -o "$RES/perf-$test.txt" &
	perfpid=$!
	STARTED+=("$perfpid")
	sleep 0.3
	SECS=$SYS_SECS lg 0 "sys_$test" privconf -w 0 "$@"
	kill -INT "$perfpid"
	wait "$perfpid" || true
	total=$(sed -n 's/.* total=\([0-9]*\) .*/\1/p' <<<"$OUT")
	# perf names threads comm-tid; the comm is cut to 15 bytes.
	for i in 0 1 2; do
		grep -- "-${PCM[$i]}," "$RES/perf-$test.txt" |
		    awk -F, -v t="$test" -v p="${names[$i]}" -v n="$total" '{
			e = $4; sub(/^.*:(sys_enter_)?/, "", e)
			print "S test=" t " proc=" p " event=" e \
			    " count=" $2 " cmds=" n }' >>"$R"
	done
}

run_sys() {
	if ! perf stat -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
		say "perf cannot count syscall tracepoints: no syscall figures"
		return 0
	fi
	say "system calls per command (perf stat, syscall tracepoints)"
	lines privconf read
	sys_run pipe32 -c 32 -D 16 "${L[@]}"
	sys_run oneshot8 -m oneshot -c 8 "${L[@]}"
	sys_run depth1 -c 1 -D 1 "${L[@]}"
}
