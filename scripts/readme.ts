/**
 * Regenerates the README's generated sections (the example environments'
 * diagrams and cost tables) from modules-tests/fixtures/examples:
 * `node --require ./src/runtime.js scripts/readme.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeSections, replaceSections } from '../src/core/index';

const README = 'README.md';
const before = readFileSync(README, 'utf8');
const after = replaceSections(before, readmeSections('modules-tests/fixtures/examples'));
if (after === before) console.log(`${README}: generated sections are current`);
else {
  writeFileSync(README, after);
  console.log(`${README}: generated sections rewritten`);
}
