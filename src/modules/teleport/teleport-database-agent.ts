import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import type { PolicyStatement } from '../iam/policy-document';
import { FargateService, type FargateServiceProps } from '../service/fargate-service';
import { CONFIG_VOLUME, CONFIG_WRITER, configWriterSidecar } from './config-writer';
import { TELEPORT_CONFIG_DIR, TELEPORT_CONFIG_FILE, TELEPORT_DATA_DIR } from './teleport-config';

/** The ECS service (and main container) name of the database and application agent. */
export const TELEPORT_AGENT_SERVICE = 'teleport-agent';
const DATA_VOLUME = 'teleport-data';

/** A database the agent serves, with the users roles may connect as. */
export interface AgentDatabaseAccess {
  /** The database key. */
  readonly name: string;
  /** The instance ARN (for rds:DescribeDBInstances). */
  readonly instanceArn: string;
  /** The instance's DbiResourceId, part of the rds-db:connect resource. */
  readonly resourceId: string;
  /** Database users the agent may log in as through IAM: exactly these. */
  readonly users: readonly string[];
}

export interface TeleportDatabaseAgentProps {
  readonly namePrefix: string;
  readonly cluster: FargateServiceProps['cluster'];
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** Only where the network has no NAT. @default false */
  readonly assignPublicIp?: boolean;
  readonly image: string;
  readonly configWriterImage: string;
  /** @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memory?: number;
  /** The agent's teleport.yaml (database endpoints may be Terraform references; no secret). */
  readonly configYaml: string;
  readonly databases: readonly AgentDatabaseAccess[];
  readonly logs: FargateServiceProps['logs'];
}

/** rds-db:connect for exactly the configured users of each database (in `aws`'s partition, region and account), and the look-up of those instances. */
export function databaseAgentStatements(aws: AwsContext, databases: readonly AgentDatabaseAccess[]): PolicyStatement[] {
  const users = databases.flatMap((db) => [...db.users].sort().map((user) => aws.arn('rds-db', `dbuser:${db.resourceId}/${user}`)));
  if (users.length === 0) return [];
  return [
    { Sid: 'RdsIamConnect', Effect: 'Allow', Action: 'rds-db:connect', Resource: users },
    // Teleport reads the instance's endpoint and IAM setting when it registers it.
    { Sid: 'RdsDescribe', Effect: 'Allow', Action: 'rds:DescribeDBInstances', Resource: databases.map((db) => db.instanceArn) },
  ];
}

/**
 * The Teleport agent that serves the environment's databases (IAM
 * authentication, so no database password exists for it) and its internal
 * applications: a Fargate service of its own in the private subnets, so that
 * the cluster's role never touches a database and this role never touches
 * the cluster's state. It joins the cluster with the IAM join method.
 */
export class TeleportDatabaseAgent extends Construct {
  readonly service: FargateService;
  readonly configParameter: SsmParameter;

  constructor(scope: Construct, id: string, props: TeleportDatabaseAgentProps) {
    super(scope, id);
    const aws = AwsContext.of(this);
    const name = `/${props.namePrefix}/teleport/agent.yaml`;
    this.configParameter = new SsmParameter(this, 'config', {
      name,
      description: 'Teleport database and application agent configuration (no secrets)',
      type: 'String',
      tier: 'Intelligent-Tiering',
      value: props.configYaml,
    });
    const writer = configWriterSidecar({
      image: props.configWriterImage,
      files: [{ variable: 'TELEPORT_YAML', path: TELEPORT_CONFIG_FILE, parameterArn: aws.arn('ssm', `parameter${name}`) }],
    });
    this.service = new FargateService(this, 'service', {
      name: TELEPORT_AGENT_SERVICE,
      namePrefix: props.namePrefix,
      // The proxy's public address and AWS APIs over HTTPS; the databases and applications it fronts are added by allowTo.
      egress: { cidrs: [{ cidr: '0.0.0.0/0', ports: [443] }] },
      cluster: props.cluster,
      image: props.image,
      cpu: props.cpu ?? 256,
      memory: props.memory ?? 512,
      command: ['start', `--config=${TELEPORT_CONFIG_FILE}`],
      container: {
        entryPoint: ['/usr/bin/dumb-init', '/usr/local/bin/teleport'],
        mountPoints: [
          { volume: CONFIG_VOLUME, path: TELEPORT_CONFIG_DIR, readOnly: true },
          { volume: DATA_VOLUME, path: TELEPORT_DATA_DIR, readOnly: false },
        ],
        dependsOn: [{ container: CONFIG_WRITER, condition: 'SUCCESS' }],
      },
      sidecars: [writer],
      volumes: [{ name: CONFIG_VOLUME }, { name: DATA_VOLUME }],
      taskStatements: databaseAgentStatements(aws, props.databases),
      readonlyRootFilesystem: true,
      logs: props.logs,
      desiredCount: 1,
      capacity: [{ provider: 'FARGATE', weight: 1 }],
      deployment: { minHealthyPercent: 100, maxPercent: 200, circuitBreaker: true, externalImageUpdates: false },
      network: { vpcId: props.vpcId, subnetIds: props.subnetIds, assignPublicIp: props.assignPublicIp ?? false },
    });
  }
}
