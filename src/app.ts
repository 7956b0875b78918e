/** Builds the cdktf App of a set of environments: one stack each, plus one bootstrap stack per state bucket. */
import { App } from 'cdktf';
import type { EnvironmentConfig } from './config/resolve';
import { BootstrapStack } from './stacks/bootstrap-stack';
import { EnvironmentStack } from './stacks/environment-stack';

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
