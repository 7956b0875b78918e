/**
 * The workloads fixture (caches, application buckets, the WAF in dev and
 * production), loaded and synthesized once per test file that uses it.
 */
import { loadEnvironments } from '../../src/core/index';
import type { EnvironmentConfig } from '../../src/config/resolve';
import { synthEnvironment } from './helpers';

export const WORKLOADS_DIR = 'test/fixtures/workloads';

let loaded: { configs: EnvironmentConfig[]; stacks: Map<string, string> } | undefined;

/** The fixture's environments and their synthesized stacks (JSON text), by environment. */
export function workloads(): { config: (name: string) => EnvironmentConfig; stack: (name: string) => any; json: (name: string) => string } {
  if (!loaded) {
    const configs = loadEnvironments(WORKLOADS_DIR).map((e) => e.config);
    loaded = { configs, stacks: new Map(configs.map((c) => [c.environment, synthEnvironment(c)])) };
  }
  const { configs, stacks } = loaded;
  return {
    config: (name) => configs.find((c) => c.environment === name)!,
    json: (name) => stacks.get(name)!,
    stack: (name) => JSON.parse(stacks.get(name)!),
  };
}

/** The one resource of `type` whose Terraform name starts with `prefix`, as [name, values]. */
export function only(stack: any, type: string, prefix: string): [string, any] {
  const found = Object.entries(stack.resource?.[type] ?? {}).filter(([name]) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} ${type} named ${prefix}*`);
  return found[0] as [string, any];
}

/** The container definitions of a service's task definition. */
export function containersOf(stack: any, service: string): any[] {
  const [, task] = only(stack, 'aws_ecs_task_definition', `service-${service}_`);
  return JSON.parse(task.container_definitions);
}
