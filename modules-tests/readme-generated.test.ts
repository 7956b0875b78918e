/**
 * The README's generated sections (the examples' Mermaid diagrams and cost
 * table, from modules-tests/fixtures/examples) are what the code generates
 * now. When this fails, run `node --require ./src/runtime.js scripts/readme.ts`
 * and commit the README.
 */
import { readFileSync } from 'node:fs';
import { readmeSections, replaceSections } from '../src/core/index';
import { EXAMPLES_DIR } from './helpers';

const readme = readFileSync('README.md', 'utf8');
const sections = readmeSections(EXAMPLES_DIR);

describe('the README\'s generated sections', () => {
  it.each(Object.keys(sections))('%s is current (regenerate: node --require ./src/runtime.js scripts/readme.ts)', (name) => {
    const start = `<!-- generated:${name}:start -->\n`;
    const from = readme.indexOf(start);
    expect(from).toBeGreaterThan(0);
    const to = readme.indexOf(`\n<!-- generated:${name}:end -->`, from);
    expect(readme.slice(from + start.length, to)).toBe(sections[name]);
  });

  it('has a reference row for every key, with the default read from its description', () => {
    expect(sections.reference).toMatch(/^\| `natGateways` \| single \| none \(tasks in public subnets with public IPs\), single, or perAz \|$/m);
    expect(sections.reference).toMatch(/^\| `autoscaling\.schedules\[\]\.cron` \| /m);
    expect(sections.reference).toMatch(/^### `services\.<name>`$/m);
  });

  it('has a diagram of every example environment and their totals', () => {
    for (const environment of ['dev', 'staging', 'prod']) expect(sections.diagrams).toContain(`#### ${environment}\n\n\`\`\`mermaid\nflowchart LR\n`);
    expect(sections.costs).toMatch(/^\| monthly, USD \| dev \(eu-west-1\) \| prod \(eu-west-1\) \| staging \(eu-west-1\) \|$/m);
    expect(sections.costs).toMatch(/^\| \*\*total\*\* \| \*\*\$[\d,]+\.\d\d\*\* \| \*\*\$[\d,]+\.\d\d\*\* \| \*\*\$[\d,]+\.\d\d\*\* \|$/m);
  });

  it('would notice a stale section', () => {
    const stale = readme.replace(/(<!-- generated:costs:start -->\n)\| monthly/, '$1| yesterday');
    expect(stale).not.toBe(readme);
    expect(replaceSections(stale, sections)).toBe(readme);
    expect(() => replaceSections('no markers here', sections)).toThrow('the README has no <!-- generated:reference:start --> ... <!-- generated:reference:end --> markers');
  });
});
