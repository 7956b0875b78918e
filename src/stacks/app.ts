/** Builds the cdktf App of a set of environments: one stack each, plus one bootstrap stack per state bucket. */
import { App } from 'cdktf';
import type { EnvironmentConfig } from '../config/resolve';
import { BootstrapStack } from './bootstrap-stack';
import { EnvironmentStack } from './environment-stack';

export interface BuildAppOptions {
  /** Where `app.synth()` writes. @default cdktf's own choice (CDKTF_OUTDIR or cdktf.out) */
  readonly outdir?: string;
}

export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const bootstrapped = new Set<string>();
  for (const config of environments) {
    if (bootstrapped.has(config.backend.bucket)) continue;
    bootstrapped.add(config.backend.bucket);
    new BootstrapStack(app, config.backend, { ...config.tags, Project: config.project });
  }
  for (const config of environments) new EnvironmentStack(app, config);
  return app;
}

/**
 * Builds and synthesizes the app. cdktf records a creation stack trace for
 * every token (tens of thousands in a large environment) through
 * Error.captureStackTrace, shown only in its messages about tokens it cannot
 * resolve; that was a third of synthesis time. While synthesizing, explicit
 * captures record nothing, unless PLATFORM_TOKEN_STACK_TRACES=1 (to debug
 * such a message). Errors keep their traces: `new Error()` captures its own.
 * modules-tests/synth-shortcuts.test.ts checks that the output is unchanged.
 */
export function synthesizeApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const capture = Error.captureStackTrace;
  if (process.env.PLATFORM_TOKEN_STACK_TRACES !== '1') Error.captureStackTrace = () => undefined;
  try {
    const app = buildApp(environments, options);
    app.synth();
    return app;
  } finally {
    Error.captureStackTrace = capture;
  }
}
