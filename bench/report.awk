# bench/report.awk: the results of bench/run.sh (results.txt) as a table
# for people, then one RATIO or VALUE line per comparison for scripts.
# Rates and times are medians over the rounds; a ratio is taken within
# each round (the servers ran back to back), then its median.
#
# Input lines (bench/run.sh writes them):
#   M round=R test=T server=S <loadgen's key=value words>
#   I name=N proc=P instr=X ...	instructions per command (callgrind)
#   S test=T proc=P event=E count=C cmds=N	syscalls (perf)
# and, from any further file named callgrind-*.txt, its first lines: the
# top functions per command of that session and process.

function kv(line, key,    i, n, a) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++)
		if (index(a[i], key "=") == 1)
			return substr(a[i], length(key) + 2)
	return ""
}

function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) {
				t = a[i]; a[i] = a[j]; a[j] = t
			}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function add(arr, key, v) {
	arr[key] = (key in arr) ? arr[key] " " v : v
}

# Median of field f of test t on server s.
function med(t, s, f) {
	return median(vals[t SUBSEP s SUBSEP f])
}

function rate(v) {
	if (v == "")
		return "-"
	if (v >= 1e6)
		return sprintf("%.2fM/s", v / 1e6)
	return sprintf("%.1fk/s", v / 1e3)
}

function times(v) {
	return v == "" ? "-" : sprintf("%.2fx", v)
}

function num(v, fmt) {
	return v == "" ? "-" : sprintf(fmt, v)
}

function out(kind, name, v, fmt) {
	if (v == "")
		printf "%s %s n/a\n", kind, name
	else
		printf "%s %s " fmt "\n", kind, name, v
}

FILENAME ~ /callgrind-[^\/]*\.txt$/ {
	if (FNR <= 9)
		top = top "  " $0 "\n"
	next
}

/^# / {
	header = header $0 "\n"
	next
}

$1 == "M" {
	t = kv($0, "test"); s = kv($0, "server"); r = kv($0, "round")
	rounds[r] = 1
	split(kv($0, "srv_cpu_split"), sp, "/")
	nf = split("per_s p50_us p99_us p999_us srv_cpu_us rss_kb", f, " ")
	for (i = 1; i <= nf; i++) {
		v = kv($0, f[i])
		add(vals, t SUBSEP s SUBSEP f[i], v)
		one[t SUBSEP s SUBSEP r SUBSEP f[i]] = v
	}
	for (i = 1; i <= 3; i++)
		if (i in sp)
			add(vals, t SUBSEP s SUBSEP "cpu" i, sp[i])
	delete sp
	next
}

$1 == "I" {
	instr[kv($0, "name") SUBSEP kv($0, "proc")] = kv($0, "instr")
	if (kv($0, "idle") != "")
		cgidle = kv($0, "idle")
	next
}

$1 == "S" {
	t = kv($0, "test"); p = kv($0, "proc"); e = kv($0, "event")
	c = kv($0, "count"); n = kv($0, "cmds")
	if (n > 0 && c > 0)
		sys[t SUBSEP p SUBSEP e] = c / n
	events[e] = 1
	next
}

END {
	nr = 0
	for (r in rounds)
		if (r > 0)
			nr++
	printf "%s", header
	printf "privconf against HAProxy (get var proc.x), Redis (EXISTS k) " \
	    "and the echo server;\nmedians of %d round(s) on this machine; " \
	    "ratios within each round, then the median\n\n", nr

	split("pipe32 pipe32_ping pipe1 oneshot8 depth1 mut8", tests, " ")
	desc["pipe32"] = "pipelined depth 16, 32 clients, read"
	desc["pipe32_ping"] = "same, ping (privconf's listener only)"
	desc["pipe1"] = "pipelined depth 16, 1 client, read"
	desc["oneshot8"] = "one connection per command, 8 clients"
	desc["depth1"] = "depth 1, 1 client (request-reply)"
	desc["mut8"] = "mutations, 8 clients depth 16"
	printf "%-40s %9s %9s %9s %9s %7s %7s %7s\n", "test", "privconf",
	    "HAProxy", "Redis", "echo", "vs HAP", "vs Red", "vs echo"
	for (i = 1; i <= 6; i++) {
		t = tests[i]
		ps = t == "pipe32_ping" ? "pipe32" : t
		printf "%-40s %9s %9s %9s %9s %7s %7s %7s\n", desc[t],
		    rate(med(t, "privconf", "per_s")),
		    rate(med(ps, "haproxy", "per_s")),
		    rate(med(ps, "redis", "per_s")),
		    rate(med(ps, "echo", "per_s")),
		    times(xratio(t, ps, "haproxy")),
		    times(xratio(t, ps, "redis")),
		    times(xratio(t, ps, "echo"))
	}

	printf "\nlatency, us (p50 / p99 / p99.9)\n"
	split("pipe32 pipe1 oneshot8 depth1 half", lt, " ")
	desc["half"] = "pipe32 paced at half of privconf's peak"
	for (i = 1; i <= 5; i++) {
		t = lt[i]
		printf "%-40s", desc[t]
		split("privconf haproxy redis echo", sv, " ")
		for (j = 1; j <= 4; j++)
			printf " %s:%s/%s/%s", sv[j],
			    num(med(t, sv[j], "p50_us"), "%.0f"),
			    num(med(t, sv[j], "p99_us"), "%.0f"),
			    num(med(t, sv[j], "p999_us"), "%.0f")
		printf "\n"
	}

	printf "\nserver CPU per command, us (privconf: privconfd + " \
	    "listener + worker)\n"
	split("pipe32 pipe32_ping oneshot8 depth1 mut8", ct, " ")
	for (i = 1; i <= 5; i++) {
		t = ct[i]
		ps = t == "pipe32_ping" ? "pipe32" : t
		printf "%-40s privconf %s (%s + %s + %s)  HAProxy %s  " \
		    "Redis %s  echo %s\n", desc[t],
		    num(med(t, "privconf", "srv_cpu_us"), "%.2f"),
		    num(med(t, "privconf", "cpu1"), "%.2f"),
		    num(med(t, "privconf", "cpu2"), "%.2f"),
		    num(med(t, "privconf", "cpu3"), "%.2f"),
		    num(med(ps, "haproxy", "srv_cpu_us"), "%.2f"),
		    num(med(ps, "redis", "srv_cpu_us"), "%.2f"),
		    num(med(ps, "echo", "srv_cpu_us"), "%.2f")
	}

	r0 = med("idle0", "privconf-idle", "rss_kb")
	r1 = med("idle1000", "privconf-idle", "rss_kb")
	for (k in vals) {
		split(k, kk, SUBSEP)
		if (kk[1] ~ /^idle[0-9]+$/ && kk[1] != "idle0" &&
		    kk[1] != "idle1000") {
			ridle = kk[1]; nidle = substr(kk[1], 5)
		}
	}
	r2 = ridle != "" ? med(ridle, "privconf-idle", "rss_kb") : ""
	bpc = r2 != "" && r0 != "" && nidle > 0 ? \
	    (r2 - r0) * 1024 / nidle : ""
	printf "\nlistener RSS: %s kB idle, %s kB with 1000 idle " \
	    "connections, %s kB with %s: %s bytes per connection\n",
	    num(r0, "%d"), num(r1, "%d"), num(r2, "%d"), nidle,
	    num(bpc, "%.0f")
	idp = ratio2("idle_pipe32_many", "idle_pipe32_none")
	ido = ratio2("idle_oneshot8_many", "idle_oneshot8_none")
	printf "with %s idle connections held: pipelined reads at %s, " \
	    "one-shots at %s of the rate without\n", nidle, times(idp),
	    times(ido)

	printf "\ninstructions per command (callgrind; listener, worker)\n"
	nit = split("read ping mut oneshot depth1 idle_oneshot", it, " ")
	idesc["read"] = "pipelined sandbox/read?"
	idesc["ping"] = "pipelined ping"
	idesc["mut"] = "pipelined allow/read+ and -"
	idesc["oneshot"] = "one connection per sandbox/read?"
	idesc["depth1"] = "depth 1 sandbox/read?"
	idesc["idle_oneshot"] = "one-shot beside " cgidle " idle connections"
	for (i = 1; i <= nit; i++)
		printf "%-40s %8s %8s\n", idesc[it[i]],
		    num(instr[it[i] SUBSEP "listener"], "%d"),
		    num(instr[it[i] SUBSEP "worker"], "%d")
	printf "%-40s %8s %8s\n", "  of which the worker's log line", "",
	    num(instr["read_log" SUBSEP "worker"], "%d")
	if (top != "")
		printf "\nwhere a pipelined read goes (callgrind, self " \
		    "cost per command):\n%s", top

	printf "\nsystem calls per command (perf, syscall tracepoints): " \
	    "privconfd, listener, worker\n"
	split("pipe32 oneshot8 depth1", st, " ")
	split("privconfd listener worker", sp3, " ")
	for (i = 1; i <= 3; i++) {
		printf "%-40s", desc[st[i]]
		for (j = 1; j <= 3; j++)
			printf " %s", num(sys[st[i] SUBSEP sp3[j] SUBSEP \
			    "sys_enter"], "%.2f")
		printf "\n"
		for (j = 1; j <= 3; j++) {
			line = ""
			for (e in events) {
				v = sys[st[i] SUBSEP sp3[j] SUBSEP e]
				if (e != "sys_enter" && v >= 0.01)
					line = line sprintf(" %s %.2f", e, v)
			}
			if (line != "")
				printf "    %-10s%s\n", sp3[j], line
		}
	}

	printf "\n"
	rat("pipe32_read_vs_haproxy", "pipe32", "pipe32", "haproxy")
	rat("pipe32_read_vs_redis", "pipe32", "pipe32", "redis")
	rat("pipe32_read_vs_echo", "pipe32", "pipe32", "echo")
	rat("pipe32_ping_vs_haproxy", "pipe32_ping", "pipe32", "haproxy")
	rat("pipe32_ping_vs_echo", "pipe32_ping", "pipe32", "echo")
	rat("pipe1_read_vs_haproxy", "pipe1", "pipe1", "haproxy")
	rat("pipe1_read_vs_redis", "pipe1", "pipe1", "redis")
	rat("pipe1_read_vs_echo", "pipe1", "pipe1", "echo")
	rat("oneshot_vs_haproxy", "oneshot8", "oneshot8", "haproxy")
	rat("oneshot_vs_redis", "oneshot8", "oneshot8", "redis")
	rat("oneshot_vs_echo", "oneshot8", "oneshot8", "echo")
	rat("depth1_vs_haproxy", "depth1", "depth1", "haproxy")
	rat("depth1_vs_echo", "depth1", "depth1", "echo")
	rat("mut8_vs_haproxy", "mut8", "mut8", "haproxy")
	rat("mut8_vs_redis", "mut8", "mut8", "redis")
	# CPU: privconf's server CPU per command over HAProxy's (lower wins).
	out("RATIO", "pipe32_cpu_vs_haproxy", cratio("pipe32"), "%.2f")
	out("RATIO", "oneshot_cpu_vs_haproxy", cratio("oneshot8"), "%.2f")
	out("RATIO", "depth1_cpu_vs_haproxy", cratio("depth1"), "%.2f")
	out("RATIO", "idle10k_pipe32_read", idp, "%.2f")
	out("RATIO", "idle10k_oneshot", ido, "%.2f")
	val("pipe32_read_per_s", "pipe32", "per_s", "%.0f")
	val("pipe32_ping_per_s", "pipe32_ping", "per_s", "%.0f")
	val("pipe1_read_per_s", "pipe1", "per_s", "%.0f")
	val("oneshot_per_s", "oneshot8", "per_s", "%.0f")
	val("depth1_per_s", "depth1", "per_s", "%.0f")
	val("mut8_per_s", "mut8", "per_s", "%.0f")
	val("depth1_p99_us", "depth1", "p99_us", "%.1f")
	out("VALUE", "depth1_p99_us_haproxy", med("depth1", "haproxy",
	    "p99_us"), "%.1f")
	val("half_load_per_s", "half", "per_s", "%.0f")
	val("p50_us_half_load", "half", "p50_us", "%.1f")
	val("p99_us_half_load", "half", "p99_us", "%.1f")
	val("cpu_us_per_pipelined_read", "pipe32", "srv_cpu_us", "%.2f")
	val("cpu_us_per_oneshot", "oneshot8", "srv_cpu_us", "%.2f")
	val("cpu_us_per_depth1_read", "depth1", "srv_cpu_us", "%.2f")
	for (j = 1; j <= 3; j++)
		val("cpu_us_per_depth1_read_" sp3[j], "depth1", "cpu" j,
		    "%.2f")
	out("VALUE", "cpu_us_per_depth1_haproxy", med("depth1", "haproxy",
	    "srv_cpu_us"), "%.2f")
	out("VALUE", "listener_rss_kb_0", r0, "%d")
	out("VALUE", "listener_rss_kb_1000", r1, "%d")
	out("VALUE", "listener_rss_kb_" nidle, r2, "%d")
	out("VALUE", "listener_bytes_per_idle_conn", bpc, "%.0f")
	for (i = 1; i <= nit; i++)
		for (j = 2; j <= 3; j++)
			out("VALUE", "instr_per_" it[i] "_" sp3[j],
			    instr[it[i] SUBSEP sp3[j]], "%d")
	out("VALUE", "instr_per_read_worker_log",
	    instr["read_log" SUBSEP "worker"], "%d")
	for (i = 1; i <= 3; i++)
		for (j = 1; j <= 3; j++)
			out("VALUE", "syscalls_per_" st[i] "_" sp3[j],
			    sys[st[i] SUBSEP sp3[j] SUBSEP "sys_enter"], "%.3f")
}

# RATIO name: privconf on test t over server s on test ps.
function rat(name, t, ps, s) {
	out("RATIO", name, xratio(t, ps, s), "%.2f")
}

# VALUE name: privconf's median of field f on test t.
function val(name, t, f, fmt) {
	out("VALUE", name, med(t, "privconf", f), fmt)
}

# The median over the rounds of field f of (test ta, server sa) over
# field f of (test tb, server sb), both from the same round.
function rmed(ta, sa, tb, sb, f,    r, list, a, b) {
	list = ""
	for (r in rounds) {
		a = one[ta SUBSEP sa SUBSEP r SUBSEP f]
		b = one[tb SUBSEP sb SUBSEP r SUBSEP f]
		if (a != "" && b != "" && b + 0 > 0)
			list = list " " a / b
	}
	return median(list)
}

# privconf's rate on test t over server s's on test ps.
function xratio(t, ps, s) {
	return rmed(t, "privconf", ps, s, "per_s")
}

# privconf's server CPU per command over HAProxy's (lower is better).
function cratio(t) {
	return rmed(t, "privconf", t, "haproxy", "srv_cpu_us")
}

# The rate of test a over test b on the idle privconfd.
function ratio2(a, b) {
	return rmed(a, "privconf-idle", b, "privconf-idle", "per_s")
}
