/**
 * What `synth`, `plan` and `apply` write: the stacks, gated by the
 * guardrails. An unwaived guardrail failure stops the write (nothing is
 * written) unless the caller asks only to report it.
 */
import type { EnvironmentConfig } from '../config/resolve';
import { evaluateGuardrails, type GuardrailReport } from './guardrails';
import { synthesizeToDir, type SynthesizedToDir, type SynthesizeToDirOptions } from './synthesize';

/** `enforce`: a failure stops the write; `report`: failures are returned, the stacks written anyway (for exploring). */
export type GuardrailMode = 'enforce' | 'report';

/** Unwaived guardrail failures: nothing was written. */
export class GuardrailError extends Error {
  constructor(readonly reports: readonly GuardrailReport[]) {
    super(
      `guardrails failed for ${reports
        .filter((r) => r.failed)
        .map((r) => r.environment)
        .join(
          ', ',
        )}; nothing was written (fix the findings, waive a rule with a reason under guardrails.waivers, or explore with --guardrails report)`,
    );
  }
}

export interface WriteStacksOptions extends Omit<SynthesizeToDirOptions, 'beforeWrite'> {
  /** (default: enforce) */
  readonly guardrails?: GuardrailMode;
}

export interface WrittenStacks extends SynthesizedToDir {
  /** One guardrail report per environment written. */
  readonly guardrails: readonly GuardrailReport[];
}

/** Synthesizes `configs` into `outDir` once their guardrails pass (or only report, in `report` mode). */
export function writeStacks(configs: readonly EnvironmentConfig[], outDir: string, options: WriteStacksOptions = {}): WrittenStacks {
  let reports: GuardrailReport[] = [];
  const written = synthesizeToDir(configs, outDir, {
    ...options,
    beforeWrite: (stacks) => {
      reports = evaluateGuardrails(configs, stacks);
      if ((options.guardrails ?? 'enforce') === 'enforce' && reports.some((r) => r.failed)) throw new GuardrailError(reports);
    },
  });
  return { ...written, guardrails: reports };
}
