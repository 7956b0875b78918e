/** Compute: cluster, registry, services (task definition, container, IAM, network), autoscaling, discovery. */
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { Testing, TerraformStack } from 'cdktf';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { AwsContext } from '../../src/modules/aws-context';
import { EcsCluster as EcsClusterConstruct } from '../../src/modules/cluster/ecs-cluster';
import { FargateService } from '../../src/modules/service/fargate-service';
import { ServiceAutoscaling } from '../../src/modules/service/service-autoscaling';
import { MINIMAL_ENVIRONMENT, configOf, resourcesOf, synthEnvironment } from '../support/helpers';

const ENVIRONMENT = `${MINIMAL_ENVIRONMENT}cluster:
  containerInsights: false
  capacity: { onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }
registry:
  immutableTags: true
  lifecycle: { keepTaggedImages: 20, untaggedExpiryDays: 3, protectedTagPrefixes: [release-, v] }
services:
  api:
    image: { repository: backend, tag: "1.4.2" }
    cpu: 512
    memory: 1024
    port: 8080
    command: [node, server.js]
    environment: { LOG_LEVEL: info, RETRIES: 3 }
    secrets:
      STRIPE_KEY: { secretsManager: shop/stripe, key: apiKey }
      FLAGS: { ssm: /shop/dev/flags }
    healthCheck: { command: "curl -f http://localhost:8080/health || exit 1", gracePeriodSeconds: 45 }
    exec: true
    serviceDiscovery: true
    deployment: { externalImageUpdates: true }
    autoscaling:
      min: 1
      max: 4
      cpuTarget: 70
      memoryTarget: 80
      scaleInCooldownSeconds: 600
      schedules: [{ name: night, cron: "cron(0 20 * * ? *)", min: 0, max: 0 }]
  jobs:
    image: { repository: backend, tag: "1.4.2" }
    cpu: 256
    memory: 512
    capacity: spot
    readonlyRootFilesystem: false
    secrets:
      JOBS_TOKEN: { secretsManager: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs-token-AbCdEf" }
  proxy:
    image: public.ecr.aws/nginx/nginx:1.27
    cpu: 256
    memory: 512
    port: 80
    capacity: onDemand
    cpuArchitecture: ARM64
`;

const config = configOf(ENVIRONMENT);
const stack = synthEnvironment(config);
const json = JSON.parse(stack);
const byName = (type: string, name: string) => Object.values(resourcesOf(stack, type)).find((r) => r.name === name);
const containerOf = (service: string): ContainerDefinition => {
  const task = Object.values(resourcesOf(stack, 'aws_ecs_task_definition')).find((t) => t.family === `shop-dev-${service}`);
  const definitions = JSON.parse(task.container_definitions) as ContainerDefinition[];
  expect(definitions).toHaveLength(1);
  return definitions[0]!;
};
const policyOf = (roleId: string, type = 'aws_iam_role_policy') =>
  Object.entries(resourcesOf(stack, type))
    .filter(([, p]) => p.role === `\${aws_iam_role.${roleId}.id}`)
    .map(([, p]) => JSON.parse(p.policy));
const roleId = (name: string) => Object.entries(resourcesOf(stack, 'aws_iam_role')).find(([, r]) => r.name === name)![0];

describe('cluster', () => {
  it('sets Container Insights from config', () => {
    expect(stack).toHaveResourceWithProperties(EcsCluster, {
      name: 'shop-dev',
      setting: [{ name: 'containerInsights', value: 'disabled' }],
    });
  });

  it('offers FARGATE and FARGATE_SPOT with the configured default strategy', () => {
    expect(stack).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE', 'FARGATE_SPOT'],
      default_capacity_provider_strategy: [
        { capacity_provider: 'FARGATE', weight: 1, base: 1 },
        { capacity_provider: 'FARGATE_SPOT', weight: 3, base: 0 },
      ],
    });
  });

  it('logs exec sessions to a KMS-encrypted log group when a service enables exec', () => {
    const cluster = byName('aws_ecs_cluster', 'shop-dev');
    expect(cluster.configuration.execute_command_configuration).toMatchObject({
      logging: 'OVERRIDE',
      log_configuration: { cloud_watch_encryption_enabled: true, cloud_watch_log_group_name: '/ecs/shop-dev/exec' },
    });
    expect(byName('aws_cloudwatch_log_group', '/ecs/shop-dev/exec').kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    expect(stack).toHaveResourceWithProperties({ tfResourceType: 'aws_kms_key' } as never, { enable_key_rotation: true });
  });

  it('has no exec configuration when no service uses exec', () => {
    const plain = JSON.parse(synthEnvironment(configOf(MINIMAL_ENVIRONMENT)));
    expect(Object.values(plain.resource.aws_ecs_cluster)[0]).not.toHaveProperty('configuration');
    // only the alert topic's key: no logs key outside production without exec
    expect(Object.values(plain.resource.aws_kms_key).map((k: any) => k.description)).toEqual(['shop-dev alert topic']);
  });
});

describe('registry', () => {
  it('creates one repository per distinct image repository, namespaced by environment', () => {
    const repositories = Object.values(resourcesOf(stack, 'aws_ecr_repository')).map((r) => r.name);
    expect(repositories).toEqual(['shop/dev/backend']);
    expect(stack).toHaveResourceWithProperties(EcrRepository, {
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'KMS' }],
    });
  });

  it('expires untagged images and old tags but never protected prefixes', () => {
    const [lifecycle] = Object.values(resourcesOf(stack, 'aws_ecr_lifecycle_policy'));
    const rules = JSON.parse(lifecycle.policy).rules;
    expect(
      rules.map((r: any) => [
        r.rulePriority,
        r.selection.tagStatus,
        r.selection.tagPrefixList ?? r.selection.tagPatternList,
        r.selection.countType,
        r.selection.countNumber,
      ]),
    ).toEqual([
      [1, 'tagged', ['release-'], 'imageCountMoreThan', 10000],
      [2, 'tagged', ['v'], 'imageCountMoreThan', 10000],
      [3, 'untagged', undefined, 'sinceImagePushed', 3],
      [4, 'tagged', ['*'], 'imageCountMoreThan', 20],
    ]);
  });

  it('builds the image URI from account, region and repository', () => {
    expect(containerOf('api').image).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/dev/backend:1.4.2');
    expect(containerOf('proxy').image).toBe('public.ecr.aws/nginx/nginx:1.27');
  });
});

describe('task definition and container', () => {
  it('runs on Fargate in awsvpc mode with the configured size and architecture', () => {
    const task = Object.values(resourcesOf(stack, 'aws_ecs_task_definition')).find((t) => t.family === 'shop-dev-proxy');
    expect(task).toMatchObject({
      cpu: '256',
      memory: '512',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
      runtime_platform: { operating_system_family: 'LINUX', cpu_architecture: 'ARM64' },
    });
    expect(task.execution_role_arn).not.toBe(task.task_role_arn);
  });

  it('keeps replaced revisions registered, so a service can be rolled back to them', () => {
    for (const task of Object.values(resourcesOf(stack, 'aws_ecs_task_definition'))) expect(task.skip_destroy).toBe(true);
  });

  it('builds the container from config: port, command, environment, secrets, logs, health check', () => {
    const api = containerOf('api');
    expect(api).toMatchObject({
      name: 'api',
      essential: true,
      command: ['node', 'server.js'],
      portMappings: [{ containerPort: 8080, protocol: 'tcp', name: 'api-8080' }],
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'RETRIES', value: '3' },
      ],
      secrets: [
        { name: 'FLAGS', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop/dev/flags' },
        { name: 'STRIPE_KEY', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe:apiKey::' },
      ],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], startPeriod: 45 },
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/shop-dev/api', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'api' },
      },
      stopTimeout: 30,
    });
  });

  it('mounts a writable /tmp under a read-only root filesystem, and not otherwise', () => {
    expect(containerOf('api')).toMatchObject({
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }],
    });
    expect(containerOf('jobs')).toMatchObject({ readonlyRootFilesystem: false });
    expect(containerOf('jobs').mountPoints).toBeUndefined();
  });

  it('runs an init process only when exec is on', () => {
    expect(containerOf('api').linuxParameters).toEqual({ initProcessEnabled: true });
    expect(containerOf('proxy').linuxParameters).toBeUndefined();
  });

  it('gives every service its own log group with the configured retention', () => {
    expect(byName('aws_cloudwatch_log_group', '/ecs/shop-dev/api').retention_in_days).toBe(30);
  });
});

describe('IAM', () => {
  it('lets each execution role read exactly its own secrets and parameters', () => {
    const [api] = policyOf(roleId('shop-dev-api-execution'));
    const statement = (sid: string) => api.Statement.find((s: any) => s.Sid === sid);
    expect(statement('ReadSecrets').Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-??????']);
    expect(statement('ReadParameters').Resource).toEqual(['arn:aws:ssm:eu-west-1:123456789012:parameter/shop/dev/flags']);
    const [jobs] = policyOf(roleId('shop-dev-jobs-execution'));
    expect(jobs.Statement.find((s: any) => s.Sid === 'ReadSecrets').Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs-token-AbCdEf',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:jobs-token-AbCdEf-??????',
    ]);
    const [proxy] = policyOf(roleId('shop-dev-proxy-execution'));
    expect(proxy.Statement.map((s: any) => s.Sid)).toEqual(['WriteLogs']);
  });

  it('lets the execution role pull only from its repository (the login token has no resource form)', () => {
    const [api] = policyOf(roleId('shop-dev-api-execution'));
    expect(api.Statement.find((s: any) => s.Sid === 'PullImage').Resource).toMatch(/^\$\{aws_ecr_repository\./);
    const wildcards = api.Statement.filter((s: any) => s.Resource === '*').map((s: any) => s.Action);
    expect(wildcards).toEqual(['ecr:GetAuthorizationToken']);
  });

  it('trusts only ECS tasks of this account', () => {
    const role = byName('aws_iam_role', 'shop-dev-api-task');
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('gives the task role the exec channel only when exec is on', () => {
    const [exec] = policyOf(roleId('shop-dev-api-task'));
    expect(exec.Statement.map((s: any) => s.Sid)).toEqual(['ExecChannel', 'ExecSessionLogs', 'ExecLogGroupLookup', 'ExecChannelKey']);
    expect(policyOf(roleId('shop-dev-proxy-task'))).toEqual([]);
  });
});

describe('ECS services', () => {
  const service = (name: string) => byName('aws_ecs_service', name);

  it('runs Spot services only on FARGATE_SPOT and on-demand ones only on FARGATE, never with a launch type', () => {
    expect(service('jobs').capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE_SPOT', weight: 1, base: 0 }]);
    expect(service('proxy').capacity_provider_strategy).toEqual([{ capacity_provider: 'FARGATE', weight: 1, base: 0 }]);
    expect(service('api').capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', weight: 1, base: 1 },
      { capacity_provider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    for (const name of ['api', 'jobs', 'proxy']) {
      expect(service(name).launch_type).toBeUndefined();
      expect(service(name).force_new_deployment).toBe(true);
    }
  });

  it('deploys with a rolling circuit breaker and the configured percentages', () => {
    expect(service('api')).toMatchObject({
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      enable_execute_command: true,
      propagate_tags: 'SERVICE',
    });
  });

  it('runs in private subnets with no public IP behind NAT', () => {
    expect(service('api').network_configuration.assign_public_ip).toBe(false);
    expect(service('api').network_configuration.subnets).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_subnet\.network_private-eu-west-1a/)]),
    );
  });

  it('uses public subnets and public IPs when the network has no NAT', () => {
    const noNat = JSON.parse(
      synthEnvironment(configOf(ENVIRONMENT.replace('  cidr: 10.0.0.0/16\n', '  cidr: 10.0.0.0/16\n  natGateways: none\n'))),
    );
    const api = Object.values(noNat.resource.aws_ecs_service).find((s: any) => s.name === 'api') as any;
    expect(api.network_configuration.assign_public_ip).toBe(true);
    expect(api.network_configuration.subnets[0]).toMatch(/network_public-/);
  });

  it('leaves desired_count to autoscaling and the task definition to the pipeline when asked', () => {
    expect(service('api').lifecycle).toEqual({ ignore_changes: ['desired_count', 'task_definition'] });
    expect(service('proxy').lifecycle).toBeUndefined();
  });

  it('starts tasks only once the capacity providers and the execution permissions exist', () => {
    expect(service('jobs').depends_on).toEqual([
      expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./),
      expect.stringMatching(/^aws_iam_role_policy\.service-jobs_roles_execution-policy/),
    ]);
  });

  it('sets no health check grace period without a load balancer (ECS rejects it)', () => {
    expect(service('jobs').health_check_grace_period_seconds).toBeUndefined();
  });

  it('gives every service a described security group', () => {
    for (const group of Object.values(resourcesOf(stack, 'aws_security_group'))) expect(group.description).toMatch(/^Service /);
    for (const rule of Object.values(resourcesOf(stack, 'aws_vpc_security_group_egress_rule'))) expect(rule.description).toBeTruthy();
  });
});

describe('autoscaling', () => {
  it('scales the desired count between min and max', () => {
    expect(stack).toHaveResourceWithProperties(AppautoscalingTarget, {
      min_capacity: 1,
      max_capacity: 4,
      scalable_dimension: 'ecs:service:DesiredCount',
      service_namespace: 'ecs',
    });
  });

  it('tracks CPU and memory with the configured cooldowns', () => {
    expect(stack).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: 'shop-dev-api-cpu',
      target_tracking_scaling_policy_configuration: expect.objectContaining({
        target_value: 70,
        scale_out_cooldown: 60,
        scale_in_cooldown: 600,
        predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    expect(stack).toHaveResourceWithProperties(AppautoscalingPolicy, {
      name: 'shop-dev-api-memory',
      target_tracking_scaling_policy_configuration: expect.objectContaining({ target_value: 80 }),
    });
  });

  it('schedules capacity, down to zero', () => {
    expect(stack).toHaveResourceWithProperties(AppautoscalingScheduledAction, {
      name: 'shop-dev-api-night',
      schedule: 'cron(0 20 * * ? *)',
      scalable_target_action: { min_capacity: '0', max_capacity: '0' },
    });
  });
});

describe('service discovery', () => {
  it('creates <project>-<environment>.local with an A record per discoverable service', () => {
    expect(stack).toHaveResourceWithProperties(ServiceDiscoveryPrivateDnsNamespace, { name: 'shop-dev.local' });
    expect(stack).toHaveResourceWithProperties(ServiceDiscoveryService, {
      name: 'api',
      dns_config: expect.objectContaining({ routing_policy: 'MULTIVALUE', dns_records: [{ type: 'A', ttl: 10 }] }),
    });
    expect(service('api').service_registries).toEqual({ registry_arn: expect.stringMatching(/aws_service_discovery_service/) });
    function service(name: string) {
      return byName('aws_ecs_service', name);
    }
  });

  it('lets the other services reach a discoverable service on its port, and nothing else', () => {
    const ingress = Object.values(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule'));
    expect(ingress.map((r) => r.description).sort()).toEqual(['From service jobs to port 8080', 'From service proxy to port 8080']);
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
  });

  it('creates no namespace when no service asks for one', () => {
    expect(json.resource.aws_service_discovery_private_dns_namespace).toBeDefined();
    expect(synthEnvironment(configOf(MINIMAL_ENVIRONMENT))).not.toHaveResource(ServiceDiscoveryPrivateDnsNamespace);
  });
});

describe('module prop checks', () => {
  const scope = () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    AwsContext.set(stack, { region: 'eu-west-1', accountId: '123456789012' });
    return stack;
  };

  it('EcsCluster needs a default capacity', () => {
    expect(() => new EcsClusterConstruct(scope(), 'c', { name: 'x', defaultCapacity: [] })).toThrow(
      'EcsCluster: defaultCapacity needs at least one provider',
    );
  });

  it('ServiceAutoscaling rejects min above max', () => {
    expect(() => new ServiceAutoscaling(scope(), 'a', { clusterName: 'c', serviceName: 's', namePrefix: 'p', min: 3, max: 2 })).toThrow(
      'min 3 is above max 2',
    );
  });

  it('FargateService needs a port to join a load balancer', () => {
    expect(
      () =>
        new FargateService(scope(), 's', {
          name: 'api',
          namePrefix: 'shop-dev',
          cluster: { name: 'c', arn: 'arn' },
          image: 'nginx:1',
          cpu: 256,
          memory: 512,
          logs: { retentionDays: 7 },
          desiredCount: 1,
          capacity: [{ provider: 'FARGATE', weight: 1 }],
          deployment: { minHealthyPercent: 100, maxPercent: 200, circuitBreaker: true, externalImageUpdates: false },
          network: { vpcId: 'vpc', subnetIds: ['s'], assignPublicIp: false },
          loadBalancer: { targetGroupArn: 'tg', securityGroupId: 'sg' },
        }),
    ).toThrow('FargateService api: a load balancer needs a port');
  });
});
