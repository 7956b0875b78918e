/**
 * Starting an AWS API emulator (moto, through the launcher the package ships,
 * scripts/emulator.py) on a free port of 127.0.0.1, for one account, seeded
 * with what the stacks name as existing before them. `plan --base` starts one
 * for a throw-away state; the project's own checks (src/verification) too.
 *
 * moto is a Python package, not an npm one: the launcher runs with
 * PLATFORM_EMULATOR_PYTHON, else the `.venv` of this package's checkout or of
 * the working folder (scripts/setup-tools.sh, or `python3 -m venv .venv &&
 * .venv/bin/pip install "moto[server]==5.2.6"`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { EMULATOR_CREDENTIALS } from './emulator';

/** The package's root (src/terraform or dist/terraform, two levels down). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = join(PACKAGE_ROOT, 'scripts', 'emulator.py');
const START_TIMEOUT_MS = 60_000;

/** The variable naming the Python that has moto installed. */
export const EMULATOR_PYTHON_VARIABLE = 'PLATFORM_EMULATOR_PYTHON';

/** A hosted zone that exists before the stacks, with the ID the configuration names. */
export interface HostedZone {
  readonly name: string;
  readonly id: string;
}

/** An ACM certificate that exists before the stacks, by the ARN the configuration names. */
export interface ExistingCertificate {
  readonly arn: string;
  readonly domain: string;
}

export interface EmulatorOptions {
  /** The account every call is answered as (the stacks' allowed account). */
  readonly account: string;
  /** Zones to create first. @default none */
  readonly hostedZones?: readonly HostedZone[];
  /** Issued certificates to create first. @default none */
  readonly certificates?: readonly ExistingCertificate[];
  /** Empty S3 buckets to create first, as REGION/NAME (a state bucket made elsewhere). @default none */
  readonly buckets?: readonly string[];
  /** Customer managed IAM policies to create first, by ARN (the configuration attaches them as existing). @default none */
  readonly policies?: readonly string[];
  /** Security groups to create first, as REGION/ID (the configuration adds them to services as existing). @default none */
  readonly securityGroups?: readonly string[];
  /** Networks to create first, as REGION/VPC_ID=SUBNET_ID@ZONE,... (the configuration's `network.existing`). @default none */
  readonly networks?: readonly string[];
  /** Load balancer listeners to create first, by ARN (an existing HTTPS listener the configuration adds rules to). @default none */
  readonly listeners?: readonly string[];
  /** ECS clusters to create first, by ARN (an existing cluster the configuration runs services in). @default none */
  readonly clusters?: readonly string[];
  /** Where PLATFORM_EMULATOR_PYTHON is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly account: string;
  /** Settings for AWS SDK clients: endpoint and dummy keys. */
  clientSettings(region: string): EmulatorClientSettings;
  stop(): Promise<void>;
}

export interface EmulatorClientSettings {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Path-style bucket URLs: the emulator has no wildcard DNS name. */
  readonly forcePathStyle: true;
}

/** The Python to run the launcher with, or an error saying how to install moto. */
export function emulatorPython(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const named = env[EMULATOR_PYTHON_VARIABLE];
  if (named) {
    if (!existsSync(named))
      throw new Error(
        `${EMULATOR_PYTHON_VARIABLE}=${named} does not exist: name the python of a virtual environment with moto[server] installed`,
      );
    return named;
  }
  const found = [join(PACKAGE_ROOT, '.venv', 'bin', 'python'), join(resolve(cwd), '.venv', 'bin', 'python')].find((python) =>
    existsSync(python),
  );
  if (found) return found;
  throw new Error(
    `the AWS API emulator (moto) is not installed: run \`python3 -m venv .venv && .venv/bin/pip install "moto[server]==5.2.6"\` here (in a clone of the platform: bash scripts/setup-tools.sh), or set ${EMULATOR_PYTHON_VARIABLE} to a python that has it`,
  );
}

/** Starts the emulator; one that does not answer in time is an error with its output. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const python = emulatorPython(options.env);
  const port = await freePort();
  const args = [
    LAUNCHER,
    '--port',
    String(port),
    '--account',
    options.account,
    ...(options.hostedZones ?? []).flatMap((zone) => ['--hosted-zone', `${zone.name}=${zone.id}`]),
    ...(options.certificates ?? []).flatMap((certificate) => ['--certificate', `${certificate.arn}=${certificate.domain}`]),
    ...(options.buckets ?? []).flatMap((bucket) => ['--bucket', bucket]),
    // Only the account's own: a policy of another account cannot be made here (attaching it fails, by its ARN).
    ...(options.policies ?? []).filter((arn) => arn.split(':')[4] === options.account).flatMap((policy) => ['--policy', policy]),
    ...(options.securityGroups ?? []).flatMap((group) => ['--security-group', group]),
    ...(options.networks ?? []).flatMap((network) => ['--network', network]),
    ...(options.listeners ?? []).flatMap((listener) => ['--listener', listener]),
    ...(options.clusters ?? []).flatMap((cluster) => ['--cluster', cluster]),
  ];
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const endpoint = await readyLine(child).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    endpoint,
    account: options.account,
    clientSettings: (region) => ({ region, endpoint, credentials: { ...EMULATOR_CREDENTIALS }, forcePathStyle: true }),
    stop: () => stopChild(child),
  };
}

type Json = Record<string, any>;

/**
 * What the stacks name as existing before them, for an emulator to create
 * first: the hosted zones their records go into (by the IDs the
 * configuration gives), the certificates their listeners name by ARN, the
 * customer managed policies their roles attach by ARN, the security groups
 * they name by ID, the VPC and subnets of an existing network, and the
 * listeners and clusters they name by ARN.
 */
export function existingResourcesOf(
  stackJsons: readonly string[],
): Required<Pick<EmulatorOptions, 'hostedZones' | 'certificates' | 'policies' | 'securityGroups' | 'networks' | 'listeners' | 'clusters'>> {
  return {
    hostedZones: hostedZonesOf(stackJsons),
    certificates: existingCertificatesOf(stackJsons),
    policies: existingPoliciesOf(stackJsons),
    securityGroups: existingSecurityGroupsOf(stackJsons),
    networks: existingNetworksOf(stackJsons),
    listeners: literalArnsOf(stackJsons, /^arn:[a-z-]+:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[^/]+\/[0-9a-f]+\/[0-9a-f]+$/),
    clusters: literalArnsOf(stackJsons, /^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]+$/),
  };
}

/** Every literal string of the stacks' resources that matches `pattern` (a reference is never literal). */
function literalArnsOf(stackJsons: readonly string[], pattern: RegExp): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (pattern.test(value)) found.add(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  for (const json of stackJsons) visit((JSON.parse(json) as Json).resource ?? {});
  return [...found].sort();
}

/**
 * The existing VPC a stack names by ID, with the subnets it names, as
 * REGION/VPC_ID=SUBNET_ID@ZONE,...: each list of subnets is one per zone
 * (network.existing), so a subnet's zone is its place in the list.
 */
export function existingNetworksOf(stackJsons: readonly string[]): string[] {
  const networks = new Set<string>();
  for (const json of stackJsons) {
    const stack = JSON.parse(json) as Json;
    const region: unknown = stack.provider?.aws?.[0]?.region;
    const text = JSON.stringify([stack.resource ?? {}, stack.data ?? {}]);
    const vpcs = [...new Set(text.match(/"vpc-[0-9a-f]{8,17}"/g) ?? [])];
    // Subnets belong to a VPC only when the stack names one.
    if (typeof region !== 'string' || vpcs.length !== 1) continue;
    const zones = new Map<string, string>();
    for (const list of text.match(/\[("subnet-[0-9a-f]{8,17}",?)+\]/g) ?? []) {
      (JSON.parse(list) as string[]).forEach(
        (subnet, index) => zones.has(subnet) || zones.set(subnet, `${region}${'abcdefgh'[index % 8]}`),
      );
    }
    const subnets = [...zones.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([subnet, zone]) => `${subnet}@${zone}`);
    if (subnets.length > 0) networks.add(`${region}/${vpcs[0]!.slice(1, -1)}=${subnets.join(',')}`);
  }
  return [...networks].sort();
}

/** Security groups the stacks name by a literal ID (the ones they create are references), as REGION/ID. */
export function existingSecurityGroupsOf(stackJsons: readonly string[]): string[] {
  const groups = new Set<string>();
  for (const json of stackJsons) {
    const stack = JSON.parse(json) as Json;
    const region: unknown = stack.provider?.aws?.[0]?.region;
    if (typeof region !== 'string') continue;
    for (const id of JSON.stringify(stack.resource ?? {}).match(/"sg-[0-9a-f]{8,17}"/g) ?? []) groups.add(`${region}/${id.slice(1, -1)}`);
  }
  return [...groups].sort();
}

/** Customer managed policies the stacks attach by a literal ARN (AWS managed ones, `iam::aws:`, exist in every account). */
export function existingPoliciesOf(stackJsons: readonly string[]): string[] {
  const arns = new Set<string>();
  for (const json of stackJsons) {
    for (const attachment of Object.values<Json>((JSON.parse(json) as Json).resource?.aws_iam_role_policy_attachment ?? {})) {
      if (typeof attachment.policy_arn === 'string' && /^arn:[a-z-]+:iam::\d{12}:policy\//.test(attachment.policy_arn))
        arns.add(attachment.policy_arn);
    }
  }
  return [...arns].sort();
}

/**
 * The hosted zones the stacks write records into, named by their ID in the
 * configuration: each named after the longest DNS suffix its records share
 * (moto refuses a record outside its zone's name).
 */
export function hostedZonesOf(stackJsons: readonly string[]): HostedZone[] {
  const names = new Map<string, string[]>();
  for (const json of stackJsons) {
    const resources = (JSON.parse(json) as Json).resource ?? {};
    const certificateDomains = Object.values<Json>(resources.aws_acm_certificate ?? {})
      .flatMap((c) => [c.domain_name, ...(c.subject_alternative_names ?? [])])
      .filter((d): d is string => typeof d === 'string' && !d.includes('${'))
      .map((d) => d.replace(/^\*\./, ''));
    for (const record of Object.values<Json>(resources.aws_route53_record ?? {})) {
      if (typeof record.zone_id !== 'string' || !/^Z[A-Z0-9]+$/.test(record.zone_id)) continue;
      const literalName = typeof record.name === 'string' && !record.name.includes('${') ? [record.name] : certificateDomains;
      names.set(record.zone_id, [...(names.get(record.zone_id) ?? []), ...literalName]);
    }
  }
  return [...names.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, domains]) => ({ id, name: commonSuffix(domains) }));
}

/** Certificates the stacks name by ARN (configured as existing), each for a domain its listener serves, else example.com. */
export function existingCertificatesOf(stackJsons: readonly string[]): ExistingCertificate[] {
  const arns = new Set<string>();
  for (const json of stackJsons) {
    const resources = (JSON.parse(json) as Json).resource ?? {};
    for (const type of ['aws_lb_listener', 'aws_lb_listener_certificate']) {
      for (const resource of Object.values<Json>(resources[type] ?? {})) {
        if (typeof resource.certificate_arn === 'string' && resource.certificate_arn.startsWith('arn:')) arns.add(resource.certificate_arn);
      }
    }
  }
  return [...arns].sort().map((arn) => ({ arn, domain: 'existing.example.com' }));
}

function commonSuffix(domains: readonly string[]): string {
  const split = domains.map((d) => d.toLowerCase().replace(/\.$/, '').split('.').reverse());
  const shared: string[] = [];
  for (let i = 0; split.every((labels) => labels[i] !== undefined && labels[i] === split[0]![i]); i++) shared.push(split[0]![i]!);
  // A record at the apex (shop.example.com) and below it share the apex; a lone name's zone is its parent.
  const labels = split.length === 1 && shared.length > 2 ? shared.slice(0, -1) : shared;
  return labels.reverse().join('.');
}

function readyLine(child: ChildProcess): Promise<string> {
  return new Promise((resolveReady, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`the AWS API emulator did not start within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /^ready (\S+)$/m.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolveReady(ready[1]!);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`the AWS API emulator could not start: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the AWS API emulator exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

/** Closing its input stops the launcher; SIGKILL if it has not gone in 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.stdin!.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
