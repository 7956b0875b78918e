/**
 * The cost difference in the controller's pull request comment
 * (src/controller/github/comment.ts): under the summary of part 1 only,
 * shortened to its summary table when the per-line folds do not fit, and
 * never pushing a part over its limit.
 */
import { compareEstimates, estimateCost, formatComparisonMarkdown } from '../../src/core/index';
import { renderPlanComments } from '../../src/controller/github/comment';
import type { Run } from '../../src/controller/run';
import { EXAMPLES_DIR } from '../support/helpers';

const run: Run = {
  id: 'run-1',
  environment: 'prod',
  commit: '8f14e45fceea167a5a36dedd4bea2543b1a5b0e2',
  branch: 'feature',
  trigger: 'pull_request',
  pullRequest: 7,
  status: 'planned',
  decision: 'plan-only',
  createdAt: '2025-03-14T12:00:00.000Z',
  plan: {
    add: 0,
    change: 1,
    replace: 0,
    destroy: 0,
    addresses: { create: [], update: ['aws_ecs_service.service-api_service_454F4786'], replace: [], delete: [] },
  },
};

const [dev, prod] = estimateCost(EXAMPLES_DIR).filter((e) => e.environment !== 'staging');
// prod's lines against dev's, renamed: every line differs, so the folds are long.
const cost = formatComparisonMarkdown(
  compareEstimates([{ ...dev!, environment: 'prod' }], [prod!]),
  'Monthly cost estimate: difference from main',
);

describe('the cost difference in a plan comment', () => {
  it('sits under the summary of the first part', () => {
    const plan = Array.from({ length: 4000 }, (_, i) => `  ~ resource ${i}`).join('\n');
    const parts = renderPlanComments({ run, planText: plan, cost, maxChars: 20_000 });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.indexOf('#### Monthly cost estimate: difference from main')).toBeGreaterThan(
      parts[0]!.indexOf('| add | change | replace | destroy |'),
    );
    expect(parts[0]!.indexOf('#### Monthly cost estimate')).toBeLessThan(parts[0]!.indexOf('<details><summary>Full plan'));
    expect(parts[0]).toContain(
      `| prod | $${dev!.total.toFixed(2)} | $${prod!.total.toLocaleString('en-US', { minimumFractionDigits: 2 })} |`,
    );
    for (const part of parts.slice(1)) expect(part).not.toContain('Monthly cost estimate');
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(20_000);
  });

  it('keeps only the summary table when the per-line folds are too long, and adds nothing without a cost', () => {
    expect(cost.length).toBeGreaterThan(1500);
    const [small] = renderPlanComments({ run, cost, maxChars: 4000 });
    expect(small).toContain('| prod |');
    expect(small).not.toContain('<details><summary>prod:');
    expect(small).toContain('(per-line differences: `npx platform cost --compare`)');
    expect(small!.length).toBeLessThanOrEqual(4000);
    const [whole] = renderPlanComments({ run, cost, maxChars: 60_000 });
    expect(whole).toContain('<details><summary>prod:');
    expect(renderPlanComments({ run })[0]).not.toContain('Monthly cost estimate');
  });
});

describe('the pull request workflow init writes', () => {
  it('comments the cost difference from the base branch on pull requests', () => {
    const WORKFLOW = (require('../../src/cli/init-templates') as typeof import('../../src/cli/init-templates')).workflowTemplates()[
      'pull-request.yml'
    ];
    const workflow = (require('yaml') as typeof import('yaml')).parse(WORKFLOW) as {
      jobs: Record<
        string,
        {
          if?: string;
          permissions?: Record<string, string>;
          steps: { run?: string; with?: Record<string, unknown>; env?: Record<string, string> }[];
        }
      >;
    };
    const job = workflow.jobs.cost!;
    // Not for forks: their token cannot comment.
    expect(job.if).toBe("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(job.steps[0]!.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    const runs = job.steps.map((s) => s.run).filter(Boolean);
    expect(runs).toContain('npx platform cost --compare "origin/$BASE_REF" --format markdown > cost.md');
    expect(runs.some((r) => r!.startsWith('gh pr comment "$PR" --body-file cost.md'))).toBe(true);
    // Event values reach the scripts through the environment, never as script text.
    expect(runs.join('\n')).not.toContain('${{');
    expect(job.steps.find((s) => s.run?.includes('cost --compare'))!.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
  });
});
