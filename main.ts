/**
 * The cdktf app (cdktf.json runs it for `cdktf synth` / `cdktf deploy`):
 * the same load and build as `npm run synth`. PLATFORM_CONFIG_DIR and
 * PLATFORM_ENV select the config folder and one environment.
 */
import { synthesizeApp } from './src/app';
import { exitOnConfigError } from './src/cli/report';
import { loadSelected } from './src/synth';

exitOnConfigError(() => {
  const configs = loadSelected(process.env.PLATFORM_CONFIG_DIR ?? 'environments', process.env.PLATFORM_ENV || undefined);
  synthesizeApp(configs);
});
