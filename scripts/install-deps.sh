#!/usr/bin/env bash
# Installs the Debian packages rtmanager builds, tests and runs with; only
# calls apt-get when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcpprest-dev libyaml-cpp-dev nlohmann-json3-dev libleveldb-dev libsnappy-dev
  libspdlog-dev libboost-dev libssl-dev libhowardhinnant-date-dev tzdata
  etcd-server etcd-client iproute2 util-linux
  libgtest-dev libgmock-dev libbenchmark-dev
  docker.io busybox-static curl ca-certificates openssl python3 prometheus
  docker-compose wrk git
  clang-16 libclang-rt-16-dev  # libFuzzer (scripts/fuzz.sh)
)

# Node.js and npm for the informer test (@kubernetes/client-node): Debian's,
# unless a node is already there (e.g. NodeSource's, which bundles npm).
if ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! grep -q "ok installed" < <(dpkg-query -W -f='${Status}' "$package" 2>/dev/null); then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
