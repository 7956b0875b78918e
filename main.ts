/**
 * The cdktf app (cdktf.json runs it for `cdktf synth` / `cdktf deploy`):
 * the same load and build as `npm run synth`. PLATFORM_CONFIG_DIR and
 * PLATFORM_ENV select the config folder and one environment.
 */
import { exitOnConfigError } from './src/cli/report';
import { selectEnvironments, synthesizeApp } from './src/core/index';

exitOnConfigError(() => {
  const configs = selectEnvironments(process.env.PLATFORM_CONFIG_DIR ?? 'environments', process.env.PLATFORM_ENV || undefined);
  synthesizeApp(configs);
});
