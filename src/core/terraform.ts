/**
 * Terraform operations on one synthesized stack, in a working folder of its
 * own: init, validate, plan to a saved plan file, show, apply of that exact
 * file, and the state lock. Offline, the folder gets a local backend and
 * dummy credentials (terraform/offline.ts); online, it uses the stack's own
 * S3 backend and the caller's AWS credentials.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mirrorHas, terraformEnvironment } from '../terraform/cli-config';
import { EMULATOR_OVERRIDE_FILE, emulatorBackendConfig, emulatorProviderOverride } from '../terraform/emulator';
import { OFFLINE_OVERRIDE, OVERRIDE_FILES, prepareOfflineStack } from '../terraform/offline';
import {
  APPLY_LOG_FILE,
  OUTPUT_FILE,
  RECORD_DIR,
  forgetProcess,
  lockFromLog,
  recordPath,
  recordProcess,
  runningTerraform,
  type TerraformProcess,
} from '../terraform/process-record';
import { terraform, type CommandResult, type RunOptions } from '../terraform/run';
import { IGNORE_EVENTS, timedStep, type CoreListener } from './events';
import { summarizePlan, type PlanJson, type PlanSummary } from './plan-summary';
import { LOCK_FILE, type SynthesizedStack } from './synthesize';

export type { CommandResult, TerraformProcess };

/** The provider lock file the platform package ships (src/core or dist/core, two folders down). */
const PACKAGE_LOCK_FILE = resolve(__dirname, '..', '..', LOCK_FILE);

/** Providers the stacks use that may be missing where Terraform runs. */
const OPTIONAL_PROVIDERS = ['random'];

/** The Terraform CLI configuration of a run: provider installation, environment, stand-ins. */
export interface TerraformSettings {
  /** Environment variables for terraform commands. */
  readonly env: NodeJS.ProcessEnv;
  /** What was chosen, for the log. */
  readonly description: string;
  /** Providers that cannot be installed here: their resources stand in as terraform_data offline. */
  readonly standInProviders: readonly string[];
}

/** A `-backend-config` value as it affects init: `key=value` as it is, a file by its contents (an edited file must init again). */
function backendConfigFingerprint(value: string): string {
  return !value.includes('=') && existsSync(value) ? `file:${readFileSync(value, 'utf8')}` : value;
}

/** The folder, under an output folder, that holds the generated Terraform CLI configuration and plugin cache. */
export function terraformCliDir(outDir: string): string {
  // Absolute: terraform runs in each stack's folder, and TF_CLI_CONFIG_FILE is read from there.
  return resolve(outDir, 'terraform-check', '.terraform-cli');
}

/**
 * Settings for running terraform, with the CLI configuration kept in
 * `cliDir` (see terraformCliDir). With a provider mirror, the registry is
 * taken to be out of reach: a provider not in the mirror stands in.
 */
export function terraformSettings(cliDir: string, env: NodeJS.ProcessEnv = process.env): TerraformSettings {
  const tf = terraformEnvironment(cliDir, env);
  const standInProviders = tf.mirror ? OPTIONAL_PROVIDERS.filter((p) => !mirrorHas(tf.mirror, p)) : [];
  return { env: tf.env, description: tf.description, standInProviders };
}

/**
 * The settings of a sandbox: every provider's resources stand in as
 * terraform_data (on a local state), so that real Terraform plans and
 * applies change nothing anywhere. For demos and tests of the apply path.
 */
export function sandboxSettings(settings: TerraformSettings): TerraformSettings {
  return {
    ...settings,
    standInProviders: [...new Set([...settings.standInProviders, 'random', 'aws'])],
    description: `${settings.description}; sandbox: every resource stands in as terraform_data`,
  };
}

export interface WorkspaceOptions {
  /** Local backend, dummy credentials, no refresh, stand-ins for providers missing here. */
  readonly offline: boolean;
  readonly settings: TerraformSettings;
  readonly onEvent?: CoreListener;
  /**
   * The provider lock file `prepare` copies into a folder that has none.
   * Without one, Terraform (>= 1.4) does not take a provider from the plugin
   * cache: every first init installs it into the cache again, replacing the
   * copy that folders planning meanwhile read through their links (their
   * plan fails: "Required plugins are not installed").
   * @default the platform package's own lock file (the providers its stacks pin)
   */
  readonly lockFile?: string;
  /**
   * Offline, keep the stack's own backend instead of a local one (the S3
   * backend against local servers, pointed there by `backendConfig`).
   * @default false
   */
  readonly keepBackend?: boolean;
  /**
   * `-backend-config` values for init, each `key=value` or a file: endpoints
   * and credentials of an S3-compatible or local backend. @default none
   */
  readonly backendConfig?: readonly string[];
  /**
   * An AWS API emulator's endpoint (http://HOST:PORT): the provider calls
   * every service there with dummy credentials, and an S3 backend keeps its
   * state and lock there too (terraform/emulator.ts). Not offline: plans
   * refresh and lock. Providers that cannot be installed here stand in as
   * terraform_data. @default AWS itself
   */
  readonly endpoint?: string;
  /** With `endpoint`: resources (`type.name`) the emulator cannot serve, standing in as terraform_data. @default none */
  readonly standInAddresses?: readonly string[];
  /**
   * With `endpoint`: the state in a local file of the folder instead of the
   * stack's S3 backend (a throw-away state, as `plan --base` makes: no state
   * bucket or lock table to create first). @default the stack's backend
   */
  readonly localState?: boolean;
}

export interface PlanOptions extends Pick<RunOptions, 'onOutput' | 'signal'> {
  /** Where the plan is saved, relative to the workspace. @default tfplan */
  readonly planFile?: string;
  /** A plan that destroys every resource of the stack. @default false */
  readonly destroy?: boolean;
  /** Take the state lock while planning. @default true online or with the stack's backend, false offline */
  readonly lock?: boolean;
  /** Seconds to wait for a held lock. @default 0 */
  readonly lockTimeoutSeconds?: number;
  /** More arguments for `terraform plan`, after the project's own (`-target=...`, `-parallelism=...`). @default none */
  readonly extraArgs?: readonly string[];
}

export interface PlanResult {
  readonly ok: boolean;
  /** Whether the plan changes anything (from `-detailed-exitcode`). */
  readonly changes: boolean;
  readonly planFile: string;
  readonly output: string;
  readonly seconds: number;
}

export interface ApplyOptions extends Pick<RunOptions, 'onOutput' | 'signal' | 'onStart' | 'kill'> {
  /** Seconds to wait for a held lock. @default 0 */
  readonly lockTimeoutSeconds?: number;
}

/** The lock Terraform holds on a state, as it describes it. */
export interface StateLock {
  readonly id: string;
  readonly operation?: string;
  readonly who?: string;
  readonly created?: string;
}

/** The S3 backend settings that only choose how a state is locked: changing them leaves the state where it is. */
const LOCKING_SETTINGS = ['dynamodb_table', 'use_lockfile'];

/**
 * Whether `dir` was initialised with an S3 backend that differs from its
 * stack's block only in the locking settings (docs/bootstrap.md: state locking, the
 * migration). Any other change (bucket, key, region) is left to init, which
 * refuses it without -migrate-state.
 */
function lockingChangedOnly(dir: string): boolean {
  const recordedFile = join(dir, '.terraform', 'terraform.tfstate');
  const stackFile = join(dir, 'cdk.tf.json');
  if (!existsSync(recordedFile) || !existsSync(stackFile)) return false;
  const recorded = (JSON.parse(readFileSync(recordedFile, 'utf8')) as { backend?: { type?: string; config?: Record<string, unknown> } })
    .backend;
  const block = (JSON.parse(readFileSync(stackFile, 'utf8')) as { terraform?: { backend?: { s3?: Record<string, unknown> } } }).terraform
    ?.backend?.s3;
  if (recorded?.type !== 's3' || recorded.config === undefined || block === undefined) return false;
  const config = recorded.config;
  const same = (name: string) => JSON.stringify(config[name] ?? null) === JSON.stringify(block[name] ?? null);
  return (
    Object.keys(block)
      .filter((name) => !LOCKING_SETTINGS.includes(name))
      .every(same) && !LOCKING_SETTINGS.every(same)
  );
}

export class TerraformWorkspace {
  private readonly onEvent: CoreListener;

  private constructor(
    /** The stack's name. */
    readonly stack: string,
    /** The working folder. */
    readonly dir: string,
    readonly offline: boolean,
    private readonly settings: TerraformSettings,
    onEvent: CoreListener | undefined,
    private readonly backend: Pick<WorkspaceOptions, 'keepBackend' | 'backendConfig'> & { readonly reconfigure?: boolean } = {},
  ) {
    this.onEvent = onEvent ?? IGNORE_EVENTS;
  }

  /**
   * Writes the stack into `dir` (kept between runs, so `.terraform` and the
   * provider lock file stay and init is quick); offline, with the local
   * backend override and stand-ins, each reported as a note.
   */
  static prepare(stack: SynthesizedStack, dir: string, options: WorkspaceOptions): TerraformWorkspace {
    const listener = options.onEvent ?? IGNORE_EVENTS;
    mkdirSync(dir, { recursive: true });
    const lockFile = options.lockFile ?? PACKAGE_LOCK_FILE;
    if (!existsSync(join(dir, LOCK_FILE)) && existsSync(lockFile)) copyFileSync(lockFile, join(dir, LOCK_FILE));
    if (options.endpoint !== undefined) {
      const override = {
        ...emulatorProviderOverride(options.endpoint),
        ...(options.localState ? { terraform: OFFLINE_OVERRIDE.terraform } : {}),
      };
      const prepared = prepareOfflineStack(stack.json, dir, options.settings.standInProviders, {
        keepBackend: true,
        override: { file: EMULATOR_OVERRIDE_FILE, content: override },
        standInAddresses: options.standInAddresses,
      });
      for (const replaced of prepared.standIns) {
        const why = options.standInAddresses?.includes(replaced) ? 'the emulator cannot serve it' : 'its provider is not in the mirror';
        listener({ type: 'note', stack: stack.name, message: `${replaced} stands in as terraform_data (${why})` });
      }
      const s3Backend =
        !options.localState &&
        (JSON.parse(stack.json) as { terraform?: { backend?: { s3?: unknown } } }).terraform?.backend?.s3 !== undefined;
      // The emulator's settings first: values the caller gives after them win.
      const backendConfig = [...(s3Backend ? emulatorBackendConfig(options.endpoint) : []), ...(options.backendConfig ?? [])];
      // -reconfigure: the state is the emulator's; another emulator (another port) is another backend, not one to migrate from.
      return new TerraformWorkspace(stack.name, dir, false, options.settings, listener, { backendConfig, reconfigure: true });
    }
    if (options.offline) {
      const prepared = prepareOfflineStack(stack.json, dir, options.settings.standInProviders, { keepBackend: options.keepBackend });
      if (options.settings.standInProviders.includes('aws')) {
        // The sandbox: one line, not one per resource (the settings' description says so already).
        if (prepared.standIns.length > 0)
          listener({
            type: 'note',
            stack: stack.name,
            message: `sandbox: ${prepared.standIns.length} resources stand in as terraform_data (placeholder values; nothing is created anywhere)`,
          });
      } else {
        for (const replaced of prepared.standIns) {
          listener({
            type: 'note',
            stack: stack.name,
            message: `${replaced} stands in as terraform_data (its provider is not in the provider mirror; placeholder values)`,
          });
        }
      }
    } else {
      writeFileSync(join(dir, 'cdk.tf.json'), stack.json);
    }
    return new TerraformWorkspace(stack.name, dir, options.offline, options.settings, listener, options);
  }

  /** A workspace already prepared in `dir` (to apply a saved plan, or release a lock), left as it is. */
  static open(stack: string, dir: string, options: WorkspaceOptions): TerraformWorkspace {
    return new TerraformWorkspace(stack, dir, options.offline, options.settings, options.onEvent, options);
  }

  /**
   * `terraform init`. With `reuse`, skipped when this folder was initialised
   * for the same providers and backend (the stack's `terraform` block and
   * the override file and the backend overrides are unchanged): init reads
   * every provider binary again to check its hash, a second or more per plan.
   * With `migrateState`, the state moves from the backend the folder was
   * initialised with into the stack's backend (`-migrate-state -force-copy`).
   * When only the locking changed (a step of the lock table migration), the
   * state stays where it is and init takes the new block (`-reconfigure`).
   */
  async init(
    options: Pick<RunOptions, 'onOutput' | 'signal'> & { readonly reuse?: boolean; readonly migrateState?: boolean } = {},
  ): Promise<CommandResult> {
    const marker = join(this.dir, '.terraform', 'platform-init');
    if (options.reuse && !options.migrateState && existsSync(marker) && readFileSync(marker, 'utf8') === this.initFingerprint()) {
      return { ok: true, exitCode: 0, output: 'init: already initialised for these providers and backend\n', stdout: '', seconds: 0 };
    }
    const args = [
      'init',
      '-input=false',
      '-no-color',
      ...(this.backend.backendConfig ?? []).map((value) => `-backend-config=${value}`),
      ...(options.migrateState
        ? ['-migrate-state', '-force-copy']
        : this.backend.reconfigure || lockingChangedOnly(this.dir)
          ? ['-reconfigure']
          : []),
    ];
    // One init at a time in this process: inits install into the shared plugin cache, and concurrent installs race on it.
    const result = await serialized(() => this.step('init', args, options));
    // After init: the provider lock file it wrote is part of what the next run must find unchanged.
    if (result.ok && existsSync(join(this.dir, '.terraform'))) writeFileSync(marker, this.initFingerprint());
    return result;
  }

  private initFingerprint(): string {
    const read = (file: string) => (existsSync(join(this.dir, file)) ? readFileSync(join(this.dir, file), 'utf8') : '');
    const stack = JSON.parse(read('cdk.tf.json') || '{}') as { terraform?: unknown };
    return createHash('sha256')
      .update(JSON.stringify(stack.terraform ?? null))
      .update(OVERRIDE_FILES.map(read).join('\n'))
      .update(read('.terraform.lock.hcl'))
      .update(JSON.stringify((this.backend.backendConfig ?? []).map(backendConfigFingerprint)))
      .digest('hex');
  }

  validate(): Promise<CommandResult> {
    // In the inits' queue: a validate beside another folder's init found its provider link in the shared plugin cache missing (seen in CI).
    return serialized(() => this.step('validate', ['validate', '-no-color'], {}));
  }

  /** Plans into a saved plan file; `changes` tells whether it would change anything. */
  async plan(options: PlanOptions = {}): Promise<PlanResult> {
    const planFile = options.planFile ?? 'tfplan';
    const lock = options.lock ?? (!this.offline || this.backend.keepBackend === true);
    const args = [
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      `-out=${planFile}`,
      `-lock=${lock}`,
      `-lock-timeout=${options.lockTimeoutSeconds ?? 0}s`,
      ...(this.offline ? ['-refresh=false'] : []),
      ...(options.destroy ? ['-destroy'] : []),
      ...(options.extraArgs ?? []),
    ];
    const result = await this.step('plan', args, { ...options, okCodes: [0, 2] });
    return { ok: result.ok, changes: result.exitCode === 2, planFile, output: result.output, seconds: result.seconds };
  }

  /** `terraform show -json` of a saved plan. */
  async show(planFile: string): Promise<PlanJson> {
    const result = await this.step('show', ['show', '-json', '-no-color', planFile], {});
    if (!result.ok) throw new Error(`terraform show failed in ${this.dir}:\n${result.output}`);
    return JSON.parse(result.stdout) as PlanJson;
  }

  /** The summary of a saved plan. */
  async summary(planFile: string): Promise<PlanSummary> {
    return summarizePlan(await this.show(planFile));
  }

  /**
   * Applies exactly the saved plan (Terraform refuses it when the state
   * moved on since). Terraform logs its core at INFO into the folder, where
   * an S3 backend names the lock it takes (heldLock), unless the caller's
   * environment sets Terraform's logging itself.
   */
  apply(planFile: string, options: ApplyOptions = {}): Promise<CommandResult> {
    const log = recordPath(this.dir, APPLY_LOG_FILE);
    rmSync(log, { force: true });
    const own = ['TF_LOG', 'TF_LOG_CORE', 'TF_LOG_PATH'].some((name) => this.settings.env[name] !== undefined);
    const env = own ? this.settings.env : { ...this.settings.env, TF_LOG_CORE: 'INFO', TF_LOG_PATH: log };
    return this.step(
      'apply',
      ['apply', '-input=false', '-no-color', '-auto-approve', `-lock-timeout=${options.lockTimeoutSeconds ?? 0}s`, planFile],
      options,
      env,
    );
  }

  /** Releases the state lock with exactly this ID (Terraform refuses any other ID). */
  forceUnlock(lockId: string): Promise<CommandResult> {
    return terraform(['force-unlock', '-force', '-no-color', lockId], this.dir, this.settings.env);
  }

  /**
   * The lock the apply running here holds: on a local state, read from
   * Terraform's lock file; on an S3 backend (the lock table, the lock file
   * or both hold the same ID), from the apply's log. Undefined when none is
   * held (yet).
   */
  heldLock(): StateLock | undefined {
    const file = join(this.dir, '.terraform.tfstate.lock.info');
    if (existsSync(file)) {
      try {
        const info = JSON.parse(readFileSync(file, 'utf8')) as { ID?: string; Operation?: string; Who?: string; Created?: string };
        if (info.ID) return { id: info.ID, operation: info.Operation, who: info.Who, created: info.Created };
      } catch {
        // Being written: looked at again on the next call.
      }
    }
    const log = join(this.dir, RECORD_DIR, APPLY_LOG_FILE);
    const id = existsSync(log) ? lockFromLog(readFileSync(log, 'utf8')) : undefined;
    return id ? { id, operation: 'OperationTypeApply' } : undefined;
  }

  /** The plan or apply Terraform that a process (this one, or one before a crash) started here, while it still runs on this host. */
  running(): TerraformProcess | undefined {
    return runningTerraform(this.dir);
  }

  /** Runs any terraform command here (for checks that need more than the steps above). */
  run(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    return terraform(args, this.dir, this.settings.env, options);
  }

  private step(
    step: 'init' | 'validate' | 'plan' | 'show' | 'apply',
    args: readonly string[],
    options: RunOptions,
    env = this.settings.env,
  ): Promise<CommandResult> {
    if (step !== 'plan' && step !== 'apply')
      return timedStep(
        this.onEvent,
        step,
        this.stack,
        () => terraform(args, this.dir, env, options),
        (r) => r.ok,
      );
    // The steps that hold the state lock: their output goes to a file, so that Terraform outlives a crash of this process, and they are recorded (running()).
    const recorded: RunOptions = {
      ...options,
      outputFile: recordPath(this.dir, OUTPUT_FILE),
      onStart: (pid) => {
        recordProcess(this.dir, pid, step);
        options.onStart?.(pid);
      },
    };
    return timedStep(
      this.onEvent,
      step,
      this.stack,
      () => terraform(args, this.dir, env, recorded).finally(() => forgetProcess(this.dir)),
      (r) => r.ok,
    );
  }
}

/**
 * Whether `terraform force-unlock`'s output says the state holds no lock
 * (its holder released it): a local state is "not locked"; an S3 backend
 * finds no lock file (NoSuchKey) and an empty lock table entry ("unexpected
 * end of JSON input"). Not when the state holds another lock ("does not match").
 */
export function lockAbsent(output: string): boolean {
  return /not locked|NoSuchKey|unexpected end of JSON input/i.test(output) && !/does not match/i.test(output);
}

let initQueue: Promise<unknown> = Promise.resolve();

/** Runs `work` after every earlier serialized work has finished. */
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = initQueue.then(work, work);
  initQueue = next.catch(() => undefined);
  return next;
}
