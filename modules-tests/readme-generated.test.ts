/**
 * The README's generated sections (the examples' Mermaid diagrams and cost
 * table, from modules-tests/fixtures/examples) are what the code generates
 * now. When this fails, run `node --require ./src/runtime.js scripts/readme.ts`
 * and commit the README.
 */
import { readFileSync } from 'node:fs';
import { iamDocSections, readmeSections, replaceSections } from '../src/verification/readme-sections';
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
    expect(() => replaceSections('no markers here', sections)).toThrow('no <!-- generated:reference:start --> ... <!-- generated:reference:end --> markers');
  });
});

describe('docs/iam.md\'s generated diagram', () => {
  const doc = readFileSync('docs/iam.md', 'utf8');
  const { 'iam-diagram': diagram } = iamDocSections(EXAMPLES_DIR);

  it('is current (regenerate: node --require ./src/runtime.js scripts/readme.ts)', () => {
    expect(replaceSections(doc, { 'iam-diagram': diagram! })).toBe(doc);
  });

  it('draws each environment\'s roles capped by its boundary, fenced by the others\', and who creates and passes them', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      expect(diagram).toContain(`roles_${env} -->|"capped by"| boundary_shop_${env}_boundary`);
      expect(diagram).toContain(`role_shop_${env}_gh_apply -->|"creates, only with shop-${env}-boundary"| roles_${env}`);
      expect(diagram).toContain(`role_shop_${env}_gh_deploy -->|"passes to ECS"| roles_${env}`);
    }
    expect(diagram).toContain('boundary_shop_dev_boundary -->|"denies every resource of prod"| roles_prod');
    expect(diagram).toContain('boundary_shop_prod_boundary -->|"denies every resource of dev"| roles_dev');
    expect(diagram).toContain('github -->|"assumes (environment:production)"| role_shop_prod_gh_apply');
    expect(diagram).toContain('role_shop_controller_task -->|"creates, only with shop-prod-boundary"| roles_prod');
  });
});
