/** Guardrail evaluation of environments from their synthesized stacks. */
import type { EnvironmentConfig } from '../config/resolve';
import { runGuardrails, type GuardrailReport } from '../guardrails/run';
import type { SynthesizedStack } from './synthesize';
import { synthesize } from './synthesize';

export type { GuardrailReport };
export { formatReport } from '../guardrails/run';

/** One report per environment; `stacks` are reused when given (else synthesized here). */
export function evaluateGuardrails(configs: readonly EnvironmentConfig[], stacks: readonly SynthesizedStack[] = synthesize(configs)): GuardrailReport[] {
  return configs.map((config) => {
    const stack = stacks.find((s) => s.environment === config.environment);
    if (!stack) throw new Error(`no synthesized stack for environment ${config.environment}`);
    return runGuardrails({
      environment: config.environment,
      production: config.production,
      waivers: config.guardrails.waivers,
      stack: JSON.parse(stack.json),
    });
  });
}
