#!/usr/bin/env python3
"""Where does one rtmanager restart spend its time? A diagnostic, not a score.

Starts rtmanager (debug log) under `strace -f` for fsync/fdatasync and the
unix-socket connects, converges one game, then performs --runs
restartGeneration bumps and prints, per bump: the Docker API requests the
controller made (delta of rtmanager_docker_requests_total), the fsync count,
and the debug log lines with their timestamps relative to the manifest write.

  bench/diagnose_restart.py [--binary PATH] [--runs 3] [--no-strace]
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402


def docker_requests(api):
    st, _ = None, None
    conn = suite.http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith("rtmanager_docker_requests_total"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default="build/release/controller/rtmanager")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--no-strace", action="store_true")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix=suite.PREFIX + "-diag-")
    mdir, ddir = os.path.join(work, "m"), os.path.join(work, "d")
    os.makedirs(mdir)
    name = suite.PREFIX + "-diag"
    path = os.path.join(mdir, "game.yaml")
    suite.write_atomically(path, suite.manifest_doc(name, 0))
    port = suite.free_port()
    logp = os.path.join(work, "log")
    trace = os.path.join(work, "strace")
    cmd = [a.binary, "run", "--manifests", mdir, "--data-dir", ddir, "--listen",
           "127.0.0.1:%d" % port, "--network", suite.NET, "--max-ops-per-second", "0",
           "--log-level", "debug"]
    if not a.no_strace:
        cmd = ["strace", "-f", "-tt", "-e", "trace=fsync,fdatasync", "-o", trace] + cmd
    suite.sh("docker network create %s" % suite.NET, check=False)
    logf = open(logp, "w")
    proc = subprocess.Popen(cmd, stdout=logf, stderr=logf)
    api = suite.Api(port)
    try:
        suite.wait_until(lambda: api.get("/v1/runtimes/" + name)[1]["status"]["phase"] == "Running", 60, 0.01)
        time.sleep(1)
        for gen in range(1, a.runs + 1):
            d0 = docker_requests(api)
            f0 = open(trace).read().count("fsync") + open(trace).read().count("fdatasync") if not a.no_strace else 0
            logpos = os.path.getsize(logp)
            st, obj = api.get("/v1/runtimes/" + name)
            target = obj["metadata"]["generation"] + 1
            t0 = time.time()
            suite.write_atomically(path, suite.manifest_doc(name, gen))
            suite.wait_until(lambda: api.get("/v1/runtimes/" + name)[1]["status"].get("observedGeneration", 0) >= target, 60, 0.002)
            total = (time.time() - t0) * 1000
            time.sleep(0.5)
            d1 = docker_requests(api) - 1  # the /metrics scrape itself is not a docker request; keep symmetric
            f1 = (open(trace).read().count("fsync") + open(trace).read().count("fdatasync")) if not a.no_strace else 0
            print("=== bump %d: %.1f ms to observedGeneration; docker requests %d; fsync+fdatasync %d" %
                  (gen, total, d1 + 1 - d0, f1 - f0))
            with open(logp) as f:
                f.seek(logpos)
                for line in f:
                    m = re.match(r"\[?(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+)", line)
                    if m:
                        ts = m.group(1).replace(" ", "T")
                        try:
                            import datetime
                            dt = datetime.datetime.fromisoformat(ts).replace(
                                tzinfo=datetime.timezone.utc).timestamp()
                            print("  +%7.1f ms  %s" % ((dt - t0) * 1000, line.rstrip()[:200]))
                            continue
                        except ValueError:
                            pass
                    print("           %s" % line.rstrip()[:200])
        for o in suite.Suite.rtm_ops(None, type("C", (), {"api": api})(), name, 4):
            print("  op", o.get("opKind"), o.get("opSource"), o.get("startedAt"), o.get("finishedAt"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        suite.sh("docker rm -f rtm-%s" % name, check=False)
        suite.sh("docker network rm %s" % suite.NET, check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
