/**
 * The cdktf app (cdktf.json runs it for `cdktf synth` / `cdktf deploy`):
 * the same load, guardrail gate and write as `npx platform synth`, into the
 * folder cdktf names (CDKTF_OUTDIR). PLATFORM_CONFIG_DIR and PLATFORM_ENV
 * select the config folder and one environment; PLATFORM_GUARDRAILS=report
 * lets guardrail failures through with a warning (for exploring).
 */
import { installCatchAll } from './src/cli/catch-all';
import { exitOnUserError, warnGuardrails } from './src/cli/report';
import { selectEnvironments, writeStacks } from './src/core/index';

// A bug is one line and exit 70, as in the CLI (src/cli/catch-all.ts).
installCatchAll();

exitOnUserError(() => {
  const environment = process.env.PLATFORM_ENV || undefined;
  const configs = selectEnvironments(process.env.PLATFORM_CONFIG_DIR ?? 'environments', environment);
  const written = writeStacks(configs, process.env.CDKTF_OUTDIR ?? 'cdktf.out', {
    prune: environment === undefined,
    lockFile: '.terraform.lock.hcl',
    guardrails: process.env.PLATFORM_GUARDRAILS === 'report' ? 'report' : 'enforce',
  });
  warnGuardrails(written.guardrails);
});
