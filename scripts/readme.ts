/**
 * Regenerates the README's generated sections (the example environments'
 * diagrams and cost tables) and docs/iam.md's (the IAM diagram) from
 * modules-tests/fixtures/examples:
 * `node --require ./src/runtime.js scripts/readme.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { iamDocSections, readmeSections, replaceSections } from '../src/verification/readme-sections';

const EXAMPLES = 'modules-tests/fixtures/examples';
for (const [file, sections] of [['README.md', readmeSections(EXAMPLES)], ['docs/iam.md', iamDocSections(EXAMPLES)]] as const) {
  const before = readFileSync(file, 'utf8');
  const after = replaceSections(before, sections);
  if (after === before) console.log(`${file}: generated sections are current`);
  else {
    writeFileSync(file, after);
    console.log(`${file}: generated sections rewritten`);
  }
}
