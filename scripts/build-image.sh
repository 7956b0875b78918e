#!/usr/bin/env bash
# Builds the controller's image from the packed package (docs/delivery.md):
# `npm pack` (which compiles dist/), the tarball put in the build context as
# fargate-platform.tgz, then `docker build` with the arguments given, e.g.
#   bash scripts/build-image.sh -t $REGISTRY/$PROJECT/controller:$TAG
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  echo "usage: build-image.sh DOCKER_BUILD_ARGS... (for example -t fargate-platform-controller)" >&2
  exit 2
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch" fargate-platform.tgz' EXIT
packed="$(npm pack --silent --pack-destination "$scratch" | tail -1)"
mv "$scratch/$packed" fargate-platform.tgz
docker build "$@" .
