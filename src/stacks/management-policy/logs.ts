/** CloudWatch Logs: the environment's log groups, by the names the modules give them. */
import type { EnvironmentConfig } from '../../config/resolve';
import { flowLogGroupName } from '../../modules/network/network';
import { serviceNames } from '../../modules/service/fargate-service';
import { type ReasonedStatement, arns, databasesOf } from './common';

export function logStatements(config: EnvironmentConfig): ReasonedStatement[] {
  const { arn, prefix } = arns(config);
  const statements: ReasonedStatement[] = [];
  const add = (s: ReasonedStatement) => statements.push(s);

  // Logs: the environment's log groups: every container's (serviceNames.logGroup, any service), and ECS Exec's under the same
  // /ecs/<cluster> (the cluster is named with the prefix); the flow logs'; the engine logs of each database.
  const logGroups = [arn('logs', `log-group:${serviceNames.logGroup(prefix, '*')}`)];
  if (config.network.flowLogs) logGroups.push(arn('logs', `log-group:${flowLogGroupName(prefix)}`));
  // Engine log groups by the instances' identifiers (databaseNames, as the Database module names them).
  logGroups.push(...databasesOf(config).map((db) => arn('logs', `log-group:${db.logGroupPrefix}*`)));
  // The web ACL's log group (WAF delivers only to aws-waf-logs-*).
  if (config.loadBalancer.waf.enabled) logGroups.push(arn('logs', `log-group:${config.loadBalancer.waf.logGroupName}`));
  add({
    Sid: 'LogGroups',
    Effect: 'Allow',
    Action: [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:TagResource',
      'logs:UntagResource',
      'logs:TagLogGroup',
      'logs:UntagLogGroup',
    ],
    Resource: logGroups.flatMap((g) => [g, `${g}:*`]),
  });
  return statements;
}
