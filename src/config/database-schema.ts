/** `databases.<name>`: an RDS database. */
import { z } from 'zod';
import { computedDefault } from './schema-defaults';
import { strictObject } from './strict-object';
import { uniqueList } from './value-checks';

export const databaseSchema = strictObject({
  engine: z.enum(['postgres', 'mysql', 'mariadb']).describe('postgres, mysql or mariadb (required)'),
  engineVersion: z
    .string({ error: 'quote the engine version in YAML, for example "16.4"' })
    .regex(/^\d+(\.\d+){0,2}$/, 'an engine version looks like "16.4" (quote it in YAML)')
    .describe(
      'The engine version, quoted; it needs a parameter group family (postgres 11-17, mysql 5.7/8.0/8.4, mariadb 10.4-10.11/11.4) (required)',
    ),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'an instance class looks like db.t4g.medium')
    .describe('db.<family>.<size>, for example db.t4g.small (required)'),
  allocatedStorage: z.number().int().min(20).max(65536).default(20).describe('Storage in GiB, gp3'),
  /** Storage autoscaling ceiling; absent: no storage autoscaling. */
  maxAllocatedStorage: z
    .number()
    .int()
    .min(20)
    .max(65536)
    .optional()
    .describe('Storage autoscaling ceiling in GiB, at least allocatedStorage')
    .meta(computedDefault('none: no autoscaling')),
  databaseName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'database names are letters, digits and _, starting with a letter, at most 63 characters')
    .optional()
    .describe('The initial database')
    .meta(computedDefault('the key, - as _')),
  username: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'user names are 1-16 letters, digits and _, starting with a letter')
    .refine(
      (u) => !['admin', 'rdsadmin', 'postgres', 'root', 'rdsrepladmin', 'mysql'].includes(u.toLowerCase()),
      'this user name is reserved by the engine or RDS; pick another',
    )
    .default('app_admin')
    .describe('The master user, not a reserved name'),
  multiAz: z.boolean().default(true).describe('A standby in a second zone'),
  backupRetentionDays: z.number().int().min(1).max(35).default(7).describe('Days of automated backups, 1-35'),
  deletionProtection: z.boolean().default(true).describe('Refuse to delete the database'),
  skipFinalSnapshot: z.boolean().default(false).describe('Delete without a final snapshot'),
  performanceInsights: z
    .boolean()
    .optional()
    .describe('Performance Insights; an error on classes that do not support it')
    .meta(computedDefault('true where the class supports it')),
  allowedServices: uniqueList(z.string())
    .default([])
    .describe('Services that get network access, read access to the connection secret and the DB_* variables, each once'),
  /** Absent: RDS's own schedule for the managed master secret (every 7 days), not managed by Terraform. */
  passwordRotationDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe(
      'Days between rotations of the master password RDS manages in Secrets Manager, 1-365; set, Terraform manages the schedule. Tasks read DB_*_PASSWORD when they start: restart services after a rotation or connect with a user of your own',
    )
    .meta(computedDefault("none: RDS's own schedule, every 7 days")),
  backupWindow: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a backup window is hh:mm-hh:mm in UTC, for example "03:00-04:00"')
    .default('03:00-04:00')
    .describe('Daily backup window, hh:mm-hh:mm UTC, at least 30 minutes, apart from the maintenance window'),
  maintenanceWindow: z
    .string()
    .regex(
      /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
      'a maintenance window is ddd:hh:mm-ddd:hh:mm in UTC, for example "sun:04:30-sun:05:30"',
    )
    .default('sun:04:30-sun:05:30')
    .describe('Weekly maintenance window, ddd:hh:mm-ddd:hh:mm UTC, at least 30 minutes'),
}).superRefine((d, ctx) => {
  if (d.maxAllocatedStorage !== undefined && d.maxAllocatedStorage < d.allocatedStorage) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxAllocatedStorage'],
      message: `maxAllocatedStorage ${d.maxAllocatedStorage} is below allocatedStorage ${d.allocatedStorage}`,
    });
  }
});
