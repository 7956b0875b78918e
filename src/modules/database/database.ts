import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Fn, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { fitName, NAME_LIMITS, rdsIdentifier, securityGroupName } from '../../naming';
import { AwsContext } from '../aws-context';
import { assumeRolePolicy } from '../iam/policy-document';
import { LogGroup } from '../logs/log-group';
import { allowIngressFrom } from '../network/group-access';
import { ValidationError } from '../../validation-error';

export type DatabaseEngineName = 'postgres' | 'mysql' | 'mariadb';

const LOG_EXPORTS: Record<DatabaseEngineName, string[]> = {
  postgres: ['postgresql', 'upgrade'],
  mysql: ['error', 'slowquery'],
  mariadb: ['error', 'slowquery'],
};

/** The parameter that refuses unencrypted connections. */
const FORCE_TLS: Record<DatabaseEngineName, { name: string; value: string }> = {
  postgres: { name: 'rds.force_ssl', value: '1' },
  mysql: { name: 'require_secure_transport', value: '1' },
  mariadb: { name: 'require_secure_transport', value: '1' },
};

/**
 * The names a database's resources get, from its key: the instance
 * identifier (rdsIdentifier: no double hyphens, so not always
 * `<prefix>-<key>`), its subnet and parameter groups, its engine log groups'
 * prefix and its final snapshot. The management policy and the permissions
 * boundary name the same resources with this function.
 */
export function databaseNames(namePrefix: string, name: string, parameterGroupFamily: string) {
  const fullName = `${namePrefix}-${name}`;
  const identifier = rdsIdentifier(fullName);
  return {
    identifier,
    subnetGroup: fitName(`${fullName}-db`, NAME_LIMITS.parameterGroup),
    // The family is part of the name so that a major upgrade creates a new group beside the old one.
    parameterGroup: rdsIdentifier(`${fullName}-${parameterGroupFamily.replace(/\./g, '-')}`, NAME_LIMITS.parameterGroup),
    logGroupPrefix: `/aws/rds/instance/${identifier}/`,
    finalSnapshot: `${identifier}-final`,
  };
}

export interface DatabaseProps {
  /** The database key; names are `<prefix>-<name>`. */
  readonly name: string;
  readonly namePrefix: string;
  readonly engine: DatabaseEngineName;
  readonly engineVersion: string;
  /** The parameter group family of engine and version, for example postgres16. */
  readonly parameterGroupFamily: string;
  readonly instanceClass: string;
  readonly port: number;
  /** GiB. */
  readonly allocatedStorage: number;
  /** Storage autoscaling ceiling in GiB. @default no storage autoscaling */
  readonly maxAllocatedStorage?: number;
  readonly databaseName: string;
  readonly username: string;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly skipFinalSnapshot: boolean;
  readonly performanceInsights: boolean;
  /** Enhanced monitoring every 60 s. */
  readonly enhancedMonitoring: boolean;
  readonly vpcId: string;
  /** Private subnets in two zones at least. */
  readonly subnetIds: readonly string[];
  /** Retention (and key) of the engine log groups, created here so they have one. */
  readonly logs: { readonly retentionDays: number; readonly kmsKeyArn?: string };
  /** Days a deleted connection secret can be restored (7-30). */
  readonly secretRecoveryDays: number;
  /** @default sun:04:30-sun:05:30 (UTC) */
  readonly maintenanceWindow?: string;
  /** @default 03:00-04:00 (UTC) */
  readonly backupWindow?: string;
  /** RDS IAM authentication (Teleport connects as database users with IAM tokens). @default false */
  readonly iamDatabaseAuthentication?: boolean;
  /**
   * Days between rotations of the master password, set on the secret RDS
   * manages (an `aws_secretsmanager_secret_rotation`, no Lambda function).
   * @default RDS's own schedule for managed secrets (every 7 days), not managed by Terraform
   */
  readonly passwordRotationDays?: number;
}

/**
 * An RDS instance (PostgreSQL, MySQL or MariaDB) whose master password RDS
 * generates and keeps in a Secrets Manager secret of its own
 * (`manage_master_user_password`), so no password is ever in the Terraform
 * state or a saved plan; the connection details without the password sit in
 * a secret beside it. Encrypted, private, TLS forced, backed up, logs
 * exported.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  readonly securityGroup: SecurityGroup;
  /** The secret with the connection details {engine, host, port, dbname, username}; no password. */
  readonly secret: SecretsmanagerSecret;
  /**
   * The ARN of the secret RDS manages for the master user, `{username,
   * password}` (`master_user_secret[0].secret_arn`), encrypted with Secrets
   * Manager's AWS managed key (readers need no KMS grant).
   */
  readonly masterSecretArn: string;
  readonly identifier: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    if (props.subnetIds.length < 2)
      throw new ValidationError(`Database ${props.name}: subnetIds needs subnets in at least two zones`, this);
    if (props.maxAllocatedStorage !== undefined && props.maxAllocatedStorage < props.allocatedStorage) {
      throw new ValidationError(`Database ${props.name}: maxAllocatedStorage is below allocatedStorage`, this);
    }
    const fullName = `${props.namePrefix}-${props.name}`;
    const names = databaseNames(props.namePrefix, props.name, props.parameterGroupFamily);
    this.identifier = names.identifier;
    this.port = props.port;

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: securityGroupName(`${fullName}-db`),
      description: `Database ${props.name}: port ${props.port} from the services allowed to use it`,
      vpcId: props.vpcId,
      tags: { Name: `${fullName}-db` },
      lifecycle: { createBeforeDestroy: true },
    });
    const subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name: names.subnetGroup,
      description: `Private subnets of database ${props.name}`,
      subnetIds: [...props.subnetIds],
    });
    const tls = FORCE_TLS[props.engine];
    const parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      name: names.parameterGroup,
      family: props.parameterGroupFamily,
      description: `Database ${props.name}: TLS required`,
      parameter: [{ name: tls.name, value: tls.value, applyMethod: 'pending-reboot' }],
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS would create these on first export, with no retention.
    const logGroups = LOG_EXPORTS[props.engine].map(
      (log) =>
        new LogGroup(this, `log-${log}`, {
          name: `${names.logGroupPrefix}${log}`,
          retentionDays: props.logs.retentionDays,
          kmsKeyArn: props.logs.kmsKeyArn,
        }),
    );

    let monitoringRole: IamRole | undefined;
    if (props.enhancedMonitoring) {
      monitoringRole = new IamRole(this, 'monitoring-role', {
        name: fitName(`${fullName}-rds-monitoring`, NAME_LIMITS.iamRole),
        assumeRolePolicy: assumeRolePolicy('monitoring.rds.amazonaws.com'),
      });
      new IamRolePolicyAttachment(this, 'monitoring-policy', {
        role: monitoringRole.name,
        policyArn: `arn:${AwsContext.of(this).partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
      });
    }

    this.instance = new DbInstance(this, 'instance', {
      identifier: this.identifier,
      engine: props.engine,
      engineVersion: props.engineVersion,
      instanceClass: props.instanceClass,
      port: props.port,
      dbName: props.databaseName,
      username: props.username,
      // RDS generates the password and keeps it in Secrets Manager: never in the state or a plan.
      manageMasterUserPassword: true,
      allocatedStorage: props.allocatedStorage,
      maxAllocatedStorage: props.maxAllocatedStorage,
      storageType: 'gp3',
      storageEncrypted: true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: parameterGroup.name,
      publiclyAccessible: false,
      multiAz: props.multiAz,
      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: props.backupWindow ?? '03:00-04:00',
      maintenanceWindow: props.maintenanceWindow ?? 'sun:04:30-sun:05:30',
      deletionProtection: props.deletionProtection,
      skipFinalSnapshot: props.skipFinalSnapshot,
      finalSnapshotIdentifier: props.skipFinalSnapshot ? undefined : names.finalSnapshot,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      performanceInsightsEnabled: props.performanceInsights,
      performanceInsightsRetentionPeriod: props.performanceInsights ? 7 : undefined,
      monitoringInterval: monitoringRole ? 60 : 0,
      monitoringRoleArn: monitoringRole?.arn,
      enabledCloudwatchLogsExports: LOG_EXPORTS[props.engine],
      iamDatabaseAuthenticationEnabled: props.iamDatabaseAuthentication ? true : undefined,
      dependsOn: logGroups.map((group) => group.logGroup),
    });

    this.secret = new SecretsmanagerSecret(this, 'connection-secret', {
      name: fitName(`${props.namePrefix}/database/${props.name}`, NAME_LIMITS.secret),
      description: `Connection details of database ${props.name}`,
      recoveryWindowInDays: props.secretRecoveryDays,
    });
    new SecretsmanagerSecretVersion(this, 'connection-secret-value', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({
        engine: props.engine,
        host: this.instance.address,
        port: props.port,
        dbname: props.databaseName,
        username: props.username,
      }),
    });

    // `master_user_secret[0].secret_arn`, or, in the one plan that switches an existing instance from a
    // password of its own to the managed one, an unknown value: the provider plans that list as staying
    // empty (so a plain index fails the plan), and only the apply learns the secret. The marker is created
    // in that plan (its ID unknown until then) and never changes after.
    // A plain terraform_data: cdktf's DataResource would make every synth run `terraform version`.
    const switchMarker = new TerraformResource(this, 'master-secret-switch', { terraformResourceType: 'terraform_data' });
    this.masterSecretArn = Fn.try([this.instance.masterUserSecret.get(0).secretArn, switchMarker.getStringAttribute('id')]);
    if (props.passwordRotationDays !== undefined) {
      new SecretsmanagerSecretRotation(this, 'master-password-rotation', {
        secretId: this.masterSecretArn,
        rotationRules: { automaticallyAfterDays: props.passwordRotationDays },
      });
    }
  }

  /** Lets a service's security group reach the database port. */
  allowFrom(id: string, securityGroupId: string, what: string): void {
    allowIngressFrom(this, `from-${id}`, {
      securityGroupId: this.securityGroup.id,
      peerSecurityGroupId: securityGroupId,
      port: this.port,
      peer: what,
    });
  }
}
