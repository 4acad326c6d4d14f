#!/usr/bin/env python3
"""Engine-side part of the death reaction: `docker kill` issued -> the `die`
event's own timestamp (TimeNano) and -> the event delivered to a subscriber.
What rtmanager cannot go below in the kill -> self-heal scenario.

  bench/kill_event_latency.py [--runs 10]
"""
import argparse, os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

p = argparse.ArgumentParser(); p.add_argument("--runs", type=int, default=10)
a = p.parse_args()
name = suite.PREFIX + "-kill"
net = suite.NET
suite.sh("docker network create %s" % net, check=False)
d = suite.Docker()
stamp, deliver = [], []
try:
    for _ in range(a.runs):
        d.create_start(name, net)
        ev = subprocess.Popen(["docker", "events", "--filter", "container=" + name, "--filter", "event=die",
                               "--format", "{{.TimeNano}}"], stdout=subprocess.PIPE, text=True)
        time.sleep(0.3)
        t = time.time()
        d.call("POST", "/containers/%s/kill" % name)
        line = ev.stdout.readline()
        got = time.time()
        ev.terminate(); ev.wait()
        stamp.append((int(line) / 1e9 - t) * 1000)
        deliver.append((got - t) * 1000)
        d.call("DELETE", "/containers/%s?force=1" % name)
finally:
    suite.sh("docker rm -f %s" % name, check=False)
    suite.sh("docker network rm %s" % net, check=False)
for label, s in (("kill -> die event TimeNano", stamp), ("kill -> die event read by `docker events`", deliver)):
    st = suite.stats(s)
    print("%s: median %.1f ms, min %.1f, max %.1f (n=%d)" % (label, st["median"], st["min"], st["max"], st["n"]))
