/** `status`: every service of an environment as ECS reports it: counts, task definition, last deployment. */
import type { Command } from 'commander';
import type { EnvironmentStatus, ServiceStatus } from '../core/index';
import { core } from './core';
import { printJson } from './report';
import { withAws, type EnvironmentOptions } from './operations-report';

export function statusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'every service of an environment from the ECS API: desired/running/pending tasks, task definition, last deployment (missing services say so)',
    )
    .option('--config <dir>', 'the config folder', 'environments')
    .requiredOption('--env <name>', 'the environment')
    .option('--json', 'the status as JSON on stdout')
    .action(async (options: EnvironmentOptions & { json?: boolean }) => {
      const { environmentStatus } = core();
      const status = await withAws(options, (target, clients) => environmentStatus(target, clients));
      if (options.json) printJson({ ok: true, ...status });
      else for (const line of statusLines(status)) console.log(line);
    });
}

/** The status as an aligned table, one service per line. */
export function statusLines(status: EnvironmentStatus): string[] {
  const header = `${status.environment}: cluster ${status.cluster} (${status.region})`;
  if (!status.clusterFound) {
    return [
      header,
      `the cluster does not exist: apply the environment first (platform apply --env ${status.environment}), or check that the credentials are the configured account's`,
      ...status.services.map((s) => `  ${s.name}: missing`),
    ];
  }
  const rows = status.services.map(row);
  const headings = ['SERVICE', 'DESIRED', 'RUNNING', 'PENDING', 'TASK DEFINITION', 'LAST DEPLOYMENT'];
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [header, line(headings), ...rows.map(line)];
}

function row(s: ServiceStatus): string[] {
  if (s.state === 'missing') return [s.name, '-', '-', '-', '-', 'missing: not created yet (apply the environment)'];
  const d = s.lastDeployment;
  const deployment = d
    ? `${d.status} ${d.rolloutState ?? ''}${d.rolloutStateReason && d.rolloutState === 'FAILED' ? ` (${d.rolloutStateReason})` : ''} ${d.updatedAt ?? ''}`
        .replace(/\s+/g, ' ')
        .trim()
    : 'none';
  return [
    s.name,
    String(s.desired),
    String(s.running),
    String(s.pending),
    s.taskDefinition ?? '-',
    `${s.state === 'inactive' ? 'INACTIVE service; ' : ''}${deployment}${s.deployments > 1 ? ` (+${s.deployments - 1} older deployment(s) draining)` : ''}`,
  ];
}
