/**
 * What a working folder records of the Terraform process that plans or
 * applies in it, so that a controller started again after a crash can tell
 * whether that Terraform outlived the controller (and still holds the
 * state lock), and which lock ID it took on an S3 backend:
 *
 * - `.platform/terraform-process.json`: the process ID, host and step,
 *   written when Terraform starts and removed when it ends;
 * - `.platform/terraform.out`: its output (a file, not a pipe: see
 *   RunOptions.outputFile);
 * - `.platform/apply.tflog`: Terraform's own log of an apply at INFO level
 *   (core only, no provider logs), where the S3 backend names the lock it
 *   took: `Locked remote state ...: tf_backend.lock.id=<ID>`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The folder, inside a working folder, that holds these files. */
export const RECORD_DIR = '.platform';
const PROCESS_FILE = 'terraform-process.json';
export const OUTPUT_FILE = 'terraform.out';
export const APPLY_LOG_FILE = 'apply.tflog';

/** A Terraform process as its working folder recorded it. */
export interface TerraformProcess {
  readonly pid: number;
  readonly host: string;
  /** plan or apply. */
  readonly step: string;
  /** ISO-8601. */
  readonly startedAt: string;
}

/** The path of a record file inside `dir`, its folder made. */
export function recordPath(dir: string, file: string): string {
  mkdirSync(join(dir, RECORD_DIR), { recursive: true });
  return join(dir, RECORD_DIR, file);
}

export function recordProcess(dir: string, pid: number, step: string, now = new Date()): void {
  const record: TerraformProcess = { pid, host: hostname(), step, startedAt: now.toISOString() };
  writeFileSync(recordPath(dir, PROCESS_FILE), `${JSON.stringify(record)}\n`);
}

export function forgetProcess(dir: string): void {
  rmSync(join(dir, RECORD_DIR, PROCESS_FILE), { force: true });
}

/**
 * The Terraform process recorded in `dir` while it still runs on this host;
 * undefined when none was recorded, it ended, or it ran on another host
 * (whose processes this one cannot see: its controller's lease expiring is
 * what says it stopped there).
 */
export function runningTerraform(dir: string): TerraformProcess | undefined {
  const file = join(dir, RECORD_DIR, PROCESS_FILE);
  if (!existsSync(file)) return undefined;
  let record: TerraformProcess;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as TerraformProcess;
  } catch {
    return undefined;
  }
  if (record.host !== hostname() || !Number.isInteger(record.pid)) return undefined;
  return isTerraform(record.pid) ? record : undefined;
}

/** Whether `pid` is a live process running terraform (not another program that reuses a stale ID). */
function isTerraform(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // Gone (ESRCH), or another user's (EPERM): not a Terraform this controller started.
    return false;
  }
  // Without /proc (not Linux): the process ID alone.
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    // An ended process whose parent has not collected it yet (a zombie) has state Z.
    const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return state !== 'Z' && /(^|\/)terraform$/.test(argv0);
  } catch {
    return false;
  }
}

/**
 * The lock an S3 backend holds per Terraform's log (`lockFromLog` of
 * APPLY_LOG_FILE's text): the last lock taken and not released since.
 */
export function lockFromLog(text: string): string | undefined {
  let held: string | undefined;
  for (const line of text.split('\n')) {
    const id = /tf_backend\.lock\.id=([0-9a-f-]+)/.exec(line)?.[1];
    if (!id) continue;
    if (/\bLocked remote state\b/.test(line)) held = id;
    else if (/\bUnlocked remote state\b/.test(line) && held === id) held = undefined;
  }
  return held;
}
