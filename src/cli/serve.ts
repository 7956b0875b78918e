/** `serve`: the GitOps controller (src/controller), configured from flags and the environment (docs/controller-api.md). */
import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ServeOptions } from '../controller/serve';
import { AWS_ENDPOINT_VARIABLE } from '../core/names';
import { emulatorOf } from './endpoint';
import { core } from './core';

/** The shortest WEBHOOK_SECRET and API_TOKEN accepted. */
const MIN_SECRET_LENGTH = 32;

interface ServeFlags {
  repo: string;
  branch: string;
  configPath: string;
  host: string;
  port: string;
  dataDir: string;
  store: string;
  driftMinutes: string;
  githubApiUrl?: string;
  githubRepository?: string;
  offline?: boolean;
  basePlans?: boolean;
  sandbox?: boolean;
  applyDelaySeconds?: string;
  maxParallel: string;
  leaseSeconds: string;
  controllers: string;
  publicUrl?: string;
  stopTimeoutSeconds: string;
  requestTimeoutSeconds: string;
  githubAppId?: string;
  endpoint?: string;
}

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run the GitOps controller: webhook, run queue, plans, applies, API and status page (docs/controller.md)')
    .requiredOption('--repo <url-or-path>', 'the configuration repository (a git URL or a local path)')
    .option('--branch <name>', 'the default branch: pushes to it apply where the policy allows', 'main')
    .option('--config-path <dir>', 'the environments folder inside the repository', 'environments')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--data-dir <dir>', 'where the mirror, workspaces, saved plans and the SQLite store live', '.controller')
    .option('--store <spec>', 'sqlite, or dynamodb://TABLE', 'sqlite')
    .option('--drift-minutes <n>', 'plan every environment this often to find drift (0: never)', '0')
    .option('--github-api-url <url>', 'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3)')
    .option('--github-app-id <id>', 'report as this GitHub App (check runs; its private key, PEM, in GITHUB_APP_PRIVATE_KEY)')
    .option('--github-repository <owner/repo>', 'the GitHub repository to report to, when --repo does not name one (a local path)')
    .option('--offline', 'plan with a local backend and dummy credentials; never apply (runs that would apply end in approved)')
    .option(
      '--base-plans',
      'pull requests planned without AWS (--offline, or from forks) are planned against the default branch applied to an AWS API emulator (moto; as plan --base): the real creates, updates and replaces',
    )
    .option(
      '--sandbox',
      'every resource stands in as terraform_data on a local state: real plans and applies that change nothing (demos, tests)',
    )
    .option(
      '--apply-delay-seconds <n>',
      'a test aid, with --sandbox or an AWS API emulator only: each apply first waits this long, before it creates anything',
    )
    .option(
      '--endpoint <url>',
      `an AWS API emulator (moto, LocalStack) for every plan and apply, the S3 backend included, with dummy credentials (default: $${AWS_ENDPOINT_VARIABLE})`,
    )
    .option('--max-parallel <n>', 'runs of different environments at once', '2')
    .option('--controllers <n>', "how many controller processes share this store's queue (more than 1 needs --store dynamodb://TABLE)", '1')
    .option(
      '--lease-seconds <n>',
      "how long a claim of an environment lasts unless renewed: a stopped controller's runs are recovered by another after this long",
      '30',
    )
    .option('--public-url <url>', "the controller's own address, for links from GitHub")
    .option('--stop-timeout-seconds <n>', 'on SIGTERM, how long the current step may take to finish', '60')
    .option('--request-timeout-seconds <n>', 'how long a request (headers and body) may take to arrive; slower ones are cut off', '30')
    .action(async (flags: ServeFlags) => {
      const missing = ['WEBHOOK_SECRET', 'API_TOKEN'].filter((name) => !process.env[name]);
      if (missing.length > 0) {
        console.error(`${missing[0]} is required: set it in the environment (${missing.join(', ')} missing)`);
        process.exit(1);
      }
      if (flags.githubAppId !== undefined && !/^\d+$/.test(flags.githubAppId)) {
        console.error(`--github-app-id must be the App's numeric ID, got "${flags.githubAppId}"`);
        process.exit(2);
      }
      if (flags.githubAppId && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(process.env.GITHUB_APP_PRIVATE_KEY ?? '')) {
        console.error("GITHUB_APP_PRIVATE_KEY is required with --github-app-id: the App's private key (PEM)");
        process.exit(1);
      }
      const short = ['WEBHOOK_SECRET', 'API_TOKEN'].filter((name) => process.env[name]!.length < MIN_SECRET_LENGTH);
      if (short.length > 0) {
        console.error(`${short.join(' and ')} must be at least ${MIN_SECRET_LENGTH} characters (openssl rand -hex 32 makes one)`);
        process.exit(1);
      }
      const number = (name: string, value: string, min: number, whole = true) => {
        const parsed = Number(value);
        if (!Number.isFinite(parsed) || (whole && !Number.isInteger(parsed)) || parsed < min) {
          console.error(`--${name} must be a whole number of at least ${min}, got "${value}"`);
          process.exit(2);
        }
        return parsed;
      };
      const [owner, repo] = flags.githubRepository?.split('/') ?? [];
      if (flags.githubRepository && (!owner || !repo)) {
        console.error(`--github-repository must be OWNER/REPO, got "${flags.githubRepository}"`);
        process.exit(2);
      }
      if (flags.offline && flags.sandbox) {
        console.error('--offline and --sandbox exclude each other: --offline never applies, --sandbox applies stand-ins');
        process.exit(2);
      }
      if (flags.applyDelaySeconds !== undefined && !flags.sandbox && !emulatorOf(flags)) {
        console.error('--apply-delay-seconds is a test aid for --sandbox or an AWS API emulator (--endpoint): it would hold real applies');
        process.exit(2);
      }
      if (flags.basePlans) {
        if (flags.sandbox) {
          console.error('--base-plans cannot go with --sandbox: sandbox plans stand every resource in');
          process.exit(2);
        }
        // Refused at the start, not at the first pull request: the emulator must be installed.
        try {
          core().emulatorPython();
        } catch (error) {
          console.error(`--base-plans: ${(error as Error).message}`);
          process.exit(2);
        }
      }
      if (number('controllers', flags.controllers, 1) > 1 && flags.store === 'sqlite') {
        console.error(
          `--controllers ${flags.controllers} needs --store dynamodb://TABLE: the sqlite store is a file of one machine, and controllers share a queue only through one table`,
        );
        process.exit(2);
      }
      const dataDir = resolve(flags.dataDir);
      // The mirror, saved plans and the store: the controller's user only.
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      chmodSync(dataDir, 0o700);
      const options: ServeOptions = {
        repository: isUrl(flags.repo) ? flags.repo : resolve(flags.repo),
        branch: flags.branch,
        configPath: flags.configPath,
        host: flags.host,
        port: number('port', flags.port, 0),
        dataDir,
        store: flags.store,
        driftMinutes: number('drift-minutes', flags.driftMinutes, 0, false),
        githubApiUrl: flags.githubApiUrl,
        githubAppId: flags.githubAppId,
        githubOwner: owner,
        githubRepo: repo,
        offline: flags.offline === true,
        basePlans: flags.basePlans === true,
        endpoint: emulatorOf(flags),
        sandbox: flags.sandbox === true,
        applyDelaySeconds: flags.applyDelaySeconds === undefined ? undefined : number('apply-delay-seconds', flags.applyDelaySeconds, 0),
        maxParallel: number('max-parallel', flags.maxParallel, 1),
        leaseMs: number('lease-seconds', flags.leaseSeconds, 1, false) * 1000,
        publicUrl: flags.publicUrl,
        stopTimeoutMs: number('stop-timeout-seconds', flags.stopTimeoutSeconds, 0) * 1000,
        requestTimeoutMs: number('request-timeout-seconds', flags.requestTimeoutSeconds, 1) * 1000,
        cliDir: join(dataDir, 'terraform-cli'),
        env: process.env,
        log: (line) => console.log(`${new Date().toISOString()} ${line}`),
      };
      // Loaded here: the other commands never pay for the server, GitHub and store libraries.
      const { startController } = require('../controller/serve') as typeof import('../controller/serve');
      const running = await startController(options);
      // The process is the CLI's: on SIGTERM (a container stop) or SIGINT, the controller stops, then the process exits.
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(
          signal,
          () =>
            void running.stop().then(
              () => process.exit(0),
              (error: Error) => {
                options.log(`stop failed: ${error.message}`);
                process.exit(1);
              },
            ),
        );
      }
    });
}

function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\s]+@[^:\s]+:/.test(value);
}
