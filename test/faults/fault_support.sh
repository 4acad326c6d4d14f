# Helpers of the fault tests (sourced). The caller sets: binary (the
# rtmanager under test), work (its temp dir, holding manifests/ and
# controller.log), games (how many), prefix (the games' names: PREFIX1..N),
# RTMANAGER_SERVER, and docker_host (the engine the games run on).

fail() { echo "FAILED: $*" >&2; tail -30 "$work/controller.log" >&2 || true; exit 1; }

edocker() { DOCKER_HOST=$docker_host docker "$@"; }

# Writes every game's manifest at restart generation $1.
write_manifests() {
  for i in $(seq 1 "$games"); do
    cat > "$work/manifests/$prefix$i.yaml" <<YAML
apiVersion: rtmanager.galaxy/v1
kind: GameRuntime
metadata: {name: $prefix$i}
spec:
  image: rtmanager/demo-game:1
  command: ["/bin/httpd", "-f", "-p", "8080"]
  stopTimeoutSeconds: 1
  restartGeneration: $1
YAML
  done
}

# Waits until every game is ready at restart generation $1 (within $2,
# default 2m); $3 says when, for the failure message.
converged_at() {
  for i in $(seq 1 "$games"); do
    "$binary" wait "$prefix$i" --for ready --restart-generation "$1" --timeout "${2:-2m}" >/dev/null ||
      fail "$prefix$i did not converge to restart generation $1${3:+ ($3)}"
  done
}

# Exactly one container per game, running.
one_running_container_each() {
  for i in $(seq 1 "$games"); do
    local all running
    all=$(edocker ps -aq --filter "label=io.rtmanager.game=$prefix$i" | wc -l)
    running=$(edocker ps -q --filter "label=io.rtmanager.game=$prefix$i" | wc -l)
    [ "$all" = 1 ] && [ "$running" = 1 ] || fail "$prefix$i has $all containers, $running running"
  done
}

# The seconds since the instant $1 (date +%s.%N), to a tenth.
seconds_since() { python3 -c "import time; print(round(time.time() - $1, 1))"; }

# Waits until the controller's API answers.
await_api() {
  for _ in $(seq 1 100); do curl -sf "$RTMANAGER_SERVER/healthz" >/dev/null && return; sleep 0.1; done
  fail "the API did not come up"
}
