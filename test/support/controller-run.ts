/** A run as the controller records it, for the tests of what it reports (a planned pull request of dev unless overridden). */
import type { Run } from '../../src/controller/run';

export const SHA_A = '8f14e45fceea167a5a36dedd4bea2543b1a5b0e2';

export function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    environment: 'dev',
    commit: SHA_A,
    branch: 'bob/dev-cpu',
    trigger: 'pull_request',
    pullRequest: 42,
    status: 'planned',
    decision: 'plan-only',
    plan: {
      add: 1,
      change: 1,
      replace: 0,
      destroy: 0,
      addresses: {
        create: ['module.api.aws_appautoscaling_target.this'],
        update: ['module.api.aws_ecs_service.this'],
        replace: [],
        delete: [],
      },
    },
    createdAt: '2024-05-03T08:00:01.000Z',
    ...overrides,
  };
}
