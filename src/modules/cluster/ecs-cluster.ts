import { EcsCluster as EcsClusterResource } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { Construct } from 'constructs';
import { LogGroup } from '../logs/log-group';
import { ValidationError } from '../../validation-error';

/** One entry of a capacity provider strategy. */
export interface CapacityProviderShare {
  readonly provider: 'FARGATE' | 'FARGATE_SPOT';
  /** Relative share of tasks beyond the base. */
  readonly weight: number;
  /** Tasks placed on this provider first. @default 0 */
  readonly base?: number;
}

export interface EcsClusterProps {
  /** The cluster name, `<project>-<environment>`. */
  readonly name: string;
  /** CloudWatch Container Insights. @default true */
  readonly containerInsights?: boolean;
  /** The default strategy of services that set none. */
  readonly defaultCapacity: readonly CapacityProviderShare[];
  /** Log ECS Exec sessions to an encrypted log group. @default no exec logging (exec off) */
  readonly execLogging?: { readonly retentionDays: number; readonly kmsKeyArn: string };
}

/** An ECS cluster with the FARGATE and FARGATE_SPOT capacity providers. */
export class EcsCluster extends Construct {
  readonly cluster: EcsClusterResource;
  /** The cluster name as configured (for metric dimensions and resource IDs). */
  readonly name: string;
  readonly arn: string;
  /** Services may use FARGATE and FARGATE_SPOT once this exists: they depend on it. */
  readonly capacityProviders: EcsClusterCapacityProviders;
  /** The exec session log group, when exec logging is on. */
  readonly execLogGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    if (props.defaultCapacity.length === 0) throw new ValidationError('EcsCluster: defaultCapacity needs at least one provider', this);
    if (props.execLogging) {
      this.execLogGroup = new LogGroup(this, 'exec-logs', {
        name: `/ecs/${props.name}/exec`,
        retentionDays: props.execLogging.retentionDays,
        kmsKeyArn: props.execLogging.kmsKeyArn,
      });
    }
    this.cluster = new EcsClusterResource(this, 'cluster', {
      name: props.name,
      setting: [{ name: 'containerInsights', value: (props.containerInsights ?? true) ? 'enabled' : 'disabled' }],
      configuration:
        props.execLogging && this.execLogGroup
          ? {
              executeCommandConfiguration: {
                kmsKeyId: props.execLogging.kmsKeyArn,
                logging: 'OVERRIDE',
                logConfiguration: { cloudWatchEncryptionEnabled: true, cloudWatchLogGroupName: this.execLogGroup.name },
              },
            }
          : undefined,
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, 'capacity-providers', {
      clusterName: this.cluster.name,
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: props.defaultCapacity.map((share) => ({
        capacityProvider: share.provider,
        weight: share.weight,
        base: share.base ?? 0,
      })),
    });
    this.name = props.name;
    this.arn = this.cluster.arn;
  }
}
