/**
 * The docs' generated sections (the configuration reference, the examples'
 * Mermaid diagrams and cost table, the IAM diagram, from
 * test/fixtures/examples) are what the code generates now. When
 * this fails, run `npm run readme` and commit the docs.
 */
import { readFileSync } from 'node:fs';
import { generatedDocs, iamDocSections, readmeSections, replaceSections } from '../../src/verification/readme-sections';
import { loadEnvironments } from '../../src/core/index';
import { EXAMPLES_DIR } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

// The examples as `npm run readme` reads them (examplesOf), their stacks from the run's synthesis cache.
const examples = { loaded: loadEnvironments(EXAMPLES_DIR), stacks: synthesizedFixture(EXAMPLES_DIR) };
const sections = readmeSections(examples);
const pages = generatedDocs(examples);

describe("the docs' generated sections", () => {
  it.each(Object.entries(pages).flatMap(([file, named]) => Object.keys(named).map((name) => [file, name])))(
    '%s: %s is current (regenerate: npm run readme)',
    (file, name) => {
      const text = readFileSync(file, 'utf8');
      const start = `<!-- generated:${name}:start -->\n`;
      const from = text.indexOf(start);
      expect(from).toBeGreaterThan(0);
      const to = text.indexOf(`\n<!-- generated:${name}:end -->`, from);
      expect(text.slice(from + start.length, to)).toBe(pages[file]![name]);
    },
  );

  it('places every generated section in one page', () => {
    expect(
      Object.values(pages)
        .flatMap((named) => Object.keys(named))
        .sort(),
    ).toEqual([...Object.keys(sections), 'iam-diagram'].sort());
  });

  it('has a reference row for every key, with its default', () => {
    expect(sections.reference).toMatch(
      /^\| `natGateways` \| single \| none \(tasks in public subnets with public IPs\), single, or perAz \|$/m,
    );
    expect(sections.reference).toMatch(/^\| `autoscaling\.schedules\[\]\.cron` \| /m);
    expect(sections.reference).toMatch(/^### `services\.<name>`$/m);
  });

  it('has a diagram of every example environment and their totals', () => {
    for (const environment of ['dev', 'staging', 'prod'])
      expect(sections.diagrams).toContain(`### ${environment}\n\n\`\`\`mermaid\nflowchart LR\n`);
    expect(sections.costs).toMatch(/^\| monthly, USD \| dev \(eu-west-1\) \| prod \(eu-west-1\) \| staging \(eu-west-1\) \|$/m);
    expect(sections.costs).toMatch(/^\| \*\*total\*\* \| \*\*\$[\d,]+\.\d\d\*\* \| \*\*\$[\d,]+\.\d\d\*\* \| \*\*\$[\d,]+\.\d\d\*\* \|$/m);
  });

  it('would notice a stale section', () => {
    const doc = readFileSync('docs/cost.md', 'utf8');
    const stale = doc.replace(/(<!-- generated:costs:start -->\n)\| monthly/, '$1| yesterday');
    expect(stale).not.toBe(doc);
    expect(replaceSections(stale, pages['docs/cost.md']!)).toBe(doc);
    expect(() => replaceSections('no markers here', sections)).toThrow(
      'no <!-- generated:reference:start --> ... <!-- generated:reference:end --> markers',
    );
  });
});

describe("docs/iam.md's generated diagram", () => {
  const doc = readFileSync('docs/iam.md', 'utf8');
  const { 'iam-diagram': diagram } = iamDocSections(examples);

  it('is current (regenerate: npm run readme)', () => {
    expect(replaceSections(doc, { 'iam-diagram': diagram! })).toBe(doc);
  });

  it("draws each environment's roles capped by its boundary, fenced by the others', and who creates and passes them", () => {
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
