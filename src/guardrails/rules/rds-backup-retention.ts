import { defineRule, everyResource } from '../rule';

/** Days of backups required: a week in production, any in other environments. */
const MINIMUM_DAYS = { production: 7, other: 1 };

export const rdsBackupRetention = defineRule(__filename, {
  description: 'Databases keep automated backups (7 days or more in production)',
  scannerIds: ['CKV_AWS_133'],
  scope: 'all',
  fix: 'raise databases.<name>.backupRetentionDays',
  check: (stack, { production }) => {
    const minimum = production ? MINIMUM_DAYS.production : MINIMUM_DAYS.other;
    return everyResource(
      stack,
      'aws_db_instance',
      (db) => (db.backup_retention_period ?? 0) >= minimum,
      `fewer than ${minimum} day(s) of backups`,
    );
  },
});
