/**
 * The files `init` writes: a commented config folder, its editor schemas' comment, a package.json, a .gitignore
 * and the GitHub Actions workflows. The YAML lives in templates/, files a reader (and actionlint) can read as
 * they are: the workflows, copied as they are, and defaults.yaml and an environment file (from its parts),
 * whose `${name}` placeholders `fillTemplate` fills.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProjectAnswers {
  readonly project: string;
  readonly region: string;
  readonly accountId: string;
  readonly environment: string;
}

/** defaults.yaml of a new project: the template file with the answers filled in. */
export function defaultsTemplate(a: ProjectAnswers): string {
  return fillTemplate(readTemplate('project/defaults.yaml'), { project: a.project, region: a.region, accountId: a.accountId });
}

export interface EnvironmentTemplateOptions {
  /** The load balancer's certificate, for a project whose defaults route services but leave it to each environment (HTTP only would fail the guardrails). */
  readonly certificate?: string;
  /** A hello service to start from; not when defaults.yaml has services (the environment runs those). @default true */
  readonly sampleService?: boolean;
  /** The services of defaults.yaml that set no egress, waived by name. */
  readonly openEgressServices?: readonly string[];
  /** gitops.approvers: a production environment needs someone who may approve its runs. */
  readonly approvers?: readonly string[];
}

/**
 * A new environment file: templates/project/environment.yaml, then the parts
 * of templates/project/environment/ the options ask for.
 */
export function environmentTemplate(a: ProjectAnswers, cidrSecondOctet: number, options: EnvironmentTemplateOptions = {}): string {
  const { certificate, sampleService = true, openEgressServices = [], approvers = [] } = options;
  const parts = [
    fillTemplate(readTemplate('project/environment.yaml'), { environment: a.environment, cidrSecondOctet: String(cidrSecondOctet) }),
  ];
  if (certificate) parts.push(fillTemplate(readTemplate('project/environment/load-balancer.yaml'), { certificate }));
  if (approvers.length > 0) parts.push(fillTemplate(readTemplate('project/environment/gitops.yaml'), { approvers: approvers.join(', ') }));
  if (sampleService) parts.push(readTemplate('project/environment/hello-service.yaml'));
  // Services of defaults.yaml with no egress connect anywhere: said plainly, on every check, until they are narrowed.
  if (openEgressServices.length > 0)
    parts.push(fillTemplate(readTemplate('project/environment/egress-waiver.yaml'), { services: openEgressServices.join(', ') }));
  return parts.join('\n');
}

/** The platform's npm package (this repository's package.json `name`; its `bin` is `platform`): the one dependency of a project `init` starts. */
export const PLATFORM_PACKAGE = 'fargate-platform';

/**
 * The scripts of a project `init` starts: what its workflows run (`npm
 * test`) and the usual commands, each a command of the platform's `platform`
 * bin (test/unit/workflows.test.ts checks both).
 */
export const PROJECT_SCRIPTS: Readonly<Record<string, string>> = {
  validate: 'platform validate',
  plan: 'platform plan',
  // The pull request workflow runs it (besides its own validate, check-guardrails and check-addresses steps):
  // the team's tests in tests/ (jest through the platform's preset), then the platform's checks.
  test: 'jest && platform validate && platform check-guardrails && platform check-addresses',
};

/** What runs a team's tests: jest, and @swc/jest (with @swc/core) that the platform's jest preset compiles them with. */
export const TEST_TOOLS = ['jest', '@swc/jest', '@swc/core'] as const;

/**
 * The package.json of a new project: private, its dependency the platform
 * (`spec`: an npm spec: a version, a file: path or tarball, a git URL with a
 * tag), its test tools at `testTools` (the platform's own exact versions),
 * and jest on the platform's preset.
 */
export function packageJsonTemplate(project: string, spec: string, testTools: Readonly<Record<string, string>> = {}): string {
  const manifest = {
    name: `${project}-environments`,
    version: '0.0.0',
    private: true,
    description: `The ${project} environments: YAML that the ${PLATFORM_PACKAGE} command turns into Terraform for ECS Fargate`,
    engines: { node: '>=22.12' },
    scripts: PROJECT_SCRIPTS,
    dependencies: { [PLATFORM_PACKAGE]: spec },
    devDependencies: testTools,
    jest: { preset: PLATFORM_PACKAGE },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The team's first test (tests/environments.test.ts): every environment synthesizes, with its services on Fargate. */
export const EXAMPLE_TEST = `/**
 * Your tests of your environments (fargate-platform's docs/testing-your-environments.md):
 * they run in \`npm test\` through the platform's jest preset, over whatever
 * environments the folder holds. Helpers: ${PLATFORM_PACKAGE}/testing.
 */
import { resourcesOf, synthEnvironments } from '${PLATFORM_PACKAGE}/testing';

const environments = synthEnvironments('environments');

describe.each(environments.map((e) => [e.name, e] as const))('environment %s', (_name, env) => {
  it('runs every configured service, on Fargate', () => {
    const services = Object.values(resourcesOf(env.json, 'aws_ecs_service'));
    expect(services.map((s) => String(s.name)).filter((name) => Object.hasOwn(env.config.services, name))).toHaveLength(Object.keys(env.config.services).length);
    for (const service of services) {
      const providers = ((service.capacity_provider_strategy ?? []) as { capacity_provider: string }[]).map((s) => s.capacity_provider);
      expect(service.launch_type === 'FARGATE' || (providers.length > 0 && providers.every((p) => p.startsWith('FARGATE')))).toBe(true);
    }
  });

  it('keeps its state in S3 with the lock file', () => {
    expect(JSON.parse(env.json).terraform.backend.s3).toMatchObject({ encrypt: true, use_lockfile: true });
  });
});
`;

/** The .gitignore of a new project (stored as `gitignore`: npm leaves a file named .gitignore out of a package). */
export function gitignoreTemplate(): string {
  return readTemplate('project/gitignore');
}

/**
 * The Terraform version the workflows install (their setup-terraform steps) and the controller's image
 * carries (Dockerfile `TERRAFORM_VERSION`): tests keep the three equal.
 */
export const TERRAFORM_VERSION = '1.11.4';

/**
 * The workflows `init` writes into .github/workflows/, copied as they are from templates/workflows/ (no
 * placeholders). Their actions are pinned by full commit SHA, the release in a comment: a tag can be moved to
 * other code, a commit cannot; Dependabot (`package-ecosystem: github-actions`) updates the pins in place.
 */
export const WORKFLOW_NAMES = ['apply.yml', 'image.yml', 'pull-request.yml'] as const;

/** The workflows by file name, read from templates/workflows/. */
export function workflowTemplates(): Record<(typeof WORKFLOW_NAMES)[number], string> {
  return Object.fromEntries(WORKFLOW_NAMES.map((name) => [name, readTemplate(`workflows/${name}`)])) as Record<
    (typeof WORKFLOW_NAMES)[number],
    string
  >;
}

/**
 * The folder of the template files: beside this module, in src/cli/ in a
 * clone and in dist/cli/ in the package (`npm run build` copies it there).
 */
export const TEMPLATES_DIR = join(__dirname, 'templates');

/** One template file, by its path under templates/. */
export function readTemplate(path: string): string {
  return readFileSync(join(TEMPLATES_DIR, path), 'utf8');
}

/** The placeholders of a template: `${name}` (a GitHub Actions expression, `${{ ... }}`, is not one). */
const PLACEHOLDER = /\$\{(\w+)\}/g;

/** The placeholder names a template uses, each once, in order. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Fills every placeholder; a placeholder without a value, or a value the template does not use, is a mistake in the code: it throws. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const used = placeholdersOf(template);
  const missing = used.filter((name) => !Object.hasOwn(values, name));
  const unused = Object.keys(values).filter((name) => !used.includes(name));
  if (missing.length > 0 || unused.length > 0)
    throw new Error(
      `template placeholders: ${[...missing.map((n) => `no value for \${${n}}`), ...unused.map((n) => `${n} is not in the template`)].join('; ')}`,
    );
  return template.replace(PLACEHOLDER, (_, name: string) => values[name]!);
}
