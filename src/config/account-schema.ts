/** Where the environment lives: `aws` (region, account, zones), `backend` (the Terraform state) and `tags`. */
import { z } from 'zod';
import { AWS_REGIONS } from '../aws-facts';
import { excerpt } from './problems';
import { computedDefault } from './schema-defaults';
import { strictObject } from './strict-object';
import { didYouMean } from './suggest';
import { keyPrefixProblem, MAX_USER_TAGS, refuse, tagKeyProblem, tagValueProblem } from './value-checks';

export const awsSchema = strictObject({
  region: z
    .enum(AWS_REGIONS, {
      error: (i) =>
        typeof i.input === 'string'
          ? `unknown AWS region ${JSON.stringify(excerpt(i.input))}; ${didYouMean(i.input, AWS_REGIONS)}`
          : 'a region is a name such as eu-west-1 (text, not a map or a list)',
    })
    .describe('The AWS region of the environment, one known to AWS provider 5.100 (required)'),
  accountId: z
    .string({ error: 'an account ID is 12 digits in quotes, for example "123456789012"' })
    .regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"')
    .describe("The 12-digit account, in quotes; the provider's allowed_account_ids, and every ARN is built from it (required)"),
  availabilityZones: z
    .array(z.string())
    .min(2, 'give at least 2 availability zones (load balancers and databases need two)')
    .max(8)
    .optional()
    .describe('2-8 zones of the region; subnet CIDRs follow this order, so add zones at the end')
    .meta(computedDefault('<region>a, <region>b')),
});

export const backendSchema = strictObject({
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    )
    .refine(
      (b) => !/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\.mrap|--x-s3)$|\.\.|^\d+\.\d+\.\d+\.\d+$/.test(b),
      'S3 reserves this form of bucket name (xn-- or sthree- prefixes, -s3alias suffix, .., an IP address); pick another',
    )
    .describe('S3 bucket of the Terraform state, created by the bootstrap stack (required)'),
  /** Absent: S3-native locking only (a new project). */
  lockTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'DynamoDB table names are 3-255 letters, digits, underscores, dots and hyphens')
    .optional()
    .describe(
      'DynamoDB table of the state locks, created by the bootstrap stack while an environment names it; Terraform 1.11 deprecates it (README: state locking)',
    )
    .meta(computedDefault('none: the lock file alone')),
  region: z.enum(AWS_REGIONS).optional().describe('Region of the bucket and table').meta(computedDefault('aws.region')),
  keyPrefix: z
    .string()
    .superRefine(refuse(keyPrefixProblem))
    .optional()
    .describe('State key prefix: the state is <keyPrefix>/<environment>.tfstate; no leading / and no ..')
    .meta(computedDefault('project')),
  useLockfile: z
    .boolean()
    .optional()
    .describe('S3-native locking with a lock file next to the state, Terraform >= 1.10')
    .meta(computedDefault('true without lockTable, false with it')),
  /** The account that holds the state bucket and lock table. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'an account ID is 12 digits, for example "123456789012"')
    .optional()
    .describe('The account holding the bucket and table')
    .meta(computedDefault('aws.accountId')),
  /** Keep the bootstrap stack's own state in the bucket (set after the first bootstrap apply). */
  bootstrapStateInBucket: z
    .boolean()
    .default(false)
    .describe(
      "Keep the bootstrap stack's own state in the bucket, at bootstrap/terraform.tfstate, once it exists; false keeps it in a local file",
    ),
}).superRefine((backend, ctx) => {
  if (backend.useLockfile === false && backend.lockTable === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['useLockfile'],
      message: 'nothing would lock the state: remove useLockfile (S3-native locking is the default) or name a lockTable',
    });
  }
});

export const tagsSchema = z
  .record(
    z
      .string()
      .superRefine(refuse(tagKeyProblem))
      .refine((k) => !k.toLowerCase().startsWith('aws:'), 'tag keys starting with aws: are reserved by AWS')
      .refine(
        (k) => !['Project', 'Environment', 'ManagedBy'].includes(k),
        'Project, Environment and ManagedBy are set by the project; remove this tag',
      ),
    z
      .string({
        error: (i) => (typeof i.input === 'number' || typeof i.input === 'boolean' ? 'tag values are text; quote it in YAML' : undefined),
      })
      .superRefine(refuse(tagValueProblem)),
  )
  .refine(
    (tags) => Object.keys(tags).length <= MAX_USER_TAGS,
    `at most ${MAX_USER_TAGS} tags: AWS takes 50 per resource, and the project adds Project, Environment, ManagedBy and up to two of its own (Name, Tier)`,
  )
  .default({});
