/** Every guardrail rule, in ID order. One rule per file under rules/. */
import { alarmActions } from './rules/alarm-actions';
import { alarmsEnabled } from './rules/alarms-enabled';
import { albAccessLogs } from './rules/alb-access-logs';
import { albDeletionProtection } from './rules/alb-deletion-protection';
import { albDropInvalidHeaders } from './rules/alb-drop-invalid-headers';
import { albHttpsOnly } from './rules/alb-https-only';
import { dynamodbDeletionProtection } from './rules/dynamodb-deletion-protection';
import { dynamodbEncryption } from './rules/dynamodb-encryption';
import { dynamodbPointInTimeRecovery } from './rules/dynamodb-point-in-time-recovery';
import { ecrImmutableTags } from './rules/ecr-immutable-tags';
import { ecrScanOnPush } from './rules/ecr-scan-on-push';
import { ecsEfsTransitEncryption } from './rules/ecs-efs-transit-encryption';
import { efsEncryption } from './rules/efs-encryption';
import { ecsContainerInsights } from './rules/ecs-container-insights';
import { ecsDeploymentCircuitBreaker } from './rules/ecs-deployment-circuit-breaker';
import { ecsExecLogging } from './rules/ecs-exec-logging';
import { ecsNoPublicIp } from './rules/ecs-no-public-ip';
import { ecsOpenEgress } from './rules/ecs-open-egress';
import { ecsReadonlyRootFilesystem } from './rules/ecs-readonly-root-filesystem';
import { ecsSeparateTaskRole } from './rules/ecs-separate-task-role';
import { iamNoWildcards } from './rules/iam-no-wildcards';
import { kmsRotation } from './rules/kms-rotation';
import { logEncryption } from './rules/log-encryption';
import { logRetention } from './rules/log-retention';
import { noPlaintextSecrets } from './rules/no-plaintext-secrets';
import { rdsBackupRetention } from './rules/rds-backup-retention';
import { rdsDeletionProtection } from './rules/rds-deletion-protection';
import { rdsEncrypted } from './rules/rds-encrypted';
import { rdsForceTls } from './rules/rds-force-tls';
import { rdsLogExports } from './rules/rds-log-exports';
import { rdsMultiAz } from './rules/rds-multi-az';
import { rdsNotPublic } from './rules/rds-not-public';
import { s3Encryption } from './rules/s3-encryption';
import { s3PublicAccessBlock } from './rules/s3-public-access-block';
import { s3TlsOnly } from './rules/s3-tls-only';
import { securityGroupDescriptions } from './rules/security-group-descriptions';
import { securityGroupOpenIngress } from './rules/security-group-open-ingress';
import { snsEncryption } from './rules/sns-encryption';
import { schedulerDeadLetters } from './rules/scheduler-dead-letters';
import { sqsCustomerKey } from './rules/sqs-customer-key';
import { sqsEncryption } from './rules/sqs-encryption';
import { sqsTlsOnly } from './rules/sqs-tls-only';
import { teleportAuditBucket } from './rules/teleport-audit-bucket';
import { teleportNoStaticToken } from './rules/teleport-no-static-token';
import { teleportProxy443 } from './rules/teleport-proxy-443';
import { teleportSessionsRecorded } from './rules/teleport-sessions-recorded';
import { vpcFlowLogs } from './rules/vpc-flow-logs';
import { elasticacheEncryption } from './rules/elasticache-encryption';
import { elasticacheFailover } from './rules/elasticache-failover';
import { wafEnabled } from './rules/waf-enabled';
import { wafLogging } from './rules/waf-logging';
import type { GuardrailRule } from './rule';

export const RULES: readonly GuardrailRule[] = [
  alarmActions,
  alarmsEnabled,
  albAccessLogs,
  albDeletionProtection,
  albDropInvalidHeaders,
  albHttpsOnly,
  dynamodbDeletionProtection,
  dynamodbEncryption,
  dynamodbPointInTimeRecovery,
  ecrImmutableTags,
  elasticacheEncryption,
  elasticacheFailover,
  ecrScanOnPush,
  ecsContainerInsights,
  ecsDeploymentCircuitBreaker,
  ecsEfsTransitEncryption,
  ecsExecLogging,
  ecsNoPublicIp,
  ecsOpenEgress,
  ecsReadonlyRootFilesystem,
  ecsSeparateTaskRole,
  efsEncryption,
  iamNoWildcards,
  kmsRotation,
  logEncryption,
  logRetention,
  noPlaintextSecrets,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsEncrypted,
  rdsForceTls,
  rdsLogExports,
  rdsMultiAz,
  rdsNotPublic,
  s3Encryption,
  s3PublicAccessBlock,
  s3TlsOnly,
  securityGroupDescriptions,
  securityGroupOpenIngress,
  snsEncryption,
  sqsEncryption,
  sqsCustomerKey,
  sqsTlsOnly,
  schedulerDeadLetters,
  teleportAuditBucket,
  teleportNoStaticToken,
  teleportProxy443,
  teleportSessionsRecorded,
  vpcFlowLogs,
  wafEnabled,
  wafLogging,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
