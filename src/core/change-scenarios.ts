/**
 * Configuration changes users make routinely, and what they must do to
 * deployed infrastructure. Each scenario is planned for real by
 * `npm run check:terraform` (change-check.ts).
 */
import type { EnvironmentConfig } from '../config/resolve';
import { usesSpot } from '../config/rules';
import { isReplacement, type PlannedChange } from './change-check';

export interface ChangeScenario {
  readonly description: string;
  readonly before: EnvironmentConfig;
  readonly after: EnvironmentConfig;
  /** An empty string when the planned changes are acceptable, else what is wrong. */
  readonly judge: (changes: readonly PlannedChange[]) => string;
}

/**
 * How an environment stands deployed before a change: by default without
 * the certificates' managed validation (a simulated deployment has no zone
 * to validate in); against an emulator, as configured.
 */
export type DeployedAs = (config: EnvironmentConfig) => EnvironmentConfig;

/** The scenarios that apply to an environment, all starting from it as deployed. */
export function changeScenarios(config: EnvironmentConfig, deployedAs: DeployedAs = withoutManagedValidation): ChangeScenario[] {
  return [newImage(config, deployedAs), capacityChange(config, deployedAs), addedService(config, deployedAs)].filter(
    (s): s is ChangeScenario => s !== undefined,
  );
}

/**
 * A new image, the most routine change: it registers a new task definition
 * revision (the old one is kept) and rolls it out by updating the service in
 * place; with `deployment.externalImageUpdates` the pipeline rolls out, so the
 * service is left alone. Nothing else changes.
 */
export function newImage(config: EnvironmentConfig, deployedAs: DeployedAs = withoutManagedValidation): ChangeScenario | undefined {
  const service = Object.values(config.services)[0];
  if (!service) return undefined;
  const image =
    typeof service.image === 'string'
      ? service.image.replace(/(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/, ':change-check')
      : { ...service.image, tag: `${service.image.tag}-next` };
  const external = service.deployment.externalImageUpdates;
  const deployed = deployedAs(config);
  return {
    description: `${config.environment}: services.${service.name}.image changed${external ? ' (externalImageUpdates)' : ''}`,
    before: deployed,
    after: { ...deployed, services: { ...deployed.services, [service.name]: { ...service, image } } },
    judge: (changes) => {
      const taskDefinitions = changes.filter((c) => c.type === 'aws_ecs_task_definition');
      const services = changes.filter((c) => c.type === 'aws_ecs_service');
      const others = changes.filter((c) => c.type !== 'aws_ecs_task_definition' && c.type !== 'aws_ecs_service');
      if (others.length > 0)
        return `changes more than the task definition and the service: ${others.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ')}`;
      if (taskDefinitions.length !== 1 || !taskDefinitions[0]!.actions.includes('create'))
        return 'registers no new task definition revision';
      if (external) return services.length === 0 ? '' : 'updates the ECS service although the pipeline rolls out images';
      return services.length === 1 && services[0]!.actions.join() === 'update' ? '' : 'plans no in-place update of the ECS service';
    },
  };
}

/** Moving a service between Spot and on-demand capacity updates the service in place. */
export function capacityChange(config: EnvironmentConfig, deployedAs: DeployedAs = withoutManagedValidation): ChangeScenario | undefined {
  const service = Object.values(config.services).find((s) => s.cpuArchitecture === 'X86_64');
  if (!service) return undefined;
  const from = service.capacity;
  const to = usesSpot(from) ? 'onDemand' : 'spot';
  const deployed = deployedAs(config);
  return {
    description: `${config.environment}: services.${service.name}.capacity ${JSON.stringify(from)} -> ${to}`,
    before: deployed,
    after: { ...deployed, services: { ...deployed.services, [service.name]: { ...service, capacity: to } } },
    judge: (changes) => {
      const replaced = changes.filter(isReplacement).map((c) => c.address);
      if (replaced.length > 0) return `replaces ${replaced.join(', ')}`;
      const serviceUpdate = changes.find((c) => c.type === 'aws_ecs_service' && c.actions.join() === 'update');
      return serviceUpdate ? '' : 'plans no in-place update of the ECS service';
    },
  };
}

/** Resources a new service may update besides creating its own: the dashboard that draws it. */
const UPDATED_BY_A_NEW_SERVICE = new Set(['aws_cloudwatch_dashboard']);

/** Adding a service creates its resources and replaces or changes nothing else. */
export function addedService(config: EnvironmentConfig, deployedAs: DeployedAs = withoutManagedValidation): ChangeScenario | undefined {
  const template = Object.values(config.services).find((s) => !s.routing && !s.serviceDiscovery && s.cpuArchitecture === 'X86_64');
  if (!template) return undefined;
  const name = 'added-probe';
  const deployed = deployedAs(config);
  return {
    description: `${config.environment}: a new service ${name} beside the others`,
    before: deployed,
    // Without Teleport access: a service that joins Teleport adds its role to the join token, on purpose.
    after: { ...deployed, services: { ...deployed.services, [name]: { ...template, name, teleport: { app: false, ssh: false } } } },
    judge: (changes) => {
      const touched = changes.filter(
        (c) => c.actions.join() !== 'create' && !(c.actions.join() === 'update' && UPDATED_BY_A_NEW_SERVICE.has(c.type)),
      );
      if (touched.length > 0) return `changes existing resources: ${touched.map((c) => `${c.address} ${c.actions.join('+')}`).join(', ')}`;
      return changes.length > 0 ? '' : 'plans nothing for the new service';
    },
  };
}

/**
 * The same environment with certificate validation left to the user: the
 * validation records are keyed by values only ACM knows, which a simulated
 * deployment cannot make up. They play no part in the changes checked here.
 */
function withoutManagedValidation(config: EnvironmentConfig): EnvironmentConfig {
  const certificates = Object.fromEntries(
    Object.entries(config.certificates).map(([name, c]) => [name, { ...c, hostedZoneId: undefined }]),
  );
  // Teleport's own certificate is validated in its zone the same way.
  return { ...config, certificates, teleport: { ...config.teleport, hostedZoneId: undefined } };
}
