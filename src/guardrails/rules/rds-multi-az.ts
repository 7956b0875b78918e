import { defineRule, everyResource } from '../rule';

export const rdsMultiAz = defineRule(__filename, {
  description: 'Production databases have a standby in another zone',
  scannerIds: ['CKV_AWS_157'],
  scope: 'production',
  fix: 'set databases.<name>.multiAz: true',
  check: (stack) => everyResource(stack, 'aws_db_instance', (db) => db.multi_az === true, 'the database has no standby'),
});
