#!/usr/bin/env bash
# Builds the local demo images rtmanager/demo-game:1 and rtmanager/demo-game:2
# from busybox-static (there is no registry to pull from). Idempotent: an
# image that already exists is left as it is.
#
# Both images hold /bin/busybox with applet symlinks and an /index.html; they
# differ in /etc/demo-game-version, so :2 is a distinct image for update
# tests. Images have no CMD: containers must be given a command, e.g.
#   ["/bin/httpd", "-f", "-p", "8080"]   (serves / , which holds index.html)
set -euo pipefail

readonly BUSYBOX="${BUSYBOX:-/bin/busybox}"
readonly REPOSITORY="${DEMO_IMAGE_REPOSITORY:-rtmanager/demo-game}"
readonly APPLETS=(sh ash sleep httpd wget echo cat ls true false kill ps env
                  id hostname printf test nc ping date mkdir rm touch grep
                  head tail tee uname whoami top)

if [[ ! -x "$BUSYBOX" ]]; then
  echo "build-demo-image: $BUSYBOX not found (apt-get install -y busybox-static)" >&2
  exit 1
fi

WORKDIR="$(mktemp -d)"
readonly WORKDIR
trap 'rm -rf "$WORKDIR"' EXIT

build_image() {
  local version="$1"
  local tag="$REPOSITORY:$version"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "build-demo-image: $tag already present"
    return
  fi

  local rootfs="$WORKDIR/$version"

  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" \
           "$rootfs/sys" "$rootfs/dev"
  chmod 1777 "$rootfs/tmp"
  cp "$BUSYBOX" "$rootfs/bin/busybox"
  local applet
  for applet in "${APPLETS[@]}"; do
    ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
  echo "$version" >"$rootfs/etc/demo-game-version"
  echo "rtmanager demo game $version" >"$rootfs/index.html"

  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
    docker import --message "rtmanager demo game $version" - "$tag" >/dev/null
  echo "build-demo-image: built $tag"
}

build_image 1
build_image 2
