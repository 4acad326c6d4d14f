#!/usr/bin/env python3
"""Restart latency of rtmanager: write a restartGeneration bump into the
manifest, then time until GET /v1/runtimes/{name} reports
status.observedGeneration >= the new generation with a new running container.

Usage: bench/restart_latency.py [--runs 20] [--binary build/release/controller/rtmanager]
Prints every run and the median / min / max in milliseconds. Starts its own
rtmanager on a free loopback port with temporary manifests and data dirs.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

MANIFEST = """apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata:
  name: {name}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  restartGeneration: {generation}
  stopTimeoutSeconds: 1
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.002)
    raise TimeoutError("condition not reached in %ss" % timeout)


def write_atomically(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--binary", default="build/release/controller/rtmanager")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="rtm-bench-")
    manifests = os.path.join(work, "manifests")
    os.makedirs(manifests)
    name = "bench-restart-%d" % os.getpid()
    network = "rtm-bench-%d" % os.getpid()
    path = os.path.join(manifests, "game.yaml")
    write_atomically(path, MANIFEST.format(name=name, generation=0))
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    log = open(os.path.join(work, "rtmanager.log"), "w")
    proc = subprocess.Popen(
        [args.binary, "run", "--manifests", manifests, "--data-dir",
         os.path.join(work, "data"), "--listen", "127.0.0.1:%d" % port,
         "--network", network, "--max-ops-per-second", "0"],
        stdout=log, stderr=log)
    try:
        wait_for(lambda: get(base + "/v1/runtimes/" + name)["status"]["phase"] == "Running", 60)
        samples = []
        for generation in range(1, args.runs + 1):
            before = get(base + "/v1/runtimes/" + name)
            old_container = before["status"]["containerId"]
            target = before["metadata"]["generation"] + 1
            started = time.monotonic()
            write_atomically(path, MANIFEST.format(name=name, generation=generation))

            def converged():
                obj = get(base + "/v1/runtimes/" + name)
                status = obj["status"]
                return (status.get("observedGeneration", 0) >= target and
                        status.get("containerId") not in ("", old_container) and
                        status.get("phase") == "Running")
            wait_for(converged, 60)
            elapsed = (time.monotonic() - started) * 1000
            samples.append(elapsed)
            print("run %2d: %7.1f ms" % (generation, elapsed))
        print("restart bump -> observedGeneration: median %.1f ms, min %.1f, max %.1f (n=%d)" %
              (statistics.median(samples), min(samples), max(samples), len(samples)))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run("docker rm -f $(docker ps -aq --filter label=io.rtmanager.game=%s) "
                       ">/dev/null 2>&1; docker network rm %s >/dev/null 2>&1" % (name, network),
                       shell=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
