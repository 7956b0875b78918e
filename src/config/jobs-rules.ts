/**
 * Cross-key rules of jobs, queues and queue scaling (docs/jobs-and-queues.md): names that would meet, containers of a job's task, the queues a
 * service scales on and may receive from, the services and jobs a queue
 * lists, and the variables the project injects.
 */
import type { EnvironmentConfig } from './resolve';
import { MAIN_CONTAINER, MUTABLE_TAGS } from './schema';
import type { KeyPath } from './yaml-source';
import { queueVariable } from './injected-variables';

interface Issue {
  readonly path: KeyPath;
  readonly message: string;
}

/** ECS takes at most 10 containers in a task definition. */
const MAX_CONTAINERS = 10;

function jobRules(env: EnvironmentConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [name, job] of Object.entries(env.jobs)) {
    const at = (...rest: (string | number)[]): KeyPath => ['jobs', name, ...rest];
    // Jobs and services share the names of roles, log groups and task definition families.
    if (Object.hasOwn(env.services, name)) {
      issues.push({
        path: at(),
        message: `a service is also named ${name}; jobs and services share role, log group and task family names, so rename the job`,
      });
    }
    if (
      job.cpuArchitecture === 'ARM64' &&
      (job.capacity === 'spot' || (typeof job.capacity === 'object' && (job.capacity.spotWeight > 0 || job.capacity.spotBase > 0)))
    ) {
      issues.push({
        path: at('cpuArchitecture'),
        message: 'Fargate Spot does not run ARM64 tasks; set capacity: onDemand for this job or use X86_64',
      });
    }
    const sidecars = Object.values(job.sidecars);
    if (sidecars.length >= MAX_CONTAINERS)
      issues.push({
        path: at('sidecars'),
        message: `a task holds at most ${MAX_CONTAINERS} containers, the main one included; keep ${MAX_CONTAINERS - 1} sidecars at most`,
      });
    const cpu = sidecars.reduce((sum, s) => sum + s.cpu, 0);
    if (sidecars.length > 0 && cpu >= job.cpu)
      issues.push({
        path: at('sidecars'),
        message: `the sidecars reserve ${cpu} cpu units of the task's ${job.cpu}, leaving nothing for the main container; raise jobs.${name}.cpu or lower the sidecars' cpu`,
      });
    const memory = sidecars.reduce((sum, s) => sum + (s.memory ?? 0), 0);
    if (memory >= job.memory)
      issues.push({
        path: at('sidecars'),
        message: `the sidecars' memory adds up to ${memory} MiB of the task's ${job.memory}, leaving nothing for the main container; raise jobs.${name}.memory or lower the sidecars' memory`,
      });
    const containers = [
      { name: MAIN_CONTAINER, path: at(), dependsOn: job.dependsOn, mountPoints: [] as readonly unknown[], image: job.image },
      ...sidecars.map((s) => ({
        name: s.name,
        path: at('sidecars', s.name),
        dependsOn: s.dependsOn,
        mountPoints: s.mountPoints,
        image: s.image,
      })),
    ];
    for (const sidecar of sidecars) {
      if (sidecar.name === MAIN_CONTAINER || sidecar.name === name)
        issues.push({
          path: at('sidecars', sidecar.name),
          message: `"${sidecar.name}" is the main container's name; give the sidecar another name`,
        });
    }
    const names = containers.map((c) => c.name);
    for (const c of containers) {
      c.dependsOn.forEach((d, i) => {
        if (!names.includes(d.container) || d.container === c.name) {
          issues.push({
            path: [...c.path, 'dependsOn', i, 'container'],
            message: `no other container "${d.container}" in this task; use one of ${names.filter((n) => n !== c.name).join(', ')}`,
          });
        }
      });
      if (c.mountPoints.length > 0)
        issues.push({
          path: [...c.path, 'mountPoints'],
          message: 'a job has no volumes to mount; remove mountPoints (read-only root filesystems still get a writable /tmp)',
        });
      if (typeof c.image !== 'string' && env.registry.immutableTags && MUTABLE_TAGS.includes(c.image.tag.toLowerCase())) {
        issues.push({
          path: [...c.path, 'image', 'tag'],
          message: `"${c.image.tag}" is a moving tag, but registry.immutableTags lets each tag be pushed once; tag images by version or commit (for example "1.2.0")`,
        });
      }
    }
    (job.egress ?? []).forEach((entry, i) => {
      if (!('service' in entry)) return;
      const peer = Object.hasOwn(env.services, entry.service) ? env.services[entry.service]! : undefined;
      if (!peer)
        issues.push({
          path: at('egress', i, 'service'),
          message: `no service "${entry.service}" in this environment; use one of ${Object.keys(env.services).join(', ') || '(none defined)'}`,
        });
      else if (peer.port === undefined)
        issues.push({ path: at('egress', i, 'service'), message: `service ${entry.service} has no port to connect to` });
    });
    if (job.assignPublicIp && env.network.kind === 'new' && env.network.natGateways !== 'none') {
      issues.push({
        path: at('assignPublicIp'),
        message: 'tasks with public IPs run in public subnets; this network has NAT, so leave assignPublicIp out and run the job privately',
      });
    }
  }
  return issues;
}

function queueRules(env: EnvironmentConfig): Issue[] {
  const issues: Issue[] = [];
  const known = [...Object.keys(env.services), ...Object.keys(env.jobs)];
  for (const [name, queue] of Object.entries(env.queues)) {
    for (const access of ['send', 'receive'] as const) {
      queue.allowedServices[access].forEach((workload, i) => {
        if (!known.includes(workload)) {
          issues.push({
            path: ['queues', name, 'allowedServices', access, i],
            message: `no service or job "${workload}" in this environment; use one of ${known.join(', ') || '(none defined)'}`,
          });
        }
      });
    }
    if (queue.visibilityTimeoutSeconds > queue.messageRetentionSeconds) {
      issues.push({
        path: ['queues', name, 'visibilityTimeoutSeconds'],
        message: `a message would expire (messageRetentionSeconds ${queue.messageRetentionSeconds}) while still hidden; lower visibilityTimeoutSeconds`,
      });
    }
  }
  for (const [name, service] of Object.entries(env.services)) {
    const scaling = service.autoscaling?.queue;
    if (!scaling) continue;
    const at: KeyPath = ['services', name, 'autoscaling', 'queue', 'name'];
    const queue = Object.hasOwn(env.queues, scaling.name) ? env.queues[scaling.name]! : undefined;
    if (!queue) {
      issues.push({
        path: at,
        message: `no queue "${scaling.name}" under queues; use one of ${Object.keys(env.queues).join(', ') || '(none defined)'}`,
      });
      continue;
    }
    if (!queue.allowedServices.receive.includes(name)) {
      issues.push({
        path: at,
        message: `service ${name} scales on queue ${scaling.name} but may not receive from it; add ${name} to queues.${scaling.name}.allowedServices.receive`,
      });
    }
    if (!env.cluster.containerInsights) {
      issues.push({
        path: ['services', name, 'autoscaling', 'queue'],
        message: 'the backlog per task divides by RunningTaskCount, a Container Insights metric; set cluster.containerInsights: true',
      });
    }
  }
  return issues;
}

/** QUEUE_<NAME>_URL is the project's in every service and job a queue lists. */
function queueVariablesFree(env: EnvironmentConfig): Issue[] {
  const issues: Issue[] = [];
  for (const [name, queue] of Object.entries(env.queues)) {
    const variable = queueVariable(name);
    for (const workload of new Set([...queue.allowedServices.send, ...queue.allowedServices.receive])) {
      const kind = Object.hasOwn(env.services, workload) ? 'services' : Object.hasOwn(env.jobs, workload) ? 'jobs' : undefined;
      if (!kind) continue;
      const config = kind === 'services' ? env.services[workload]! : env.jobs[workload]!;
      for (const section of ['environment', 'secrets'] as const) {
        if (Object.hasOwn(config[section], variable)) {
          issues.push({
            path: [kind, workload, section, variable],
            message: `${variable} is set by the project from queues.${name}; rename this variable`,
          });
        }
      }
    }
  }
  return issues;
}

export function checkJobsAndQueues(env: EnvironmentConfig): Issue[] {
  return [...jobRules(env), ...queueRules(env), ...queueVariablesFree(env)];
}
