#!/usr/bin/env bash
# The README's run command: installs what is missing, builds the Release
# rtmanager binary (only that target: no test is compiled), makes sure dockerd
# runs and the demo image exists, then runs the controller on ./manifests with
# the embedded leveldb store in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh release rtmanager
scripts/ensure-docker.sh
scripts/build-demo-image.sh
exec build/release/controller/rtmanager run --manifests manifests --data-dir data "$@"
