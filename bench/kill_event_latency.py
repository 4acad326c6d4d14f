#!/usr/bin/env python3
"""Engine-side part of the death reaction: what rtmanager cannot go below in
the kill -> self-heal scenario. For --runs kills of a container built like a
game's (init, published port, user-defined network), measured from the
moment `POST /containers/{id}/kill` is sent (the kill runs on its own thread,
since the call itself only returns once the engine has handled the exit):

  - kill -> `die` event stamped by the engine (its timeNano)
  - kill -> `die` event read by a subscriber of GET /events
  - kill -> the engine serves a call on the dead container again: an inspect
    sent as soon as the `die` event is read blocks until the engine has
    finished handling the exit (network teardown); a start (the self-heal)
    waits the same way.

  bench/kill_event_latency.py [--runs 10] [--json FILE]
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402


def subscribe(name):
    """A raw GET /events stream filtered to `name`, headers consumed."""
    s = socket.socket(socket.AF_UNIX)
    s.connect("/var/run/docker.sock")
    query = urllib.parse.quote(json.dumps({"container": [name], "type": ["container"]}))
    s.sendall(("GET /v1.41/events?filters=%s HTTP/1.1\r\nHost: docker\r\n\r\n" % query).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    return s, buf.split(b"\r\n\r\n", 1)[1]


def read_until_die(s, pending):
    buf = pending
    while True:
        for line in buf.split(b"\n"):
            start = line.find(b"{")
            if start < 0:
                continue
            try:
                ev = json.loads(line[start:])
            except ValueError:
                continue
            if ev.get("Action") == "die":
                return ev, time.time()
        buf = s.recv(65536)


def measure(runs):
    name = suite.PREFIX + "-kill"
    net = suite.PREFIX + "-kill-net"  # its own: the suite's network outlives it
    suite.sh("docker network create %s" % net, check=False)
    d, inspector = suite.Docker(), suite.Docker()
    out = {"die_stamped": [], "die_read": [], "engine_done": [], "kill_returned": []}
    try:
        for _ in range(runs):
            d.create_start(name, net)
            s, pending = subscribe(name)
            time.sleep(0.3)
            returned = []
            t = time.time()
            killer = threading.Thread(target=lambda: (
                d.call("POST", "/containers/%s/kill" % name), returned.append(time.time())))
            killer.start()
            ev, read_at = read_until_die(s, pending)
            state = inspector.call("GET", "/containers/%s/json" % name)["State"]
            done_at = time.time()
            killer.join()
            s.close()
            if state["Running"]:
                raise RuntimeError("inspect after die still says running")
            out["die_stamped"].append((ev["timeNano"] / 1e9 - t) * 1000)
            out["die_read"].append((read_at - t) * 1000)
            out["engine_done"].append((done_at - t) * 1000)
            out["kill_returned"].append((returned[0] - t) * 1000)
            d.call("DELETE", "/containers/%s?force=1" % name)
    finally:
        suite.sh("docker rm -f %s" % name, check=False)
        suite.sh("docker network rm %s" % net, check=False)
    return out


LABELS = (
    ("die_stamped", "kill -> die event stamped (timeNano)"),
    ("die_read", "kill -> die event read from GET /events"),
    ("engine_done", "kill -> engine serves the dead container again (inspect sent on die)"),
    ("kill_returned", "kill -> POST /kill returned"),
)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    out = measure(a.runs)
    for key, label in LABELS:
        st = suite.stats(out[key])
        print("%s: median %.1f ms, p99 %.1f, min %.1f, max %.1f (n=%d)" % (
            label, st["median"], st["p99"], st["min"], st["max"], st["n"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f)


if __name__ == "__main__":
    main()
