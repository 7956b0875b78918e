import { defineRule, everyResource } from '../rule';

export const rdsNotPublic = defineRule(__filename, {
  description: 'Databases are not reachable from the internet',
  scannerIds: ['CKV_AWS_17'],
  scope: 'all',
  fix: 'keep publicly_accessible off (the database module sets it)',
  check: (stack) =>
    everyResource(stack, 'aws_db_instance', (db) => db.publicly_accessible === false, 'the database is publicly accessible'),
});
