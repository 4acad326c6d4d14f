#!/usr/bin/env python3
"""Bounded resources (docs/reliability.md "Bounded resources"): a controller
with 1 000 Stopped games takes 1 000 manifest files arriving at once, keeps
answering with 1 000 idle and 200 half-open API connections open, and ends
a watch stream whose client reads nothing (with --watch-max-unread-mib 1)
instead of buffering every change for it; its resident memory is printed
after each step and must stay under --max-rss-mib (the default suits the
sanitizer build, whose allocator keeps freed memory in quarantine).
Usage: bounded_resources_test.py RTMANAGER_BINARY
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import suite  # noqa: E402  (Api, free_port)

GAMES = 1000


# Each object carries 8 KiB of env, so that the changes a stalled watcher
# is sent (with --watch-max-unread-mib 1) outgrow what the kernel's socket
# buffers absorb (a few MiB) plus the controller's bound.
ENV = "".join("    SETTING_%02d: %s\n" % (i, "x" * 120) for i in range(64))


def manifest(name, generation):
    return ("apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata: {name: %s}\n"
            "spec:\n  image: rtmanager/demo-game:1\n  state: Stopped\n  restartGeneration: %d\n"
            "  env:\n%s" % (name, generation, ENV))


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def fail(text, log):
    print("FAILED: " + text, file=sys.stderr)
    with open(log) as f:
        sys.stderr.write("".join(f.readlines()[-20:]))
    sys.exit(1)


def timed_get(port, path):
    start = time.monotonic()
    status, body = suite.Api(port).get(path, timeout=30)
    return status, body, time.monotonic() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--max-rss-mib", type=float, default=1024)  # the sanitizer build's
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="rtm-bounded-")
    manifests = os.path.join(work, "manifests")
    os.makedirs(manifests)
    port = suite.free_port()
    log = os.path.join(work, "controller.log")
    network = "rtm-bounded-%d" % os.getpid()
    proc = subprocess.Popen([args.binary, "run", "--manifests", manifests, "--data-dir",
                             os.path.join(work, "data"), "--listen", "127.0.0.1:%d" % port,
                             "--network", network, "--watch-max-unread-mib", "1"],
                            stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    sockets = []
    try:
        suite.wait_until(lambda: timed_get(port, "/healthz")[0] == 200, 60, 0.05)
        print("idle, no games: RSS %.1f MiB" % rss_mib(proc.pid))

        # 1 000 files at once: written aside, then moved in together.
        staging = os.path.join(work, "staging")
        os.makedirs(staging)
        for i in range(GAMES):
            with open(os.path.join(staging, "g%04d.yaml" % i), "w") as f:
                f.write(manifest("g%04d" % i, 0))
        start = time.monotonic()
        for name in os.listdir(staging):
            os.rename(os.path.join(staging, name), os.path.join(manifests, name))

        def all_stored():
            status, body, _ = timed_get(port, "/v1/runtimes")
            return status == 200 and sum(
                1 for item in body["items"]
                if item["status"].get("observedGeneration") == item["metadata"]["generation"]
            ) == GAMES
        suite.wait_until(all_stored, 120, 0.2)
        rss = rss_mib(proc.pid)
        print("%d manifest files at once: all stored and reconciled in %.1f s; RSS %.1f MiB" % (
            GAMES, time.monotonic() - start, rss))
        if rss > args.max_rss_mib:
            fail("RSS %.1f MiB over %.0f" % (rss, args.max_rss_mib), log)

        # 1 000 idle and 200 half-open connections.
        for _ in range(1000):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        for s in sockets[:200]:
            s.sendall(b"GET /v1/runtimes HTTP/1.1\r\nHost: x\r\n")  # never finished
        time.sleep(1)
        status, _, took = timed_get(port, "/v1/runtimes/g0000")
        rss = rss_mib(proc.pid)
        print("1000 idle + 200 half-open connections: a read answered %d in %.3f s; RSS %.1f MiB"
              % (status, took, rss))
        if status != 200 or took > 5:
            fail("the API did not answer with idle connections open", log)
        for s in sockets:
            s.close()
        sockets.clear()

        # A watcher that reads nothing while every game changes.
        stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect
        stalled.settimeout(5)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(b"GET /v1/runtimes?watch=true&since=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        rss_before = rss_mib(proc.pid)
        for generation in (1,):
            for i in range(GAMES):
                path = os.path.join(manifests, "g%04d.yaml" % i)
                with open(path + ".tmp", "w") as f:
                    f.write(manifest("g%04d" % i, generation))
                os.rename(path + ".tmp", path)
            suite.wait_until(all_stored, 180, 1.0)
        rss = rss_mib(proc.pid)
        print("a watcher reading nothing through %d changes: RSS %.1f MiB (%.1f before)" % (
            GAMES, rss, rss_before))
        # Its response was ended: reading it now reaches the last chunk.
        stalled.settimeout(10)
        received = b""
        try:
            while not received.endswith(b"\r\n0\r\n\r\n"):
                data = stalled.recv(1 << 20)
                if not data:
                    break
                received += data
        except socket.timeout:
            fail("the stalled watcher's stream is still open after %d bytes" % len(received), log)
        received = len(received)
        print("the stalled watcher's stream ended after %.1f MiB" % (received / 1048576.0))
        if rss > args.max_rss_mib:
            fail("RSS %.1f MiB over %.0f" % (rss, args.max_rss_mib), log)
        status, _, took = timed_get(port, "/v1/runtimes")
        if status != 200:
            fail("the API stopped answering", log)
        print("bounded resources passed")
    finally:
        for s in sockets:
            s.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run(["docker", "network", "rm", network], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
