#!/usr/bin/env bash
# A team's first edits must not break the project's tests: in a scratch clone,
# add a qa environment (with `init`), move to another account and state
# bucket, then run the README's `npm test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
git clone -q "$root" "$scratch/project"
ln -s "$root/node_modules" "$scratch/project/node_modules"
cd "$scratch/project"
node bin/platform.js init --env qa
# Moving account also means the controller's certificate of that account (validate names the key if it is missed).
sed -i -e 's/accountId: "123456789012"/accountId: "210987654321"/' \
  -e 's/bucket: shop-tf-state-123456789012/bucket: acme-tf-state-210987654321/' \
  -e 's/arn:aws:acm:eu-west-1:123456789012:/arn:aws:acm:eu-west-1:210987654321:/' environments/defaults.yaml
grep -q 'accountId: "210987654321"' environments/defaults.yaml
grep -q 'bucket: acme-tf-state-210987654321' environments/defaults.yaml
npm test
echo "adoption check: a new qa environment and another account and bucket pass npm test"
