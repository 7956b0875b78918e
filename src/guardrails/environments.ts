/** Guardrail reports of loaded environments, from their synthesized stacks. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeApp } from '../app';
import type { EnvironmentConfig } from '../config/resolve';
import { runGuardrails, type GuardrailReport } from './run';

export function guardrailReports(environments: readonly EnvironmentConfig[]): GuardrailReport[] {
  const out = mkdtempSync(join(tmpdir(), 'guardrails-'));
  try {
    synthesizeApp(environments, { outdir: out });
    return environments.map((config) => runGuardrails({
      environment: config.environment,
      production: config.production,
      waivers: config.guardrails.waivers,
      stack: JSON.parse(readFileSync(join(out, 'stacks', config.environment, 'cdk.tf.json'), 'utf8')),
    }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
