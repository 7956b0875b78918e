/**
 * The value types the environment file's sections share: names, maps keyed
 * by names, counts, CIDRs, log retentions, environment variable names,
 * percentages, domains and hosted zones, security groups and POSIX users.
 */
import { z } from 'zod';
import { LOG_RETENTION_DAYS } from '../aws-facts';
import { isIpv4Cidr } from '../cidr';

/** Project and environment names: they prefix every AWS name. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,19}$/;
const KEY = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
export const nameSchema = z
  .string()
  .regex(NAME_PATTERN, 'must be 2-20 characters: a lowercase letter, then lowercase letters, digits or hyphens');

/** A map keyed by names used in AWS resource names and DNS labels. */
export function namedMap<T extends z.ZodType>(value: T) {
  return z.record(
    z
      .string()
      .regex(
        KEY,
        'names here must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      ),
    value,
  );
}

export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();
export const cidrSchema = z.string().refine(isIpv4Cidr, 'not an IPv4 CIDR with a network address (for example 10.0.0.0/16)');
export const retentionDays = z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
  message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days`,
});
export const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names are letters, digits and underscores, not starting with a digit');
export const percent = z.number().positive().max(100);

export const domainName = z
  .string()
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'not a domain name (lowercase, for example api.example.com or *.example.com)',
  );

export const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a hosted zone ID looks like Z0123456789ABCDEFGHIJ');

export const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'a security group ID looks like sg-0123456789abcdef0');
/** A POSIX user as UID:GID, never root. */
export const posixUser = z
  .string()
  .regex(/^\d{1,10}:\d{1,10}$/, 'a POSIX user is UID:GID in quotes, for example "10001:10001"')
  .refine((u) => !u.startsWith('0:'), 'UID 0 is root; use a non-root UID, for example "10001:10001"');
