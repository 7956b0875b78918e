/** The files `init` writes: a commented config folder, its editor schemas' comment, a .gitignore and a CI workflow. */

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
# null removes a default. Reference: README, "Configuration".

# Prefixes every AWS name: 2-20 lowercase letters, digits, hyphens.
project: ${a.project}

aws:
  region: ${a.region}
  # In quotes: an account ID is 12 digits, and YAML would read it as a number.
  accountId: "${a.accountId}"

# Terraform state: one S3 bucket and one DynamoDB lock table for the project,
# created by the bootstrap stack (README: "Bootstrap, then environments").
backend:
  bucket: ${a.project}-tf-state-${a.accountId}
  lockTable: ${a.project}-tf-locks

# Tags on every resource (the project, environment and managed-by tags are added).
tags:
  Team: ${a.project}

registry:
  scanOnPush: true
  # Immutable tags: deploy versions (1.4.2), never a moving tag such as latest.
  immutableTags: true
`;
}

/**
 * A new environment file. `certificate`: the load balancer's certificate,
 * for a project whose defaults route services but leave it to each
 * environment (HTTP only would fail the guardrails).
 */
export function environmentTemplate(a: ProjectAnswers, cidrSecondOctet: number, certificate?: string): string {
  const loadBalancer = certificate ? `\n# HTTPS for the services defaults.yaml routes (HTTP on 80 redirects to it).\nloadBalancer:\n  certificate: ${certificate}\n` : '';
  return `# yaml-language-server: $schema=../schema/environment.schema.json
# The ${a.environment} environment: its own VPC, cluster and services, merged over defaults.yaml.
# Check it with \`npx platform validate\`, then \`npx platform plan --env ${a.environment}\`.${loadBalancer}
network:
  # Each environment needs its own address range.
  cidr: 10.${cidrSecondOctet}.0.0/16
  # One NAT gateway for the whole VPC: cheaper, but one zone's outage cuts egress.
  natGateways: single

services:
  hello:
    # A full image reference (registry/name:tag); for an image of your own ECR
    # repository write { repository: hello, tag: "1.0.0" }.
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
    desiredCount: 1
`;
}

export const GITIGNORE = `node_modules/
# Synthesized stacks and Terraform working folders (recreated by synth);
# the provider lock file at the project root is committed.
cdktf.out/
.controller/
*.tfplan
`;

/**
 * The CI workflow. It runs this project's own `platform` command, so it
 * expects the project's package.json (and lock file) beside it: a team's
 * clone of this repository.
 */
export const WORKFLOW = `# Every pull request: validate, synthesize (the guardrails gate it), and
# check that no Terraform address would be destroyed by accident; and
# comment the monthly cost difference. It runs the platform command of this
# repository (npm ci installs it from package.json).
name: platform
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      - run: npx platform validate
      - run: npx platform synth
      - run: npx platform check-addresses
  cost:
    # Pull requests from this repository (a fork's token cannot comment): the
    # monthly cost difference from the base branch, as a comment (the last one edited in place).
    if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with: { fetch-depth: 0 }
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      # Values from the event pass through the environment, never into the script text.
      - run: npx platform cost --compare "origin/$BASE_REF" --format markdown > cost.md
        env: { BASE_REF: "\${{ github.base_ref }}" }
      - run: gh pr comment "$PR" --body-file cost.md --edit-last || gh pr comment "$PR" --body-file cost.md
        env: { GH_TOKEN: "\${{ github.token }}", PR: "\${{ github.event.pull_request.number }}" }
`;
