/** The files `init` writes: a commented config folder, its editor schemas' comment, a package.json, a .gitignore and the GitHub Actions workflows. */

export interface ProjectAnswers {
  readonly project: string;
  readonly region: string;
  readonly accountId: string;
  readonly environment: string;
}

export function defaultsTemplate(a: ProjectAnswers): string {
  return `# yaml-language-server: $schema=../schema/defaults.schema.json
# Keys every environment inherits. An environment file (<name>.yaml) overrides
# them key by key; a list or a scalar there replaces the whole value here, and
# null removes a default. Reference: docs/configuration.md of fargate-platform.

# Prefixes every AWS name: 2-20 lowercase letters, digits, hyphens.
project: ${a.project}

aws:
  region: ${a.region}
  # In quotes: an account ID is 12 digits, and YAML would read it as a number.
  accountId: "${a.accountId}"

# Terraform state: one S3 bucket for the project, created by the bootstrap
# stack (fargate-platform's docs/bootstrap.md). Runs lock a state with a
# lock file beside it (S3-native locking, Terraform >= 1.10): no lock table.
backend:
  bucket: ${a.project}-tf-state-${a.accountId}
  useLockfile: true

# Tags on every resource (the project, environment and managed-by tags are added).
tags:
  Team: ${a.project}

registry:
  scanOnPush: true
  # Immutable tags: deploy versions (1.4.2), never a moving tag such as latest.
  immutableTags: true

# GitHub Actions (.github/workflows: image.yml, apply.yml) assume per-environment
# roles through OIDC, no stored keys: uncomment, then apply the bootstrap stack.
# A production environment also names its GitHub environment (protection rules):
# ci: { github: { environment: production } } in its own file.
# ci:
#   github:
#     repository: OWNER/REPO
#     branches: [main]
`;
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

/** A new environment file. */
export function environmentTemplate(a: ProjectAnswers, cidrSecondOctet: number, options: EnvironmentTemplateOptions = {}): string {
  const { certificate, sampleService = true, openEgressServices = [], approvers = [] } = options;
  const loadBalancer = certificate ? `\n# HTTPS for the services defaults.yaml routes (HTTP on 80 redirects to it).\nloadBalancer:\n  certificate: ${certificate}\n` : '';
  const gitops = approvers.length > 0 ? `\n# Runs of this environment wait for one of these GitHub logins to approve the very plan.\ngitops:\n  approvers: [${approvers.join(', ')}]\n` : '';
  // Services of defaults.yaml with no egress connect anywhere: said plainly, on every check, until they are narrowed.
  const waiver = openEgressServices.length > 0
    ? `\n# Narrow each service's egress (fargate-platform's docs/services.md), then remove this waiver.\nguardrails:\n  waivers:\n    ecs-open-egress: "defaults.yaml's services ${openEgressServices.join(', ')} set no egress yet"\n`
    : '';
  return `# yaml-language-server: $schema=../schema/environment.schema.json
# The ${a.environment} environment: its own VPC, cluster and services, merged over defaults.yaml.
# Check it with \`npx platform validate\`, then \`npx platform plan --env ${a.environment}\`.${loadBalancer}${gitops}
network:
  # Each environment needs its own address range.
  cidr: 10.${cidrSecondOctet}.0.0/16
  # One NAT gateway for the whole VPC: cheaper, but one zone's outage cuts egress.
  natGateways: single
${sampleService ? SAMPLE_SERVICE : ''}${waiver}`;
}

const SAMPLE_SERVICE = `
services:
  hello:
    # A full image reference (registry/name:tag); for an image of your own ECR
    # repository write { repository: hello, tag: "1.0.0" }.
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
    desiredCount: 1
    # Outbound HTTPS only (AWS APIs and image pulls through NAT); add services, databases, CIDRs as it needs them.
    egress: [{ cidr: 0.0.0.0/0, ports: [443] }]
`;

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

export const GITIGNORE = `node_modules/
# Synthesized stacks and Terraform working folders (recreated by synth);
# the provider lock file at the project root is committed.
cdktf.out/
.controller/
*.tfplan
`;


/**
 * The Terraform version the workflows install and the controller's image
 * carries (Dockerfile `TERRAFORM_VERSION`; a test keeps them equal).
 */
export const TERRAFORM_VERSION = '1.11.4';

/**
 * The actions the workflows use, pinned by full commit SHA (the comment names
 * the release): a tag can be moved to other code, a commit cannot, and these
 * steps run in jobs that hold AWS credentials or a token that can comment.
 * Dependabot (`package-ecosystem: github-actions`) updates SHA pins and their comments.
 */
export const ACTIONS = {
  checkout: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
  setupNode: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0',
  setupTerraform: 'hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2',
  awsCredentials: 'aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a # v4.3.1',
  setupQemu: 'docker/setup-qemu-action@29109295f81e9208d7d86ff1c6c12d2833863392 # v3.6.0',
  setupBuildx: 'docker/setup-buildx-action@e468171a9de216ec08956ac3ada2f0791b6bd435 # v3.11.1',
} as const;

/** A GitHub Actions expression, `${{ expr }}`, without escaping it in each template. */
function gh(expression: string): string {
  return '${{ ' + expression + ' }}';
}

/**
 * Steps every job starts with: the repository (no token left in .git/config)
 * and the project's platform command (`npm ci`: the `fargate-platform`
 * dependency of its package.json, at the version package-lock.json pins).
 */
function setupSteps(fetchDepth?: number): string {
  const checkoutWith = fetchDepth === undefined ? '{ persist-credentials: false }' : `{ fetch-depth: ${fetchDepth}, persist-credentials: false }`;
  return `      - uses: ${ACTIONS.checkout}
        with: ${checkoutWith}
      - uses: ${ACTIONS.setupNode}
        with: { node-version: 22, cache: npm }
      - run: npm ci`;
}

const SETUP_TERRAFORM = `      - uses: ${ACTIONS.setupTerraform}
        # The wrapper would mix its own lines into the platform command's output.
        with: { terraform_version: "${TERRAFORM_VERSION}", terraform_wrapper: false }`;

/**
 * The step that finds the environments a change touches, as the JSON list
 * `touched`: environments/<name>.yaml changed, or every environment when
 * defaults.yaml, the project's code, its dependencies or the provider lock
 * file changed (the controller's rule, plus the code). A deleted
 * environment file is reported, not destroyed. `BASE` is the commit to
 * compare HEAD with.
 */
function touchedStep(base: string): string {
  return `      - id: touched
        env: { BASE: "${gh(base)}" }
        run: |
          set -euo pipefail
          all=$(npx platform validate --json | jq -c '.environments')
          if [ -z "$BASE" ] || ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then
            changed=environments/defaults.yaml # no earlier commit to compare with (a new branch): everything
          else
            changed=$(git diff --name-only "$BASE" HEAD)
            for gone in $(git diff --name-only --diff-filter=D "$BASE" HEAD | sed -nE 's#^environments/([a-z][a-z0-9-]*)\\.yaml$#\\1#p'); do
              echo "::warning::environments/$gone.yaml was deleted: its resources are not destroyed by this workflow (destroy them with terraform, from the last commit that had the file)"
            done
          fi
          if grep -qE '^(environments/defaults\\.yaml|src/|bin/|main\\.ts$|package(-lock)?\\.json$|\\.terraform\\.lock\\.hcl$)' <<<"$changed"; then
            touched=$all
          else
            touched=$(sed -nE 's#^environments/([a-z][a-z0-9-]*)\\.yaml$#\\1#p' <<<"$changed" | jq -Rsc --argjson all "$all" 'split("\\n") | map(select(. != "" and (. as $e | $all | any(. == $e)))) | unique')
          fi
          echo "touched: $touched"
          echo "touched=$touched" >> "$GITHUB_OUTPUT"`;
}

/**
 * Splits the touched environments by how their jobs assume a role: `open`
 * (no GitHub environment: the roles trust the branch) and `gated`
 * ({environment, githubEnvironment} for those whose ci.github.environment
 * names one: the job runs in it, behind its protection rules). A production
 * environment without one is refused: its applies must wait for a reviewer.
 */
const SPLIT_STEP = `      - id: split
        env: { TOUCHED: "${gh('steps.touched.outputs.touched')}" }
        run: |
          set -euo pipefail
          reports=$(npx platform check-guardrails --json)
          open='[]'
          gated='[]'
          for name in $(jq -r '.[]' <<<"$TOUCHED"); do
            github_environment=$(npx platform ci-info --env "$name" | jq -r '.githubEnvironment // ""')
            production=$(jq -r --arg name "$name" '.reports[] | select(.environment == $name) | .production' <<<"$reports")
            if [ -n "$github_environment" ]; then
              gated=$(jq -c --arg name "$name" --arg github "$github_environment" '. + [{ environment: $name, githubEnvironment: $github }]' <<<"$gated")
            elif [ "$production" = true ]; then
              echo "::error::$name is production: its applies run in a GitHub environment whose protection rules hold them for a reviewer; set ci.github.environment in environments/$name.yaml (and create that environment in the repository's settings)"
              exit 1
            else
              open=$(jq -c --arg name "$name" '. + [$name]' <<<"$open")
            fi
          done
          echo "open: $open; in a GitHub environment: $gated"
          { echo "open=$open"; echo "gated=$gated"; } >> "$GITHUB_OUTPUT"`;

/**
 * The step (after `touched`) that lists the stacks a pull request plans, as
 * the JSON list `stacks`: the touched environments, and with any of them the
 * project's other stacks (`bootstrap-<bucket>-<account>`: the state bucket,
 * the lock table and each environment's GitHub OIDC roles;
 * `controller-infrastructure`: the controller, whose permissions follow what
 * the environments contain), which an environment's `ci:` or the
 * `controller:` section changes. `synth --json` names them (environment
 * null). Planned offline only: no workflow applies them.
 */
const ADMIN_STACKS_STEP = `      - id: stacks
        env: { TOUCHED: "${gh('steps.touched.outputs.touched')}" }
        run: |
          set -euo pipefail
          if [ "$TOUCHED" = '[]' ]; then
            stacks='[]'
          else
            # Guardrail failures are the plans' and the check job's to report: here only the names.
            stacks=$(npx platform synth --json --guardrails report --out "$RUNNER_TEMP/stack-names" | jq -c --argjson touched "$TOUCHED" '$touched + [.stacks[] | select(.environment == null) | .name]')
          fi
          echo "stacks: $stacks"
          echo "stacks=$stacks" >> "$GITHUB_OUTPUT"`;

/**
 * Pull requests: install, the project's tests, validate, the guardrails,
 * an offline plan of each touched environment (and then of the bootstrap and
 * controller stacks), and the cost difference as a comment. No AWS credentials: a pull request's code (its workflow file
 * included) never gets a role, so plans use a local backend and show what
 * the configuration creates; the real state is planned by apply.yml on
 * main, or by the GitOps controller.
 */
const PULL_REQUEST_WORKFLOW = `# Pull requests: install, npm test, validate, the guardrails, an offline plan
# of each environment the change touches (and then of the bootstrap and
# controller stacks, which hold the OIDC roles and the controller: an
# administrator applies those by hand, no workflow does), and the monthly
# cost difference as a comment. It runs the project's platform command (npm ci installs it as
# package.json and package-lock.json say: in a project init started, the
# fargate-platform dependency). No AWS credentials here: plans use a local
# backend and dummy credentials (what the configuration creates, not the difference
# from the real state: apply.yml plans that on main, or the controller does).
name: pull-request
on:
  pull_request:
permissions:
  contents: read
concurrency:
  # A new push to the pull request replaces the checks of the previous one.
  group: pull-request-${gh('github.event.pull_request.number')}
  cancel-in-progress: true
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
${setupSteps()}
      - run: npx platform validate
      - run: npx platform check-guardrails
      - run: npx platform check-addresses
      - run: npm test
  changes:
    runs-on: ubuntu-latest
    outputs:
      stacks: ${gh('steps.stacks.outputs.stacks')}
    steps:
${setupSteps(0)}
${touchedStep('github.event.pull_request.base.sha')}
${ADMIN_STACKS_STEP}
  plan:
    needs: changes
    if: needs.changes.outputs.stacks != '[]'
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        stack: ${gh('fromJSON(needs.changes.outputs.stacks)')}
    steps:
${setupSteps()}
${SETUP_TERRAFORM}
      - env: { STACK: "${gh('matrix.stack')}" }
        run: |
          set -euo pipefail
          npx platform plan --env "$STACK" --offline | tee plan.txt
          { echo "### $STACK (offline plan)"; echo '\`\`\`'; cat plan.txt; echo '\`\`\`'; } >> "$GITHUB_STEP_SUMMARY"
  cost:
    # Pull requests from this repository (a fork's token cannot comment): the
    # monthly cost difference from the base branch, as a comment (the last one edited in place).
    if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: ${ACTIONS.checkout}
        with: { fetch-depth: 0, persist-credentials: false }
      - uses: ${ACTIONS.setupNode}
        with: { node-version: 22, cache: npm }
      - run: npm ci
      # Values from the event pass through the environment, never into the script text.
      - run: npx platform cost --compare "origin/$BASE_REF" --format markdown > cost.md
        env: { BASE_REF: "${gh('github.base_ref')}" }
      - run: gh pr comment "$PR" --body-file cost.md --edit-last || gh pr comment "$PR" --body-file cost.md
        env: { GH_TOKEN: "${gh('github.token')}", GH_REPO: "${gh('github.repository')}", PR: "${gh('github.event.pull_request.number')}" }
`;

/**
 * The steps that build, push and roll out one service's image with the
 * environment's OIDC deploy role (`ci-info` names the role, the region, the
 * repository and the platform to build for; `rollout` registers the task
 * definition revision, updates the service, waits until it is stable and
 * rolls back on failure).
 */
const DEPLOY_STEPS = `${setupSteps()}
      - id: ci
        env: { ENVIRONMENT: "${gh('inputs.environment')}", SERVICE: "${gh('inputs.service')}" }
        run: |
          set -euo pipefail
          info=$(npx platform ci-info --env "$ENVIRONMENT" --service "$SERVICE")
          {
            echo "role=$(jq -r .deployRoleArn <<<"$info")"
            echo "region=$(jq -r .region <<<"$info")"
            echo "repository=$(jq -r --arg service "$SERVICE" '.services[$service].repositoryUrl' <<<"$info")"
            echo "platform=$(jq -r --arg service "$SERVICE" '.services[$service].platform' <<<"$info")"
          } >> "$GITHUB_OUTPUT"
      - uses: ${ACTIONS.awsCredentials}
        with:
          role-to-assume: ${gh('steps.ci.outputs.role')}
          aws-region: ${gh('steps.ci.outputs.region')}
      # The image is built for the platform the service's tasks run on (cpuArchitecture):
      # an amd64 image never starts on ARM64 tasks. QEMU runs the build steps of an ARM64 image on this amd64 runner.
      - if: steps.ci.outputs.platform != 'linux/amd64'
        uses: ${ACTIONS.setupQemu}
      - uses: ${ACTIONS.setupBuildx}
      - id: image
        name: build and push for the service's platform, tagged with the commit SHA
        env: { REPOSITORY: "${gh('steps.ci.outputs.repository')}", CONTEXT: "${gh('inputs.context')}", PLATFORM: "${gh('steps.ci.outputs.platform')}" }
        run: |
          set -euo pipefail
          image="$REPOSITORY:$GITHUB_SHA"
          # Tags are immutable: a commit already pushed (a re-run) is rolled out as it is, not rebuilt.
          if found=$(aws ecr describe-images --repository-name "\${REPOSITORY#*/}" --image-ids "imageTag=$GITHUB_SHA" 2>&1); then
            echo "$image is already in the repository"
          elif grep -q ImageNotFoundException <<<"$found"; then
            aws ecr get-login-password | docker login --username AWS --password-stdin "\${REPOSITORY%%/*}"
            # One image manifest for that one platform (no provenance attestation, which would make the tag an image index).
            docker buildx build --platform "$PLATFORM" --provenance=false --pull --push --tag "$image" --label "org.opencontainers.image.revision=$GITHUB_SHA" --label "org.opencontainers.image.source=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" "$CONTEXT"
          else
            echo "$found" >&2
            exit 1
          fi
          echo "image=$image" >> "$GITHUB_OUTPUT"
      - name: roll out, wait until stable, roll back on failure
        env: { ENVIRONMENT: "${gh('inputs.environment')}", SERVICE: "${gh('inputs.service')}", IMAGE: "${gh('steps.image.outputs.image')}" }
        run: npx platform rollout --env "$ENVIRONMENT" --service "$SERVICE" --image "$IMAGE" --timeout 900`;

/**
 * Build a service's image, push it and roll it out, on demand
 * (workflow_dispatch: which environment and service is a decision, not a
 * side effect of a push). An environment naming ci.github.environment
 * deploys in that GitHub environment, behind its protection rules; production
 * must name one.
 */
const IMAGE_WORKFLOW = `# Build a service's image from this repository for the platform its tasks
# run on (linux/arm64 for cpuArchitecture: ARM64, else linux/amd64), push it
# to the environment's ECR repository tagged with the commit SHA (tags are
# immutable), and roll it out: a new task definition revision from the
# service's current one with the new image, update-service, wait until the
# service is stable, roll back on failure. AWS access through the environment's OIDC deploy role
# (<project>-<env>-gh-deploy), no stored keys. An environment whose
# ci.github.environment names a GitHub environment (production must) deploys
# in it: its protection rules (required reviewers, branches) apply.
name: image
on:
  workflow_dispatch:
    inputs:
      environment:
        description: the environment (environments/<name>.yaml)
        required: true
        type: string
      service:
        description: the service (services.<name>; its image is { repository, tag } in the project's ECR)
        required: true
        type: string
      context:
        description: the folder of this repository to build (the Docker context, with its Dockerfile), for example services/api
        required: true
        type: string
permissions:
  contents: read
concurrency:
  # One rollout of a service at a time; one waiting never cancels one running.
  group: image-${gh('inputs.environment')}-${gh('inputs.service')}
  cancel-in-progress: false
jobs:
  resolve:
    runs-on: ubuntu-latest
    outputs:
      github_environment: ${gh('steps.resolve.outputs.github_environment')}
    steps:
${setupSteps()}
      - id: resolve
        env: { ENVIRONMENT: "${gh('inputs.environment')}", SERVICE: "${gh('inputs.service')}", CONTEXT: "${gh('inputs.context')}" }
        run: |
          set -euo pipefail
          case "$CONTEXT" in
            "" | /* | *..*) echo "::error::the context is a folder inside this repository: not empty, no leading / and no .."; exit 1 ;;
          esac
          # ci-info refuses an unknown environment or service.
          info=$(npx platform ci-info --env "$ENVIRONMENT" --service "$SERVICE")
          if [ "$(jq -r --arg service "$SERVICE" '.services[$service].repositoryUrl // ""' <<<"$info")" = "" ]; then
            echo "::error::$SERVICE in $ENVIRONMENT runs an image from another registry: this workflow builds images of { repository, tag } in the project's ECR"
            exit 1
          fi
          github_environment=$(jq -r '.githubEnvironment // ""' <<<"$info")
          production=$(npx platform check-guardrails --json | jq -r --arg env "$ENVIRONMENT" '.reports[] | select(.environment == $env) | .production')
          if [ "$production" = true ] && [ -z "$github_environment" ]; then
            echo "::error::$ENVIRONMENT is production: its rollouts run in a GitHub environment whose protection rules hold them for a reviewer; set ci.github.environment in environments/$ENVIRONMENT.yaml"
            exit 1
          fi
          echo "github_environment=$github_environment" >> "$GITHUB_OUTPUT"
  deploy:
    needs: resolve
    if: needs.resolve.outputs.github_environment == ''
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
${DEPLOY_STEPS}
  deploy-gated:
    # In the GitHub environment ci.github.environment names: its protection rules apply, and the role trusts its jobs.
    needs: resolve
    if: needs.resolve.outputs.github_environment != ''
    runs-on: ubuntu-latest
    environment: ${gh('needs.resolve.outputs.github_environment')}
    permissions:
      contents: read
      id-token: write
    steps:
${DEPLOY_STEPS}
`;

/** The steps that plan and apply one environment (`matrix.environment`) with its OIDC apply role. */
const APPLY_STEPS = `${setupSteps()}
${SETUP_TERRAFORM}
      - id: ci
        env: { ENVIRONMENT: "${gh('matrix.environment')}" }
        run: |
          set -euo pipefail
          info=$(npx platform ci-info --env "$ENVIRONMENT")
          {
            echo "role=$(jq -r .applyRoleArn <<<"$info")"
            echo "region=$(jq -r .region <<<"$info")"
          } >> "$GITHUB_OUTPUT"
      - uses: ${ACTIONS.awsCredentials}
        with:
          role-to-assume: ${gh('steps.ci.outputs.role')}
          aws-region: ${gh('steps.ci.outputs.region')}
      # Plans against the real state, then applies exactly that saved plan; a plan
      # that would destroy data is refused (apply it by hand with --allow-destroy).
      - env: { ENVIRONMENT: "${gh('matrix.environment')}" }
        run: npx platform apply --env "$ENVIRONMENT" --online --yes`;

/**
 * Main without the GitOps controller: plan and apply every environment a
 * push touches. A project whose controller applies deletes this file (or
 * disables the workflow): both applying would race. Production (any
 * environment naming ci.github.environment) runs after the others
 * succeeded, in that GitHub environment (protection rules: reviewers, main only).
 */
const APPLY_WORKFLOW = `# Pushes to main, for a project without the GitOps controller (where the
# controller applies, delete this file): plan and apply each environment the
# push touches through its OIDC apply role (<project>-<env>-gh-apply).
# Environments whose ci.github.environment names a GitHub environment
# (production must) apply after the others succeeded, each in that
# environment, whose protection rules (required reviewers, main only) hold
# the job until approved. One apply per environment at a time; a waiting one
# never cancels one in progress. The bootstrap and controller stacks (the
# OIDC roles, the controller) are never applied here: an administrator
# applies them by hand (pull-request.yml plans them).
name: apply
on:
  push:
    branches: [main]
    # What can change a stack (the same rule as the touched environments below).
    paths: [environments/**, src/**, bin/**, main.ts, package.json, package-lock.json, .terraform.lock.hcl]
permissions:
  contents: read
jobs:
  changes:
    runs-on: ubuntu-latest
    outputs:
      open: ${gh('steps.split.outputs.open')}
      gated: ${gh('steps.split.outputs.gated')}
    steps:
${setupSteps(0)}
${touchedStep('github.event.before')}
${SPLIT_STEP}
  apply:
    needs: changes
    if: needs.changes.outputs.open != '[]'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    strategy:
      fail-fast: false
      matrix:
        environment: ${gh('fromJSON(needs.changes.outputs.open)')}
    concurrency:
      group: apply-${gh('matrix.environment')}
      cancel-in-progress: false
    steps:
${APPLY_STEPS}
  apply-gated:
    # Production (and any environment naming ci.github.environment), after the others succeeded,
    # each in its GitHub environment: the protection rules hold the job, and the apply role trusts only its jobs.
    needs: [changes, apply]
    if: ${gh("!cancelled() && needs.changes.result == 'success' && needs.changes.outputs.gated != '[]' && needs.apply.result != 'failure'")}
    runs-on: ubuntu-latest
    environment: ${gh('matrix.githubEnvironment')}
    permissions:
      contents: read
      id-token: write
    strategy:
      fail-fast: false
      matrix:
        include: ${gh('fromJSON(needs.changes.outputs.gated)')}
    concurrency:
      group: apply-${gh('matrix.environment')}
      cancel-in-progress: false
    steps:
${APPLY_STEPS}
`;

/** The workflows `init` writes into .github/workflows/ (and examples/github-actions/ holds, byte for byte). */
export const WORKFLOWS: Readonly<Record<string, string>> = {
  'pull-request.yml': PULL_REQUEST_WORKFLOW,
  'image.yml': IMAGE_WORKFLOW,
  'apply.yml': APPLY_WORKFLOW,
};

/** The pull request workflow (the name earlier code imports). */
export const WORKFLOW = PULL_REQUEST_WORKFLOW;
