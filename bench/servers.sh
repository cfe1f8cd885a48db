# Sourced by bench/run.sh: start and stop the servers under test, each in
# $T (the run's temporary directory), each remembered in STARTED so that
# the exit trap stops exactly the processes this run started.
# Needs: T, B (build dir), LG (loadgen); bash.

STARTED=()

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

# Wait until the UNIX socket $1 exists (10 s at most).
wait_sock() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -S "$1" ] && return 0
		sleep 0.05
	done
	die "no socket $1 after 10 s"
}

# Stop one process this run started, politely, then not (20 s at most).
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 400; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

stop_all() {
	local pid
	for pid in "${STARTED[@]}"; do
		stop_pid "$pid"
	done
	STARTED=()
}

start_echo() {
	"$B/bench/echo_server" -s "$T/echo.sock" -t 3600 2>"$T/echo.log" &
	ECHO_PID=$!
	STARTED+=("$ECHO_PID")
	wait_sock "$T/echo.sock"
}

# Its own Redis: no TCP, no persistence, one key (EXISTS k answers :1).
start_redis() {
	redis-server --port 0 --unixsocket "$T/redis.sock" \
	    --unixsocketperm 700 --save '' --appendonly no --dir "$T" \
	    --logfile "$T/redis.log" --daemonize no &
	REDIS_PID=$!
	STARTED+=("$REDIS_PID")
	wait_sock "$T/redis.sock"
	[ "$(redis-cli -s "$T/redis.sock" SET k v)" = OK ] ||
		die "redis: SET k v failed"
}

# Its own HAProxy: one thread, the admin CLI, room for the clients;
# proc.x is set over the CLI, which needs experimental mode.
start_haproxy() {
	local out
	cat >"$T/haproxy.cfg" <<-EOF
	global
		nbthread 1
		maxconn 4000
		stats socket $T/haproxy.sock mode 600 level admin
		stats maxconn 2000
		stats timeout 60s
	defaults
		mode tcp
		timeout client 60s
		timeout connect 5s
		timeout server 60s
	EOF
	haproxy -db -f "$T/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
	HAPROXY_PID=$!
	STARTED+=("$HAPROXY_PID")
	wait_sock "$T/haproxy.sock"
	"$LG" -s "$T/haproxy.sock" -d haproxy -m oneshot -n 1 -t 5 \
	    -l 'experimental-mode on; set var proc.x str(hello)' >/dev/null ||
		die "haproxy: set var failed"
	out=$("$LG" -s "$T/haproxy.sock" -d haproxy -m oneshot -n 1 -t 5 \
	    -l 'get var proc.x')
	case "$out" in
	*'reply="proc.x: type=str value=<hello>|"'*) ;;
	*) die "haproxy: get var proc.x: $out" ;;
	esac
}

# start_privconfd NAME BUILD_DIR [privconfd options...]
# A privconfd in $T/NAME, socket $T/NAME/privconf.sock, log (appended, so
# it can be emptied between runs) $T/NAME/privconfd.log; sets PC_D,
# PC_L, PC_W: the pids of privconfd, its listener and its worker.  With
# RUN_AS set ("uid:gid"), privconfd runs as that user.
start_privconfd() {
	local name=$1 bdir=$2 dir=$T/$1 log i line
	shift 2
	mkdir -p "$dir"
	log=$dir/privconfd.log
	: >"$log"
	if [ -n "${RUN_AS:-}" ]; then
		chown "$RUN_AS" "$dir"
		setpriv --reuid="${RUN_AS%:*}" --regid="${RUN_AS#*:}" \
		    --clear-groups "$bdir/privconfd" -f \
		    -s "$dir/privconf.sock" "$@" 2>>"$log" &
	else
		"$bdir/privconfd" -f -s "$dir/privconf.sock" "$@" 2>>"$log" &
	fi
	PC_D=$!
	STARTED+=("$PC_D")
	# Ready when both children said how they are confined.
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -c 'op=confine ' "$log")" -ge 3 ] && break
		kill -0 "$PC_D" 2>/dev/null ||
			die "privconfd $name ended: $(cat "$log")"
		sleep 0.05
	done
	line=$(grep -m1 'op=serve .* worker=[0-9]* listener=[0-9]*' "$log") ||
		die "privconfd $name did not start: $(cat "$log")"
	# shellcheck disable=SC2034  # read by run.sh
	PC_W=$(echo "$line" | sed 's/.* worker=\([0-9]*\).*/\1/')
	# shellcheck disable=SC2034
	PC_L=$(echo "$line" | sed 's/.* listener=\([0-9]*\).*/\1/')
	wait_sock "$dir/privconf.sock"
	cp "$log" "$dir/privconfd.start.log"
}

# privconfd_trim PID LOG: the log grows by a line per command; keep it
# from filling the disk (all but the op=cmd lines stay, in LOG.kept),
# and stop if that privconfd is gone.
privconfd_trim() {
	grep -v ' op=cmd ' "$2" >>"$2.kept" || true
	kill -0 "$1" 2>/dev/null ||
		die "privconfd ended during the run: $(tail -5 "$2.kept")"
	: >"$2"
}
