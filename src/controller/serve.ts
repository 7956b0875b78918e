/** Starts the controller: store, repository mirror, reporter, queue, HTTP server; `stop()` stops it cleanly (the CLI calls it on SIGTERM and SIGINT). */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { terraformSettings } from '../core/index';
import { Compiler } from './compile';
import { Controller } from './controller';
import { ConfigRepository } from './git/repository';
import { CheckRunReporter } from './github/app';
import { apiUrlForHost, createReporter, parseRepository } from './github/reporter';
import { Redactor, secretsOf } from './redact';
import { buildServer } from './server';
import { openStore } from './store/open-store';

export interface ServeOptions {
  readonly repository: string;
  readonly branch: string;
  readonly configPath: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `sqlite` or `dynamodb://TABLE`. */
  readonly store: string;
  readonly driftMinutes: number;
  readonly githubApiUrl?: string;
  /** Report as this GitHub App (its private key in GITHUB_APP_PRIVATE_KEY): check runs instead of commit statuses. */
  readonly githubAppId?: string;
  readonly githubOwner?: string;
  readonly githubRepo?: string;
  readonly offline: boolean;
  /** Pull requests without AWS planned against the default branch on an emulator (RunnerOptions.basePlans). @default false */
  readonly basePlans?: boolean;
  /** An AWS API emulator instead of AWS (RunnerOptions.endpoint). @default AWS */
  readonly endpoint?: string;
  /** Every resource stands in on a local state (RunnerOptions.sandbox). @default false */
  readonly sandbox?: boolean;
  /** A test aid: each apply first waits this long (RunnerOptions.applyDelaySeconds). @default none */
  readonly applyDelaySeconds?: number;
  readonly maxParallel: number;
  /** How long a claim of an environment lasts unless renewed (ControllerOptions.leaseMs). */
  readonly leaseMs?: number;
  readonly publicUrl?: string;
  /** How long the current step may take to finish after SIGTERM. */
  readonly stopTimeoutMs: number;
  /** How long a request may take to arrive. */
  readonly requestTimeoutMs?: number;
  /** The Terraform CLI configuration folder. */
  readonly cliDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export interface RunningController {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startController(options: ServeOptions): Promise<RunningController> {
  const redactor = new Redactor(secretsOf(options.env));
  const log = (line: string) => options.log(redactor.redact(line));
  const store = await openStore(options.store, options.dataDir);
  const githubApiUrl = options.githubApiUrl ?? githubApiUrlOf(options.repository);
  const appReporting = options.githubAppId ? appReporter(options, githubApiUrl, log) : undefined;
  // git fetches with GITHUB_TOKEN, else (an App alone) with a fresh installation token.
  const gitToken = options.env.GITHUB_TOKEN || (appReporting ? () => appReporting.installationToken() : undefined);
  const repository = new ConfigRepository(options.repository, join(options.dataDir, 'repository.git'), options.configPath, gitToken);
  const reporter =
    appReporting ??
    createReporter({
      token: options.env.GITHUB_TOKEN,
      repositoryUrl: options.repository,
      owner: options.githubOwner,
      repo: options.githubRepo,
      baseUrl: options.githubApiUrl,
    });
  if (!options.githubAppId && !options.env.GITHUB_TOKEN)
    log('GITHUB_TOKEN is not set: nothing will be reported to GitHub (no commit statuses, no plan comments)');
  // Terraform (and the providers it starts) never sees the controller's own secrets.
  const {
    WEBHOOK_SECRET: _webhook,
    API_TOKEN: _api,
    GITHUB_TOKEN: _github,
    GITHUB_APP_PRIVATE_KEY: _appKey,
    ...terraformEnv
  } = options.env;
  const settings = terraformSettings(options.cliDir, terraformEnv);
  log(settings.description);
  if (options.offline)
    log('offline: plans use a local backend and dummy credentials; nothing is applied (runs that would apply end in approved)');
  if (options.sandbox) log('sandbox: every resource stands in as terraform_data on a local state; applies change nothing anywhere');
  if (options.endpoint) log(`AWS API emulator at ${options.endpoint}: plans and applies go there, with dummy credentials`);
  const controller = new Controller({
    store,
    repository,
    reporter,
    redactor,
    log,
    branch: options.branch,
    compiler: new Compiler(),
    dataDir: options.dataDir,
    offline: options.offline,
    basePlans: options.basePlans,
    sandbox: options.sandbox,
    applyDelaySeconds: options.applyDelaySeconds,
    endpoint: options.endpoint,
    settings,
    maxParallel: options.maxParallel,
    leaseMs: options.leaseMs,
    controllerId: controllerIdOf(options.dataDir),
    driftMinutes: options.driftMinutes,
    publicUrl: options.publicUrl,
    repositoryName:
      options.githubOwner && options.githubRepo ? `${options.githubOwner}/${options.githubRepo}` : githubNameOf(options.repository),
  });
  await controller.start();
  const app = buildServer({
    controller,
    store,
    repository,
    log,
    branch: options.branch,
    webhookSecret: options.env.WEBHOOK_SECRET!,
    apiToken: options.env.API_TOKEN!,
    offline: options.offline,
    githubApiUrl,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host}:${port}`;
  console.log(`listening on ${url}`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log('stopping: no new work is accepted; the current steps finish');
      await app.close();
      await controller.stop(options.stopTimeoutMs);
      await store.close();
      log('stopped');
    })();
    return stopping;
  };
  return { url, stop };
}

/**
 * The ID this controller owns leases under, kept in its data directory: a
 * process restarted on the same data (a crash, a SIGKILL) recovers the runs
 * it held at once; a new task (a fresh data volume) is a new controller.
 */
function controllerIdOf(dataDir: string): string {
  const file = join(dataDir, 'controller-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[\w.-]{1,100}$/.test(id)) return id;
  }
  const id = `controller-${randomBytes(6).toString('hex')}`;
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** The check run reporter of a GitHub App on the watched repository. */
function appReporter(options: ServeOptions, baseUrl: string, log: (line: string) => void): CheckRunReporter {
  const named =
    options.githubOwner && options.githubRepo
      ? { owner: options.githubOwner, repo: options.githubRepo }
      : parseRepository(options.repository);
  if (!named)
    throw new Error(`--github-app-id needs a GitHub repository: "${options.repository}" names none; pass --github-repository OWNER/REPO`);
  log(`reporting as GitHub App ${options.githubAppId} on ${named.owner}/${named.repo} (check runs)`);
  return new CheckRunReporter({
    appId: options.githubAppId!,
    privateKey: options.env.GITHUB_APP_PRIVATE_KEY ?? '',
    owner: named.owner,
    repo: named.repo,
    baseUrl,
  });
}

/** The API of the GitHub a repository URL is on (api.github.com for a path). */
function githubApiUrlOf(url: string): string {
  const parsed = parseRepository(url);
  return parsed ? apiUrlForHost(parsed.host) : 'https://api.github.com';
}

/** `owner/repo` of a GitHub URL; undefined for a local path. */
function githubNameOf(url: string): string | undefined {
  const parsed = parseRepository(url);
  return parsed ? `${parsed.owner}/${parsed.repo}` : undefined;
}
