import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Construct } from 'constructs';
import { AwsContext } from '../aws-context';
import type { PolicyStatement } from '../iam/policy-document';
import type { ContainerSecret } from '../service/container-definition';
import { FargateService, type FargateServiceProps } from '../service/fargate-service';
import { CONFIG_VOLUME, CONFIG_WRITER, configWriterSidecar } from './config-writer';
import { tctlSidecar } from './tctl-sidecar';
import {
  TELEPORT_CONFIG_DIR,
  TELEPORT_CONFIG_FILE,
  TELEPORT_CONNECTOR_FILE,
  TELEPORT_DATA_DIR,
  TELEPORT_RESOURCES_FILE,
  TELEPORT_WEB_PORT,
} from './teleport-config';
import { TeleportLoadBalancer, type TeleportLoadBalancerProps } from './teleport-load-balancer';
import { ValidationError } from '../../validation-error';

/** The ECS service (and main container) name of the auth and proxy service. */
export const TELEPORT_SERVICE = 'teleport';
const DATA_VOLUME = 'teleport-data';

export interface TeleportClusterProps {
  /** `<project>-<environment>`. */
  readonly namePrefix: string;
  readonly cluster: FargateServiceProps['cluster'];
  readonly vpcId: string;
  /** Where the tasks run: the private subnets, or the public ones with public IPs in a network without NAT. */
  readonly taskSubnetIds: readonly string[];
  /** Only where the network has no NAT. @default false */
  readonly assignPublicIp?: boolean;
  /** The load balancer's public subnets, two zones at least. */
  readonly publicSubnetIds: readonly string[];
  /** The pinned Teleport image. */
  readonly image: string;
  /** The pinned image that writes the files (it needs a shell). */
  readonly configWriterImage: string;
  /** The pinned Teleport image with a shell and tctl (the debug variant) of the tctl container (tctl-sidecar.ts). */
  readonly tctlImage: string;
  readonly cpu: number;
  readonly memory: number;
  /** Auth and proxy tasks. */
  readonly replicas: number;
  /** teleport.yaml (no secret in it: it is stored as a plain SSM String). */
  readonly configYaml: string;
  /** The resources applied on startup (`--apply-on-startup`): roles and join tokens only, no secret. */
  readonly resourcesYaml: string;
  /**
   * The GitHub connector without its credentials, and the client ID and
   * secret appended to it in the task; tctl creates it at every task start.
   * @default no GitHub connector
   */
  readonly github?: { readonly connectorYaml: string; readonly clientId: ContainerSecret; readonly clientSecret: ContainerSecret };
  /** What the auth service may do: its tables, bucket and key (TeleportStorage.taskStatements). */
  readonly taskStatements: readonly PolicyStatement[];
  readonly loadBalancer: Omit<TeleportLoadBalancerProps, 'namePrefix' | 'vpcId' | 'subnetIds' | 'targetPort'>;
  readonly logs: FargateServiceProps['logs'];
}

/**
 * The Teleport auth and proxy service on Fargate, behind its own load
 * balancer. A third container (tctl-sidecar.ts) creates the GitHub
 * connector with tctl once the auth service is up. Its files are SSM parameters (String: they hold no secret)
 * that a config writer container puts on a task volume before Teleport
 * starts; the GitHub client secret reaches the task only as an ECS secret
 * from Secrets Manager, never Terraform state.
 */
export class TeleportCluster extends Construct {
  readonly service: FargateService;
  readonly loadBalancer: TeleportLoadBalancer;
  readonly configParameter: SsmParameter;
  readonly resourcesParameter: SsmParameter;
  readonly connectorParameter?: SsmParameter;

  constructor(scope: Construct, id: string, props: TeleportClusterProps) {
    super(scope, id);
    if (props.taskSubnetIds.length < 1 || props.publicSubnetIds.length < 2)
      throw new ValidationError('TeleportCluster: needs private subnets and public subnets in two zones', this);
    const parameterName = (file: string) => `/${props.namePrefix}/teleport/${file}`;
    const aws = AwsContext.of(this);
    const parameterArn = (file: string) => aws.arn('ssm', `parameter${parameterName(file)}`);
    const parameter = (key: string, file: string, value: string, description: string) =>
      new SsmParameter(this, key, {
        name: parameterName(file),
        description,
        type: 'String',
        // Over 4 KB (many roles) the parameter becomes an advanced one by itself.
        tier: 'Intelligent-Tiering',
        value,
      });
    this.configParameter = parameter('config', 'teleport.yaml', props.configYaml, 'Teleport auth and proxy configuration (no secrets)');
    this.resourcesParameter = parameter(
      'resources',
      'resources.yaml',
      props.resourcesYaml,
      'Teleport roles and join tokens, applied on startup (no secrets)',
    );
    if (props.github) {
      this.connectorParameter = parameter(
        'connector',
        'github-connector.yaml',
        props.github.connectorYaml,
        'Teleport GitHub connector without its credentials (created by tctl in the task)',
      );
    }

    this.loadBalancer = new TeleportLoadBalancer(this, 'load-balancer', {
      ...props.loadBalancer,
      namePrefix: props.namePrefix,
      vpcId: props.vpcId,
      subnetIds: props.publicSubnetIds,
      targetPort: TELEPORT_WEB_PORT,
    });

    const writer = configWriterSidecar({
      image: props.configWriterImage,
      files: [
        { variable: 'TELEPORT_YAML', path: TELEPORT_CONFIG_FILE, parameterArn: parameterArn('teleport.yaml') },
        { variable: 'TELEPORT_RESOURCES', path: TELEPORT_RESOURCES_FILE, parameterArn: parameterArn('resources.yaml') },
        ...(props.github
          ? [{ variable: 'TELEPORT_GITHUB_CONNECTOR', path: TELEPORT_CONNECTOR_FILE, parameterArn: parameterArn('github-connector.yaml') }]
          : []),
      ],
      github: props.github && { file: TELEPORT_CONNECTOR_FILE, clientId: props.github.clientId, clientSecret: props.github.clientSecret },
    });
    const tctl = tctlSidecar({
      image: props.tctlImage,
      githubConnector: props.github !== undefined,
      teleportContainer: TELEPORT_SERVICE,
      configWriter: CONFIG_WRITER,
      configVolume: CONFIG_VOLUME,
      dataVolume: DATA_VOLUME,
    });
    this.service = new FargateService(this, 'service', {
      name: TELEPORT_SERVICE,
      namePrefix: props.namePrefix,
      // AWS APIs (DynamoDB, S3, SSM, KMS) and GitHub over HTTPS; agents dial in, so nothing else.
      egress: { cidrs: [{ cidr: '0.0.0.0/0', ports: [443] }] },
      cluster: props.cluster,
      image: props.image,
      cpu: props.cpu,
      memory: props.memory,
      port: TELEPORT_WEB_PORT,
      command: ['start', `--config=${TELEPORT_CONFIG_FILE}`, `--apply-on-startup=${TELEPORT_RESOURCES_FILE}`],
      container: {
        // Explicit, so that the image's own entry point (which may name another config file) does not matter.
        entryPoint: ['/usr/bin/dumb-init', '/usr/local/bin/teleport'],
        mountPoints: [
          { volume: CONFIG_VOLUME, path: TELEPORT_CONFIG_DIR, readOnly: true },
          { volume: DATA_VOLUME, path: TELEPORT_DATA_DIR, readOnly: false },
        ],
        dependsOn: [{ container: CONFIG_WRITER, condition: 'SUCCESS' }],
      },
      sidecars: [writer, tctl],
      volumes: [{ name: CONFIG_VOLUME }, { name: DATA_VOLUME }],
      taskStatements: props.taskStatements,
      readonlyRootFilesystem: true,
      stopTimeoutSeconds: 30,
      healthCheckGracePeriodSeconds: 120,
      logs: props.logs,
      desiredCount: props.replicas,
      capacity: [{ provider: 'FARGATE', weight: 1 }],
      deployment: { minHealthyPercent: 100, maxPercent: 200, circuitBreaker: true, externalImageUpdates: false },
      network: { vpcId: props.vpcId, subnetIds: props.taskSubnetIds, assignPublicIp: props.assignPublicIp ?? false },
      loadBalancer: {
        targetGroupArn: this.loadBalancer.targetGroup.arn,
        securityGroupId: this.loadBalancer.securityGroup.id,
        attachedAfter: this.loadBalancer.listener,
      },
    });
    this.loadBalancer.allowTo(this.service.securityGroup.id, TELEPORT_WEB_PORT);
  }
}
