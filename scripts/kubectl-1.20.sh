#!/usr/bin/env bash
# scripts/kubectl-1.20.sh DIR: prints the path of Debian's kubectl 1.20
# (package kubernetes-client), unpacked under DIR without installing it:
# /usr/bin/kubectl often belongs to another package (a newer kubectl).
# Downloads the package on first use.
set -euo pipefail
dir=$(mkdir -p "$1" && cd "$1" && pwd)
kubectl="$dir/kubernetes-client/usr/bin/kubectl"
# Tests run in parallel: one of them unpacks, the others wait for it.
exec 9>"$dir/.kubectl-1.20.lock"
flock 9
if [ ! -x "$kubectl" ]; then
  cd "$dir"
  rm -rf kubernetes-client_*.deb kubernetes-client kubernetes-client.tmp
  if ! apt-get download kubernetes-client >/dev/null 2>&1; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
    apt-get download kubernetes-client >/dev/null 2>&1
  fi
  dpkg -x kubernetes-client_*.deb kubernetes-client.tmp
  rm -f kubernetes-client_*.deb
  mv kubernetes-client.tmp kubernetes-client
fi
echo "$kubectl"
