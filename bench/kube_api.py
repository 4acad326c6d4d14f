#!/usr/bin/env python3
"""The Kubernetes-compatible API under load (docs/kubernetes-api.md):

  1. watch fan-out: --watchers concurrent watches of
     /apis/rtmanager.galaxy/v1/gameruntimes on loopback, then --changes
     single changes (one manifest's label edited, one desired-state write
     each): per change, the delay from the file's rename until each watcher
     has the MODIFIED event (p50/p99 over every watcher and change), and the
     controller's CPU over the changes and RSS with and without the
     watchers;
  2. the Table of `kubectl get gr` with --runtimes runtimes: time to first
     byte and total of the Table request kubectl sends (curl, median of
     --table-runs), and the wall time of `kubectl get gr` itself.

The watchers are one Python process multiplexing sockets with selectors:
its own reading adds to the delays it reports (on 2 cores it shares them
with the controller).

Usage (after scripts/build.sh release rtmanager):
  python3 bench/kube_api.py [--watchers 1000] [--changes 20] [--runtimes 10000] [--out FILE]
"""

import argparse
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402  (Controller, free_port, manifest_doc, write_atomically, stats)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = "/apis/rtmanager.galaxy/v1/gameruntimes"
TABLE_ACCEPT = ("application/json;as=Table;v=v1;g=meta.k8s.io,"
                "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def manifest(name, label):
    doc = suite.manifest_doc(name, 0, "Stopped", ports=False)
    return doc.replace("metadata:\n  name: %s\n" % name,
                       "metadata:\n  name: %s\n  labels: {edit: \"%d\"}\n" % (name, label))


class Watchers:
    """N raw HTTP/1.1 watch connections read through one selector."""

    def __init__(self, port, count, since):
        self.sel = selectors.DefaultSelector()
        self.tails = {}
        request = ("GET %s?watch=true&resourceVersion=%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Accept: application/json\r\n\r\n" % (PATH, since)).encode()
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ)
            self.tails[s] = b""

    def wait_for(self, needle, timeout):
        """Per watcher, the monotonic time `needle` arrived (None: never)."""
        arrived = {}
        deadline = time.monotonic() + timeout
        while len(arrived) < len(self.tails) and time.monotonic() < deadline:
            for key, _ in self.sel.select(0.5):
                s = key.fileobj
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    continue
                now = time.monotonic()
                if not data:
                    raise RuntimeError("a watch stream ended")
                buf = self.tails[s] + data
                if s not in arrived and needle in buf:
                    arrived[s] = now
                self.tails[s] = buf[-len(needle):]
        return [arrived.get(s) for s in self.tails]

    def close(self):
        for s in self.tails:
            self.sel.unregister(s)
            s.close()


def fanout(a, work):
    mdir = os.path.join(work, "fanout", "manifests")
    os.makedirs(mdir)
    names = ["kb-w%03d" % i for i in range(100)]
    for nm in names:
        suite.write_atomically(os.path.join(mdir, nm + ".yaml"), manifest(nm, 0))
    c = suite.Controller(a.binary, mdir, os.path.join(work, "fanout", "data"), "rtm-kube-bench")
    c.start(os.path.join(work, "fanout.log"))
    res = {}
    try:
        c.wait_ready()
        suite.wait_until(lambda: len(c.api.get(PATH)[1]["items"]) == len(names), 60, 0.05)
        time.sleep(1)
        res["rss_before_kib"] = c.rss_kib()
        since = c.api.get(PATH)[1]["metadata"]["resourceVersion"]
        t = time.monotonic()
        w = Watchers(c.port, a.watchers, since)
        res["connect_s"] = time.monotonic() - t
        time.sleep(2)
        res["rss_watchers_kib"] = c.rss_kib()
        delays = []
        worst = []
        ticks0, t0 = c.cpu_ticks(), time.monotonic()
        for i in range(1, a.changes + 1):
            nm = names[i % len(names)]
            # the MODIFIED event of this object carries the new label value
            needle = ('"edit":"%d"' % i).encode()
            start = time.monotonic()
            suite.write_atomically(os.path.join(mdir, nm + ".yaml"), manifest(nm, i))
            arrived = w.wait_for(needle, 30)
            missing = sum(1 for x in arrived if x is None)
            if missing:
                raise RuntimeError("change %d: %d watchers never got it" % (i, missing))
            d = [(x - start) * 1000 for x in arrived]
            delays.extend(d)
            worst.append(max(d))
            log("  change %d: p50 %.1f ms, last watcher %.1f ms" % (i, statistics.median(d), max(d)))
            time.sleep(0.2)
        elapsed = time.monotonic() - t0
        res["cpu_s"] = (c.cpu_ticks() - ticks0) / os.sysconf("SC_CLK_TCK")
        res["elapsed_s"] = elapsed
        res["rss_after_kib"] = c.rss_kib()
        res["delays"] = suite.stats(delays)
        res["last_watcher"] = suite.stats(worst)
        w.close()
    finally:
        c.stop()
    return res


def table(a, work):
    mdir = os.path.join(work, "table", "manifests")
    for i in range(a.runtimes):
        sub = os.path.join(mdir, "d%03d" % (i // 100))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "g%05d.yaml" % i), "w") as f:
            f.write(suite.manifest_doc("kb-t%05d" % i, 0, "Stopped", ports=False))
    c = suite.Controller(a.binary, mdir, os.path.join(work, "table", "data"), "rtm-kube-bench")
    c.start(os.path.join(work, "table.log"))
    res = {"ttfb_ms": [], "total_ms": [], "bytes": 0, "kubectl_ms": []}
    try:
        c.wait_ready(300)
        suite.wait_until(lambda: len(c.api.get(PATH + "?limit=500")[1]["items"]) == a.runtimes,
                         600, 0.5)
        url = "http://127.0.0.1:%d%s?limit=500" % (c.port, PATH)
        for _ in range(a.table_runs):
            out = subprocess.run(
                ["curl", "-s", "-o", "/dev/null", "-H", "Accept: " + TABLE_ACCEPT,
                 "-w", "%{time_starttransfer} %{time_total} %{size_download}", url],
                check=True, capture_output=True, text=True).stdout.split()
            res["ttfb_ms"].append(float(out[0]) * 1000)
            res["total_ms"].append(float(out[1]) * 1000)
            res["bytes"] = int(out[2])
        kubectl = a.kubectl or subprocess.run(
            [os.path.join(ROOT, "scripts", "kubectl-1.20.sh"), os.path.join(ROOT, "build", "tools")],
            check=True, capture_output=True, text=True).stdout.strip()
        config = os.path.join(work, "kubeconfig")
        with open(config, "w") as f:
            f.write(subprocess.run([a.binary, "kubeconfig", "--server",
                                    "http://127.0.0.1:%d" % c.port],
                                   check=True, capture_output=True, text=True).stdout)
        for _ in range(a.table_runs):
            t = time.monotonic()
            lines = subprocess.run([kubectl, "--kubeconfig", config, "get", "gr"], check=True,
                                   capture_output=True, text=True).stdout.count("\n")
            res["kubectl_ms"].append((time.monotonic() - t) * 1000)
            if lines != a.runtimes + 1:
                raise RuntimeError("kubectl get gr printed %d lines" % lines)
        res["kubectl"] = kubectl
    finally:
        c.stop()
    return res


def report(a, fan, tab):
    L = ["# Kubernetes-compatible API benchmark\n",
         "Machine: " + suite.machine_line() + "\n",
         "Command: `python3 bench/kube_api.py --watchers %d --changes %d --runtimes %d "
         "--table-runs %d` · binary `%s`\n" % (a.watchers, a.changes, a.runtimes, a.table_runs,
                                              os.path.relpath(a.binary, ROOT))]
    if fan:
        d, w = fan["delays"], fan["last_watcher"]
        L.append("## Watch fan-out: one change to %d watchers (ms)\n" % a.watchers)
        L.append("Each change edits one manifest (one desired-state write); delay = from the "
                 "file's rename until a watcher has read the MODIFIED event.\n")
        L.append("| | p50 | p99 | max | n |\n|---|---|---|---|---|")
        L.append("| every watcher | %.1f | %.1f | %.1f | %d |" % (d["median"], d["p99"], d["max"], d["n"]))
        L.append("| last watcher of each change | %.1f | %.1f | %.1f | %d |" %
                 (w["median"], w["p99"], w["max"], w["n"]))
        L.append("\nController: RSS %.1f MiB before the watchers, %.1f MiB with %d watchers open, "
                 "%.1f MiB after %d changes; CPU %.2f s over the %.1f s of changes (%.1f %% of one "
                 "core, the watchers' reading included in that wall time); %d connections opened in %.2f s.\n" %
                 (fan["rss_before_kib"] / 1024, fan["rss_watchers_kib"] / 1024, a.watchers,
                  fan["rss_after_kib"] / 1024, a.changes, fan["cpu_s"], fan["elapsed_s"],
                  100 * fan["cpu_s"] / fan["elapsed_s"], a.watchers, fan["connect_s"]))
    if tab:
        L.append("## `kubectl get gr` with %d runtimes (ms)\n" % a.runtimes)
        L.append("| | median | min | max | n |\n|---|---|---|---|---|")
        for label, key in (("Table request, time to first byte", "ttfb_ms"),
                           ("Table request, total", "total_ms"),
                           ("`kubectl get gr` (1.20), wall", "kubectl_ms")):
            s = suite.stats(tab[key])
            L.append("| %s | %.0f | %.0f | %.0f | %d |" % (label, s["median"], s["min"], s["max"], s["n"]))
        L.append("\nThe Table is %d bytes (%.0f bytes per runtime).\n" %
                 (tab["bytes"], tab["bytes"] / a.runtimes))
    return "\n".join(L) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(ROOT, "build/release/controller/rtmanager"))
    p.add_argument("--kubectl", default=None, help="default: Debian's 1.20 (scripts/kubectl-1.20.sh)")
    p.add_argument("--watchers", type=int, default=1000)
    p.add_argument("--changes", type=int, default=20)
    p.add_argument("--runtimes", type=int, default=10000)
    p.add_argument("--table-runs", type=int, default=5)
    p.add_argument("--only", choices=["fanout", "table"], default=None)
    p.add_argument("--out", default=None)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, a.watchers * 2 + 256)), hard))
    work = tempfile.mkdtemp(prefix="rtm-kube-bench-")
    fan = tab = None
    try:
        if a.only in (None, "fanout"):
            log("fan-out: %d watchers, %d changes" % (a.watchers, a.changes))
            fan = fanout(a, work)
        if a.only in (None, "table"):
            log("table: %d runtimes" % a.runtimes)
            tab = table(a, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        subprocess.run(["docker", "network", "rm", "rtm-kube-bench"], capture_output=True)
    text = report(a, fan, tab)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
