/**
 * `npm run readme`: regenerates the docs' generated sections (the
 * configuration reference in docs/configuration.md, the example
 * environments' diagrams and cost tables in docs/cost.md, the IAM diagram in
 * docs/iam.md) from test/fixtures/examples.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { examplesOf, generatedDocs, replaceSections } from '../src/verification/readme-sections';

const EXAMPLES = 'test/fixtures/examples';
for (const [file, sections] of Object.entries(generatedDocs(examplesOf(EXAMPLES)))) {
  const before = readFileSync(file, 'utf8');
  const after = replaceSections(before, sections);
  if (after === before) console.log(`${file}: generated sections are current`);
  else {
    writeFileSync(file, after);
    console.log(`${file}: generated sections rewritten`);
  }
}
