/**
 * Which commit came after which, as push deliveries tell (`before` ->
 * `after`), so that a delivery arriving late for an older commit never
 * replaces, or runs after, a newer one. Kept in memory: after a restart,
 * arrival order decides until new pushes are seen.
 */

/** How far back a chain is followed (pushes kept). */
const MAX_COMMITS = 5000;

export class CommitChain {
  private readonly parent = new Map<string, string>();

  /** Records that `after` was pushed on top of `before`. */
  record(before: string, after: string): void {
    if (/^0+$/.test(before) || before === after) return;
    this.parent.set(after, before);
    if (this.parent.size > MAX_COMMITS) this.parent.delete(this.parent.keys().next().value!);
  }

  /** Whether `older` is a known ancestor of `newer` (strictly). */
  isAncestor(older: string, newer: string): boolean {
    let at = this.parent.get(newer);
    for (let steps = 0; at !== undefined && steps < MAX_COMMITS; steps++) {
      if (at === older) return true;
      at = this.parent.get(at);
    }
    return false;
  }
}
