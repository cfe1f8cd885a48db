#!/usr/bin/env python3
"""attack_client: the clients of bench/attack.sh (issue 8's attacks).

  attack_client.py flood SOCK --conns N --line LINE --count K
      N connections each send "prompt i\\n" then K copies of LINE in one
      write and never read; meanwhile another client pings (one connection
      per ping, non-interactive) every 50 ms, a third sends "sandbox/read?"
      the same way, and the listener's and the worker's VmRSS/VmHWM are
      sampled every 100 ms.  The attackers stay at least --min-hold s,
      then until RSS stops growing, at most --max-hold s; then they
      disconnect and, --after s later, RSS is read once more.  One line of
      key=value words on stdout.
  attack_client.py fair SOCK --removals N --rounds R
      One client sends "prompt i\\n" and N lines "allow/read-/r/I" in one
      write and reads the N replies; another client, on its own prompt-i
      connection, sends "sandbox/read?" and waits for the reply, again and
      again until the first has all of its replies; the latencies of the
      queries sent before that count.  Then the first adds the N rules back
      (not timed) and the next round removes the next N.  First the same
      query alone (--idle queries) for reference.  One line on stdout.
  attack_client.py summary FILE
      Medians per build and scenario of the lines FILE holds, and new/old.

Each side is its own process (fork), so that no client waits for another's
Python lock; the children die with the parent (PR_SET_PDEATHSIG).
"""
import argparse
import ctypes
import json
import math
import os
import select
import signal
import socket
import sys
import threading
import time

PONG = b'{"err":0,"msg":"PONG"}\n'


def die_with_parent():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(fn, *args):
    """Run fn(*args, wf) in a child process.  Returns (pid, ctl, rf):
    closing the fd ctl ends the child's stdin (its cue to finish); what
    it writes to wf (lines) the parent reads from rf."""
    cr, cw = os.pipe()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(cw)
        os.close(r)
        os.dup2(cr, 0)
        os.close(cr)
        sys.stdin = os.fdopen(0, "r")
        die_with_parent()
        code = 0
        try:
            with os.fdopen(w, "w", buffering=1) as wf:
                fn(*args, wf)
        except BaseException as e:  # noqa: BLE001 -- report, then leave
            sys.stderr.write("attack_client: child: %r\n" % (e,))
            code = 1
        os._exit(code)
    os.close(cr)
    os.close(w)
    return pid, cw, os.fdopen(r, "r")


def pctl(v, q):
    """Nearest-rank percentile of a sorted list."""
    if not v:
        return float("nan")
    i = max(0, min(len(v) - 1, math.ceil(q * len(v) - 1e-9) - 1))
    return v[i]


def lat_summary(lat_us, prefix):
    v = sorted(lat_us)
    return {prefix + "n": len(v),
            prefix + "p50_us": round(pctl(v, 0.50)),
            prefix + "p99_us": round(pctl(v, 0.99)),
            prefix + "max_us": round(v[-1]) if v else float("nan")}


def ready(f):
    """A line (or EOF) waits on file f: a child writes whole lines."""
    return bool(select.select([f], [], [], 0)[0])


def status_kb(pid):
    """(VmRSS, VmHWM) in kB, or (None, None) when the process is gone."""
    rss = hwm = None
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


# ---------------------------------------------------------------- probe

def one_ping(path, timeout, line=b"ping\n"):
    """Latency in seconds of one non-interactive command (ping unless
    told), or None (timeout, refusal, wrong reply: ping must get PONG,
    anything else one {"err":...} line)."""
    t0 = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            left = timeout - (time.monotonic() - t0)
            if left <= 0:
                return None
            s.settimeout(left)
            d = s.recv(256)
            if not d:
                break
            got += d
        ok = got == PONG if line == b"ping\n" else \
            got.startswith(b'{"err":')
        if not ok:
            return None
        return time.monotonic() - t0
    except OSError:
        return None
    finally:
        s.close()


def prober(path, every, timeout, line, wf):
    """Send line (one connection each) every `every` s (the next one starts when the last one is
    over if that is later) until the parent closes stdin; then one JSON
    line of results."""
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()),
                     daemon=True).start()
    lat, fails = [], 0
    nxt = time.monotonic()
    while not stop.is_set():
        t = one_ping(path, timeout, line)
        if t is None:
            fails += 1
        else:
            lat.append(t * 1e6)
        nxt += every
        d = nxt - time.monotonic()
        if d > 0:
            stop.wait(d)
        else:
            nxt = time.monotonic()
    wf.write(json.dumps({"lat": lat, "fails": fails}) + "\n")


# ---------------------------------------------------------------- flood

def attacker(path, conns, payload, wf):
    """Open `conns` connections, write payload on each (a thread each:
    a blocked write must not hold up the others), never read; say "c"
    once connected, "s" once all is written, and hold until stdin ends."""
    socks = []
    for _ in range(conns):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        socks.append(s)
    wf.write("c\n")
    sent = [0] * conns

    def push(i):
        try:
            socks[i].sendall(payload)
            sent[i] = len(payload)
        except OSError:
            pass
    ths = [threading.Thread(target=push, args=(i,), daemon=True)
           for i in range(conns)]
    for t in ths:
        t.start()
    done = threading.Event()

    def joiner():
        for t in ths:
            t.join()
        done.set()
    threading.Thread(target=joiner, daemon=True).start()
    # Report when all is written, without blocking the hold.
    threading.Thread(target=lambda: (done.wait(), wf.write("s\n")),
                     daemon=True).start()
    sys.stdin.read()           # the parent closes it: disconnect
    for s in socks:
        s.close()
    wf.write(json.dumps({"written_all": done.is_set(),
                         "conns_written": sum(1 for x in sent if x)}) + "\n")


def cmd_flood(a):
    payload = b"prompt i\n" + (a.line.encode() + b"\n") * a.count
    pids = {"l": a.listener, "w": a.worker}
    base = {k: status_kb(p) for k, p in pids.items()}
    out = {"conns": a.conns, "bytes_per_conn": len(payload)}
    for k in pids:
        out[k + "_rss0_kb"], out[k + "_hwm0_kb"] = base[k]

    idle = []
    for _ in range(a.idle_pings):
        t = one_ping(a.sock, a.timeout)
        if t is not None:
            idle.append(t * 1e6)
        time.sleep(a.every)
    out.update(lat_summary(idle, "idle_ping_"))
    probe_pid, probe_stdin, probe_out = spawn(prober, a.sock, a.every,
                                              a.timeout, b"ping\n")
    # The same for a command the worker answers: how long another
    # client's query waits behind the attack.
    qpid, qstdin, qout = spawn(prober, a.sock, a.every, a.timeout,
                               b"sandbox/read?\n")
    att_pid, att_stdin, att_out = spawn(attacker, a.sock, a.conns, payload)

    line = att_out.readline().strip()   # "c": connected
    if line != "c":
        raise SystemExit("attack_client: attacker did not connect")
    t0 = time.monotonic()
    peak = {k: 0 for k in pids}
    hist = []            # (t, total RSS)
    stable_at = None
    written_at = None
    while True:
        now = time.monotonic() - t0
        tot = 0
        for k, p in pids.items():
            rss, _ = status_kb(p)
            if rss is not None:
                peak[k] = max(peak[k], rss)
                tot += rss
        hist.append((now, tot))
        if written_at is None and ready(att_out) and \
                att_out.readline().strip() == "s":
            written_at = now
        if now >= a.max_hold:
            break
        if now >= a.min_hold:
            # Stopped growing: under 1% (and 1 MB) more than 1 s ago.
            old = [x for t, x in hist if t <= now - 1.0]
            if old and tot - old[-1] <= max(1024, old[-1] // 100):
                stable_at = now
                break
        time.sleep(a.sample)
    held = time.monotonic() - t0
    after_attack = {k: status_kb(p) for k, p in pids.items()}
    os.close(att_stdin)                 # disconnect the attackers
    att_res = {}
    for ln in att_out:
        ln = ln.strip()
        if ln.startswith("{"):
            att_res = json.loads(ln)
    os.waitpid(att_pid, 0)
    os.close(probe_stdin)               # the probe covered the attack
    os.close(qstdin)
    probe = json.loads(probe_out.readline())
    os.waitpid(probe_pid, 0)
    qprobe = json.loads(qout.readline())
    os.waitpid(qpid, 0)
    time.sleep(a.after)
    after = {k: status_kb(p) for k, p in pids.items()}

    for k in pids:
        out[k + "_hwm_kb"] = after_attack[k][1]
        out[k + "_rss_peak_kb"] = peak[k]
        out[k + "_rss_after_kb"] = after[k][0]
        out[k + "_hwm_after_kb"] = after[k][1]
        out[k + "_alive"] = int(after[k][0] is not None)
    out["held_s"] = round(held, 1)
    out["stable"] = int(stable_at is not None)
    out["written_all"] = int(bool(att_res.get("written_all")))
    out["written_s"] = (round(written_at, 2) if written_at is not None
                        else -1)
    out.update(lat_summary(probe["lat"], "ping_"))
    out["ping_timeouts"] = probe["fails"]
    out.update(lat_summary(qprobe["lat"], "query_"))
    out["query_timeouts"] = qprobe["fails"]
    print(" ".join("%s=%s" % kv for kv in out.items()), flush=True)



# ---------------------------------------------------------------- fair

def read_lines(s, n, buf=b""):
    """Read until n newlines have come; returns the rest."""
    got = buf.count(b"\n")
    while got < n:
        d = s.recv(1 << 16)
        if not d:
            raise OSError("connection closed after %d of %d replies"
                          % (got, n))
        got += d.count(b"\n")
        buf += d
        if got < n:
            buf = buf[buf.rfind(b"\n") + 1:]
    return buf


def remover(path, n, first, wf):
    """Remove rules /r/first .. /r/first+n-1 (the oldest: the old rule list
    was scanned from its end) in one write, read the n replies, say when
    (CLOCK_MONOTONIC, which every process shares); then add them back
    (not timed), so that the next round starts at the cap again."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(b"prompt i\n")
    rng = range(first, first + n)
    rm = b"".join(b"allow/read-/r/%d\n" % i for i in rng)
    add = b"".join(b"allow/read+/r/%d\n" % i for i in rng)
    t0 = time.monotonic()
    wf.write("go %r\n" % t0)
    threading.Thread(target=s.sendall, args=(rm,), daemon=True).start()
    got = acks = 0
    while got < n:
        d = s.recv(1 << 16)
        if not d:
            break
        got += d.count(b"\n")
        acks += d.count(b'"ACK"')
    t1 = time.monotonic()
    threading.Thread(target=s.sendall, args=(add,), daemon=True).start()
    readd = 0
    while readd < n:
        d = s.recv(1 << 16)
        if not d:
            break
        readd += d.count(b'"ACK"')
    wf.write(json.dumps({"t0": t0, "t1": t1, "replies": got,
                         "acks": acks, "readded": readd}) + "\n")
    s.close()


def cmd_fair(a):
    q = b"sandbox/read?\n"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.sock)
    s.sendall(b"prompt i\n")

    def query():
        t = time.monotonic()
        s.sendall(q)
        read_lines(s, 1)
        return (time.monotonic() - t) * 1e6
    idle = [query() for _ in range(a.idle)]
    lat = []
    secs = []
    acks = readded = 0
    for rnd in range(a.rounds):
        pid, ctl, rf = spawn(remover, a.sock, a.removals, rnd * a.removals)
        ln = rf.readline().split()
        if not ln or ln[0] != "go":
            raise SystemExit("attack_client: the remover did not start")
        time.sleep(0.002)    # its write is on its way: queue behind it
        timed = []           # (start, latency)
        res = None
        while res is None:
            t = time.monotonic()
            timed.append((t, query()))
            if ready(rf):
                ln = rf.readline()
                if not ln:
                    raise SystemExit("attack_client: the remover failed")
                res = json.loads(ln)
        os.close(ctl)
        os.waitpid(pid, 0)
        # The queries sent while removals were still being answered.
        lat += [x for t, x in timed if t < res["t1"]]
        secs.append(res["t1"] - res["t0"])
        acks += res["acks"]
        readded += res["readded"]
    s.close()
    out = {"removals": a.removals, "rounds": a.rounds,
           "remove_s": round(median(secs), 3), "remove_acks": acks,
           "readded": readded}
    out.update(lat_summary(idle, "idle_"))
    out.update(lat_summary(lat, "q_"))
    print(" ".join("%s=%s" % kv for kv in out.items()), flush=True)


# ---------------------------------------------------------------- summary

def median(v):
    v = sorted(v)
    n = len(v)
    if n == 0:
        return float("nan")
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


SHOW = {
    "flood": ["l_hwm0_kb", "w_hwm0_kb", "l_hwm_kb", "w_hwm_kb",
              "l_hwm_after_kb", "w_hwm_after_kb",
              "l_rss_after_kb", "w_rss_after_kb", "idle_ping_p50_us",
              "ping_n", "ping_p50_us",
              "ping_p99_us", "ping_max_us", "ping_timeouts", "query_n",
              "query_p50_us", "query_p99_us", "query_max_us",
              "query_timeouts", "held_s",
              "l_alive", "w_alive"],
    "fair": ["idle_p50_us", "idle_p99_us", "q_n", "q_p50_us", "q_p99_us", "q_max_us",
             "remove_s", "remove_acks"],
}
RATIO = ["l_hwm_after_kb", "w_hwm_after_kb", "l_rss_after_kb", "w_rss_after_kb",
         "ping_p99_us", "ping_max_us", "query_p99_us", "q_p50_us", "q_p99_us", "q_max_us",
         "remove_s"]


def cmd_summary(a):
    """FILE lines: 'scenario=S build=B rep=R key=value ...'."""
    runs = {}
    order = []
    with open(a.file) as f:
        for line in f:
            kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
            if "scenario" not in kv:
                continue
            key = (kv["scenario"], kv["build"])
            if kv["scenario"] not in order:
                order.append(kv["scenario"])
            runs.setdefault(key, []).append(kv)
    for sc in order:
        kind = "fair" if sc.startswith("fair") else "flood"
        med = {}
        for b in ("old", "new"):
            rs = runs.get((sc, b))
            if not rs:
                continue
            m = {}
            for k in SHOW[kind]:
                vals = [float(r[k]) for r in rs
                        if k in r and r[k] not in ("None", "nan")]
                m[k] = median(vals)
            med[b] = m
            print("scenario=%s build=%s runs=%d %s" % (
                sc, b, len(rs), " ".join(
                    "%s=%s" % (k, fmt(v)) for k, v in m.items())))
        if "old" in med and "new" in med:
            rat = []
            for k in RATIO:
                if k in med["old"] and k in med["new"] and \
                        med["old"][k] and med["old"][k] == med["old"][k]:
                    rat.append("%s=%.3g" % (k, med["new"][k] /
                                            med["old"][k]))
            print("scenario=%s ratio=new/old %s" % (sc, " ".join(rat)))


def fmt(v):
    if v != v:
        return "nan"
    return "%d" % v if v == int(v) else "%.3g" % v


def main():
    ap = argparse.ArgumentParser(prog="attack_client.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("flood")
    f.add_argument("sock")
    f.add_argument("--listener", type=int, required=True)
    f.add_argument("--worker", type=int, required=True)
    f.add_argument("--conns", type=int, default=1)
    f.add_argument("--line", required=True)
    f.add_argument("--count", type=int, required=True)
    f.add_argument("--min-hold", type=float, default=5)
    f.add_argument("--max-hold", type=float, default=20)
    f.add_argument("--after", type=float, default=2)
    f.add_argument("--sample", type=float, default=0.1)
    f.add_argument("--every", type=float, default=0.05)
    f.add_argument("--timeout", type=float, default=2)
    f.add_argument("--idle-pings", type=int, default=20)
    r = sub.add_parser("fair")
    r.add_argument("sock")
    r.add_argument("--removals", type=int, default=2000)
    r.add_argument("--idle", type=int, default=200)
    r.add_argument("--rounds", type=int, default=5)
    s = sub.add_parser("summary")
    s.add_argument("file")
    a = ap.parse_args()
    {"flood": cmd_flood, "fair": cmd_fair, "summary": cmd_summary}[a.cmd](a)


if __name__ == "__main__":
    main()
