/**
 * The address record of a team's own environments: every stack's Terraform
 * resource addresses, committed next to the config (`<config>/addresses/
 * <stack>.txt`). A changed address makes Terraform destroy the resource and
 * create a new one, so a record that loses an address is a failure that
 * names what would be destroyed; `moved` blocks in the stack count as kept.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SynthesizedStack } from './synthesize';

/** The folder of address records for a config folder. */
export function addressRecordDir(configDir: string): string {
  return join(configDir, 'addresses');
}

/** How a stack's addresses compare with its record. */
export interface AddressCheck {
  readonly stack: string;
  /** The record file. */
  readonly file: string;
  /** `new`: no record yet; `same`; `added`: only new addresses; `removed`: some recorded address is gone. */
  readonly status: 'new' | 'same' | 'added' | 'removed';
  /** Recorded addresses that are gone and not moved: Terraform would destroy these. */
  readonly removed: readonly string[];
  /** Addresses the record does not have yet. */
  readonly added: readonly string[];
  readonly current: readonly string[];
}

/** Resource addresses (`type.name`) of a synthesized stack, sorted. */
export function stackAddresses(stackJson: string): string[] {
  const resources: Record<string, Record<string, unknown>> = JSON.parse(stackJson).resource ?? {};
  return Object.entries(resources)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The `from` addresses of the stack's `moved` blocks: recorded addresses that move are not destroyed. */
function movedFrom(stackJson: string): Set<string> {
  const moved = (JSON.parse(stackJson) as { moved?: { from: string }[] }).moved ?? [];
  return new Set(moved.map((m) => m.from));
}

/** Compares every stack with its record in `recordDir`. */
export function checkAddresses(stacks: readonly SynthesizedStack[], recordDir: string): AddressCheck[] {
  return stacks.map((stack) => {
    const file = join(recordDir, `${stack.name}.txt`);
    const current = stackAddresses(stack.json);
    if (!existsSync(file)) return { stack: stack.name, file, status: 'new', removed: [], added: current, current };
    const recorded = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    const now = new Set(current);
    const moved = movedFrom(stack.json);
    const removed = recorded.filter((a) => !now.has(a) && !moved.has(a));
    const before = new Set(recorded);
    const added = current.filter((a) => !before.has(a));
    const status = removed.length > 0 ? 'removed' : added.length > 0 ? 'added' : 'same';
    return { stack: stack.name, file, status, removed, added, current };
  });
}

/** Record files of stacks that no longer exist. */
export function staleRecords(stacks: readonly SynthesizedStack[], recordDir: string): string[] {
  if (!existsSync(recordDir)) return [];
  const names = new Set(stacks.map((s) => `${s.name}.txt`));
  return readdirSync(recordDir)
    .filter((f) => f.endsWith('.txt') && !names.has(f))
    .sort()
    .map((f) => join(recordDir, f));
}

/** Writes the current addresses of `checks` as their records. */
export function acceptAddresses(checks: readonly AddressCheck[], recordDir: string): void {
  mkdirSync(recordDir, { recursive: true });
  for (const check of checks) {
    const header = `# Terraform addresses of stack ${check.stack}. A removed line means Terraform destroys that resource;\n# accept an intended change with: npx platform check-addresses --accept --env NAME (and say why in the commit).\n`;
    writeFileSync(check.file, `${header}${check.current.join('\n')}\n`);
  }
}
