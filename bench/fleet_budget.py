#!/usr/bin/env python3
"""The fleet timeline under a disruption budget (docs/contract.md §2
"Disruption budgets"): N games restarted by one bump of every
restartGeneration, once under a DisruptionBudget with maxUnavailable M and
once with no budget, in alternating rounds with both fleets running side by
side (two controllers, two networks). For each round: the wall time from
the manifest write until every game runs its restarted container Ready, and
the not-Ready count of the fleet at every status change (followed through
the watch, in commit order), and the games without a running container in
the engine (sampled).

Both controllers run with --workers W (default 32), so that without a
budget more games than maxUnavailable are restarted at once. Down is
counted two ways: the fleet's games whose status is not Ready, at every
status change, and the fleet's games with no running container in the
engine (docker ps every ~100 ms); without a budget a restart writes no
status until it is done, so only the engine shows its games down.

Usage (after cmake --build build/release --target rtmanager; dockerd and the
demo image as for bench/suite.py):
  python3 bench/fleet_budget.py [--games 100] [--max-unavailable 10]
      [--min-ready-seconds 0] [--workers 32] [--rounds 3] [--binary PATH] [--out FILE]
"""

import argparse
import datetime
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from suite import IMAGE, Api, Controller  # noqa: E402

PREFIX = "rtmfb%d" % os.getpid()


def fleet_file(fleet, games, generation, budget):
    text = ""
    if budget:
        text += ("apiVersion: rtmanager.galaxy/v1\nkind: DisruptionBudget\n"
                 "metadata: {name: %s}\nspec:\n  selector: {matchLabels: {fleet: %s}}\n"
                 "  maxUnavailable: %s\n  minReadySeconds: %d\n---\n" %
                 (fleet, fleet, budget["max"], budget["min_ready"]))
    docs = []
    for name in games:
        docs.append("apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata:\n"
                    "  name: %s\n  labels: {fleet: %s}\nspec:\n  image: %s\n"
                    "  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
                    "  restartGeneration: %d\n  stopTimeoutSeconds: 1\n" %
                    (name, fleet, IMAGE, generation))
    return text + "---\n".join(docs)


def write_atomically(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def ready(item):
    for c in item.get("status", {}).get("conditions", []):
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


class Fleet:
    def __init__(self, binary, root, label, n, budget, workers):
        self.label, self.budget = label, budget
        self.games = ["%s-%s-%d" % (PREFIX, label, i) for i in range(n)]
        self.dir = os.path.join(root, label)
        self.manifests = os.path.join(self.dir, "manifests")
        os.makedirs(self.manifests)
        self.generation = 0
        write_atomically(os.path.join(self.manifests, "fleet.yaml"),
                         fleet_file(PREFIX + label, self.games, 0, budget))
        self.network = PREFIX + "-" + label
        self.controller = Controller(binary, self.manifests, os.path.join(self.dir, "data"),
                                     self.network, extra=["--workers", str(workers)])
        self.controller.start(os.path.join(self.dir, "rtmanager.log"))
        self.controller.wait_ready()
        self.api = Api(self.controller.port)
        self.wait(lambda items: all(it["status"].get("phase") == "Running" and ready(it)
                                    for it in items), 300)

    def items(self):
        status, body = self.api.get("/v1/runtimes")
        if status != 200:
            raise RuntimeError("list: HTTP %d" % status)
        ours = set(self.games)
        return [it for it in body["items"] if it["metadata"]["name"] in ours]

    def wait(self, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            items = self.items()
            if len(items) == len(self.games) and pred(items):
                return
            time.sleep(0.05)
        raise TimeoutError("%s: not there in %ss" % (self.label, timeout))

    def round(self):
        """One bump of the whole fleet: (seconds, peak not-Ready, timeline)."""
        self.generation += 1
        g = self.generation
        samples = []      # (seconds since the write, not-Ready count) per change
        status, body = self.api.get("/v1/runtimes")
        listed_revision = body["revision"]
        listed = {it["metadata"]["name"]: it for it in body["items"]
                  if it["metadata"]["name"] in set(self.games)}
        engine_samples = []   # (seconds since the write, games with no running container)
        done = threading.Event()
        t0 = time.monotonic()

        def sample_engine():
            ours = set(self.games)
            while not done.is_set():
                out = subprocess.run(
                    ["docker", "ps", "--filter", "label=io.rtmanager.network=" + self.network,
                     "--format", '{{.Label "io.rtmanager.game"}}'],
                    capture_output=True, text=True).stdout
                up = {line for line in out.split() if line in ours}
                engine_samples.append((time.monotonic() - t0, len(ours) - len(up)))
                time.sleep(0.1)

        def sample():
            # Every status change in commit order (the watch), so the count
            # is exact at each revision; a plain list reads one status per
            # game and smears over the time it takes.
            ours = set(self.games)
            conn = http.client.HTTPConnection("127.0.0.1", self.controller.port, timeout=5)
            conn.request("GET", "/v1/runtimes?watch=true&since=%d" % listed_revision)
            reply = conn.getresponse()
            objects = dict(listed)
            while not done.is_set():
                try:
                    line = reply.readline()
                except OSError:
                    continue  # the read timed out: look at `done` again
                if not line:
                    break
                event = json.loads(line)
                name = event["object"]["metadata"]["name"]
                if name not in ours:
                    continue
                objects[name] = event["object"]
                samples.append((time.monotonic() - t0,
                                sum(1 for it in objects.values() if not ready(it))))
            conn.close()

        sampler = threading.Thread(target=sample)
        engine_sampler = threading.Thread(target=sample_engine)
        write_atomically(os.path.join(self.manifests, "fleet.yaml"),
                         fleet_file(PREFIX + self.label, self.games, g, self.budget))
        t0 = time.monotonic()
        sampler.start()
        engine_sampler.start()
        self.wait(lambda items: all(
            it["status"].get("observedRestartGeneration") == g and ready(it) and
            it["status"].get("phase") == "Running" for it in items), 600)
        elapsed = time.monotonic() - t0
        done.set()
        sampler.join()
        engine_sampler.join()
        peak = max((c for _, c in samples), default=0)
        engine_peak = max((c for _, c in engine_samples), default=0)
        buckets = {}
        for at, count in engine_samples:
            buckets[int(at)] = max(buckets.get(int(at), 0), count)
        timeline = [buckets.get(s, 0) for s in range(int(elapsed) + 1)]
        return elapsed, peak, timeline, len(samples), engine_peak, len(engine_samples)

    def stop(self):
        self.controller.stop()
        subprocess.run("docker ps -aq --filter label=io.rtmanager.network=%s-%s | "
                       "xargs -r docker rm -f >/dev/null; docker network rm %s-%s >/dev/null 2>&1"
                       % (PREFIX, self.label, PREFIX, self.label), shell=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--max-unavailable", default="10")
    p.add_argument("--min-ready-seconds", type=int, default=0)
    p.add_argument("--workers", type=int, default=32)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--binary", default="build/release/controller/rtmanager")
    p.add_argument("--out")
    a = p.parse_args()
    root = tempfile.mkdtemp(prefix=PREFIX)
    fleets = []
    results = {"budget": [], "none": []}
    try:
        fleets = [Fleet(a.binary, root, "budget", a.games,
                        {"max": a.max_unavailable, "min_ready": a.min_ready_seconds}, a.workers),
                  Fleet(a.binary, root, "none", a.games, None, a.workers)]
        for r in range(a.rounds):
            for fleet in (fleets if r % 2 == 0 else fleets[::-1]):
                got = fleet.round()
                results[fleet.label].append(got)
                print("round %d %-6s %.1f s, peak not-Ready %d (%d samples), "
                      "peak without a running container %d (%d samples)" %
                      (r + 1, fleet.label, got[0], got[1], got[3], got[4], got[5]), flush=True)
    finally:
        for fleet in fleets:
            fleet.stop()
        shutil.rmtree(root, ignore_errors=True)

    lines = ["# Fleet timeline under a disruption budget (%s)" % datetime.date.today(), "",
             "Command: `python3 bench/fleet_budget.py --games %d --max-unavailable %s "
             "--min-ready-seconds %d --workers %d --rounds %d`; Release build; load average "
             "before: %s." %
             (a.games, a.max_unavailable, a.min_ready_seconds, a.workers, a.rounds,
              open("/proc/loadavg").read().split()[0]), "",
             "| fleet | rounds | median total | peak not-Ready (status), median / worst | "
             "peak without a running container (engine), median / worst |",
             "|---|---|---|---|---|"]
    for label, title in (("budget", "maxUnavailable %s" % a.max_unavailable), ("none", "no budget")):
        rs = results[label]
        lines.append("| %s | %d | %.1f s | %d / %d | %d / %d |" % (
            title, len(rs), statistics.median(r[0] for r in rs),
            statistics.median(r[1] for r in rs), max(r[1] for r in rs),
            statistics.median(r[4] for r in rs), max(r[4] for r in rs)))
    lines += ["", "Games without a running container per second of the last round (the peak "
              "within each second, from the engine):", ""]
    for label in ("budget", "none"):
        lines.append("- %s: %s" % (label, " ".join(str(c) for c in results[label][-1][2])))
    report = "\n".join(lines) + "\n"
    print(report)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
