import { defineRule, resources } from '../rule';

const FORCING = [
  { name: 'rds.force_ssl', values: ['1'] },
  { name: 'require_secure_transport', values: ['1', 'ON'] },
];

export const rdsForceTls = defineRule(__filename, {
  description: 'Databases refuse unencrypted connections',
  scannerIds: ['CKV2_AWS_69'],
  scope: 'all',
  fix: 'use the parameter group the database module creates (rds.force_ssl / require_secure_transport)',
  check: (stack) => {
    const forcing = resources(stack, 'aws_db_parameter_group').filter((group) =>
      (group.values.parameter ?? []).some((p: any) => FORCING.some((f) => f.name === p.name && f.values.includes(String(p.value)))),
    );
    return resources(stack, 'aws_db_instance')
      .filter((db) => !forcing.some((group) => String(db.values.parameter_group_name ?? '').includes(`\${${group.address}.`)))
      .map((db) => ({ address: db.address, message: 'the parameter group does not force TLS' }));
  },
});
