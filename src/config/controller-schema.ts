/**
 * The GitOps controller's own infrastructure (`controller:`, one per
 * repository, set in defaults.yaml) and the GitHub Actions OIDC trust of an
 * environment (`ci.github`, per environment). The schemas are merged into
 * the environment schema (schema.ts); resolving them and the checks that
 * need every environment at once are in controller.ts.
 */
import { z } from 'zod';
import { AWS_REGIONS, FARGATE_CPU_VALUES, FARGATE_MEMORY_BY_CPU, LOG_RETENTION_DAYS } from '../aws-facts';
import { isIpv4Cidr } from '../cidr';
import { strictObject } from './strict-object';
import { MAX_USER_TAGS, refuse, tagKeyProblem, tagValueProblem, uniqueList } from './value-checks';
import { computedDefault } from './schema-defaults';

/** The stack of the controller's infrastructure: longer than any environment name (20) and not a bootstrap-* name, so it cannot collide. */
export const CONTROLLER_STACK = 'controller-infrastructure';

/** The environment name `<project>-controller` would clash with: the controller's resources are named `<project>-controller-*`. */
export const CONTROLLER_NAME_PART = 'controller';

/** The controller's own VPC when neither network.cidr nor network.existing is given. */
export const CONTROLLER_DEFAULT_CIDR = '10.250.0.0/22';

/**
 * GitHub's webhook source ranges as published at https://api.github.com/meta
 * (`hooks`, IPv4), read 2026-11. Only the webhook path is open to them.
 */
export const GITHUB_HOOK_CIDRS: readonly string[] = ['192.30.252.0/22', '185.199.108.0/22', '140.82.112.0/20', '143.55.64.0/20'];

const cidr = z.string().refine(isIpv4Cidr, 'not an IPv4 CIDR with a network address (for example 203.0.113.0/24)');
const accountId = z
  .string({ error: 'an account ID is 12 digits in quotes, for example "123456789012"' })
  .regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"');
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'a subnet ID looks like subnet-0123456789abcdef0');
const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,64}$/,
    'a role ARN looks like arn:aws:iam::210987654321:role/shop-prod-controller',
  );
/** org/repo on GitHub. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const githubRepository = z.string().regex(GITHUB_REPOSITORY, 'a GitHub repository is owner/name, for example shop-org/shop-infra');
/** Branch names as GitHub's OIDC `sub` claim spells them (refs/heads/<branch>); a trailing * is a prefix match, only with branchPatterns: true. */
const branchName = z
  .string()
  .regex(
    /^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200}\*?$/,
    'a branch name such as main or release/* (letters, digits, . _ / -, one trailing * at most)',
  );

const tags = z
  .record(
    z
      .string()
      .superRefine(refuse(tagKeyProblem))
      .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
      .refine(
        (k) => !['Project', 'Environment', 'ManagedBy'].includes(k),
        'Project, Environment and ManagedBy are set by the project; remove this tag',
      ),
    z.string().superRefine(refuse(tagValueProblem)),
  )
  .refine((t) => Object.keys(t).length <= MAX_USER_TAGS, `at most ${MAX_USER_TAGS} tags`)
  .default({});

export const controllerSchema = strictObject({
  repository: z
    .string()
    .min(1)
    .refine(
      (r) => !/^(ssh:\/\/|[\w.-]+@[\w.-]+:)/.test(r),
      'the deployed controller reads its repository over HTTPS with the GitHub token (secret GITHUB_TOKEN); give https://github.com/OWNER/NAME.git or OWNER/NAME instead of an ssh URL',
    )
    .refine(
      (r) => !/^https?:\/\/[^/]*@/i.test(r),
      'no credentials in the URL: they would land in Terraform state and logs; the GitHub token comes from the secret GITHUB_TOKEN',
    )
    .refine((r) => !/^(http|git|file):/i.test(r), 'the repository is read over HTTPS only: give an https:// URL or OWNER/NAME')
    .describe(
      'The Git repository the controller watches (serve --repo): an https URL or OWNER/NAME on GitHub; a private GitHub repository is read with the GITHUB_TOKEN secret (ssh is refused: the image has no ssh client or key) (required)',
    ),
  branch: z.string().min(1).default('main').describe('Its default branch: pushes to it apply where the policy allows'),
  configPath: z.string().min(1).default('environments').describe('The environments folder inside that repository'),
  aws: strictObject({
    region: z
      .enum(AWS_REGIONS)
      .optional()
      .describe('Region of the controller')
      .meta(computedDefault('the region of the environments it manages without a role')),
    accountId: accountId
      .optional()
      .describe('Account of the controller')
      .meta(computedDefault('the account of the environments it manages without a role')),
  })
    .prefault({})
    .describe('Where the controller runs'),
  image: strictObject({
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag: letters, digits, _ . -, at most 128')
      .optional()
      .describe('Tag of the controller image in its own ECR repository <project>/controller')
      .meta(computedDefault("the project's package.json version")),
  })
    .prefault({})
    .describe('The controller image, pushed to the repository this stack creates'),
  cpu: z
    .number()
    .refine((v) => FARGATE_CPU_VALUES.includes(v), { message: `Fargate cpu is one of ${FARGATE_CPU_VALUES.join(', ')}` })
    .default(1024)
    .describe('Task CPU units; Terraform plans run inside the task'),
  memory: z.number().int().positive().default(2048).describe('Task memory in MiB, one Fargate pairs with cpu'),
  driftMinutes: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Plan every environment this often to find drift, serve --drift-minutes; 0: never'),
  desiredCount: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe(
      'Controller tasks behind the load balancer, sharing the queue in the runs table: each environment runs in one task at a time, different environments in parallel, and a task that dies has its runs recovered by another (docs/controller-scaling.md); 1 stops the old task before starting the new one on a deployment',
    ),
  network: strictObject({
    cidr: cidr
      .refine((c) => {
        const bits = Number(c.split('/')[1]);
        return bits >= 16 && bits <= 22;
      }, "the controller's VPC is /16 to /22: it is split in 16 subnets, and its load balancer needs /27 or larger")
      .optional()
      .describe("A VPC of the controller's own, /16 to /22")
      .meta(computedDefault('10.250.0.0/22 when existing is not given')),
    existing: strictObject({
      vpcId: z
        .string()
        .regex(/^vpc-[0-9a-f]{8,17}$/, 'a VPC ID looks like vpc-0123456789abcdef0')
        .describe('The VPC ID (required with existing)'),
      publicSubnetIds: uniqueList(subnetId)
        .min(2)
        .optional()
        .describe("Public subnets for the controller's own load balancer, 2 or more (required with existing and no loadBalancer.existing)"),
      privateSubnetIds: uniqueList(subnetId)
        .min(2)
        .describe('Private subnets with a way out (NAT) for the task, 2 or more (required with existing)'),
    })
      .optional()
      .describe('An existing VPC instead of a new one: { vpcId, privateSubnetIds, publicSubnetIds }')
      .meta(computedDefault('none: a VPC of its own')),
    availabilityZones: z
      .array(z.string())
      .min(2)
      .max(8)
      .optional()
      .describe('Zones of a new VPC')
      .meta(computedDefault('<region>a, <region>b')),
  })
    .prefault({})
    .describe('Where the task runs: a VPC of its own (cidr) or an existing one (existing)'),
  cluster: strictObject({
    existing: z
      .string()
      .regex(/^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/)?[A-Za-z0-9_-]{1,255}$/, 'an ECS cluster name or ARN')
      .optional()
      .describe('An existing ECS cluster by name or ARN')
      .meta(computedDefault('a cluster of its own, <project>-controller')),
  })
    .prefault({})
    .describe('The ECS cluster of the controller task'),
  loadBalancer: strictObject({
    host: z
      .string()
      .regex(
        /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
        'a host name in lower case, without wildcard or port, for example gitops.example.com',
      )
      .describe(
        "The host name the controller is reached at (the webhook URL GitHub calls, the UI): both listener rules match only this Host header, so an existing listener's other hosts are untouched; the certificate must cover it (required)",
      )
      .optional(),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'an ACM certificate ARN')
      .optional()
      .describe("The certificate of the controller's own HTTPS load balancer (required unless existing)"),
    existing: strictObject({
      listenerArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[A-Za-z0-9-]+\/[0-9a-f]+\/[0-9a-f]+$/,
          'an ALB listener ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/NAME/ID/ID)',
        )
        .describe('The HTTPS listener of an existing load balancer (required with existing)'),
      securityGroupId: z
        .string()
        .regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0')
        .describe("That load balancer's security group, admitted to the task port (required with existing)"),
      priority: z
        .number()
        .int()
        .min(1)
        .max(49990)
        .describe('Priority of the first listener rule; the controller uses up to 10 consecutive ones (required with existing)'),
    })
      .optional()
      .describe('An existing HTTPS listener instead of a load balancer of its own: { listenerArn, securityGroupId, priority }')
      .meta(computedDefault('none: a load balancer of its own')),
    sslPolicy: z.string().default('ELBSecurityPolicy-TLS13-1-2-2021-06').describe("TLS policy of the own load balancer's listener"),
    accessLogs: z.boolean().default(true).describe('Access logs of the own load balancer to a bucket of its own'),
  })
    .prefault({})
    .describe(
      'Where HTTPS requests arrive: the host name (host) and a load balancer of its own (certificateArn) or a listener of an existing one (existing) (required: host and one of them)',
    ),
  allowedCidrs: uniqueList(cidr)
    .max(15)
    .default([])
    .describe('Who may reach the UI and API paths (everything but /webhooks/github); up to 15 CIDRs; none: only the webhook is reachable'),
  webhookCidrs: uniqueList(cidr)
    .min(1)
    .max(15)
    .default([...GITHUB_HOOK_CIDRS])
    .describe(
      "Who may reach /webhooks/github: GitHub's hook ranges from api.github.com/meta; GitHub Enterprise Server: its egress addresses",
    ),
  logRetentionDays: z
    .number()
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
      message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days`,
    })
    .default(90)
    .describe("Retention of the controller's log group"),
  alarms: strictObject({
    topicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
      .optional()
      .describe('Send the alarms to this existing topic')
      .meta(computedDefault('a topic <project>-controller-alerts is created')),
    emails: uniqueList(z.email('not an email address')).default([]).describe('Email subscriptions of the created topic'),
    http5xxPerMinute: z.number().int().min(0).default(5).describe('Alarm above this many 5XX answers of the controller a minute'),
  })
    .prefault({})
    .describe('Alarms: the task is not running, the controller answers 5XX'),
  environmentRoles: z
    .record(z.string(), roleArn)
    .default({})
    .describe(
      'Environment name -> the role the controller assumes to plan and apply it (another account, for example); the task role then gets only sts:AssumeRole on it; an environment without one is managed by the task role itself',
    ),
  tags: tags.describe('Tags on every controller resource, besides Project and ManagedBy'),
  waivers: z
    .record(z.string(), z.string().trim().min(10, 'give the reason for the waiver in a sentence'))
    .default({})
    .describe(
      "Guardrail rule ID -> the reason it does not apply to the controller's stack, which is checked as production; reported on every check",
    ),
}).superRefine((c, ctx) => {
  const allowed = FARGATE_MEMORY_BY_CPU[c.cpu];
  if (allowed && !allowed.includes(c.memory))
    ctx.addIssue({ code: 'custom', path: ['memory'], message: `Fargate pairs cpu ${c.cpu} with memory ${allowed.join(', ')}` });
  if (c.network.cidr !== undefined && c.network.existing !== undefined)
    ctx.addIssue({ code: 'custom', path: ['network', 'existing'], message: 'give either cidr or existing, not both' });
  const lb = c.loadBalancer;
  if (lb.existing === undefined && lb.certificateArn === undefined) {
    // At controller itself: loadBalancer may be absent from both files, and a problem must point at a line that exists.
    ctx.addIssue({
      code: 'custom',
      path: [],
      message:
        'the controller is reached over HTTPS only: give loadBalancer.certificateArn (a load balancer of its own) or loadBalancer.existing (a listener of yours)',
    });
  }
  if (lb.host === undefined) {
    // At controller itself, like the certificate: loadBalancer may be absent from both files.
    ctx.addIssue({
      code: 'custom',
      path: [],
      message:
        'give loadBalancer.host, the host name the controller is reached at (for example gitops.example.com): its listener rules match only that Host header',
    });
  }
  if (lb.existing !== undefined && c.network.existing === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['loadBalancer', 'existing'],
      message: 'an existing load balancer forwards to targets in its own VPC: give network.existing (that VPC and its private subnets) too',
    });
  }
  if (lb.existing !== undefined && lb.certificateArn !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['loadBalancer', 'certificateArn'],
      message: "with existing, the listener's own certificate is used; remove certificateArn",
    });
  if (lb.existing === undefined && c.network.existing !== undefined && c.network.existing.publicSubnetIds === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['network', 'existing', 'publicSubnetIds'],
      message: "the controller's own load balancer needs public subnets; give publicSubnetIds, or loadBalancer.existing",
    });
  }
  if (c.alarms.topicArn !== undefined && c.alarms.emails.length > 0)
    ctx.addIssue({
      code: 'custom',
      path: ['alarms', 'emails'],
      message: 'emails subscribe to the created topic; with topicArn, subscribe them to that topic yourself',
    });
});

export const ciSchema = strictObject({
  github: strictObject({
    repository: githubRepository.describe("The repository whose workflows may assume this environment's roles, owner/name (required)"),
    branches: uniqueList(branchName)
      .min(1)
      .default(['main'])
      .describe(
        'Branches whose workflow runs are trusted, refs/heads/<branch> in the OIDC sub claim; a trailing * (release/*) matches a prefix only with branchPatterns: true',
      ),
    branchPatterns: z
      .boolean()
      .default(false)
      .describe(
        'Allow branch patterns with a trailing * (release/*): whoever may push a matching branch may then assume the roles; false: exact branch names only',
      ),
    environment: z
      .string()
      .regex(
        /^[^\s'"`,;:\\*?][^'"`,;:\\*?]{0,254}$/,
        'a GitHub environment name, without wildcards (* ?), quotes, commas, colons or backslashes',
      )
      .optional()
      .describe('A GitHub environment (its protection rules) whose jobs are trusted'),
    applyFromBranches: z
      .boolean()
      .optional()
      .describe('The apply and deploy roles also trust the branches, not only the GitHub environment')
      .meta(computedDefault('true outside production, false in production when environment is named')),
    oidcProvider: z
      .enum(['create', 'existing'])
      .default('create')
      .describe("create: the account's first bootstrap stack creates the GitHub OIDC provider; existing: the account has one already"),
  })
    .superRefine((g, ctx) => {
      g.branches.forEach((branch, i) => {
        if (branch.endsWith('*') && !g.branchPatterns)
          ctx.addIssue({
            code: 'custom',
            path: ['branches', i],
            message: `${branch} is a pattern: every branch it matches could assume the roles; name the branch exactly, or set ci.github.branchPatterns: true`,
          });
      });
    })
    .optional()
    .describe('GitHub Actions OIDC: the bootstrap creates <project>-<env>-gh-deploy and -gh-apply trusted only by this repository'),
}).prefault({});

export type ParsedController = z.output<typeof controllerSchema>;

/** Names the controller stack and the bootstrap agree on. */
export const controllerNames = {
  /** `<project>-controller`, the prefix of the controller's resources. */
  prefix: (project: string): string => `${project}-${CONTROLLER_NAME_PART}`,
  /** The task role the controller runs Terraform as. */
  taskRole: (project: string): string => `${project}-${CONTROLLER_NAME_PART}-task`,
  /** The role of one environment the bootstrap creates for the controller to assume: `<project>-<environment>-controller`. */
  environmentRole: (project: string, environment: string): string => `${project}-${environment}-${CONTROLLER_NAME_PART}`,
};
