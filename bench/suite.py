#!/usr/bin/env python3
"""rtmanager benchmark suite: rtmanager vs the raw Docker API floor and the
peers (docker CLI, docker-compose 1.29, Docker Swarm), side by side in one run.

Usage (normally through bench/run.sh):
  bench/suite.py [--smoke] [--out FILE] [--binary PATH] [--floor-binary PATH]

Every container, network, compose project and swarm service it creates is
named with the prefix rtmb<pid> and removed at the end; swarm mode is left
as it was found. Traffic goes to loopback only (ports published on
127.0.0.1, the Docker unix socket, the controller on 127.0.0.1).
"""
import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

IMAGE = "rtmanager/demo-game:1"
CMD = ["/bin/httpd", "-f", "-p", "8080"]
PID = os.getpid()
PREFIX = "rtmb%d" % PID          # every resource name starts with it
NET = PREFIX + "-net"            # user-defined bridge for cli/compose/raw/rtmanager
OVERLAY = PREFIX + "-ov"         # attachable overlay for swarm
FLOOR_NET = "rtmanager-bench"    # the C++ floor bench's own network

LOG = []
with open('/proc/loadavg') as _f:
    LOADAVG = ' '.join(_f.read().split()[:3])


def log(msg):
    line = "[%s] %s" % (time.strftime("%H:%M:%S"), msg)
    print(line, flush=True)


def sh(cmd, check=True, capture=True, timeout=600):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=capture,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s%s" %
                           (r.returncode, cmd, r.stdout, r.stderr))
    return r


def stats(samples):
    s = sorted(samples)
    n = len(s)
    if n == 0:
        return None
    p99 = s[min(n - 1, int(round(0.99 * (n - 1))))]
    return {"median": statistics.median(s), "min": s[0], "max": s[-1], "n": n,
            "p99": p99}


def parse_rfc3339(text):
    # 2026-11-25T03:34:35.123Z
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


# ---------------------------------------------------------------- raw Docker API
class UnixConn(http.client.HTTPConnection):
    def __init__(self, path="/var/run/docker.sock"):
        super().__init__("localhost", timeout=120)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(120)
        s.connect(self.path)
        self.sock = s


class Docker:
    """One keep-alive connection to the engine (one per thread)."""

    def __init__(self):
        self.conn = UnixConn()

    def call(self, method, path, body=None, ok=(200, 201, 204, 304)):
        data = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        self.conn.request(method, "/v1.41" + path, body=data, headers=headers)
        r = self.conn.getresponse()
        raw = r.read()
        if r.status not in ok:
            raise RuntimeError("%s %s -> %d %s" % (method, path, r.status, raw[:200]))
        return json.loads(raw) if raw and raw[:1] in (b"{", b"[") else None

    def create_spec(self, name, network):
        return {
            "Image": IMAGE, "Cmd": CMD, "Hostname": name,
            "Labels": {PREFIX: "raw"},
            "StopTimeout": 1,
            "ExposedPorts": {"8080/tcp": {}},
            "HostConfig": {"Init": True, "NetworkMode": network,
                           "RestartPolicy": {"Name": "no"},
                           "PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}},
            "NetworkingConfig": {"EndpointsConfig": {network: {"Aliases": [name]}}},
        }

    def create_start(self, name, network):
        self.call("POST", "/containers/create?name=" + name, self.create_spec(name, network))
        self.call("POST", "/containers/%s/start" % name)

    def recreate(self, name, network):
        self.call("POST", "/containers/%s/stop?t=1" % name)
        self.call("DELETE", "/containers/" + name)
        self.create_start(name, network)


# ---------------------------------------------------------------- controller
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """Keep-alive HTTP client of the controller's REST API."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path, timeout=30):
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                body = r.read()
                return r.status, (json.loads(body) if body else None)
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 1:
                    raise
        return None


class Watch:
    """The latest object of every runtime, kept by following
    `GET /v1/runtimes?watch=true&since=N` from a list's revision: how a
    Kubernetes client (kubectl wait) waits. The controller does no work for
    a waiting client until something changes, as the raw-API driver, which
    only waits on its own calls, asks nothing of the engine meanwhile."""

    def __init__(self, port):
        self.port = port
        self.cond = threading.Condition()
        self.objects = {}
        self.closed = False
        self.conn = None
        status, body = Api(port).get("/v1/runtimes")
        if status != 200:
            raise RuntimeError("list runtimes: HTTP %d" % status)
        self.objects = {it["metadata"]["name"]: it for it in body["items"]}
        self.revision = body["revision"]
        self.thread = threading.Thread(target=self._follow, daemon=True)
        self.thread.start()

    def _follow(self):
        while not self.closed:
            try:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=None)
                self.conn.request("GET", "/v1/runtimes?watch=true&since=%d" % self.revision)
                r = self.conn.getresponse()
                if r.status != 200:
                    raise RuntimeError("watch: HTTP %d" % r.status)
                while True:
                    line = r.readline()
                    if not line:
                        break          # max_watch passed: watch again
                    ev = json.loads(line)
                    name = ev["object"]["metadata"]["name"]
                    with self.cond:
                        self.revision = ev["revision"]
                        if ev["type"] == "DELETED":
                            self.objects.pop(name, None)
                        else:
                            self.objects[name] = ev["object"]
                        self.cond.notify_all()
            except Exception:
                if self.closed:
                    return
                time.sleep(0.05)

    def wait(self, pred, timeout):
        """pred(objects) under the lock, re-evaluated on every event."""
        with self.cond:
            if not self.cond.wait_for(lambda: pred(self.objects), timeout):
                raise TimeoutError("condition not reached in %ss" % timeout)
            return dict(self.objects)

    def close(self):
        self.closed = True
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except Exception:
            pass


class Controller:
    def __init__(self, binary, manifests, data, network, extra=()):
        self.binary, self.manifests, self.data, self.network = binary, manifests, data, network
        self.extra = list(extra)
        self.proc = None
        self.port = None

    def start(self, logfile):
        self.port = free_port()
        self.logf = open(logfile, "a")
        self.proc = subprocess.Popen(
            [self.binary, "run", "--manifests", self.manifests, "--data-dir", self.data,
             "--listen", "127.0.0.1:%d" % self.port, "--network", self.network,
             "--max-ops-per-second", "0"] + self.extra,
            stdout=self.logf, stderr=self.logf)
        self.api = Api(self.port)
        return self

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("controller exited with %s" % self.proc.returncode)
            try:
                st, _ = Api(self.port).get("/readyz", timeout=2)
                if st == 200:
                    return
            except Exception:
                pass
            time.sleep(0.002)
        raise TimeoutError("controller not ready")

    def stop(self):
        if getattr(self, "watch", None):
            self.watch.close()
            self.watch = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])   # utime + stime

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def manifest_doc(name, generation, state="Running", ports=True):
    doc = ("apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata:\n  name: %s\n"
           "spec:\n  image: %s\n  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
           "  state: %s\n  restartGeneration: %d\n  stopTimeoutSeconds: 1\n" %
           (name, IMAGE, state, generation))
    if ports:
        doc += "  ports:\n    - {containerPort: 8080}\n"
    return doc


def write_atomically(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def wait_until(pred, timeout, interval=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            v = pred()
            if v:
                return v
        except Exception:
            pass
        time.sleep(interval)
    raise TimeoutError("condition not reached in %ss" % timeout)


# ---------------------------------------------------------------- scenarios
class Suite:
    def __init__(self, args):
        self.a = args
        self.work = tempfile.mkdtemp(prefix=PREFIX + "-")
        self.results = {}      # section -> list of rows
        self.notes = []
        self.missing = []
        self.swarm_inited = False

    # --- floor
    def run_floor(self, runs):
        out = sh([self.a.floor_binary, "--runs", str(runs), "--image", IMAGE]).stdout
        calls = {}
        for line in out.splitlines():
            p = line.split()
            if len(p) == 5 and p[0] in ("stop", "rm", "create", "start", "restart"):
                calls[p[0]] = {"n": int(p[1]), "median": float(p[2]), "min": float(p[3]),
                               "max": float(p[4])}
        return calls

    # --- scenario 1
    def restart_cli(self, runs):
        name = PREFIX + "-cli"
        run = ("docker run -d --name {n} --init --stop-timeout 1 --network {net} "
               "--network-alias {n} --hostname {n} -p 127.0.0.1::8080 {img} {cmd}").format(
            n=name, net=NET, img=IMAGE, cmd=" ".join(CMD))
        sh(run)
        samples = []
        for _ in range(runs):
            t = time.monotonic()
            sh("docker stop %s >/dev/null && docker rm %s >/dev/null && %s >/dev/null" % (name, name, run))
            samples.append((time.monotonic() - t) * 1000)
        sh("docker rm -f %s" % name, check=False)
        return samples

    def compose_file(self, names, path):
        lines = ["version: '2.4'", "services:"]
        for n in names:
            lines += ["  %s:" % n, "    image: %s" % IMAGE,
                      "    command: %s" % json.dumps(CMD),
                      "    container_name: %s-c-%s" % (PREFIX, n),
                      "    hostname: %s" % n, "    init: true",
                      "    stop_grace_period: 1s",
                      "    ports: ['127.0.0.1::8080']",
                      "    networks:", "      benchnet:", "        aliases: [%s]" % n]
        lines += ["networks:", "  benchnet:", "    external: true", "    name: %s" % NET]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def compose_project(self, names, project):
        """Writes the project and brings it up; returns (recreate, down)."""
        d = os.path.join(self.work, project)
        os.makedirs(d, exist_ok=True)
        f = os.path.join(d, "docker-compose.yml")
        self.compose_file(names, f)
        base = ["docker-compose", "-p", project, "-f", f]
        # Bounded: compose 1.29 was seen to stall forever (idle, no engine
        # activity) in `up -d` of 100 services on this machine.
        bound = 60 + 3 * len(names)
        down = lambda: sh(base + ["down", "-t", "1"], check=False)
        try:
            sh(base + ["up", "-d"], timeout=bound)
        except Exception:
            down()
            raise
        return (lambda: sh(base + ["up", "-d", "--force-recreate"], timeout=bound)), down

    def compose(self, names, runs, project):
        recreate, down = self.compose_project(names, project)
        samples = []
        try:
            for _ in range(runs):
                t = time.monotonic()
                recreate()
                samples.append((time.monotonic() - t) * 1000)
        finally:
            down()
        return samples

    def ensure_swarm(self):
        state = sh("docker info --format '{{.Swarm.LocalNodeState}}'").stdout.strip()
        if state != "active":
            sh("docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377")
            self.swarm_inited = True
        sh("docker network create -d overlay --attachable %s" % OVERLAY)
        return True

    def swarm_create(self, names):
        procs = [subprocess.Popen(
            ["docker", "service", "create", "--detach=false", "-q", "--name", "%s-s-%s" % (PREFIX, n),
             "--init", "--stop-grace-period", "1s", "--hostname", n,
             "--network", "name=%s,alias=%s" % (OVERLAY, n), "--update-monitor", "100ms",
             "--restart-condition", "none", IMAGE] + CMD,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for n in names]
        for p in procs:
            _, err = p.communicate(timeout=600)
            if p.returncode != 0:
                raise RuntimeError("service create failed: " + err)
        return True

    def swarm_update(self, names, runs):
        samples = []
        for _ in range(runs):
            t = time.monotonic()
            procs = [subprocess.Popen(
                ["docker", "service", "update", "--force", "--detach=false", "-q",
                 "--update-monitor", "100ms", "%s-s-%s" % (PREFIX, n)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for n in names]
            for p in procs:
                _, err = p.communicate(timeout=600)
                if p.returncode != 0:
                    raise RuntimeError("service update failed: " + err)
            samples.append((time.monotonic() - t) * 1000)
        return samples

    def swarm_rm(self, names):
        sh(["docker", "service", "rm"] + ["%s-s-%s" % (PREFIX, n) for n in names], check=False)
        # `service rm` returns before the engine has torn the tasks down; the
        # next scenario must not share the cores with that clean-up.
        try:
            wait_until(lambda: not sh("docker ps -aq --filter name=%s-s-" % PREFIX).stdout.strip(),
                       300, 0.5)
        except TimeoutError:
            self.missing.append("swarm: task containers still present 300 s after service rm")

    # --- rtmanager fleet/restart machinery
    def rtm_start(self, tag, docs_by_file, extra=(), watch=True):
        mdir = os.path.join(self.work, tag, "manifests")
        ddir = os.path.join(self.work, tag, "data")
        os.makedirs(mdir, exist_ok=True)
        for fname, text in docs_by_file.items():
            write_atomically(os.path.join(mdir, fname), text)
        c = Controller(self.a.binary, mdir, ddir, NET, extra)
        c.start(os.path.join(self.work, tag, "rtmanager.log"))
        c.wait_ready()
        if watch:
            c.watch = Watch(c.port)
        return c, mdir

    def rtm_items(self, c):
        st, body = c.api.get("/v1/runtimes")
        return {it["metadata"]["name"]: it for it in body["items"]}

    def rtm_ops(self, c, name, limit=20):
        st, body = c.api.get("/v1/runtimes/%s/operations?limit=%d" % (name, limit))
        if isinstance(body, dict):
            body = body.get("items", body.get("operations", []))
        return body or []

    def rtm_wait_converged(self, c, names, restart_gen, old_ids, timeout=300):
        """Waits on the controller's watch stream (c.watch) until every game in
        names is Running a container other than old_ids[name] at restart_gen."""
        def ok(items):
            for n in names:
                s = items.get(n, {}).get("status", {})
                if s.get("phase") != "Running" or not s.get("containerId"):
                    return False
                if s.get("observedRestartGeneration", -1) < restart_gen:
                    return False
                if old_ids and s.get("containerId") == old_ids.get(n):
                    return False
            return True
        return c.watch.wait(ok, timeout)

    def start_etcd(self):
        """A single-member etcd (Debian etcd-server) in the work dir, for the
        rtmanager-on-etcd rows; returns its etcd:// URL. Stopped at the end."""
        client, peer = free_port(), free_port()
        d = os.path.join(self.work, "etcd")
        url = "http://127.0.0.1:%d" % client
        self.etcd_proc = subprocess.Popen(
            ["etcd", "--data-dir", d, "--listen-client-urls", url, "--advertise-client-urls", url,
             "--listen-peer-urls", "http://127.0.0.1:%d" % peer,
             "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % peer,
             "--initial-cluster", "default=http://127.0.0.1:%d" % peer,
             "--logger", "zap", "--log-level", "warn"],
            stdout=open(d + ".log", "a"), stderr=subprocess.STDOUT)
        wait_until(lambda: sh("curl -fs %s/health" % url, check=False).returncode == 0, 30, 0.1)
        return "etcd://127.0.0.1:%d" % client

    def rtm_restart_one(self, runs, floor_samples, extra=(), tag="restart"):
        """runs restartGeneration bumps of one game; before each, one floor
        restart (rtm_bench_docker_calls --runs 1) appended to floor_samples
        (call -> [ms]), so that engine drift over the run touches both alike.
        `extra`: more `rtmanager run` flags (the store)."""
        name = PREFIX + "-one"
        c, mdir = self.rtm_start(tag, {"game.yaml": manifest_doc(name, 0)}, extra)
        samples, op_ms, reaction_ms, inner = [], [], [], []
        try:
            items = self.rtm_wait_converged(c, [name], 0, None, 120)
            for gen in range(1, runs + 1):
                try:
                    for call, st in self.run_floor(1).items():
                        floor_samples.setdefault(call, []).append(st["median"])
                except Exception as e:   # the floor failing must not lose rtmanager's runs
                    floor_samples.setdefault("error", []).append(str(e))
                obj = items[name]
                old = obj["status"]["containerId"]
                target = obj["metadata"]["generation"] + 1
                wall = time.time()
                t = time.monotonic()
                write_atomically(os.path.join(mdir, "game.yaml"), manifest_doc(name, gen))

                def conv(objects):
                    s = objects.get(name, {}).get("status", {})
                    return (s.get("observedGeneration", 0) >= target and s.get("phase") == "Running"
                            and s.get("containerId") not in ("", old))
                items = c.watch.wait(conv, 60)
                samples.append((time.monotonic() - t) * 1000)
                ops = self.rtm_ops(c, name, 10)
                outer = [o for o in ops if o.get("opKind") == "restart"]
                if outer:
                    o = outer[0]
                    s0, s1 = parse_rfc3339(o["startedAt"]), parse_rfc3339(o["finishedAt"])
                    op_ms.append((s1 - s0) * 1000)
                    reaction_ms.append((s0 - wall) * 1000)
                    sub = {}
                    for e in ops:
                        if e.get("sourceRef") == o.get("sourceRef") and e.get("opKind") in ("stop", "start"):
                            sub.setdefault(e["opKind"], (parse_rfc3339(e["finishedAt"]) - parse_rfc3339(e["startedAt"])) * 1000)
                    inner.append(sub)
            self.restart_ops_sample = ops[:6]
        finally:
            c.stop()
            self.rm_rtm_containers()
        return samples, op_ms, reaction_ms, inner

    # ------------------------------------------------ manifest delivery
    def swap_reaction(self, runs):
        """The manifest reaction by delivery mechanism (issue 14): a
        restartGeneration bump written to a plain file (atomic rename), by a
        git-sync worktree flip (a new worktree, the `current` link re-pointed
        by rename, the old worktree deleted) and by a ConfigMap volume update
        (a new timestamped directory, `..data` re-pointed by rename, the old
        directory deleted). One controller per layout, all running at once;
        the runs take turns across layouts so that drift touches them alike.
        reaction = the restart operation's startedAt - the wall clock just
        before the file's rename or the link's swap."""
        layouts = {}
        base = os.path.join(self.work, "delivery")

        def plain(root, name, gen, first):
            os.makedirs(root, exist_ok=True)
            path = os.path.join(root, name + ".yaml")
            tmp = os.path.join(root, "." + name + ".yaml.tmp")
            with open(tmp, "w") as f:
                f.write(manifest_doc(name, gen))
            wall = time.time()
            os.rename(tmp, path)
            return root, wall

        def git_sync(root, name, gen, first):
            tree = os.path.join(root, ".worktrees", "rev%d" % gen)
            os.makedirs(tree)
            with open(os.path.join(tree, name + ".yaml"), "w") as f:
                f.write(manifest_doc(name, gen))
            link = os.path.join(root, "current")
            os.symlink(os.path.join(".worktrees", "rev%d" % gen), link + ".tmp")
            wall = time.time()
            os.rename(link + ".tmp", link)
            if not first:
                shutil.rmtree(os.path.join(root, ".worktrees", "rev%d" % (gen - 1)))
            return link, wall

        def configmap(root, name, gen, first):
            stamp = "..2026_12_02_00_00_%02d.%d" % (gen % 60, gen)
            os.makedirs(os.path.join(root, stamp))
            with open(os.path.join(root, stamp, name + ".yaml"), "w") as f:
                f.write(manifest_doc(name, gen))
            if first:
                os.symlink(os.path.join("..data", name + ".yaml"), os.path.join(root, name + ".yaml"))
            os.symlink(stamp, os.path.join(root, "..data_tmp"))
            wall = time.time()
            os.rename(os.path.join(root, "..data_tmp"), os.path.join(root, "..data"))
            if not first:
                old = [d for d in os.listdir(root) if d.startswith("..20") and d != stamp]
                for d in old:
                    shutil.rmtree(os.path.join(root, d))
            return root, wall

        kinds = (("plain file", plain), ("git-sync flip", git_sync), ("ConfigMap ..data swap", configmap))
        res = {}
        try:
            for label, deliver in kinds:
                tag = "delivery-%d" % len(layouts)
                root = os.path.join(base, tag)
                os.makedirs(root, exist_ok=True)
                name = "%s-dl%d" % (PREFIX, len(layouts))
                path, _ = deliver(root, name, 0, True)
                c = Controller(self.a.binary, path, os.path.join(base, tag + "-data"), NET)
                c.start(os.path.join(base, tag + ".log"))
                layouts[label] = {"c": c, "root": root, "name": name, "deliver": deliver}
                res[label] = {"reaction_ms": [], "converge_ms": []}
            for label, L in layouts.items():
                L["c"].wait_ready()
                L["c"].watch = Watch(L["c"].port)
                L["items"] = self.rtm_wait_converged(L["c"], [L["name"]], 0, None, 120)
            for gen in range(1, runs + 1):
                for label, L in layouts.items():
                    c, name = L["c"], L["name"]
                    old = L["items"][name]["status"]["containerId"]
                    target = L["items"][name]["metadata"]["generation"] + 1
                    t = time.monotonic()
                    _, wall = L["deliver"](L["root"], name, gen, False)

                    def conv(objects, name=name, old=old, target=target):
                        s = objects.get(name, {}).get("status", {})
                        return (s.get("observedGeneration", 0) >= target and s.get("phase") == "Running"
                                and s.get("containerId") not in ("", old))
                    L["items"] = c.watch.wait(conv, 60)
                    res[label]["converge_ms"].append((time.monotonic() - t) * 1000)
                    outer = [o for o in self.rtm_ops(c, name, 10) if o.get("opKind") == "restart"]
                    if outer:
                        res[label]["reaction_ms"].append((parse_rfc3339(outer[0]["startedAt"]) - wall) * 1000)
        finally:
            for L in layouts.values():
                L["c"].stop()
            self.rm_rtm_containers()
        return res

    def rm_rtm_containers(self):
        ids = sh("docker ps -aq --filter name=rtm-%s" % PREFIX).stdout.split()
        for i in range(0, len(ids), 50):
            sh(["docker", "rm", "-f"] + ids[i:i + 50], check=False)

    def fleet(self, n, runs, concurrencies, kills, with_compose):
        """Fleet restarts: the raw-API driver at each concurrency, rtmanager
        and (with_compose) a compose project, once per round in an order
        that rotates, all fleets running side by side, so that engine drift
        and load touch every contender alike. Then the death reaction: each
        of the first `kills` games killed once. Returns ({concurrency: [ms]},
        ([ms], kill_ms, after_engine_ms), compose [ms])."""
        raw_names = ["%s-raw-%d" % (PREFIX, i) for i in range(n)]
        names = ["%s-f%d" % (PREFIX, i) for i in range(n)]
        text = lambda g: "---\n".join(manifest_doc(nm, g) for nm in names)
        d = Docker()
        for nm in raw_names:
            d.create_start(nm, NET)
        local = threading.local()

        def raw_one(nm):
            if not hasattr(local, "d"):
                local.d = Docker()
            local.d.recreate(nm, NET)
        raw = {k: [] for k in concurrencies}
        samples, kill_ms, after_engine_ms, compose_ms = [], [], [], []
        c = None
        compose_down = None
        try:
            c, mdir = self.rtm_start("fleet%d" % n, {"fleet.yaml": text(0)})
            items = self.rtm_wait_converged(c, names, 0, None, 300)
            compose_recreate = None
            if with_compose:
                try:
                    compose_recreate, compose_down = self.compose_project(
                        ["g%d" % i for i in range(n)], PREFIX + "fleet%d" % n)
                    compose_recreate()
                except Exception as e:
                    compose_recreate = None
                    self.missing.append("compose fleet %d: failed: %s" % (n, str(e).splitlines()[0][:300]))
            # One untimed round each first: the first recreate of a fresh
            # container is slower, for every contender alike.
            with concurrent.futures.ThreadPoolExecutor(max(concurrencies)) as ex:
                list(ex.map(raw_one, raw_names))
            old = {nm: items[nm]["status"]["containerId"] for nm in names}
            write_atomically(os.path.join(mdir, "fleet.yaml"), text(1))
            items = self.rtm_wait_converged(c, names, 1, old, 300)
            # The engine slows down over a run (seen: about 6 % per round):
            # the contenders' order rotates from round to round.
            contenders = list(concurrencies) + ["rtm"] + (["compose"] if compose_recreate else [])
            for gen in range(2, runs + 2):
                shift = (gen - 2) % len(contenders)
                for who in contenders[shift:] + contenders[:shift]:
                    if who == "compose":
                        t = time.monotonic()
                        try:
                            compose_recreate()
                            compose_ms.append((time.monotonic() - t) * 1000)
                        except Exception as e:
                            self.missing.append("compose fleet %d: a round failed: %s" %
                                                (n, str(e).splitlines()[0][:300]))
                        continue
                    if who == "rtm":
                        old = {nm: items[nm]["status"]["containerId"] for nm in names}
                        t = time.monotonic()
                        write_atomically(os.path.join(mdir, "fleet.yaml"), text(gen))
                        items = self.rtm_wait_converged(c, names, gen, old, 300)
                        samples.append((time.monotonic() - t) * 1000)
                        continue
                    with concurrent.futures.ThreadPoolExecutor(who) as ex:
                        t = time.monotonic()
                        list(ex.map(raw_one, raw_names))
                        raw[who].append((time.monotonic() - t) * 1000)
                log("  round %d: raw %s, rtmanager %.0f ms%s" % (
                    gen - 1, ", ".join("%d→%.0f" % (k, raw[k][-1]) for k in concurrencies), samples[-1],
                    ", compose %.0f ms" % compose_ms[-1] if compose_ms else ""))
            if compose_down:
                compose_down()
                compose_down = None
            d = Docker()   # the set-up connection has idled for minutes: the engine closed it
            for nm in raw_names:
                d.call("DELETE", "/containers/%s?force=1" % nm, ok=(204, 404))
            raw_names = []
            # reaction to container death: kill each game once (first death,
            # so the per-game self-heal backoff starts from zero)
            for nm in names[:kills]:
                before = {(o.get("startedAt"), o.get("opKind")) for o in self.rtm_ops(c, nm)}
                wall = time.time()
                d.call("POST", "/containers/rtm-%s/kill" % nm)
                # POST /kill returns once the engine has handled the exit:
                # the first moment it serves a start of that container.
                engine_ready = time.time()

                def healed():
                    for o in self.rtm_ops(c, nm):
                        if (o.get("startedAt"), o.get("opKind")) not in before and \
                                o.get("opSource") == "reconciler":
                            return o
                    return None
                o = wait_until(healed, 60, 0.005)
                kill_ms.append((parse_rfc3339(o["startedAt"]) - wall) * 1000)
                after_engine_ms.append((parse_rfc3339(o["startedAt"]) - engine_ready) * 1000)
                self.rtm_wait_converged(c, [nm], 0, None, 60)
        finally:
            if compose_down:
                compose_down()
            if c:
                c.stop()
            self.rm_rtm_containers()
            d = Docker()
            for nm in raw_names:
                try:
                    d.call("DELETE", "/containers/%s?force=1" % nm, ok=(204, 404))
                except Exception:
                    d = Docker()
        return raw, (samples, kill_ms, after_engine_ms), compose_ms

    def idle(self, total, running, seconds):
        tag = "idle"
        mdir = os.path.join(self.work, tag, "manifests")
        for i in range(total):
            sub = os.path.join(mdir, "d%03d" % (i // 100))
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, "g%05d.yaml" % i), "w") as f:
                f.write(manifest_doc("%s-i%05d" % (PREFIX, i), 0, "Stopped", ports=False))
        run_names = ["%s-r%03d" % (PREFIX, i) for i in range(running)]
        if running:
            with open(os.path.join(mdir, "running.yaml"), "w") as f:
                f.write("---\n".join(manifest_doc(nm, 0) for nm in run_names))
        res = {}
        t = time.monotonic()
        c, _ = self.rtm_start(tag, {}, watch=False)   # no client load while idle
        res["first_ready_ms"] = (time.monotonic() - t) * 1000

        def all_seen():
            items = self.rtm_items(c)
            if len(items) < total + running:
                return False
            return all(items.get(n, {}).get("status", {}).get("phase") == "Running" for n in run_names) and \
                all(it.get("status", {}).get("observedGeneration", 0) >= it["metadata"]["generation"]
                    for it in items.values())
        try:
            wait_until(all_seen, 900, 1.0)
            res["initial_converge_ms"] = (time.monotonic() - t) * 1000
            time.sleep(3)
            hz = os.sysconf("SC_CLK_TCK")
            t0, c0 = time.monotonic(), c.cpu_ticks()
            time.sleep(seconds)
            t1, c1 = time.monotonic(), c.cpu_ticks()
            res["cpu_pct"] = (c1 - c0) / hz / (t1 - t0) * 100
            res["rss_mib"] = c.rss_kib() / 1024
            res["idle_seconds"] = seconds
            # API: list latency (fresh connection each time, like a client)
            lat, size = [], 0
            for _ in range(5 if self.a.smoke else 20):
                t = time.monotonic()
                conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=60)
                conn.request("GET", "/v1/runtimes")
                body = conn.getresponse().read()
                lat.append((time.monotonic() - t) * 1000)
                size = len(body)
                conn.close()
            res["list_ms"] = lat
            res["list_bytes"] = size
            res["get_rps"], res["get_tool"] = self.load_get(c.port, "%s-i%05d" % (PREFIX, total // 2))
            res["rss_after_api_mib"] = c.rss_kib() / 1024
            # start-up: restart on the same data dir and manifests tree
            c.stop()
            t = time.monotonic()
            c.start(os.path.join(self.work, tag, "rtmanager.log"))
            c.wait_ready(300)
            res["startup_ready_ms"] = (time.monotonic() - t) * 1000
            try:
                wait_until(all_seen, 900, 1.0)
                res["restart_converge_ms"] = (time.monotonic() - t) * 1000
            except TimeoutError:
                pass
            time.sleep(2)
            t0, c0 = time.monotonic(), c.cpu_ticks()
            time.sleep(min(seconds, 20))
            t1, c1 = time.monotonic(), c.cpu_ticks()
            res["cpu_pct_after_restart"] = (c1 - c0) / hz / (t1 - t0) * 100
            res["cpu_after_restart_seconds"] = min(seconds, 20)
        finally:
            c.stop()
            self.rm_rtm_containers()
        return res

    def load_get(self, port, name):
        url = "http://127.0.0.1:%d/v1/runtimes/%s" % (port, name)
        dur = 3 if self.a.smoke else 15
        if shutil.which("wrk"):
            out = sh(["wrk", "-t2", "-c16", "-d%ds" % dur, "--latency", url], timeout=120).stdout
            m = re.search(r"Requests/sec:\s+([\d.]+)", out)
            non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
            tool = "wrk -t2 -c16 -d%ds (keep-alive)" % dur
            if non2xx:
                tool += ", %s non-2xx" % non2xx.group(1)
            return float(m.group(1)), tool
        # fallback: Python threads with keep-alive
        count = [0]
        stop = time.monotonic() + dur
        lock = threading.Lock()

        def worker():
            a = Api(port)
            k = 0
            while time.monotonic() < stop:
                a.get("/v1/runtimes/" + name)
                k += 1
            with lock:
                count[0] += k
        ths = [threading.Thread(target=worker) for _ in range(8)]
        t = time.monotonic()
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        return count[0] / (time.monotonic() - t), "python 8 threads keep-alive, %ds" % dur

    # --- driver
    def guarded(self, label, fn, *args):
        log("scenario: " + label)
        t = time.monotonic()
        try:
            r = fn(*args)
            log("  done in %.1f s" % (time.monotonic() - t))
            return r
        except Exception as e:  # a peer failing must not sink the whole report
            log("  FAILED: %s" % e)
            self.missing.append("%s: failed: %s" % (label, str(e).splitlines()[0][:300]))
            return None

    def run(self):
        a = self.a
        smoke = a.smoke
        R = 3 if smoke else a.runs
        FR = 1 if smoke else a.fleet_runs
        N = 5 if smoke else 20
        want = lambda scenario: not a.only or scenario in a.only
        started = time.time()
        sh("docker network create %s" % NET)
        res = {}
        swarm = not a.no_swarm and (want("restart") or want("fleet")) and \
            self.guarded("swarm init", self.ensure_swarm) is not None
        if want("restart"):
            floor_samples = {}
            res["cli"] = self.guarded("docker CLI restart", self.restart_cli, R)
            res["compose"] = self.guarded("compose restart", self.compose, ["game"], R, PREFIX + "one")
            res["rtm"] = self.guarded("rtmanager restart, each run after one floor run (rtm_bench_docker_calls)",
                                      self.rtm_restart_one, R, floor_samples)
            if shutil.which("etcd"):
                url = self.guarded("etcd for rtmanager on etcd", self.start_etcd)
                if url:
                    res["rtm_etcd"] = self.guarded(
                        "rtmanager on etcd restart, each run after one floor run",
                        self.rtm_restart_one, R, floor_samples,
                        ["--store", url, "--etcd-prefix", "/%s/" % PREFIX], "restart-etcd")
            else:
                self.missing.append("etcd: not installed, no rtmanager-on-etcd row")
            if floor_samples.get("error"):
                self.missing.append("floor: %d runs failed: %s" % (len(floor_samples["error"]),
                                                                    floor_samples["error"][0].splitlines()[0][:300]))
            res["floor"] = {call: stats(v) for call, v in floor_samples.items() if call != "error"}
            if swarm and self.guarded("swarm create 1", self.swarm_create, ["game"]) is not None:
                res["swarm"] = self.guarded("swarm restart", self.swarm_update, ["game"],
                                            R if smoke else min(R, a.swarm_runs))
                self.swarm_rm(["game"])
        if want("delivery"):
            res["delivery"] = self.guarded("manifest reaction by delivery (plain, git-sync, ConfigMap)",
                                           self.swap_reaction, 3 if smoke else a.delivery_runs)
        if want("death"):
            import kill_event_latency  # noqa: E402 (it imports this module)
            res["kill_engine"] = self.guarded("engine death timeline", kill_event_latency.measure, R)
        res["fleet"] = {}
        fleet_sizes = [N] + ([100] if a.fleet100 and not smoke else [])
        for n in fleet_sizes if want("fleet") else []:
            f = {}
            conc = [4, 8, 20] if n <= 20 else [8, 20, 50]
            FRn = FR if n <= 20 else a.fleet100_runs
            # The death reaction's samples: each game of the 20-fleet killed once.
            measured = self.guarded("raw API, rtmanager and compose fleet %d, alternating rounds" % n,
                                    self.fleet, n, FRn, conc, n if n <= 20 else 0, True)
            if measured:
                f["raw"], f["rtm"], f["compose"] = measured
            names = ["f%d" % i for i in range(n)]
            if swarm and self.guarded("swarm create %d" % n, self.swarm_create, names) is not None:
                f["swarm"] = self.guarded("swarm fleet %d" % n, self.swarm_update, names,
                                          FR if n <= 20 else 1)
                self.swarm_rm(names)
            res["fleet"][n] = f
        if want("idle"):
            res["idle"] = self.guarded("idle + API", self.idle, a.idle_runtimes,
                                       a.idle_running, a.idle_seconds)
        res["elapsed_s"] = time.time() - started
        return res

    def cleanup(self):
        log("cleanup")
        self.rm_rtm_containers()
        ids = sh("docker ps -aq --filter name=%s" % PREFIX, check=False).stdout.split()
        if ids:
            sh(["docker", "rm", "-f"] + ids, check=False)
        svcs = sh("docker service ls -q --filter name=%s" % PREFIX, check=False).stdout.split()
        if svcs:
            sh(["docker", "service", "rm"] + svcs, check=False)
            time.sleep(3)
        for net in (OVERLAY, NET):
            for _ in range(10):
                if sh("docker network rm %s" % net, check=False).returncode == 0 or \
                        "No such network" in sh("docker network inspect %s" % net, check=False).stderr:
                    break
                time.sleep(1)
        sh("docker network rm %s" % FLOOR_NET, check=False)   # fails harmlessly if in use
        if self.swarm_inited:
            sh("docker swarm leave --force", check=False)
        if getattr(self, "etcd_proc", None):
            self.etcd_proc.kill()
            self.etcd_proc.wait()
        shutil.rmtree(self.work, ignore_errors=True)


# ---------------------------------------------------------------- report
def machine_line():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    dv = sh("docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'", check=False).stdout.strip()
    cv = sh("docker-compose version --short", check=False).stdout.strip() or "absent"
    return ("nproc %d · %s · kernel %s · docker %s · docker-compose %s · load average at start %s · %s" %
            (os.cpu_count(), cpu, platform.release(), dv, cv, LOADAVG,
             datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))


def fmt(st, floor=None):
    if not st:
        return "| – | – | – | – |"
    ratio = "%.2f×" % (st["median"] / floor) if floor else "–"
    return "| %.1f | %.1f–%.1f | %d | %s |" % (st["median"], st["min"], st["max"], st["n"], ratio)


def command_flags():
    """This run's suite flags, without the binary paths bench/run.sh adds."""
    out, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("--binary", "--floor-binary"):
            skip = True
        elif not arg.startswith(("--binary=", "--floor-binary=")):
            out.append(arg)
    return "".join(" " + a for a in out)


def report(res, args, suite):
    L = []
    L.append("# rtmanager benchmark report%s\n" % (" (SMOKE: few runs, small N — not figures to quote)" if args.smoke else ""))
    L.append("Machine: " + machine_line() + "\n")
    L.append("Command: `bench/run.sh%s` · suite wall time %.0f s · image `%s`, command `%s`, "
             "Init, stop timeout 1 s, user-defined bridge network with an alias (Swarm: attachable overlay), "
             "port 8080 published on 127.0.0.1 (ephemeral) except Swarm (no ports: the routing mesh is not loopback-only). "
             "rtmanager runs with `--max-ops-per-second 0` and default `--workers`.\n" %
             (command_flags(), res.get("elapsed_s", 0), IMAGE, " ".join(CMD)))
    fl = res.get("floor") or {}
    floor = fl.get("restart", {}).get("median")
    L.append("## 1. Restart latency of one game (ms)\n")
    L.append("| contender | median | min–max | n | × floor |\n|---|---|---|---|---|")
    if fl.get("restart"):
        L.append("| raw Engine API floor: stop+rm+create+start, one keep-alive connection (one run before each rtmanager run) " + fmt(fl["restart"], floor))
        for k in ("stop", "rm", "create", "start"):
            if k in fl:
                L.append("| &nbsp;&nbsp;floor call `%s` " % k + fmt(fl[k]))
    L.append("| docker CLI `stop && rm && run` " + fmt(stats(res.get("cli") or []), floor))
    L.append("| docker-compose `up -d --force-recreate` " + fmt(stats(res.get("compose") or []), floor))
    L.append("| Docker Swarm `service update --force` (monitor 100 ms) " + fmt(stats(res.get("swarm") or []), floor))
    rtm = res.get("rtm")
    if rtm:
        total, op, react, inner = rtm
        L.append("| **rtmanager** bump → observedGeneration + new container Running " + fmt(stats(total), floor))
        L.append("")
        L.append("rtmanager restart, split from its operation log (ms timestamps, so ±1 ms):\n")
        L.append("| part | median | min–max | n |\n|---|---|---|---|")
        L.append("| manifest write → outer `restart` entry startedAt (watcher debounce + scan + queue) " + fmt(stats(react))[:-6] + "|")
        L.append("| outer `restart` entry startedAt → finishedAt (lease + stop + rm + create + start + store writes) " + fmt(stats(op))[:-6] + "|")
        stops = [i["stop"] for i in inner if "stop" in i]
        starts = [i["start"] for i in inner if "start" in i]
        if stops:
            L.append("| &nbsp;&nbsp;inner `stop` entry " + fmt(stats(stops))[:-6] + "|")
        if starts:
            L.append("| &nbsp;&nbsp;inner `start` entry (create+start) " + fmt(stats(starts))[:-6] + "|")
        if op and total:
            tail = [t - o - r for t, o, r in zip(total, op, react)]
            L.append("| finishedAt → client sees status (status write + watch event) " + fmt(stats(tail))[:-6] + "|")
        if op and floor:
            L.append("\nOverhead: total median − floor median = **%.1f ms**; of which before the first engine call "
                     "(reaction) %.1f ms; inside the operation (op median − floor median) %.1f ms." %
                     (statistics.median(total) - floor, statistics.median(react),
                      statistics.median(op) - floor))
    etcd_rtm = res.get("rtm_etcd")
    if etcd_rtm:
        total, op, react, inner = etcd_rtm
        L.append("\n| **rtmanager on etcd** (single-member etcd 3.4 on loopback; same game, same floor runs) | median | min–max | n | × floor |\n|---|---|---|---|---|")
        # fmt's ratio column is × floor.
        L.append("| bump → observedGeneration + new container Running " + fmt(stats(total), floor))
        L.append("| outer `restart` entry startedAt → finishedAt " + fmt(stats(op), floor))
        L.append("| manifest write → outer `restart` entry startedAt " + fmt(stats(react))[:-6] + "|")
        if op and floor and rtm and rtm[0]:
            L.append("\netcd vs leveldb: total median %.1f vs %.1f ms (×%.3f of the floor vs ×%.3f)." %
                     (statistics.median(total), statistics.median(rtm[0]),
                      statistics.median(total) / floor, statistics.median(rtm[0]) / floor))
    L.append("\n## 2. Fleet: N games restarted at once (ms, wall until all converged)\n")
    L.append("Raw API, rtmanager and compose ran in alternating rounds with their fleets running side by side "
             "(each round runs the raw driver at each concurrency, rtmanager and compose once, in an order that "
             "rotates from round to round, after one untimed round each); Swarm ran afterwards with its fleet alone.\n")
    for n, f in (res.get("fleet") or {}).items():
        L.append("### N = %d\n" % n)
        L.append("| contender | median | min–max | n | × best raw |\n|---|---|---|---|---|")
        best = None
        raw = f.get("raw") or {}
        for c, s in sorted(raw.items()):
            st = stats(s)
            if best is None or st["median"] < best[1]:
                best = (c, st["median"])
        bm = best[1] if best else None
        for c, s in sorted(raw.items()):
            L.append("| raw API, %d threads (stop+rm+create+start per game)%s " %
                     (c, " **best**" if best and c == best[0] else "") + fmt(stats(s), bm))
        L.append("| docker-compose `up -d --force-recreate` (%d services) " % n + fmt(stats(f.get("compose") or []), bm))
        if "swarm" in f:
            L.append("| Swarm: %d parallel `service update --force` " % n + fmt(stats(f.get("swarm") or []), bm))
        rf = f.get("rtm")
        L.append("| **rtmanager**: one file with %d documents, all bumped " % n + fmt(stats(rf[0] if rf else []), bm))
        L.append("")
    L.append("## 3. Reaction (ms)\n")
    L.append("| event → first engine call | p50 | p99 | min–max | n |\n|---|---|---|---|---|")
    if rtm and rtm[2]:
        st = stats(rtm[2])
        L.append("| manifest write → `restart` operation startedAt | %.1f | %.1f | %.1f–%.1f | %d |" %
                 (st["median"], st["p99"], st["min"], st["max"], st["n"]))
    kills, after_engine = [], []
    for f in (res.get("fleet") or {}).values():
        if f.get("rtm"):
            kills += f["rtm"][1]
            after_engine += f["rtm"][2]
    if kills:
        st = stats(kills)
        L.append("| `docker kill` (API call issued) → self-heal `start` (opSource reconciler) startedAt | %.1f | %.1f | %.1f–%.1f | %d |" %
                 (st["median"], st["p99"], st["min"], st["max"], st["n"]))
    if after_engine:
        st = stats(after_engine)
        L.append("| engine done with the exit (`POST /kill` returned) → self-heal `start` startedAt | %.1f | %.1f | %.1f–%.1f | %d |" %
                 (st["median"], st["p99"], st["min"], st["max"], st["n"]))
    L.append("\nSamples: manifest reaction from the restart runs of scenario 1; death reaction from killing each fleet game once "
             "(first death of each game, so per-game self-heal backoff does not apply). p99 of n < 100 is the maximum-ish order statistic.\n")
    ke = res.get("kill_engine")
    if ke:
        import kill_event_latency  # noqa: E402
        L.append("Engine-side floor of the death reaction (`bench/kill_event_latency.py`, same image/network, no controller): "
                 "the engine publishes `die` quickly but serves no call on the dead container (inspect, start, rm) until it "
                 "has finished handling the exit; a self-heal cannot start earlier.\n")
        L.append("| engine timeline from `POST /kill` sent | p50 | p99 | min–max | n |\n|---|---|---|---|---|")
        for key, label in kill_event_latency.LABELS:
            st = stats(ke[key])
            L.append("| %s | %.1f | %.1f | %.1f–%.1f | %d |" % (label, st["median"], st["p99"], st["min"], st["max"], st["n"]))
        L.append("")
    idle = res.get("idle")
    L.append("## 4–5. Idle cost, start-up, API\n")
    if idle:
        L.append("%d declared runtimes with state Stopped + %d running (`--smoke` uses fewer), manifests tree of one file per runtime "
                 "in 100-file directories.\n" % (args.idle_runtimes, args.idle_running))
        L.append("| measure | value |\n|---|---|")
        L.append("| first start on an empty store → /readyz | %.0f ms |" % idle["first_ready_ms"])
        if "initial_converge_ms" in idle:
            L.append("| first start → every runtime observed (all generations, running ones Running) | %.0f ms |" % idle["initial_converge_ms"])
        L.append("| idle CPU over %d s (utime+stime from /proc) | %.3f %% of one core |" % (idle["idle_seconds"], idle["cpu_pct"]))
        L.append("| RSS (VmRSS) idle | %.1f MiB |" % idle["rss_mib"])
        L.append("| RSS after the API load | %.1f MiB |" % idle["rss_after_api_mib"])
        st = stats(idle["list_ms"])
        L.append("| `GET /v1/runtimes` (%d bytes), new connection each | median %.1f ms, min–max %.1f–%.1f, n %d |" %
                 (idle["list_bytes"], st["median"], st["min"], st["max"], st["n"]))
        L.append("| `GET /v1/runtimes/{name}` | %.0f req/s (%s) |" % (idle["get_rps"], idle["get_tool"]))
        L.append("| restart on the same data dir + manifests → /readyz | %.0f ms |" % idle["startup_ready_ms"])
        if "restart_converge_ms" in idle:
            L.append("| restart → every runtime observed again | %.0f ms |" % idle["restart_converge_ms"])
        L.append("| idle CPU after the restart, over %d s | %.3f %% of one core |" % (idle["cpu_after_restart_seconds"], idle["cpu_pct_after_restart"]))
        L.append("\nThe load generator shares the 2 cores with the controller.")
    dl = res.get("delivery") or {}
    if dl:
        L.append("\n## Manifest reaction by delivery mechanism (ms)\n")
        L.append("A restartGeneration bump per run, delivered three ways to three controllers running at once "
                 "(the runs take turns): reaction = the restart operation's startedAt − the wall clock just before "
                 "the file's rename or the link's swap; converged = until the watch shows the new container Running.\n")
        L.append("| delivery | reaction p50 | reaction p99 | reaction max | converged p50 | n |\n|---|---|---|---|---|---|")
        for label, d in dl.items():
            r, cv = d.get("reaction_ms") or [], d.get("converge_ms") or []
            if not r:
                continue
            q = sorted(r)
            p99 = q[min(len(q) - 1, int(round(0.99 * (len(q) - 1))))]
            L.append("| %s | %.1f | %.1f | %.1f | %.0f | %d |" %
                     (label, statistics.median(r), p99, q[-1], statistics.median(cv) if cv else float("nan"), len(r)))
    L.append("\n## Targets (issue 5)\n")
    L.append("| target | measured | |\n|---|---|---|")

    def mark(ok):
        return "met" if ok else "**missed**"
    if rtm and floor:
        r = statistics.median(rtm[0]) / floor
        L.append("| restart ≤ 1.10× floor | %.2f× (%.0f / %.0f ms) | %s |" % (r, statistics.median(rtm[0]), floor, mark(r <= 1.10)))
    for n, f in (res.get("fleet") or {}).items():
        raw = f.get("raw") or {}
        if raw and f.get("rtm"):
            bm = min(statistics.median(s) for s in raw.values())
            rm = statistics.median(f["rtm"][0])
            peers = [statistics.median(f[k]) for k in ("compose", "swarm") if f.get(k)]
            ok = rm <= 1.10 * bm and all(rm < p for p in peers)
            L.append("| fleet %d ≤ 1.10× best raw and ahead of compose/Swarm | %.2f× best raw (%.0f / %.0f ms); peers %s ms | %s |" %
                     (n, rm / bm, rm, bm, ", ".join("%.0f" % p for p in peers), mark(ok)))
    if rtm and rtm[2]:
        p = statistics.median(rtm[2])
        L.append("| reaction p50 manifest < 20 ms | %.1f ms | %s |" % (p, mark(p < 20)))
    for label, d in (res.get("delivery") or {}).items():
        if d.get("reaction_ms") and label != "plain file":
            p = statistics.median(d["reaction_ms"])
            L.append("| reaction p50 %s < 20 ms (issue 14) | %.1f ms | %s |" % (label, p, mark(p < 20)))
    if kills:
        p = statistics.median(kills)
        why = ""
        if ke and p >= 50:
            floor_ms = statistics.median(ke["engine_done"])
            why = ("; out of reach: the engine serves the dead container only %.0f ms after the kill "
                   "(section 3), rtmanager starts the heal %.1f ms after that" %
                   (floor_ms, statistics.median(after_engine) if after_engine else float("nan")))
        L.append("| reaction p50 death < 50 ms | %.1f ms%s | %s |" % (p, why, mark(p < 50)))
    if idle:
        L.append("| idle < 0.5 %% of a core (%d runtimes) | %.3f %% | %s |" % (args.idle_runtimes, idle["cpu_pct"], mark(idle["cpu_pct"] < 0.5)))
        L.append("| RSS < 150 MB (%d runtimes) | %.1f MiB | %s |" % (args.idle_runtimes, idle["rss_mib"], mark(idle["rss_mib"] * 1.048576 < 150)))
        L.append("| start-up < 3 s | %.0f ms | %s |" % (idle["startup_ready_ms"], mark(idle["startup_ready_ms"] < 3000)))
        L.append("| single-runtime GET ≥ 5 000 req/s | %.0f req/s | %s |" % (idle["get_rps"], mark(idle["get_rps"] >= 5000)))
    if suite.missing:
        L.append("\n## Not measured in this run\n")
        for m in suite.missing:
            L.append("- " + m)
    return "\n".join(L) + "\n"


SCENARIOS = ("restart", "delivery", "death", "fleet", "idle")


def scenario_list(text):
    chosen = set(text.split(","))
    unknown = sorted(chosen - set(SCENARIOS))
    if unknown:
        raise argparse.ArgumentTypeError("unknown scenario(s) %s; choose from %s" %
                                         (", ".join(unknown), ",".join(SCENARIOS)))
    return chosen


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--out", default="bench/reports/latest.md")
    p.add_argument("--binary", default="build/release/controller/rtmanager")
    p.add_argument("--floor-binary", default="build/release/bench/rtm_bench_docker_calls")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--swarm-runs", type=int, default=20)
    p.add_argument("--delivery-runs", type=int, default=100,
                   help="restart bumps per delivery mechanism (plain file, git-sync flip, ConfigMap swap)")
    p.add_argument("--fleet-runs", type=int, default=5, help="rounds per contender for N=20")
    p.add_argument("--fleet100-runs", type=int, default=3, help="rounds per contender for N=100")
    p.add_argument("--no-swarm", action="store_true")
    p.add_argument("--only", type=scenario_list, default=None,
                   help="comma list of scenarios: %s (default all)" % ",".join(SCENARIOS))
    p.add_argument("--fleet100", action="store_true", help="also N=100 (raw, compose, rtmanager)")
    p.add_argument("--idle-runtimes", type=int, default=None)
    p.add_argument("--idle-running", type=int, default=None)
    p.add_argument("--idle-seconds", type=int, default=None)
    p.add_argument("--json", default=None, help="also dump raw results as JSON")
    a = p.parse_args()
    if a.idle_runtimes is None:
        a.idle_runtimes = 500 if a.smoke else 10000
    if a.idle_running is None:
        a.idle_running = 2 if a.smoke else 100
    if a.idle_seconds is None:
        a.idle_seconds = 5 if a.smoke else 60
    s = Suite(a)
    try:
        res = s.run()
    finally:
        s.cleanup()
    text = report(res, a, s)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({k: v for k, v in res.items() if k != "fleet"} |
                      {"fleet": {str(k): v for k, v in (res.get("fleet") or {}).items()}}, f, default=str)
    print(text)
    log("report written to " + a.out)
    return 1 if s.missing and a.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
