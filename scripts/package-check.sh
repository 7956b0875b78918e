#!/usr/bin/env bash
# The platform as a team gets it (README: "First hour"): `npm pack`, `init` a
# configuration repository from the tarball in a scratch folder, `npm install`
# there (the registry and npm's cache, nothing else), then the team's
# `npm test` (their jest test through the package's preset, validation,
# guardrails, addresses), and validate, synth and an offline plan through the
# installed `platform` bin, and `serve` planning a signed push
# (scripts/package-serve-check.js). Prints the install time, the package count
# and the start-up time of `platform --help`. .ci/run runs it.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CHECKPOINT_DISABLE=1
scratch="$(mktemp -d "${TMPDIR:-/tmp}/package-check.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

cd "$top"
tarball="$scratch/$(npm pack --silent --pack-destination "$scratch" | tail -1)"
echo "packed $(basename "$tarball"): $(du -k "$tarball" | cut -f1) KB, $(tar -tzf "$tarball" | wc -l) files"
if tar -tzf "$tarball" | grep -E '\.ts$' | grep -vE '\.d\.ts$'; then echo "error: the package ships TypeScript sources (above); it runs compiled JavaScript only" >&2; exit 1; fi

project="$scratch/acme-infra"
node bin/platform.js init "$project" --project acme --account-id 111122223333 --from-package "$tarball"
cd "$project"
start=$(date +%s%N)
npm install --no-audit --no-fund --prefer-offline 2>&1 | tee "$scratch/install.log"
echo "npm install: $(( ($(date +%s%N) - start) / 1000000 )) ms, $(grep -oE 'added [0-9]+ packages' "$scratch/install.log")"
if [ -e node_modules/tsx ]; then echo "error: tsx was installed; the package must run without it" >&2; exit 1; fi

npm test
npx platform validate
npx platform synth
npx platform plan --env dev --offline
# The controller from the package: serve --offline plans a signed push.
node "$top/scripts/package-serve-check.js"
for run in 1 2 3; do /usr/bin/time -f "platform --help: %e s" npx --no-install platform --help >/dev/null; done
