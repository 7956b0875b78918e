import { defineRule, everyResource } from '../rule';

export const efsEncryption = defineRule(__filename, {
  description: 'EFS file systems are encrypted at rest',
  scannerIds: ['CKV_AWS_42'],
  scope: 'all',
  fix: 'create file systems with the EfsFileSystem construct, which encrypts them with the environment key',
  check: (stack) => everyResource(stack, 'aws_efs_file_system', (fs) => fs.encrypted === true, 'the file system is not encrypted at rest'),
});
