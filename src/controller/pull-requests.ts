/** What the controller knows of a pull request: the head commit it last planned (comments carry no commit). */
import type { ConfigRepository } from './git/repository';
import type { RunStore } from './store/store';

export interface PullRequestRef {
  readonly commit: string;
  readonly branch: string;
  readonly fromFork: boolean;
}

/**
 * The head of a pull request as its newest `pull_request` run recorded it,
 * else GitHub's `refs/pull/N/head` in the mirror; undefined when neither is known.
 */
export async function planningCommitOf(store: RunStore, repository: ConfigRepository, number: number): Promise<PullRequestRef | undefined> {
  const [latest] = await store.listRuns({ pullRequest: number, limit: 1 });
  if (latest) return { commit: latest.commit, branch: latest.branch, fromFork: latest.fromFork ?? false };
  await repository.fetch();
  const commit = await repository.resolve(`refs/pull/${number}/head`);
  return commit ? { commit, branch: `pull/${number}/head`, fromFork: false } : undefined;
}
