#!/bin/sh
# The controller's program as the image holds it, made from the packed package
# (`npm pack`), not from the source tree: the tarball's files (compiled dist/,
# bin/, the provider lock file) and their production dependencies at the
# versions of this repository's lock file (npm ci refuses a lock file that
# does not match the packed package.json). The Dockerfile runs it; so does
# scripts/package-check.sh, which then serves a signed push from the result.
#   sh scripts/image-app.sh TARBALL LOCK_FILE DEST
set -eu
if [ "$#" -ne 3 ]; then
  echo "usage: image-app.sh TARBALL LOCK_FILE DEST" >&2
  exit 2
fi
tarball=$1 lock=$2 dest=$3
mkdir -p "$dest"
tar -xzf "$tarball" --strip-components=1 --no-same-owner -C "$dest"
cp "$lock" "$dest/package-lock.json"
cd "$dest"
# better-sqlite3 13 ships its Node-API binary prebuilt: no install script needs to run.
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
