/** Builds the cdktf App of a set of environments: one stack each, one bootstrap stack per state bucket, and the controller's stack when configured. */
import { App } from 'cdktf';
import { resolveController } from '../config/controller';
import type { EnvironmentConfig } from '../config/resolve';
import { BootstrapStack } from './bootstrap-stack';
import { ControllerStack } from './controller-stack';
import { EnvironmentStack } from './environment-stack';

export interface BuildAppOptions {
  /** Where `app.synth()` writes. @default cdktf's own choice (CDKTF_OUTDIR or cdktf.out) */
  readonly outdir?: string;
  /**
   * Every environment of the repository, when `environments` is only some
   * of them: the bootstrap stacks place the account's OIDC provider and the
   * controller stack derives its policy from all of them. @default environments
   */
  readonly all?: readonly EnvironmentConfig[];
  /** Synthesize the controller stack (when `controller:` is set). @default true */
  readonly controller?: boolean;
}

export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const all = options.all ?? environments;
  const bootstrapped = new Set<string>();
  for (const config of environments) {
    if (bootstrapped.has(config.backend.bucket)) continue;
    bootstrapped.add(config.backend.bucket);
    const sharing = all.filter((c) => c.backend.bucket === config.backend.bucket);
    new BootstrapStack(app, config.backend, { ...config.tags, Project: config.project }, sharing, all);
  }
  for (const config of environments) new EnvironmentStack(app, config);
  const controller = options.controller === false ? undefined : resolveController(all);
  if (controller) new ControllerStack(app, controller);
  return app;
}

/**
 * Runs `build` (constructing stacks, synthesizing them) without cdktf's
 * token stack traces. cdktf records a creation stack trace for every token
 * (tens of thousands in a large environment) through
 * Error.captureStackTrace, shown only in its messages about tokens it cannot
 * resolve; that was a third of synthesis time. While `build` runs, explicit
 * captures record nothing, unless PLATFORM_TOKEN_STACK_TRACES=1 (to debug
 * such a message). Errors keep their traces: `new Error()` captures its own.
 * test/unit/synth-shortcuts.test.ts checks that the output is unchanged.
 */
export function withoutTokenStackTraces<T>(build: () => T): T {
  const capture = Error.captureStackTrace;
  if (process.env.PLATFORM_TOKEN_STACK_TRACES !== '1') Error.captureStackTrace = () => undefined;
  try {
    return build();
  } finally {
    Error.captureStackTrace = capture;
  }
}

/** Builds and synthesizes the app (without token stack traces). */
export function synthesizeApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  return withoutTokenStackTraces(() => {
    const app = buildApp(environments, options);
    app.synth();
    return app;
  });
}
