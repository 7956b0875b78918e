/** RDS: instances, groups and snapshots by the names the Database module gives, connection secrets, the master secrets RDS manages. */
import type { EnvironmentConfig } from '../../config/resolve';
import { type ReasonedStatement, arns, databasesOf } from './common';

export function databaseStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Databases: instances, groups and connection secrets named with the prefix.
  if (Object.keys(config.databases).length > 0) {
    add({
      Sid: 'Databases',
      Effect: 'Allow',
      Action: [
        'rds:CreateDBInstance',
        'rds:ModifyDBInstance',
        'rds:DeleteDBInstance',
        'rds:RebootDBInstance',
        'rds:CreateDBParameterGroup',
        'rds:ModifyDBParameterGroup',
        'rds:DeleteDBParameterGroup',
        'rds:CreateDBSubnetGroup',
        'rds:ModifyDBSubnetGroup',
        'rds:DeleteDBSubnetGroup',
        'rds:AddTagsToResource',
        'rds:RemoveTagsFromResource',
        'rds:CreateDBSnapshot',
      ],
      // The names the Database module gives (databaseNames), and the prefix patterns that also cover an old family's parameter group during a major upgrade.
      Resource: [
        ...new Set([
          arn('rds', `db:${prefix}-*`),
          arn('rds', `pg:${prefix}-*`),
          arn('rds', `subgrp:${prefix}-*`),
          arn('rds', `snapshot:${prefix}-*`),
          ...databasesOf(config).flatMap((db) => [
            arn('rds', `db:${db.identifier}`),
            arn('rds', `pg:${db.parameterGroup}`),
            arn('rds', `subgrp:${db.subnetGroup}`),
            arn('rds', `snapshot:${db.finalSnapshot}`),
          ]),
        ]),
      ],
    });
    // An instance joins its engine's default option group: CreateDBInstance and ModifyDBInstance authorize on it too (AWS's RDS example policies).
    add({
      Sid: 'DatabaseOptionGroups',
      Effect: 'Allow',
      Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'],
      Resource: arn('rds', 'og:default:*'),
    });
    add({
      Sid: 'DatabaseSecrets',
      Effect: 'Allow',
      Action: [
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:PutSecretValue',
        'secretsmanager:GetSecretValue',
        'secretsmanager:UpdateSecret',
        'secretsmanager:TagResource',
        'secretsmanager:UntagResource',
      ],
      Resource: arn('secretsmanager', `secret:${prefix}/database/*`),
    });
    // The master password: RDS creates its secret (rds!db-<uuid>) in the caller's name while creating or modifying the instance.
    add({
      Sid: 'DatabaseMasterSecretCreate',
      Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      Resource: arn('secretsmanager', 'secret:rds!db-*'),
    });
    if (Object.values(config.databases).some((d) => d.passwordRotationDays !== undefined)) {
      // Only the managed secrets of this environment's instances (RDS tags each with its instance's ARN).
      add({
        Sid: 'DatabaseMasterSecretRotation',
        Effect: 'Allow',
        Action: ['secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DescribeSecret'],
        Resource: arn('secretsmanager', 'secret:rds!db-*'),
        Condition: {
          StringEquals: {
            'aws:ResourceTag/aws:rds:primaryDBInstanceArn': databasesOf(config).map((db) => arn('rds', `db:${db.identifier}`)),
          },
        },
      });
    }
  }
  return statements;
}
