/**
 * Pull-request-to-plan-comment time of the controller for one environment,
 * against a bare `terraform plan` of the same stack in the same (initialised)
 * folder: what the controller adds on top of Terraform itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigRemote, deliver, pullRequestPayload, REPOSITORY, startController } from '../test/support/controller-harness';
import { GitHubStandIn } from '../test/support/github-standin';

export interface ControllerFigures {
  /** Median seconds from the webhook delivery to the plan comment showing the new commit. */
  readonly toComment: number;
  /** Median seconds of `terraform plan` alone in the controller's workspace. */
  readonly barePlan: number;
}

const RUNS = 3;

export async function measureControllerPlan(): Promise<ControllerFigures> {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-controller-'));
  const github = new GitHubStandIn({ token: 'bench-github-token-1', owner: 'shop', repo: 'platform-config' });
  const controller = await startController(
    [
      '--repo',
      remote.bare,
      '--data-dir',
      dataDir,
      '--offline',
      '--github-api-url',
      await github.start(),
      '--github-repository',
      REPOSITORY,
    ],
    { GITHUB_TOKEN: 'bench-github-token-1' },
  );
  try {
    const base = remote.head();
    remote.checkout('feature', true);
    const timings: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      remote.write('environments/dev.yaml', `${readFileSync('environments/dev.yaml', 'utf8')}tags: { Build: "${i}" }\n`);
      const head = remote.commit(`dev: build ${i}`);
      remote.push('feature');
      const started = Date.now();
      await deliver(
        controller.url,
        'pull_request',
        pullRequestPayload({ action: i === 0 ? 'opened' : 'synchronize', number: 1, headSha: head, headRef: 'feature', baseSha: base }),
      );
      while (
        !github.comments.some((c: { body: string }) => c.body.includes(head.slice(0, 7)) && /fargate-platform:plan:dev/.test(c.body))
      ) {
        if (Date.now() - started > 300_000) throw new Error(`no plan comment for ${head}:\n${controller.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      // The first run installs the provider into the workspace; it is not counted.
      if (i > 0) timings.push((Date.now() - started) / 1000);
    }
    const workDir = join(dataDir, 'work', 'dev');
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dataDir, 'terraform-cli', 'terraform.rc') };
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = Date.now();
      execFileSync('terraform', ['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false'], {
        cwd: workDir,
        env,
        stdio: 'ignore',
      });
      bare.push((Date.now() - started) / 1000);
    }
    return { toComment: median(timings), barePlan: median(bare) };
  } finally {
    await controller.stop();
    await github.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
