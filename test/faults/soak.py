#!/usr/bin/env python3
"""The chaos soak (docs/reliability.md "Chaos soak"): a fleet of games driven
through random restart bumps, image updates, Stopped/Running flips, deletions
and re-creations, while faults are injected (docker kill of a game's
container, kill -9 of the controller, kill -9 of the engine), and a checker
samples the engine and the API every 100 ms for the invariants:

  1. never two live (running) containers of one game;
  2. no container of a game whose manifest is gone once the API reported it
     Removed (and it was not declared again since);
  3. no audit entry the API has shown is ever missing later (across
     controller kills), and each game's last restart (lastRestart, success
     or failure) is in its audit with that outcome;
  4. once the faults stop, everything converges within --converge-seconds:
     each declared game at its generation, Running with one running
     container of its image, or Stopped with none running; each removed
     game without a container.

Runs against a test-owned engine (scripts/soak.sh starts one in a network
namespace of its own). Prints a report and exits 1 on any violation.

  soak.py --binary B --engines-script S --engines-dir D --engine NAME
          [--minutes M] [--games 20] [--seed N]
"""
import argparse
import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import suite  # noqa: E402  (UnixConn, Api, free_port, write_atomically)

IMAGES = ["rtmanager/demo-game:1", "rtmanager/demo-game:2"]


class Fleet:
    """What the driver has declared, per game: generation, image, state,
    present (a manifest exists), and when it was last deleted/declared."""

    def __init__(self, manifests, games):
        self.dir = manifests
        self.lock = threading.Lock()
        self.games = {}
        for i in range(1, games + 1):
            self.games["soak-%d" % i] = {"generation": 0, "image": IMAGES[0], "state": "Running",
                                         "present": True, "deleted_at": None, "declared_at": 0.0}
            self.write("soak-%d" % i)

    def write(self, name):
        g = self.games[name]
        doc = ("apiVersion: rtmanager.galaxy/v1\nkind: GameRuntime\nmetadata: {name: %s}\n"
               "spec:\n  image: %s\n  command: [\"/bin/httpd\", \"-f\", \"-p\", \"8080\"]\n"
               "  state: %s\n  restartGeneration: %d\n  stopTimeoutSeconds: 1\n" %
               (name, g["image"], g["state"], g["generation"]))
        suite.write_atomically(os.path.join(self.dir, name + ".yaml"), doc)

    def change(self, rng):
        """One random change of desired state; returns its kind."""
        with self.lock:
            name = rng.choice(sorted(self.games))
            g = self.games[name]
            if not g["present"]:
                g["present"], g["declared_at"], g["deleted_at"] = True, time.monotonic(), None
                self.write(name)
                return "recreate"
            kind = rng.choices(["bump", "image", "flip", "delete"], [5, 2, 2, 1])[0]
            if kind == "bump":
                g["generation"] += 1
            elif kind == "image":
                g["image"] = IMAGES[1] if g["image"] == IMAGES[0] else IMAGES[0]
            elif kind == "flip":
                g["state"] = "Stopped" if g["state"] == "Running" else "Running"
            else:
                g["present"], g["deleted_at"] = False, time.monotonic()
                os.remove(os.path.join(self.dir, name + ".yaml"))
                return kind
            self.write(name)
            return kind

    def snapshot(self):
        with self.lock:
            return {name: dict(g) for name, g in self.games.items()}


class Engine:
    def __init__(self, script, folder, name, network):
        self.script, self.folder, self.name, self.network = script, folder, name, network
        self.socket = os.path.join(folder, name, "docker.sock")

    def containers(self):
        """Every container of the soak's network: [(game, running, image, id)]."""
        conn = suite.UnixConn(self.socket)
        conn.timeout = 5
        filters = urllib.parse.quote(json.dumps({"label": ["io.rtmanager.network=" + self.network]}))
        try:
            conn.request("GET", "/v1.41/containers/json?all=1&filters=" + filters)
            r = conn.getresponse()
            body = r.read()
        finally:
            conn.close()
        if r.status != 200:
            raise RuntimeError("engine answered %d" % r.status)
        return [(c["Labels"].get("io.rtmanager.game"), c["State"] == "running", c["Image"], c["Id"])
                for c in json.loads(body)]

    def kill_container(self, container_id):
        conn = suite.UnixConn(self.socket)
        conn.timeout = 5
        try:
            conn.request("POST", "/v1.41/containers/%s/kill" % container_id)
            conn.getresponse().read()
        finally:
            conn.close()

    def start_rogue(self, game):
        """A running container labelled as `game`'s, not made by the
        controller: what a broken controller would leave (--check-the-checker)."""
        conn = suite.UnixConn(self.socket)
        body = json.dumps({"Image": IMAGES[0], "Cmd": ["/bin/sleep", "60"],
                           "Labels": {"io.rtmanager.game": game,
                                      "io.rtmanager.network": self.network}})
        try:
            conn.request("POST", "/v1.41/containers/create", body=body,
                         headers={"Content-Type": "application/json"})
            created = json.loads(conn.getresponse().read())
            conn.request("POST", "/v1.41/containers/%s/start" % created["Id"])
            conn.getresponse().read()
        finally:
            conn.close()

    def crash(self):
        subprocess.run([self.script, "kill", self.folder, self.name], check=True,
                       stdout=subprocess.DEVNULL)

    def restart(self):
        subprocess.run([self.script, "restart", self.folder, self.name], check=True,
                       stdout=subprocess.DEVNULL)


class ControllerProcess:
    def __init__(self, binary, manifests, data, network, socket_path, log):
        self.args = [binary, "run", "--manifests", manifests, "--data-dir", data,
                     "--network", network, "--resync", "30s"]
        self.env = dict(os.environ, DOCKER_HOST="unix://" + socket_path)
        self.log = log
        self.proc = None
        self.api = None

    def start(self):
        port = suite.free_port()
        self.proc = subprocess.Popen(self.args + ["--listen", "127.0.0.1:%d" % port],
                                     env=self.env, stdout=self.log, stderr=self.log)
        self.port = port
        self.api = suite.Api(port)  # the driver's; each sampler makes its own
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.api.get("/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the controller did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Checker(threading.Thread):
    def __init__(self, fleet, engine, controller):
        super().__init__(daemon=True)
        self.fleet, self.engine, self.controller = fleet, engine, controller
        self.stopping = threading.Event()
        self.violations = []
        self.samples = collections.Counter()
        self.removed_seen = {}  # game -> monotonic time the API showed it Removed
        self.audit = {}  # game -> set of sequences the API has shown
        self.api_paused = threading.Event()

    def violate(self, text):
        if len(self.violations) < 100:
            self.violations.append("%.1f s: %s" % (time.monotonic() - START, text))
        print("VIOLATION:", text, flush=True)

    def run(self):
        """Samples the engine and the API every 100 ms each (on threads of
        their own, so that a slow answer of one does not delay the other),
        the audit every 2 s."""
        def every(period, sample):
            while not self.stopping.wait(period):
                sample()
        loops = [threading.Thread(target=every, args=(period, sample), daemon=True)
                 for period, sample in ((0.1, self.sample_api), (0.1, self.sample_engine),
                                        (2.0, self.sample_audit))]
        for loop in loops:
            loop.start()
        for loop in loops:
            loop.join()

    def sample_api(self):
        if self.api_paused.is_set():
            return
        try:
            status, body = suite.Api(self.controller.port).get("/v1/runtimes", timeout=5)
        except OSError:
            self.samples["api_unavailable"] += 1
            return
        if status != 200:
            self.samples["api_error"] += 1
            return
        self.samples["api"] += 1
        now = time.monotonic()
        fleet = self.fleet.snapshot()
        for item in body["items"]:
            name = item["metadata"]["name"]
            if item.get("status", {}).get("phase") != "Removed":
                self.removed_seen.pop(name, None)
                continue
            deleted_at = fleet.get(name, {}).get("deleted_at")
            if name not in self.removed_seen or (
                    deleted_at is not None and self.removed_seen[name] < deleted_at):
                self.removed_seen[name] = now

    def sample_engine(self):
        try:
            containers = self.engine.containers()
        except (OSError, RuntimeError):
            self.samples["engine_unavailable"] += 1
            return
        self.samples["engine"] += 1
        fleet = self.fleet.snapshot()
        running = collections.Counter(game for game, live, _, _ in containers if live)
        for game, count in running.items():
            if count > 1:
                self.violate("%s has %d running containers" % (game, count))
        for game in {game for game, _, _, _ in containers}:
            seen = self.removed_seen.get(game)
            g = fleet.get(game)
            if seen is not None and g is not None and not g["present"] and \
                    g["deleted_at"] is not None and seen > g["deleted_at"]:
                self.violate("%s has a container after the API reported it Removed" % game)

    def sample_audit(self):
        if self.api_paused.is_set():
            return
        api = suite.Api(self.controller.port)
        for game in sorted(self.fleet.snapshot()):
            try:
                status, body = api.get(
                    "/v1/runtimes/%s/operations?limit=1000" % game, timeout=5)
            except OSError:
                return
            if status != 200:
                continue
            now = {entry["sequence"] for entry in body["items"]}
            before = self.audit.get(game, set())
            lost = before - now
            if lost and len(now) < 1000:
                self.violate("%s lost audit entries %s" % (game, sorted(lost)[:5]))
            self.audit[game] = before | now


def converged(fleet, engine, controller):
    """What still differs from the declared fleet (empty when converged)."""
    problems = []
    containers = engine.containers()
    by_game = collections.defaultdict(list)
    for game, live, image, _ in containers:
        by_game[game].append((live, image))
    status, body = controller.api.get("/v1/runtimes", timeout=10)
    if status != 200:
        return ["the API answered %d" % status]
    objects = {item["metadata"]["name"]: item for item in body["items"]}
    for name, g in fleet.snapshot().items():
        item = objects.get(name)
        mine = by_game.get(name, [])
        if not g["present"]:
            if mine:
                problems.append("%s is removed but has %d containers" % (name, len(mine)))
            if item and item["status"].get("phase") != "Removed":
                problems.append("%s is removed but its phase is %s" % (name, item["status"].get("phase")))
            continue
        if item is None:
            problems.append("%s is not in the API" % name)
            continue
        st = item["status"]
        if st.get("observedGeneration") != item["metadata"].get("generation"):
            problems.append("%s observed generation %s of %s" % (
                name, st.get("observedGeneration"), item["metadata"].get("generation")))
        live = [image for running, image in mine if running]
        if g["state"] == "Running":
            if st.get("phase") != "Running" or live != [g["image"]]:
                heal = st.get("selfHeal")
                error = st.get("lastError")
                problems.append("%s should run %s: phase %s, running %s%s%s" % (
                    name, g["image"], st.get("phase"), live,
                    " (self-heal backoff: %s in a row, not before %s)" % (
                        heal.get("consecutive"), heal.get("notBefore")) if heal else "",
                    " (last error at %s: %s)" % (error.get("at"), error.get("message"))
                    if error else ""))
            elif st.get("observedRestartGeneration") != g["generation"]:
                problems.append("%s restart generation %s of %s" % (
                    name, st.get("observedRestartGeneration"), g["generation"]))
        elif live:
            problems.append("%s should be stopped but runs %s" % (name, live))
    return problems


def acknowledged_restarts_audited(fleet, controller):
    missing = []
    status, body = controller.api.get("/v1/runtimes", timeout=10)
    for item in body["items"]:
        last = item.get("status", {}).get("lastRestart")
        if not last or not last.get("sourceRef"):
            continue
        name = item["metadata"]["name"]
        _, ops = controller.api.get("/v1/runtimes/%s/operations?limit=1000" % name, timeout=10)
        # lastRestart is the newest attempt, failed ones included (a lease
        # still held by a killed controller fails a restart with conflict).
        audited = {(e.get("sourceRef"), e["outcome"]) for e in ops["items"]
                   if e["opKind"] == "restart"}
        if (last["sourceRef"], last.get("outcome")) not in audited:
            missing.append("%s: its last restart %s (%s) is not in its audit" % (
                name, last["sourceRef"], last.get("outcome")))
    return missing


START = time.monotonic()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", required=True)
    p.add_argument("--engines-script", required=True)
    p.add_argument("--engines-dir", required=True)
    p.add_argument("--engine", required=True)
    p.add_argument("--minutes", type=float, default=2)
    p.add_argument("--games", type=int, default=20)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--converge-seconds", type=int, default=180)
    p.add_argument("--check-the-checker", action="store_true",
                   help="start a second container of one game after 10 s: the soak must fail")
    args = p.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="rtm-soak-")
    network = "rtm-soak-%d" % os.getpid()
    manifests = os.path.join(work, "manifests")
    os.makedirs(manifests)
    log = open(os.path.join(work, "controller.log"), "ab")
    engine = Engine(args.engines_script, args.engines_dir, args.engine, network)
    fleet = Fleet(manifests, args.games)
    controller = ControllerProcess(args.binary, manifests, os.path.join(work, "data"), network,
                                   engine.socket, log)
    actions = collections.Counter()
    print("soak: %d games, %.1f min, seed %d, work %s" % (args.games, args.minutes, args.seed, work),
          flush=True)
    controller.start()
    checker = Checker(fleet, engine, controller)
    checker.start()
    ok = False
    try:
        end = time.monotonic() + args.minutes * 60
        next_engine_crash = time.monotonic() + rng.uniform(30, 60)
        rogue_at = time.monotonic() + 10 if args.check_the_checker else None
        while time.monotonic() < end:
            if rogue_at is not None and time.monotonic() >= rogue_at:
                engine.start_rogue("soak-1")
                rogue_at = None
            time.sleep(rng.uniform(0.2, 1.0))
            fault = rng.random()
            if time.monotonic() >= next_engine_crash:
                engine.crash()
                actions["fault: engine kill -9"] += 1
                time.sleep(rng.uniform(1, 4))
                engine.restart()
                next_engine_crash = time.monotonic() + rng.uniform(45, 90)
            elif fault < 0.04:
                checker.api_paused.set()
                controller.kill9()
                actions["fault: controller kill -9"] += 1
                time.sleep(rng.uniform(0.2, 2))
                controller.start()
                checker.api_paused.clear()
            elif fault < 0.14:
                try:
                    live = [c for c in engine.containers() if c[1]]
                    if live:
                        engine.kill_container(rng.choice(live)[3])
                        actions["fault: docker kill"] += 1
                except (OSError, RuntimeError):
                    pass
            else:
                actions[fleet.change(rng)] += 1
        print("faults stopped after %.0f s; converging" % (time.monotonic() - START), flush=True)
        settle_start = time.monotonic()
        problems = ["not checked"]
        last_waits = []  # what the last games to converge were waiting for
        while time.monotonic() - settle_start < args.converge_seconds:
            try:
                problems = converged(fleet, engine, controller)
            except (OSError, RuntimeError) as error:
                problems = [str(error)]
            if not problems:
                break
            last_waits = problems
            time.sleep(0.5)
        settled = time.monotonic() - settle_start
        checker.stopping.set()
        checker.join()
        checker.sample_audit()
        if problems:
            checker.violate("not converged %d s after the faults stopped: %s" % (
                args.converge_seconds, "; ".join(problems[:5])))
        else:
            for missing in acknowledged_restarts_audited(fleet, controller):
                checker.violate(missing)
        audited = sum(len(s) for s in checker.audit.values())
        print("\n## Soak report\n")
        print("- seed %d, %d games, %.1f minutes of faults" % (args.seed, args.games, args.minutes))
        print("- desired-state changes: %s" % ", ".join(
            "%s %d" % (k, v) for k, v in sorted(actions.items()) if not k.startswith("fault")))
        print("- faults injected: %s" % ", ".join(
            "%s %d" % (k[7:], v) for k, v in sorted(actions.items()) if k.startswith("fault")))
        print("- checker samples: %s" % ", ".join("%s %d" % kv for kv in sorted(checker.samples.items())))
        print("- audit entries seen: %d" % audited)
        print("- converged %.1f s after the faults stopped" % settled if not problems else
              "- NOT converged")
        if settled > 10:
            print("- the last to converge, 0.5 s before: " + "; ".join(last_waits[:5]))
        print("- invariant violations: %d" % len(checker.violations))
        for v in checker.violations:
            print("  - " + v)
        ok = not checker.violations
    finally:
        checker.stopping.set()
        controller.stop()
        try:
            subprocess.run(["docker", "-H", "unix://" + engine.socket, "rm", "-f"] +
                           [c[3] for c in engine.containers()], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        except (OSError, RuntimeError):
            pass
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept for inspection: " + work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
