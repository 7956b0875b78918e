/**
 * Names of AWS resources, built from project, environment and keys. Where a
 * name would exceed the AWS limit it is shortened deterministically: a
 * readable prefix, a hyphen and six hex characters of the full name's hash.
 */
import { createHash } from 'node:crypto';

/** `name` itself when it fits in `maxLength`, else a readable prefix plus a short hash. */
export function fitName(name: string, maxLength: number): string {
  if (name.length <= maxLength) return name;
  const hash = shortHash(name);
  const prefix = name.slice(0, maxLength - hash.length - 1).replace(/[-_.\/]+$/, '');
  return `${prefix}-${hash}`;
}

/** Six hex characters of a name's hash: what keeps a changed or shortened name unique. */
function shortHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 6);
}

/**
 * A name that may not start or end with a hyphen (load balancers, target
 * groups, DNS labels), within `maxLength`. Names built from a project or
 * environment ending in a hyphen are trimmed, with a hash of the original so
 * that they stay unique.
 */
export function trimmedName(name: string, maxLength: number): string {
  const trimmed = name.replace(/^-+|-+$/g, '');
  if (trimmed === name) return fitName(name, maxLength);
  return `${trimmed.slice(0, maxLength - 7).replace(/-+$/, '')}-${shortHash(name)}`;
}

/**
 * An RDS name (instance identifier, parameter group): lowercase letters,
 * digits and single hyphens, starting with a letter, not ending with a
 * hyphen, at most `maxLength` (63 for instances). Where the name had to change
 * to fit, a hash of the original keeps it unique.
 */
export function rdsIdentifier(name: string, maxLength: number = NAME_LIMITS.rdsIdentifier): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-$/, '');
  if (cleaned === name) return fitName(name, maxLength);
  const hash = shortHash(name);
  return `${fitName(cleaned, maxLength - hash.length - 1).replace(/-$/, '')}-${hash}`;
}

/**
 * An ECR repository name: path components of lowercase letters and digits
 * joined by single separators (. _ -), not starting or ending with one
 * (ECR's rule for each component: `[a-z0-9]+(?:[._-][a-z0-9]+)*`).
 * A component that had to change (an environment named `qa-`) keeps a hash
 * of itself, so that it stays apart from the one it was cleaned into (`qa`).
 */
export function ecrRepositoryName(name: string): string {
  return name
    .split('/')
    .map((component) => {
      const cleaned = component.replace(/[._-]{2,}/g, (run) => run[0]!).replace(/^[._-]+|[._-]+$/g, '');
      return cleaned === component ? component : `${cleaned}-${shortHash(component)}`;
    })
    .join('/');
}

/** A security group name: 255 at most, and AWS reserves the sg- prefix for group IDs. */
export function securityGroupName(name: string): string {
  return fitName(name.startsWith('sg-') ? `group-${name}` : name, NAME_LIMITS.securityGroup);
}

/** AWS limits of the names this project builds. */
export const NAME_LIMITS = {
  loadBalancer: 32,
  targetGroup: 32,
  iamRole: 64,
  iamPolicy: 128,
  rdsIdentifier: 63,
  s3Bucket: 63,
  securityGroup: 255,
  ecsName: 255,
  ecrRepository: 256,
  cloudMapNamespace: 253,
  alarm: 255,
  snsTopic: 256,
  kmsAlias: 256,
  dashboard: 255,
  dynamodbTable: 255,
  parameterGroup: 255,
  secret: 512,
} as const;

/** Names for one environment: `<project>-<environment>[-<part>...]`, within each AWS limit. */
export class Naming {
  /** `<project>-<environment>`, the prefix of every name. */
  readonly prefix: string;

  constructor(
    readonly project: string,
    readonly environment: string,
  ) {
    this.prefix = `${project}-${environment}`;
  }

  /** The load balancer's name: no leading or trailing hyphen, not starting with `internal-` (AWS rules), 32 at most. */
  loadBalancer(): string {
    const name = this.prefix.startsWith('internal-') ? `lb-${this.prefix}` : this.prefix;
    return trimmedName(name, NAME_LIMITS.loadBalancer);
  }

  /** The private DNS namespace of service discovery, `<prefix>.local`, its first label a valid DNS label. */
  namespace(): string {
    return `${trimmedName(this.prefix, 63)}.local`;
  }

  /** An S3 bucket name, unique across accounts and regions: the account and region are part of it. */
  bucket(accountId: string, region: string, purpose: string): string {
    return fitName(`${this.prefix}-${purpose}-${accountId}-${region}`, NAME_LIMITS.s3Bucket);
  }
}

/** What a GitHub Actions role may do: push images and roll services out, or plan and apply the environment. */
export type GithubRolePurpose = 'deploy' | 'apply';

/**
 * The IAM role GitHub Actions assumes through OIDC for one environment:
 * `<project>-<environment>-gh-deploy` or `-gh-apply`. Project and environment
 * are at most 20 characters each, so the name (at most 51) never needs
 * shortening, and workflows can spell it from the project, the environment
 * and the account.
 */
export function githubRoleName(project: string, environment: string, purpose: GithubRolePurpose): string {
  return `${project}-${environment}-gh-${purpose}`;
}

/**
 * The managed policy the bootstrap creates as the permissions boundary of
 * every role an environment stack creates: `<project>-<environment>-boundary`
 * (at most 50 characters, never shortened).
 */
export function environmentBoundaryName(project: string, environment: string): string {
  return `${project}-${environment}-boundary`;
}
