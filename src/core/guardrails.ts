/** Guardrail evaluation of environments from their synthesized stacks, and of the stacks beside them (bootstrap, controller). */
import type { EnvironmentConfig } from '../config/resolve';
import { runGuardrails, type GuardrailReport } from '../guardrails/run';
import { recordedWaivers } from '../stacks/guardrail-waivers';
import type { SynthesizedStack } from './synthesize';
import { synthesize } from './synthesize';

export type { GuardrailReport };
export { formatReport } from '../guardrails/run';

/**
 * One report per environment, then one per other stack synthesized with
 * them (bootstrap stacks, the controller's): those are checked as
 * production (they hold state and the keys to production), with the
 * waivers they record themselves. `stacks` are reused when given (else
 * synthesized here).
 */
export function evaluateGuardrails(
  configs: readonly EnvironmentConfig[],
  stacks: readonly SynthesizedStack[] = synthesize(configs),
): GuardrailReport[] {
  const environments = configs.map((config) => {
    const stack = stacks.find((s) => s.environment === config.environment);
    if (!stack) throw new Error(`no synthesized stack for environment ${config.environment}`);
    return runGuardrails({
      environment: config.environment,
      production: config.production,
      waivers: config.guardrails.waivers,
      stack: JSON.parse(stack.json),
    });
  });
  const others = stacks
    .filter((s) => s.environment === undefined)
    .map((stack) => {
      const json = JSON.parse(stack.json);
      return runGuardrails({ environment: stack.name, production: true, waivers: recordedWaivers(json), stack: json });
    });
  return [...environments, ...others];
}
