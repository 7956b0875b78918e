#!/usr/bin/env bash
# The platform as a team gets it (README: "First hour"): `npm pack`, `init` a
# configuration repository from the tarball in a scratch folder, `npm install`
# there (the registry and npm's cache, nothing else), then the team's
# `npm test` (their jest test through the package's preset, validation,
# guardrails, addresses), and validate, synth and an offline plan through the
# installed `platform` bin, and `serve` planning a signed push
# (scripts/package-serve-check.js); then the controller image's program, made
# from the same tarball by the Dockerfile's own script (scripts/image-app.sh),
# serves a signed push too. Prints the install time, the package count
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
# The files init copies (src/cli/templates/, which the build copies beside the compiled init).
listing="$(tar -tzf "$tarball")"
for template in $(cd src/cli/templates && find . -type f | sed 's#^\./##' | sort); do
  if ! grep -qxF "package/dist/cli/templates/$template" <<<"$listing"; then echo "error: the package lacks dist/cli/templates/$template, which init copies" >&2; exit 1; fi
done

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

# The controller image's program, assembled from the tarball as the Dockerfile does (no Docker engine here),
# with production dependencies only, serves a signed push to another project made by init.
image_app="$scratch/image-app"
npm_config_prefer_offline=true sh "$top/scripts/image-app.sh" "$tarball" "$top/package-lock.json" "$image_app" >/dev/null
for dev_only in jest tsx typescript @swc/core playwright-core; do
  if [ -e "$image_app/node_modules/$dev_only" ]; then echo "error: the image's program holds the dev dependency $dev_only" >&2; exit 1; fi
done
if [ -e "$image_app/src" ]; then echo "error: the image's program holds src/" >&2; exit 1; fi
echo "image program: $(du -sm "$image_app" | cut -f1) MB, production dependencies only"
node "$top/bin/platform.js" init "$scratch/image-project" --project acme --account-id 111122223333 --from-package "$tarball" >/dev/null
(cd "$scratch/image-project" && PLATFORM_BIN="$image_app/bin/platform.js" node "$top/scripts/package-serve-check.js")
for run in 1 2 3; do /usr/bin/time -f "platform --help: %e s" npx --no-install platform --help >/dev/null; done
