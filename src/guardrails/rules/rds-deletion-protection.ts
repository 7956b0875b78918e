import { defineRule, everyResource } from '../rule';

export const rdsDeletionProtection = defineRule(__filename, {
  description: 'Production databases are protected from deletion and keep a final snapshot',
  scannerIds: ['CKV_AWS_293'],
  scope: 'production',
  fix: 'set databases.<name>.deletionProtection: true and skipFinalSnapshot: false',
  check: (stack) =>
    everyResource(
      stack,
      'aws_db_instance',
      (db) => db.deletion_protection === true && db.skip_final_snapshot !== true,
      'deletion protection is off or no final snapshot is taken',
    ),
});
