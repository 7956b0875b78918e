/** Stack names the config must keep unique: every environment's own, and one bootstrap stack per state bucket. */

/** The stack name of the bootstrap stack that creates state bucket `bucket` (dots become hyphens). */
export function bootstrapStackName(bucket: string): string {
  return `bootstrap-${bucket.replace(/\./g, '-')}`;
}
