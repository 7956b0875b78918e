/**
 * The fingerprint of what `npm run build` compiles: every file under src/ (paths and bytes) and the two
 * tsconfig files. The build writes it to dist/.source-hash; in a clone, bin/platform.js runs dist/ only when
 * the fingerprint of the tree in front of it is the same, so a stale dist/ never runs (an edit, a checkout or a
 * deleted file changes it), and runs src/ through tsx otherwise. Content, not modification times: a checkout
 * that leaves the bytes as they were keeps dist/ in use, and one that restores old times cannot fool it.
 * About 30 ms for src/ as it is.
 */
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const STAMP = '.source-hash';

function filesUnder(dir, into = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, into);
    else into.push(path);
  }
  return into;
}

/** The fingerprint of the sources of the clone at `root`. */
function sourceHash(root) {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  for (const file of files.map((f) => relative(root, f)).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ at `root` was built from exactly the sources there now. */
function distIsFresh(root) {
  let stamp;
  try {
    stamp = readFileSync(join(root, 'dist', STAMP), 'utf8').trim();
  } catch {
    return false;
  }
  return stamp === sourceHash(root);
}

module.exports = { distIsFresh, sourceHash, STAMP };

// `node scripts/source-hash.js --write`: the last step of `npm run build`.
if (require.main === module && process.argv.includes('--write')) {
  const root = join(__dirname, '..');
  require('node:fs').writeFileSync(join(root, 'dist', STAMP), `${sourceHash(root)}\n`);
}
