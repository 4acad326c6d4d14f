#!/usr/bin/env bash
# scripts/kubectl-1.20.sh DIR: prints the path of Debian's kubectl 1.20
# (package kubernetes-client), unpacked under DIR without installing it:
# /usr/bin/kubectl often belongs to another package (a newer kubectl).
# Downloads the package on first use.
set -euo pipefail
dir=$(mkdir -p "$1" && cd "$1" && pwd)
kubectl="$dir/kubernetes-client/usr/bin/kubectl"
if [ ! -x "$kubectl" ]; then
  cd "$dir"
  rm -f kubernetes-client_*.deb
  if ! apt-get download kubernetes-client >/dev/null 2>&1; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
    apt-get download kubernetes-client >/dev/null 2>&1
  fi
  dpkg -x kubernetes-client_*.deb kubernetes-client
  rm -f kubernetes-client_*.deb
fi
echo "$kubectl"
