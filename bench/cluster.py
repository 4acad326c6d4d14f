#!/usr/bin/env python3
"""Cluster-mode benchmark (docs/cluster.md): a 3-member etcd on loopback,
three Docker engines in network namespaces of their own
(scripts/docker-engines.sh) and three `rtmanager run --node` agents, all in
one run:

  1. idle cost: etcd requests and bytes per idle node per minute (the
     agents' own rtm_etcd_* counters on /metrics), with N games running;
  2. fleet restart: N games over 3 nodes, every restartGeneration bumped at
     once, wall time until all converged, against the raw Engine API floor
     (the same number of containers, split over the same 3 engines, stop +
     rm + create + start with one thread per container up to --threads per
     engine), in alternating rounds;
  3. failover: the agent and the whole engine of one node killed at once
     (a lost host), wall time until all its games run elsewhere (with the
     default --node-ttl 10s and --node-lost-after 30s unless given).

Usage (root; after scripts/build.sh release rtmanager):
  python3 bench/cluster.py [--games 99] [--rounds 3] [--idle-seconds 60] [--out FILE]
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402  (Docker, UnixConn, free_port, wait_until, manifest_doc)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = os.path.join(ROOT, "scripts", "docker-engines.sh")
NODES = ["n1", "n2", "n3"]


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def get_json(port, path, timeout=5):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
        return json.loads(r.read())


def get_text(port, path, timeout=5):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
        return r.read().decode()


def counter(metrics, name):
    for line in metrics.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


class EngineAt(suite.Docker):
    def __init__(self, socket_path):
        self.conn = suite.UnixConn(socket_path)


class Cluster:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="rtm-cluster-bench-")
        self.engines = os.path.join(self.work, "engines")
        self.manifests = os.path.join(self.work, "manifests")
        os.makedirs(self.manifests)
        self.procs = {}
        self.ports = {}
        self.etcd = []

    def socket(self, node):
        return os.path.join(self.engines, node, "docker.sock")

    def start(self):
        clients = [suite.free_port() for _ in range(3)]
        peers = [suite.free_port() for _ in range(3)]
        initial = ",".join("m%d=http://127.0.0.1:%d" % (i, peers[i]) for i in range(3))
        for i in range(3):
            url = "http://127.0.0.1:%d" % clients[i]
            self.etcd.append(subprocess.Popen(
                ["etcd", "--name", "m%d" % i, "--data-dir", os.path.join(self.work, "etcd%d" % i),
                 "--listen-client-urls", url, "--advertise-client-urls", url,
                 "--listen-peer-urls", "http://127.0.0.1:%d" % peers[i],
                 "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % peers[i],
                 "--initial-cluster", initial, "--initial-cluster-state", "new",
                 "--logger", "zap", "--log-level", "warn"],
                stdout=open(os.path.join(self.work, "etcd%d.log" % i), "a"),
                stderr=subprocess.STDOUT))
        self.store = "etcd://" + ",".join("127.0.0.1:%d" % p for p in clients)
        suite.wait_until(lambda: subprocess.run(
            ["curl", "-fs", "http://127.0.0.1:%d/health" % clients[0]],
            capture_output=True).returncode == 0, 30, 0.1)
        subprocess.run([ENGINES, "start", self.engines] + NODES, check=True)
        for node in NODES:
            self.start_agent(node)

    def start_agent(self, node):
        self.ports[node] = suite.free_port()
        argv = [self.args.binary, "run", "--store", self.store, "--node", node,
                "--docker-host", "unix://" + self.socket(node),
                "--manifests", self.manifests, "--data-dir", os.path.join(self.work, "data-" + node),
                "--listen", "127.0.0.1:%d" % self.ports[node], "--max-ops-per-second", "0",
                "--node-ttl", self.args.node_ttl, "--node-lost-after", self.args.node_lost_after]
        self.procs[node] = subprocess.Popen(
            argv, stdout=open(os.path.join(self.work, node + ".log"), "a"), stderr=subprocess.STDOUT)

        def ready():
            try:
                return get_json(self.ports[node], "/readyz", 1) is not None or True
            except Exception:
                return False
        suite.wait_until(ready, 60, 0.05)

    def any_port(self):
        for node, proc in self.procs.items():
            if proc.poll() is None:
                return self.ports[node]
        raise RuntimeError("no agent alive")

    def runtimes(self):
        try:
            items = get_json(self.any_port(), "/v1/runtimes", 10)["items"]
        except Exception:
            return {}
        return {it["metadata"]["name"]: it.get("status", {}) for it in items}

    def declare(self, names, generation):
        for name in names:
            suite.write_atomically(os.path.join(self.manifests, name + ".yaml"),
                                   suite.manifest_doc(name, generation, ports=False))

    def wait_all(self, names, generation, old=None, avoid=None, timeout=600):
        def ok():
            st = self.runtimes()
            for n in names:
                s = st.get(n, {})
                if s.get("phase") != "Running" or s.get("observedRestartGeneration", -1) < generation:
                    return False
                if old and s.get("containerId") in ("", old.get(n)):
                    return False
                if avoid and s.get("nodeName") == avoid:
                    return False
            return True
        suite.wait_until(ok, timeout, 0.05)

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run([ENGINES, "stop", self.engines], capture_output=True)
        for proc in self.etcd:
            proc.kill()
            proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


def raw_fleet_round(cluster, raw_names_by_node, threads):
    """stop+rm+create+start of every raw container, per engine in parallel."""
    net = "rtm-cluster-bench-raw"

    def one(node, name):
        EngineAt(cluster.socket(node)).recreate(name, net)

    t = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads * len(NODES)) as pool:
        futures = [pool.submit(one, node, name)
                   for node, names in raw_names_by_node.items() for name in names]
        for f in futures:
            f.result()
    return (time.monotonic() - t) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(ROOT, "build/release/controller/rtmanager"))
    p.add_argument("--games", type=int, default=99)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=8, help="raw API threads per engine")
    p.add_argument("--idle-seconds", type=int, default=60)
    p.add_argument("--settle-seconds", type=int, default=30,
                   help="quiet time after the fleet is Running, before the idle window")
    p.add_argument("--node-ttl", default="10s")
    p.add_argument("--node-lost-after", default="30s")
    p.add_argument("--only", default="idle,fleet,failover",
                   help="comma list of scenarios: idle, fleet, failover")
    p.add_argument("--out", default=None)
    args = p.parse_args()

    cluster = Cluster(args)
    lines = []
    try:
        log("starting 3 etcd members, 3 engines, 3 agents")
        cluster.start()
        names = ["g%03d" % i for i in range(args.games)]
        cluster.declare(names, 0)
        t = time.monotonic()
        cluster.wait_all(names, 0)
        log("%d games running in %.1f s" % (len(names), time.monotonic() - t))

        want = set(args.only.split(","))
        # 1. Idle cost per node, once the start-up's reconciles settled.
        # /metrics is read at both ends: a scrape's own etcd reads (one
        # desired list, one status list) are in the second reading.
        time.sleep(args.settle_seconds if "idle" in want else 0)
        before = {n: get_text(cluster.ports[n], "/metrics") for n in NODES}
        time.sleep(args.idle_seconds if "idle" in want else 0)
        after = {n: get_text(cluster.ports[n], "/metrics") for n in NODES}
        per_minute = 60.0 / args.idle_seconds
        idle = {}
        for n in NODES:
            idle[n] = {k: (counter(after[n], k) - counter(before[n], k)) * per_minute
                       for k in ("rtm_etcd_requests_total", "rtm_etcd_sent_bytes_total",
                                 "rtm_etcd_received_bytes_total", "rtm_etcd_watches_opened_total")}
        log("idle: %s" % idle)

        # 2. Fleet restart vs the raw floor, alternating rounds.
        net = "rtm-cluster-bench-raw"
        raw = {n: ["raw-%s-%02d" % (n, i) for i in range(args.games // len(NODES))] for n in NODES}
        for n, rnames in (raw.items() if "fleet" in want else []):
            e = EngineAt(cluster.socket(n))
            e.call("POST", "/networks/create", {"Name": net}, ok=(201, 409))
            for name in rnames:
                e.create_start(name, net)
        rtm_ms, raw_ms = [], []
        for r in range(1, (args.rounds if "fleet" in want else 0) + 1):
            raw_ms.append(raw_fleet_round(cluster, raw, args.threads))
            old = {n: s.get("containerId") for n, s in cluster.runtimes().items()}
            t = time.monotonic()
            cluster.declare(names, r)
            cluster.wait_all(names, r, old)
            rtm_ms.append((time.monotonic() - t) * 1000)
            log("round %d: raw %.0f ms, rtmanager %.0f ms" % (r, raw_ms[-1], rtm_ms[-1]))

        # 3. Failover: a lost host (not the leader, so that only the host's
        # loss is timed, not an election too).
        leader = get_json(cluster.any_port(), "/v1/nodes").get("leader", "")
        failover_ms, moved, victim = None, [], "-"
        if "failover" in want:
            victim = next(n for n in NODES if n != leader)
            moved = [n for n, s in cluster.runtimes().items() if s.get("nodeName") == victim]
            t = time.monotonic()
            cluster.procs[victim].kill()
            subprocess.run([ENGINES, "kill", cluster.engines, victim], check=True)
            cluster.wait_all(moved, len(rtm_ms), None, victim, timeout=300)
            failover_ms = (time.monotonic() - t) * 1000
            log("failover of %d games: %.0f ms" % (len(moved), failover_ms))

        med = statistics.median
        lines += [
            "# Cluster benchmark (%s)\n" % time.strftime("%Y-%m-%d %H:%M"),
            "Command: `python3 bench/cluster.py --games %d --rounds %d --idle-seconds %d "
            "--node-ttl %s --node-lost-after %s --only %s` · 3 etcd members, 3 engines, 3 agents "
            "on one 2-core machine · binary %s\n" % (args.games, args.rounds, args.idle_seconds,
                                                    args.node_ttl, args.node_lost_after, args.only,
                                                    args.binary),
            "## Idle cost per node per minute (%d games running, measured over %d s, %d s after they all ran)\n" % (
                args.games, args.idle_seconds, args.settle_seconds),
            "| node | etcd requests | bytes sent | bytes received | watches opened |",
            "|---|---|---|---|---|"]
        for n in NODES:
            i = idle[n]
            lines.append("| %s%s | %.1f | %.0f | %.0f | %.1f |" % (
                n, " (leader)" if n == leader else "", i["rtm_etcd_requests_total"],
                i["rtm_etcd_sent_bytes_total"], i["rtm_etcd_received_bytes_total"],
                i["rtm_etcd_watches_opened_total"]))
        if rtm_ms:
            lines += [
            "\n## Fleet restart: %d games over 3 nodes, all bumped at once (ms, wall)\n" % args.games,
            "| contender | median | min–max | rounds | × raw |", "|---|---|---|---|---|",
            "| raw Engine API: stop+rm+create+start, %d threads per engine, %d containers | %.0f | %.0f–%.0f | %d | 1.00× |" % (
                args.threads, sum(len(v) for v in raw.values()), med(raw_ms), min(raw_ms), max(raw_ms), len(raw_ms)),
            "| **rtmanager cluster** (manifest bump → all Running at the new generation) | %.0f | %.0f–%.0f | %d | %.2f× |" % (
                med(rtm_ms), min(rtm_ms), max(rtm_ms), len(rtm_ms), med(rtm_ms) / med(raw_ms))]
        if failover_ms is not None:
            lines += [
            "\n## Failover\n",
            "A lost host (node %s: its agent and its whole engine killed at once, %d games): all its games "
            "Running on the other nodes after **%.1f s** (node-ttl %s + node-lost-after %s + placement + start)." % (
                victim, len(moved), failover_ms / 1000, args.node_ttl, args.node_lost_after),
        ]
    finally:
        log("cleanup")
        cluster.stop()
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
