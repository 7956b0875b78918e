#!/usr/bin/env bash
# Tries the switch from CDKTF (archived) to CDK Terrain (cdktn) in a scratch
# copy of this checkout's HEAD, and runs the fast tests there (docs/cdktn.md).
# Not run by CI: it installs from the registry and takes minutes. The checkout
# itself is never changed.
#
#   bash scripts/try-cdktn.sh [--keep] [--generate-aws VERSION]
#
#   --generate-aws 5.100.0  bindings for that AWS provider from `cdktn get`
#                           (into .gen/) instead of the prebuilt
#                           @cdktn/provider-aws, which targets provider 6.x
#   --keep                  leave the scratch copy (its path is printed)
#
# Exit status: 0 when type-check and the fast tests pass in the copy.
set -uo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cdktn_version=0.24.0
provider_aws_version=25.7.0
provider_random_version=15.0.1
# cdktn 0.24 takes constructs >=10.6.0 <10.8.0; this project is on 10.8.
constructs_version=10.7.2
generate_aws=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --generate-aws) generate_aws="${2:?--generate-aws needs a version, for example 5.100.0}"; shift ;;
    *) echo "error: unknown argument $1 (see the head of $0)" >&2; exit 2 ;;
  esac
  shift
done

source "$top/scripts/setup-tools.sh" || exit 1
export CHECKPOINT_DISABLE=1
scratch="$(mktemp -d "${TMPDIR:-/tmp}/try-cdktn.XXXXXX")"
[ "$keep" = 1 ] || trap 'rm -rf "$scratch"' EXIT
step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
seconds() { local start=$1; echo $(( $(date +%s) - start ))s; }

step "scratch copy of HEAD ($(git -C "$top" rev-parse --short HEAD)) in $scratch"
git -C "$top" archive HEAD | tar -x -C "$scratch" || exit 1
cd "$scratch" || exit 1

step "package renames: cdktf -> cdktn $cdktn_version, cdktf-cli -> cdktn-cli, @cdktf/provider-* -> @cdktn/provider-*, constructs $constructs_version"
node - "$cdktn_version" "$provider_aws_version" "$provider_random_version" "$constructs_version" "$generate_aws" <<'EOF'
const fs = require('node:fs');
const [cdktn, aws, random, constructs, generateAws] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const rename = (deps, from, to, version) => {
  if (!deps || !(from in deps)) return;
  delete deps[from];
  if (to) deps[to] = version;
};
rename(manifest.dependencies, 'cdktf', 'cdktn', cdktn);
rename(manifest.devDependencies, 'cdktf-cli', 'cdktn-cli', cdktn);
rename(manifest.dependencies, '@cdktf/provider-aws', generateAws ? undefined : '@cdktn/provider-aws', aws);
rename(manifest.dependencies, '@cdktf/provider-random', '@cdktn/provider-random', random);
manifest.dependencies.constructs = constructs;
fs.writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
// cdktn refuses S3Backend useLockfile unless every targeted Terraform supports it (>= 1.10; the default target is >= 1.5.7).
const config = JSON.parse(fs.readFileSync('cdktf.json', 'utf8'));
config.targetVersions = { terraform: '>=1.10.0' };
if (generateAws) config.terraformProviders = [`aws@${generateAws}`];
fs.writeFileSync('cdktf.json', `${JSON.stringify(config, null, 2)}\n`);
EOF
rm -f package-lock.json

step "imports: 'cdktf' -> 'cdktn', '@cdktf/provider-' -> '@cdktn/provider-' (or ./.gen/providers/aws with --generate-aws)"
files=$(grep -rlE "cdktf" --include='*.ts' --include='*.js' --include='*.cjs' src test tests main.ts bin jest.config.js .dependency-cruiser.cjs 2>/dev/null)
# Only module names in import/require/import() positions: the tag value ManagedBy: 'cdktf' is output, not a module.
sed -i -E "s#(from |require\(|import\(|import )(['\"])cdktf(['\"/])#\1\2cdktn\3#g; s#(['\"])@cdktf/provider-random#\1@cdktn/provider-random#g" $files
if [ -n "$generate_aws" ]; then
  # Deep imports of the generated bindings: .gen/providers/aws/<resource>/index.ts.
  for file in $files; do
    rel=$(realpath --relative-to="$(dirname "$file")" "$scratch/.gen/providers/aws")
    case "$rel" in .*) ;; *) rel="./$rel" ;; esac
    sed -i -E "s#(['\"])@cdktf/provider-aws/lib/#\1$rel/#g; s#(['\"])@cdktf/provider-aws(['\"])#\1$rel\2#g" "$file"
  done
else
  sed -i -E "s#(['\"])@cdktf/provider-aws#\1@cdktn/provider-aws#g" $files
fi
left=$(grep -rnE "(from |require\(|import\(|import )['\"](cdktf|@cdktf/)" src test tests main.ts bin 2>/dev/null)
[ -z "$left" ] || { echo "still importing cdktf:"; echo "$left"; }

step "S3-native locking through cdktn's own S3Backend.useLockfile (CDKTF 0.21 needed an override), targetVersions in the App's context"
node <<'EOF'
const fs = require('node:fs');
const file = 'src/stacks/s3-backend.ts';
let text = fs.readFileSync(file, 'utf8');
const before = text;
text = text.replace('    encrypt: true,\n  });', '    encrypt: true,\n    ...(props.useLockfile && { useLockfile: true }),\n  });');
text = text.replace(/\n  \/\/ cdktf 0\.21 has no prop[^\n]*\n  if \(props\.useLockfile\) backend\.addOverride\('use_lockfile', true\);/, '');
if (text === before) console.log(`note: ${file} not changed (its text moved on): the lock file stays an override`);
fs.writeFileSync(file, text);
// In-process synth (the core API, the tests) reads targetVersions from the App's context; only the cdktn CLI reads cdktf.json.
const appFile = 'src/stacks/app.ts';
const app = fs.readFileSync(appFile, 'utf8');
const withContext = app.replace('new App({ outdir: options.outdir, skipValidation: false })', "new App({ outdir: options.outdir, skipValidation: false, context: { targetVersions: { terraform: '>=1.10.0' } } })");
if (withContext === app) console.log(`note: ${appFile} not changed (its text moved on): in-process synth targets cdktn's default versions`);
fs.writeFileSync(appFile, withContext);
EOF

step "npm install (no lock file: the new packages resolve fresh)"
start=$(date +%s)
npm install --no-audit --no-fund >install.log 2>&1; status=$?
echo "npm install: exit $status in $(seconds "$start"), $(find node_modules -maxdepth 3 -name package.json | wc -l) package.json files"
grep -E "EBADENGINE|ERESOLVE|npm error" install.log | head -20
[ "$status" = 0 ] || { tail -30 install.log; exit 1; }

if [ -n "$generate_aws" ]; then
  step "cdktn get: bindings for aws@$generate_aws"
  start=$(date +%s)
  npx cdktn get >get.log 2>&1; status=$?
  echo "cdktn get: exit $status in $(seconds "$start"), $(find .gen -type f | wc -l) files, $(du -sh .gen | cut -f1)"
  [ "$status" = 0 ] || { tail -30 get.log; exit 1; }
fi

step "type-check (tsc --noEmit)"
start=$(date +%s)
npx tsc --noEmit -p tsconfig.json >typecheck.log 2>&1; typecheck=$?
echo "tsc: exit $typecheck in $(seconds "$start"), $(grep -c 'error TS' typecheck.log) errors"
grep 'error TS' typecheck.log | head -20

step "the fast tests (jest)"
start=$(date +%s)
npx jest --selectProjects unit team >jest.log 2>&1; tests=$?
echo "jest: exit $tests in $(seconds "$start")"
grep -E "^(Tests|Test Suites):" jest.log
grep -E "^FAIL " jest.log | head -20

step "result"
echo "type-check exit $typecheck, tests exit $tests$([ "$keep" = 1 ] && echo "; the copy: $scratch")"
[ "$typecheck" = 0 ] && [ "$tests" = 0 ]
