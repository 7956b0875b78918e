/**
 * `check-backend`: the generated S3 backend blocks, run by real Terraform
 * against local S3 and DynamoDB servers (backend-servers.ts):
 *
 * - every environment initialises with its own backend block (only the
 *   servers' endpoints and keys added as `-backend-config`), stores its state
 *   at `<keyPrefix>/<environment>.tfstate`, and holds the lock entry in the
 *   lock table while a run is active; environments sharing a bucket never
 *   share a key;
 * - a second run fails fast on a held lock, naming the holder, through the
 *   DynamoDB table, the lock file and both; a run killed while holding the
 *   lock leaves it, and `force-unlock` with its ID clears it;
 * - the lock table migration (docs/bootstrap.md, state locking): a state locked by the
 *   table only, then by both, then by the lock file only, each step re-read
 *   by init in the same folder with no change planned, and a run still one
 *   step behind refused while the new step holds the lock;
 * - the bootstrap flow: a local state as if applied, then
 *   `bootstrapStateInBucket` and `init -migrate-state` into the bucket.
 *
 * Environment stacks are planned and applied with every resource standing
 * in as terraform_data: the backend is what is checked, and nothing is
 * created anywhere. The bootstrap stack is planned with the real AWS
 * provider (dummy credentials, no refresh).
 */
import assert, { AssertionError } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { EnvironmentConfig } from '../config/resolve';
import { BOOTSTRAP_STATE_KEY, bootstrapStackName } from '../stacks/bootstrap-stack';
import { CONTROLLER_STACK } from '../config/controller-schema';
import { createTable, scanTable, startBackendServers, type BackendServers } from './backend-servers';
import { applyPlanToState, type ProviderSchemas } from '../terraform/fake-state';
import type { StackCheck } from '../core/checks';
import type { CoreListener } from '../core/events';
import { synthesize, type SynthesizedStack } from '../core/synthesize';
import {
  sandboxSettings,
  terraformCliDir,
  terraformSettings,
  TerraformWorkspace,
  type CommandResult,
  type TerraformSettings,
} from '../core/terraform';

export interface BackendCheckOptions {
  /** The output folder: the working folders go under `<outDir>/backend-check/` (replaced), the CLI configuration where check-terraform keeps it. */
  readonly outDir: string;
  readonly onEvent?: CoreListener;
}

/** A contender must give up on a held lock within this (it is told to wait 0 s). */
const FAIL_FAST_SECONDS = 10;
/** How long a run may take to reach its approval prompt. */
const PROMPT_TIMEOUT_MS = 60_000;
/**
 * Terraform 1.11 deprecates dynamodb_table ('The parameter "dynamodb_table" is deprecated. Use
 * parameter "use_lockfile" instead.'). 1.11.4 prints it here only when init fails, so a block
 * without the warning is proved by both: no dynamodb_table in it, and nothing deprecated in init's output.
 */
const DEPRECATION = /deprecated/i;
/** The table the locking and migration checks use when the environments have none (S3-native locking only). */
const CHECK_LOCK_TABLE = 'check-backend-locks';

/** Synthesizes `configs` (in memory), starts the servers, runs every check, stops the servers. */
export async function checkBackend(configs: readonly EnvironmentConfig[], options: BackendCheckOptions): Promise<StackCheck[]> {
  const note = (message: string) => options.onEvent?.({ type: 'note', message });
  const outDir = resolve(options.outDir);
  const stacks = synthesize(configs);
  const settings = terraformSettings(terraformCliDir(outDir));
  note(settings.description);
  const workRoot = join(outDir, 'backend-check');
  rmSync(workRoot, { recursive: true, force: true });
  mkdirSync(workRoot, { recursive: true });
  const servers = await startBackendServers();
  note(
    `S3 (s3rver, conditional writes through the check's own front) at ${servers.s3.endpoint}, DynamoDB (dynalite) at ${servers.dynamodb.endpoint}`,
  );
  try {
    for (const message of await createBackends(stacks, servers)) note(message);
    if (configs.length > 0 && configs[0]!.backend.lockTable === undefined) {
      await createTable(servers.dynamodb.client, {
        name: CHECK_LOCK_TABLE,
        hashKey: 'LockID',
        attributes: [{ name: 'LockID', type: 'S' }],
      });
      note(
        `${configs[0]!.environment} has no lock table: the table modes and the migration check lock with ${CHECK_LOCK_TABLE}, made for them`,
      );
    }
    note('environment stacks: every resource stands in as terraform_data (the backend is what is checked; nothing is created anywhere)');
    const context: Context = { servers, settings, workRoot, held: new Set() };
    // A run left waiting by a failed expectation is ended with its check: nothing outlives the check, nothing hangs.
    const guarded = (name: string, work: () => Promise<string>) => check(name, () => work().finally(() => endHeldRuns(context)));
    const environments = configs.map((config) => ({ config, stack: stacks.find((s) => s.environment === config.environment)! }));
    // The bootstrap check (the real AWS provider, the slow part) runs beside the others; it writes only its own key.
    const [environmentResults, bootstrapResults] = await Promise.all([
      (async () => {
        const results: StackCheck[] = [];
        for (const environment of environments)
          results.push(
            await guarded(`backend ${environment.config.environment}`, () =>
              checkEnvironment(environment.config, environment.stack, context),
            ),
          );
        results.push(await check('backend keys', () => checkKeys(configs, servers)));
        if (configs.length === 0) return results;
        for (const mode of LOCK_MODES)
          results.push(await guarded(`locking ${configs[0]!.environment} (${mode.name})`, () => checkLocking(configs[0]!, mode, context)));
        results.push(await guarded(`lock table migration ${configs[0]!.environment}`, () => checkLockMigration(configs[0]!, context)));
        return results;
      })(),
      Promise.all(
        bootstrapBuckets(configs).map((config) =>
          check(`bootstrap ${bootstrapStackName(config.backend)}`, () => checkBootstrapMigration(config, context)),
        ),
      ),
    ]);
    return [...environmentResults, ...bootstrapResults];
  } finally {
    await servers.stop();
  }
}

interface Context {
  readonly servers: BackendServers;
  readonly settings: TerraformSettings;
  readonly workRoot: string;
  /** Runs holding a lock that have not ended yet. */
  readonly held: Set<HeldRun>;
}

/** The generated `backend "s3"` block of a synthesized stack. */
interface S3Block {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly dynamodb_table?: string;
  readonly encrypt?: boolean;
  readonly use_lockfile?: boolean;
}

/** A state lock as Terraform records it (in the table's Info attribute, or the lock file). */
interface LockInfo {
  readonly ID: string;
  readonly Operation: string;
  readonly Who: string;
}

/**
 * A failed expectation with Terraform's output to show (`assert(condition, new CheckFailure(...))`);
 * a plain `assert(condition, message)` fails without output. Either way the check's summary says what was expected.
 */
class CheckFailure extends Error {
  constructor(
    message: string,
    readonly output?: string,
  ) {
    super(message);
  }
}

async function check(name: string, work: () => Promise<string>): Promise<StackCheck> {
  try {
    return { stack: name, ok: true, summary: `${name}: ${await work()}` };
  } catch (error) {
    // An unexpected error (not a failed expectation) shows where it came from.
    const failure =
      error instanceof CheckFailure
        ? error.output
        : error instanceof AssertionError
          ? undefined
          : error instanceof Error
            ? error.stack
            : undefined;
    return { stack: name, ok: false, summary: `${name}: FAILED, ${error instanceof Error ? error.message : String(error)}`, failure };
  }
}

/** Creates every bucket and lock table the bootstrap stacks describe (their hardening cannot be applied to these servers). */
async function createBackends(stacks: readonly SynthesizedStack[], servers: BackendServers): Promise<string[]> {
  const messages: string[] = [];
  // Bootstrap stacks only: the controller's stack has buckets and a table too, but no state lives in them.
  for (const stack of stacks.filter((s) => s.environment === undefined && s.name !== CONTROLLER_STACK)) {
    const resources = JSON.parse(stack.json).resource ?? {};
    const buckets = Object.values<{ bucket: string }>(resources.aws_s3_bucket ?? {}).map((b) => b.bucket);
    const tables = Object.values<{ name: string; hash_key: string; attribute: { name: string; type: string }[] }>(
      resources.aws_dynamodb_table ?? {},
    );
    for (const bucket of buckets) await servers.s3.createBucket(bucket);
    for (const table of tables)
      await createTable(servers.dynamodb.client, { name: table.name, hashKey: table.hash_key, attributes: table.attribute });
    const made =
      tables.length > 0
        ? ` and lock table ${tables.map((t) => `${t.name} (hash key ${t.hash_key})`).join(', ')}`
        : ' (no lock table: S3-native locking)';
    messages.push(
      `${stack.name}: created bucket ${buckets.join(', ')}${made} as the stack describes them; the servers cannot apply its encryption, versioning, lifecycle, public access block or policy`,
    );
  }
  return messages;
}

function s3Block(stack: SynthesizedStack): S3Block {
  const block = JSON.parse(stack.json).terraform?.backend?.s3 as S3Block | undefined;
  if (!block) throw new CheckFailure(`${stack.name} has no backend "s3" block`);
  return block;
}

/** A workspace of the stack with every resource standing in and its own backend, pointed at the servers. */
function standInWorkspace(
  stack: SynthesizedStack,
  dir: string,
  context: Context,
  backendConfig: readonly string[] = [],
): TerraformWorkspace {
  return TerraformWorkspace.prepare(stack, dir, {
    offline: true,
    keepBackend: true,
    settings: sandboxSettings(context.settings),
    backendConfig: [...context.servers.backendConfig, ...backendConfig],
  });
}

/** The backend block as init recorded it in `.terraform/terraform.tfstate`. */
function initialisedBackend(workspace: TerraformWorkspace): { type: string; config: Record<string, unknown> } {
  const file = join(workspace.dir, '.terraform', 'terraform.tfstate');
  assert(existsSync(file), `init wrote no ${file}`);
  return JSON.parse(readFileSync(file, 'utf8')).backend;
}

/** Init, a held apply and a refused contender, the approval, the state at its key, then a plan with no changes. */
async function checkEnvironment(config: EnvironmentConfig, stack: SynthesizedStack, context: Context): Promise<string> {
  const block = s3Block(stack);
  const expectedKey = `${config.backend.keyPrefix}/${config.environment}.tfstate`;
  assert(block.key === expectedKey, `the generated key is ${block.key}, expected ${expectedKey}`);
  assert(
    block.bucket === config.backend.bucket &&
      block.dynamodb_table === config.backend.lockTable &&
      block.region === config.backend.region &&
      block.encrypt === true,
    `the generated block ${JSON.stringify(block)} does not match backend ${JSON.stringify(config.backend)}`,
  );
  const locking = lockingOf(block);
  assert(locking.table || locking.file, `the generated block ${JSON.stringify(block)} locks nothing`);
  const workspace = standInWorkspace(stack, join(context.workRoot, config.environment), context);
  const initialised = await must(workspace.init(), 'init');
  if (!locking.table)
    assert(
      !('dynamodb_table' in block) && !DEPRECATION.test(initialised.output),
      new CheckFailure('init printed a deprecation warning for a backend without a lock table', initialised.output),
    );
  const recorded = initialisedBackend(workspace);
  for (const [name, value] of Object.entries(block)) {
    assert(
      recorded.type === 's3' && recorded.config[name] === value,
      `init recorded backend ${recorded.type} with ${name} = ${JSON.stringify(recorded.config[name])}, the block says ${JSON.stringify(value)}`,
    );
  }

  const holder = await holdLock(context, workspace, []);
  const held = await expectLocks(context.servers, block, locking, 'while an apply waits for approval');
  assert(held.Operation === 'OperationTypeApply', `the lock records ${held.Operation}, not the apply`);
  const refusal = await expectRefused(workspace, held);
  const applied = await holder.answer('yes');
  assert(applied.ok && /Apply complete!/.test(applied.output), new CheckFailure('the approved apply failed', applied.output));
  const after = await readLocks(context.servers, block);
  assert(after.table === undefined && after.file === undefined, `the lock is still held after the apply ended: ${JSON.stringify(after)}`);

  const stateText = await context.servers.s3.getObject(block.bucket, block.key);
  assert(stateText !== undefined, `no state at s3://${block.bucket}/${block.key} after the apply`);
  const stored = storedInputs(stateText);
  const configured = configuredInputs(workspace);
  assert(
    stored.length === configured.length && stored.every((input, i) => input === configured[i]),
    `the state at ${block.key} holds ${stored.length} resources, not this environment's ${configured.length}`,
  );
  if (locking.table) {
    const digest = (await scanTable(context.servers.dynamodb.client, block.dynamodb_table!)).find(
      (item) => item.LockID === `${block.bucket}/${block.key}-md5`,
    );
    const md5 = createHash('md5').update(stateText).digest('hex');
    assert(digest?.Digest === md5, `the lock table's digest of ${block.key} is ${digest?.Digest}, the stored state's MD5 is ${md5}`);
  }

  const plan = await workspace.plan({ planFile: 'after.tfplan' });
  assert(
    plan.ok && !plan.changes,
    new CheckFailure('a plan after the apply did not read the stored state back (it plans changes or fails)', plan.output),
  );
  return (
    `init ok (s3://${block.bucket}/${block.key}, ${describeLocking(block)}${locking.table ? '' : ', no dynamodb_table, no deprecation warning'}); ` +
    `an apply waiting for approval holds the lock (ID ${held.ID}); ${refusal}; ` +
    `approved: state stored at ${block.key} (${stored.length} resources${locking.table ? ', digest in the table matches' : ''}), lock released; a plan after it: no changes`
  );
}

/** Every environment's state is at its own key, and the bucket holds no other environment state. */
async function checkKeys(configs: readonly EnvironmentConfig[], servers: BackendServers): Promise<string> {
  const buckets = [...new Set(configs.map((c) => c.backend.bucket))].sort();
  const lines: string[] = [];
  for (const bucket of buckets) {
    const expected = configs
      .filter((c) => c.backend.bucket === bucket)
      .map((c) => `${c.backend.keyPrefix}/${c.environment}.tfstate`)
      .sort();
    assert(new Set(expected).size === expected.length, `environments in ${bucket} share a key: ${expected.join(', ')}`);
    const found = (await servers.s3.listKeys(bucket)).filter((key) => key.endsWith('.tfstate') && key !== BOOTSTRAP_STATE_KEY);
    assert(
      found.join(',') === expected.join(','),
      `s3://${bucket} holds the states ${found.join(', ') || 'none'}, expected ${expected.join(', ')}`,
    );
    lines.push(`s3://${bucket}: ${found.join(', ')}`);
  }
  return `${lines.join('; ')} (one key per environment, none shared)`;
}

/** How a generated block locks its state: the DynamoDB table, the lock file beside the state, or both. */
interface Locking {
  readonly table: boolean;
  readonly file: boolean;
}

/** The ways Terraform can lock an S3 backend state, each generated from the config (lockTable, useLockfile). */
interface LockMode extends Locking {
  readonly name: string;
}

const LOCK_MODES: readonly LockMode[] = [
  { name: 'DynamoDB table', table: true, file: false },
  { name: 'lock file', table: false, file: true },
  { name: 'table and lock file', table: true, file: true },
];

function lockingOf(block: S3Block): Locking {
  return { table: block.dynamodb_table !== undefined && block.dynamodb_table !== '', file: block.use_lockfile === true };
}

function describeLocking(block: S3Block): string {
  const { table, file } = lockingOf(block);
  return [table ? `lock table ${block.dynamodb_table}` : '', file ? 'lock file' : ''].filter(Boolean).join(' and ');
}

/** `config` locked as `mode` says: its own table (or the check's, when it has none) and/or the lock file. */
function withLocking(config: EnvironmentConfig, mode: Locking): EnvironmentConfig {
  const lockTable = mode.table ? (config.backend.lockTable ?? CHECK_LOCK_TABLE) : undefined;
  return { ...config, backend: { ...config.backend, lockTable, useLockfile: mode.file } };
}

/**
 * On one environment (its state already stored): a held lock refuses a
 * concurrent plan; after the holder ends, the lock is gone and a plan
 * succeeds; a holder killed with SIGKILL leaves its lock, which refuses the
 * next plan until `force-unlock` with its ID.
 */
async function checkLocking(config: EnvironmentConfig, mode: LockMode, context: Context): Promise<string> {
  const stack = synthesize([withLocking(config, mode)]).find((s) => s.environment === config.environment)!;
  const block = s3Block(stack);
  const generated = lockingOf(block);
  assert(
    generated.table === mode.table && generated.file === mode.file,
    `the generated block locks with ${describeLocking(block)}, not the ${mode.name}`,
  );
  const workspace = standInWorkspace(stack, join(context.workRoot, `locking-${mode.name.replace(/\W+/g, '-')}`), context);
  await must(workspace.init(), 'init');
  const replace = `-replace=terraform_data.${Object.keys(JSON.parse(readFileSync(join(workspace.dir, 'cdk.tf.json'), 'utf8')).resource.terraform_data)[0]}`;
  const refusedBefore = context.servers.s3.refusedConditionalPuts();

  const holder = await holdLock(context, workspace, [replace]);
  const held = await expectLocks(context.servers, block, mode, 'while an apply waits for approval');
  const refusal = await expectRefused(workspace, held);
  const declined = await holder.answer('no');
  assert(
    !declined.ok && /Apply cancelled/.test(declined.output),
    new CheckFailure('the declined apply did not end as cancelled', declined.output),
  );
  const released = await readLocks(context.servers, block);
  assert(
    released.table === undefined && released.file === undefined,
    `the lock is still held after its run ended: ${JSON.stringify(released)}`,
  );
  const next = await workspace.plan({ planFile: 'next.tfplan' });
  assert(next.ok, new CheckFailure('the next plan failed after the holder ended', next.output));

  const crashed = await holdLock(context, workspace, [replace]);
  const left = await expectLocks(context.servers, block, mode, 'while a second apply waits');
  await crashed.kill();
  const stale = await readLocks(context.servers, block);
  assert((mode.table ? stale.table?.ID : stale.file?.ID) === left.ID, `the killed run's lock ${left.ID} is gone: ${JSON.stringify(stale)}`);
  await expectRefused(workspace, left);
  const unlocked = await workspace.forceUnlock(left.ID);
  assert(unlocked.ok, new CheckFailure(`force-unlock ${left.ID} failed`, unlocked.output));
  const cleared = await readLocks(context.servers, block);
  assert(cleared.table === undefined && cleared.file === undefined, `force-unlock left ${JSON.stringify(cleared)}`);
  const recovered = await workspace.plan({ planFile: 'recovered.tfplan' });
  assert(recovered.ok, new CheckFailure('a plan after force-unlock failed', recovered.output));
  const refusedPuts = context.servers.s3.refusedConditionalPuts() - refusedBefore;
  if (mode.file && !mode.table) assert(refusedPuts > 0, 'the lock file refused nothing: no conditional PUT was answered 412');
  return (
    `${refusal}${mode.file ? ` (${refusedPuts} conditional PUT(s) of the lock file answered 412)` : ''}; after the holder ended, no lock and the next plan ran; ` +
    `a SIGKILLed holder left lock ${left.ID}, which refused a plan until force-unlock with that ID, then a plan ran`
  );
}

/**
 * docs/bootstrap.md's migration from the lock table to the lock file, on one
 * environment: its state under the table alone; step 1 (lockTable and
 * useLockfile) and step 2 (useLockfile alone) each taken up by init in the
 * same folder (only the locking changed, so the state stays: -reconfigure)
 * and planned with no changes. At each step an apply of the new block holds
 * the lock and a plan from a folder still one step behind is refused: a
 * runner that has not caught up is locked out, which is why the table goes
 * only in a second step.
 */
async function checkLockMigration(config: EnvironmentConfig, context: Context): Promise<string> {
  const steps: readonly { readonly name: string; readonly locking: Locking }[] = [
    { name: 'table only', locking: { table: true, file: false } },
    { name: 'step 1, both', locking: { table: true, file: true } },
    { name: 'step 2, lock file only', locking: { table: false, file: true } },
  ];
  const stackOf = (locking: Locking) => synthesize([withLocking(config, locking)]).find((s) => s.environment === config.environment)!;
  const dir = join(context.workRoot, 'migration');
  const behindDir = join(context.workRoot, 'migration-behind');
  const start = standInWorkspace(stackOf(steps[0]!.locking), dir, context);
  await must(start.init(), 'init (table only)');
  await must(start.run(['apply', '-no-color', '-input=false', '-auto-approve', '-lock-timeout=0s']), 'apply (table only)');
  const table = s3Block(stackOf(steps[0]!.locking)).dynamodb_table!;
  const lines: string[] = [];
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    const behind = standInWorkspace(stackOf(steps[i - 1]!.locking), behindDir, context);
    await must(behind.init(), `init (${steps[i - 1]!.name}, the runner behind)`);
    const stack = stackOf(step.locking);
    const block = s3Block(stack);
    const workspace = standInWorkspace(stack, dir, context);
    const initialised = await must(workspace.init(), `init (${step.name})`);
    const recorded = initialisedBackend(workspace);
    assert(
      (recorded.config.dynamodb_table ?? null) === (block.dynamodb_table ?? null) &&
        (recorded.config.use_lockfile ?? null) === (block.use_lockfile ?? null),
      `init recorded dynamodb_table ${String(recorded.config.dynamodb_table)} and use_lockfile ${String(recorded.config.use_lockfile)}, the ${step.name} block says ${describeLocking(block)}`,
    );
    if (!step.locking.table)
      assert(
        !('dynamodb_table' in block) && !DEPRECATION.test(initialised.output),
        new CheckFailure(`init (${step.name}) printed a deprecation warning`, initialised.output),
      );
    const plan = await workspace.plan({ planFile: 'migrated.tfplan' });
    assert(
      plan.ok && !plan.changes,
      new CheckFailure(`a plan after ${step.name} did not read the same state back (it plans changes or fails)`, plan.output),
    );
    const replace = `-replace=terraform_data.${Object.keys(JSON.parse(readFileSync(join(workspace.dir, 'cdk.tf.json'), 'utf8')).resource.terraform_data)[0]}`;
    const holder = await holdLock(context, workspace, [replace]);
    const held = await expectLocks(context.servers, block, step.locking, `${step.name}, while an apply waits for approval`);
    if (!step.locking.table) {
      const entry = (await scanTable(context.servers.dynamodb.client, table)).find(
        (item) => item.LockID === `${block.bucket}/${block.key}`,
      );
      assert(entry === undefined, `${step.name}: the apply holds an entry in ${table} too`);
    }
    const refusal = await expectRefused(behind, held);
    const declined = await holder.answer('no');
    assert(
      !declined.ok && /Apply cancelled/.test(declined.output),
      new CheckFailure('the declined apply did not end as cancelled', declined.output),
    );
    const released = await readLocks(context.servers, block);
    assert(
      released.table === undefined && released.file === undefined,
      `${step.name}: the lock is still held after its run ended: ${JSON.stringify(released)}`,
    );
    lines.push(
      `${step.name} (${describeLocking(block)}): init in the same folder ok${step.locking.table ? '' : ' (no dynamodb_table, no deprecation warning)'}, a plan: no changes; ` +
        `its apply holds the lock and a runner still on "${steps[i - 1]!.name}" is refused (${refusal.replace(/^a concurrent plan /, '')})`,
    );
  }
  return `state applied under the table alone, then ${lines.join('; then ')}`;
}

/**
 * docs/bootstrap.md's bootstrap flow: the bootstrap stack planned on its local
 * state and that state written as if applied; then with
 * `bootstrapStateInBucket` its generated S3 backend, `init -migrate-state
 * -force-copy`, and the same state at `bootstrap/terraform.tfstate`.
 */
async function checkBootstrapMigration(config: EnvironmentConfig, context: Context): Promise<string> {
  const name = bootstrapStackName(config.backend);
  const local = synthesize([{ ...config, backend: { ...config.backend, bootstrapStateInBucket: false } }]).find((s) => s.name === name)!;
  assert(JSON.parse(local.json).terraform?.backend?.local !== undefined, `${name} has no local backend before bootstrapStateInBucket`);
  const dir = join(context.workRoot, name);
  const before = TerraformWorkspace.prepare(local, dir, { offline: true, settings: context.settings });
  await must(before.init(), 'init (local state)');
  // The provider schemas (for the state "as if applied") load while the plan runs.
  const [schemas, plan] = await Promise.all([
    must(before.run(['providers', 'schema', '-json']), 'providers schema').then((result) => JSON.parse(result.stdout) as ProviderSchemas),
    before.plan({ planFile: 'bootstrap.tfplan' }),
  ]);
  assert(plan.ok && plan.changes, new CheckFailure('the bootstrap plan on an empty local state failed or planned nothing', plan.output));
  // As if applied: the plan folded into a state with placeholder IDs (terraform/fake-state.ts).
  const state = applyPlanToState((await before.show(plan.planFile)) as never, schemas) as State;
  writeFileSync(join(dir, 'terraform.tfstate'), JSON.stringify(state));
  const resources = resourceIds(state);

  const inBucket = synthesize([{ ...config, backend: { ...config.backend, bootstrapStateInBucket: true } }]).find((s) => s.name === name)!;
  const block = s3Block(inBucket);
  assert(
    block.key === BOOTSTRAP_STATE_KEY && block.bucket === config.backend.bucket,
    `the bootstrap backend is s3://${block.bucket}/${block.key}, expected s3://${config.backend.bucket}/${BOOTSTRAP_STATE_KEY}`,
  );
  const after = TerraformWorkspace.prepare(inBucket, dir, {
    offline: true,
    keepBackend: true,
    settings: context.settings,
    backendConfig: context.servers.backendConfig,
  });
  await must(after.init({ migrateState: true }), 'init -migrate-state');
  const migratedText = await context.servers.s3.getObject(block.bucket, block.key);
  assert(migratedText !== undefined, `no state at s3://${block.bucket}/${block.key} after init -migrate-state`);
  // Terraform gives the copy a lineage of its own: the resources and their IDs are what must have moved.
  const migrated = resourceIds(JSON.parse(migratedText) as State);
  assert(
    migrated.join() === resources.join(),
    `the state in the bucket holds ${migrated.join(', ')}, not the local state's ${resources.join(', ')}`,
  );
  // Terraform leaves the local file behind; with it gone, the folder's state can only come from the bucket.
  rmSync(join(dir, 'terraform.tfstate'));
  const listed = await must(after.run(['state', 'list', '-no-color']), 'state list');
  const addresses = [...new Set(resources.map((r) => r.split('=')[0]!))];
  assert(
    listed.stdout.trim().split('\n').sort().join() === addresses.join(),
    new CheckFailure(`terraform state list through the backend shows ${listed.stdout.trim() || 'nothing'}`, listed.output),
  );
  return (
    `planned on a local state, written as if applied (${resources.length} resources); with bootstrapStateInBucket, init -migrate-state -force-copy ` +
    `moved it to s3://${block.bucket}/${block.key} (the same resources and IDs), and terraform state list reads it from there`
  );
}

interface State {
  readonly resources: { type: string; name: string; instances: { attributes: { id?: string } }[] }[];
}

/** Every resource of a state as `address=id`, sorted. */
function resourceIds(state: State): string[] {
  return state.resources.flatMap((r) => r.instances.map((i) => `${r.type}.${r.name}=${i.attributes.id}`)).sort();
}

/** One config per state bucket (the bootstrap stacks). */
function bootstrapBuckets(configs: readonly EnvironmentConfig[]): EnvironmentConfig[] {
  return configs.filter((config, i) => configs.findIndex((c) => c.backend.bucket === config.backend.bucket) === i);
}

/** A run stopped at its approval prompt, holding the state lock until answered or killed. */
interface HeldRun {
  /** Answers the prompt and waits for the run to end. */
  answer(text: string): Promise<CommandResult>;
  /** SIGKILL, as a crash: Terraform cannot release its lock. */
  kill(): Promise<CommandResult>;
}

/** Kills the runs still holding a lock (a check failed before it answered them) and waits for them to end. */
async function endHeldRuns(context: Context): Promise<void> {
  await Promise.all([...context.held].map((run) => run.kill()));
}

/** `terraform apply` (asking for approval) with `args`, once it asks: it holds the lock from before its plan until it ends. */
async function holdLock(context: Context, workspace: TerraformWorkspace, args: readonly string[]): Promise<HeldRun> {
  const input = new PassThrough();
  const kill = new AbortController();
  let output = '';
  let prompted!: () => void;
  const asked = new Promise<void>((resolveAsked) => {
    prompted = resolveAsked;
  });
  const done = workspace.run(['apply', '-no-color', '-refresh=false', '-lock-timeout=0s', ...args], {
    input,
    kill: kill.signal,
    onOutput: (text) => {
      output += text;
      if (output.includes('Enter a value:')) prompted();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      asked,
      done.then((result) => {
        throw new CheckFailure('the apply ended before asking for approval', result.output);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new CheckFailure(`the apply did not ask for approval within ${PROMPT_TIMEOUT_MS / 1000}s`, output)),
          PROMPT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    kill.abort();
    input.end();
    await done;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const run: HeldRun = {
    answer: (text) => {
      input.end(`${text}\n`);
      return done;
    },
    kill: () => {
      kill.abort();
      input.end();
      return done;
    },
  };
  context.held.add(run);
  void done.then(() => context.held.delete(run));
  return run;
}

/** A plan that must fail at once on the held lock and name its holder. */
async function expectRefused(workspace: TerraformWorkspace, holder: LockInfo): Promise<string> {
  const started = Date.now();
  const contender = await workspace.plan({ planFile: 'contender.tfplan', lockTimeoutSeconds: 0 });
  const seconds = (Date.now() - started) / 1000;
  assert(!contender.ok, new CheckFailure('a concurrent plan ran while the lock was held', contender.output));
  assert(
    /Error acquiring the state lock/.test(contender.output),
    new CheckFailure('the concurrent plan failed, but not on the state lock', contender.output),
  );
  assert(
    new RegExp(`ID:\\s+${holder.ID}\\b`).test(contender.output) && contender.output.includes(holder.Who),
    new CheckFailure(`the lock error does not name the holder (ID ${holder.ID}, ${holder.Who})`, contender.output),
  );
  assert(seconds < FAIL_FAST_SECONDS, `the concurrent plan took ${seconds.toFixed(1)}s to fail`);
  return `a concurrent plan failed in ${seconds.toFixed(1)}s with the holder's lock (ID ${holder.ID}, ${holder.Who})`;
}

/** The locks a mode takes are both there (the same ID where both are), and no other. */
async function expectLocks(servers: BackendServers, block: S3Block, mode: Locking, when: string): Promise<LockInfo> {
  const locks = await readLocks(servers, block);
  assert(mode.table === (locks.table !== undefined), `${when}: ${mode.table ? 'no' : 'an unexpected'} lock entry in the table`);
  assert(mode.file === (locks.file !== undefined), `${when}: ${mode.file ? 'no' : 'an unexpected'} lock file ${block.key}.tflock`);
  if (locks.table && locks.file)
    assert(locks.table.ID === locks.file.ID, `${when}: the table's lock ${locks.table.ID} and the lock file's ${locks.file.ID} differ`);
  return (locks.table ?? locks.file)!;
}

/** The lock entry of the state in the lock table, and its lock file in the bucket, where present. */
async function readLocks(servers: BackendServers, block: S3Block): Promise<{ table?: LockInfo; file?: LockInfo }> {
  const item = lockingOf(block).table
    ? (await scanTable(servers.dynamodb.client, block.dynamodb_table!)).find((i) => i.LockID === `${block.bucket}/${block.key}`)
    : undefined;
  const file = await servers.s3.getObject(block.bucket, `${block.key}.tflock`);
  return {
    ...(item ? { table: JSON.parse(item.Info ?? '{}') as LockInfo } : {}),
    ...(file !== undefined ? { file: JSON.parse(file) as LockInfo } : {}),
  };
}

/** The stand-ins' inputs in a state (each digests its resource's configuration, so they tell environments apart), sorted. */
function storedInputs(stateText: string): string[] {
  const state = JSON.parse(stateText) as { resources: { type: string; instances: { attributes: { input?: { value?: string } } }[] }[] };
  // A terraform_data of the stack itself (no input) is null on both sides.
  return state.resources
    .filter((r) => r.type === 'terraform_data')
    .flatMap((r) => r.instances.map((i) => JSON.stringify(i.attributes.input?.value ?? null)))
    .sort();
}

/** The stand-ins' inputs in the workspace's configuration, sorted. */
function configuredInputs(workspace: TerraformWorkspace): string[] {
  const stack = JSON.parse(readFileSync(join(workspace.dir, 'cdk.tf.json'), 'utf8')) as {
    resource: { terraform_data: Record<string, { input?: string }> };
  };
  return Object.values(stack.resource.terraform_data)
    .map((r) => JSON.stringify(r.input ?? null))
    .sort();
}

async function must<T extends { ok: boolean; output: string }>(result: Promise<T>, step: string): Promise<T> {
  const done = await result;
  if (!done.ok) throw new CheckFailure(`terraform ${step} failed`, done.output);
  return done;
}
