/** EFS: file systems and access points tagged as this environment's. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, retagged, tagged } from './common';

export function fileSystemStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // EFS file systems tagged as this environment's.
  if (Object.keys(config.fileSystems).length > 0) {
    add({
      Sid: 'FileSystemsCreate',
      Effect: 'Allow',
      Action: ['elasticfilesystem:CreateFileSystem', 'elasticfilesystem:CreateAccessPoint'],
      Resource: '*',
      Condition: tagged(config, 'RequestTag'),
      reason:
        'EFS authorizes creating a file system or access point before it has an ID; the request must tag it with this Project and Environment',
    });
    add({
      Sid: 'FileSystemsTagOnCreate',
      Effect: 'Allow',
      Action: 'elasticfilesystem:TagResource',
      Resource: '*',
      Condition: {
        StringEquals: {
          'elasticfilesystem:CreateAction': ['CreateAccessPoint', 'CreateFileSystem'],
          ...tagged(config, 'RequestTag').StringEquals,
        },
      },
      reason: 'tags of a file system or access point being created (elasticfilesystem:CreateAction), which has no ID yet',
    });
    add({
      Sid: 'FileSystems',
      Effect: 'Allow',
      Action: [
        'elasticfilesystem:DeleteFileSystem',
        'elasticfilesystem:UpdateFileSystem',
        'elasticfilesystem:PutBackupPolicy',
        'elasticfilesystem:PutFileSystemPolicy',
        'elasticfilesystem:DeleteFileSystemPolicy',
        'elasticfilesystem:CreateMountTarget',
        'elasticfilesystem:DeleteMountTarget',
        'elasticfilesystem:DeleteAccessPoint',
        'elasticfilesystem:PutLifecycleConfiguration',
      ],
      Resource: [arn('elasticfilesystem', 'file-system/*'), arn('elasticfilesystem', 'access-point/*')],
      Condition: tagged(config, 'ResourceTag'),
    });
    add({
      Sid: 'FileSystemsRetag',
      Effect: 'Allow',
      Action: ['elasticfilesystem:TagResource', 'elasticfilesystem:UntagResource'],
      Resource: [arn('elasticfilesystem', 'file-system/*'), arn('elasticfilesystem', 'access-point/*')],
      Condition: retagged(config),
    });
  }
  return statements;
}
