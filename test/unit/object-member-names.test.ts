/**
 * Issue 28's bug: a service named `constructor` (a valid name) crashed synth
 * with "Trying to resolve a non-data object" in the 5xx alarm's dimensions.
 * It needs a load balancer (another service routed) and the service itself
 * unrouted: the target groups by service were a plain object, so the
 * look-up of `constructor` found Object's constructor function.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironments } from '../../src/core/index';
import { estimateStack } from '../../src/cost/estimate';
import { diagramOf } from '../../src/diagram/model';
import { EXAMPLES_DIR, problemsOf, MINIMAL_ENVIRONMENT, resourcesOf, synthEnvironment } from '../support/helpers';

/** The example environments with `extra` appended to prod.yaml's services (prod: load balanced, alarms, production). */
function examplesWithServices(extra: string) {
  const dir = mkdtempSync(join(tmpdir(), 'member-names-'));
  try {
    cpSync(EXAMPLES_DIR, dir, { recursive: true });
    const prod = readFileSync(join(dir, 'prod.yaml'), 'utf8').replace(/^services:\n/m, `services:\n${extra}`);
    writeFileSync(join(dir, 'prod.yaml'), prod);
    return loadEnvironments(dir)
      .map((e) => e.config)
      .find((c) => c.environment === 'prod')!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const service = (name: string, more = '') => `  ${name}:
    image: { repository: worker, tag: "1.4.2" }
    cpu: 256
    memory: 512
    egress: [{ cidr: 0.0.0.0/0, ports: [443] }]
${more}`;

describe('a service named like a member of every JavaScript object', () => {
  it('constructor, unrouted beside routed services in production, synthesizes with its own alarms and none of a target group', () => {
    const config = examplesWithServices(service('constructor'));
    const stack = synthEnvironment(config);
    const alarms = Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm'));
    const own = alarms.filter((a) => a.dimensions?.ServiceName === 'constructor');
    expect(own.length).toBeGreaterThan(0);
    expect(alarms.filter((a) => String(a.alarm_name).includes('-constructor-') && a.dimensions?.TargetGroup !== undefined)).toEqual([]);
    // What reads the stack after synth takes the name too.
    expect(estimateStack(stack, 'prod').lines.some((l) => l.address.includes('constructor'))).toBe(true);
    expect(diagramOf(stack, 'prod').nodes.some((n) => n.label.join(' ').includes('constructor'))).toBe(true);
  });

  it('constructor, routed, gets its target group alarms', () => {
    const config = examplesWithServices(service('constructor', '    port: 8080\n    routing: { paths: ["/c/*"], priority: 300 }\n'));
    const stack = synthEnvironment(config);
    const alarms = Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.some((a) => String(a.alarm_name).includes('constructor') && a.dimensions?.TargetGroup !== undefined)).toBe(true);
  });

  it('toString, __proto__ and hasOwnProperty are refused as names (uppercase and underscores), never a crash', () => {
    for (const name of ['toString', '__proto__', 'hasOwnProperty']) {
      const problems = problemsOf({ 'dev.yaml': `${MINIMAL_ENVIRONMENT}services:\n${service(name)}` });
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^cfg/dev.yaml:\\d+:\\d+ services(\\.${name.replace(/_/g, '_')})?: .*names here must be`)),
      ]);
    }
  });
});
