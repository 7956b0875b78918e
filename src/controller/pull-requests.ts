/** What the controller knows of a pull request: the head commit it last planned (comments carry no commit). */
import type { RunStore } from './store/store';

export interface PullRequestRef {
  readonly commit: string;
  readonly branch: string;
  readonly fromFork: boolean;
}

/**
 * The head of a pull request as its newest `pull_request` run recorded it
 * (from GitHub's own payload, which says whether it comes from a fork);
 * undefined when no pull_request event of it was seen. Nothing is guessed:
 * a head whose origin is unknown is never planned or applied on a comment.
 */
export async function planningCommitOf(store: RunStore, number: number): Promise<PullRequestRef | undefined> {
  const [latest] = (await store.listRuns({ pullRequest: number, limit: 50 })).filter((r) => r.trigger === 'pull_request');
  return latest ? { commit: latest.commit, branch: latest.branch, fromFork: latest.fromFork ?? false } : undefined;
}
