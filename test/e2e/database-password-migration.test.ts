/**
 * The move from a `random_password` master password to the one RDS manages
 * (manage_master_user_password), planned for real: the stack the release
 * before wrote for a small environment (fixtures/migrations/database-password/
 * before.cdk.tf.json, synthesized by that release from dev.yaml beside it) is
 * "deployed" into a simulated state, and today's stack of the same
 * environment is planned against it. The database must be updated in place,
 * and nothing that exists in AWS destroyed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planStackChanges, type PlannedChange } from '../../src/core/change-check';
import { loadEnvironments } from '../../src/core/environments';
import { synthesize } from '../../src/core/synthesize';
import { terraformCliDir, terraformSettings } from '../../src/core/terraform';
import { findProviderMirror } from '../../src/terraform/cli-config';

const DIR = 'test/fixtures/migrations/database-password';
const before = { name: 'dev', environment: 'dev', json: readFileSync(join(DIR, 'before.cdk.tf.json'), 'utf8') };
const after = synthesize(loadEnvironments(DIR).map((e) => e.config)).find((s) => s.environment === 'dev')!;

describe("the previous release's stack (the fixture)", () => {
  it('is what this test claims: a random_password as the master password, also in the connection secret', () => {
    const stack = JSON.parse(before.json);
    expect(Object.keys(stack.resource.random_password)).toEqual(['database-main_master-password_7C9E269A']);
    const [instance] = Object.values(stack.resource.aws_db_instance) as any[];
    expect(instance.password).toBe('${random_password.database-main_master-password_7C9E269A.result}');
    expect(instance.manage_master_user_password).toBeUndefined();
  });

  it("differs from today's only in the password handling (the same environment, synthesized by each release)", () => {
    const addresses = (json: string) =>
      Object.entries(JSON.parse(json).resource as Record<string, object>)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
    expect(addresses(before.json).filter((a) => !addresses(after.json).includes(a))).toEqual([
      'random_password.database-main_master-password_7C9E269A',
    ]);
    // The marker that keeps the managed secret's ARN unknown in the plan that switches (Database).
    expect(addresses(after.json).filter((a) => !addresses(before.json).includes(a))).toEqual([
      'terraform_data.database-main_master-secret-switch_3BDD1CE8',
    ]);
  });
});

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
const mirror = findProviderMirror();
// Needs Terraform and the AWS provider on this machine (both are here).
(terraform.status === 0 && mirror ? describe : describe.skip)(
  'planned against a deployment of the previous release (real Terraform)',
  () => {
    let changes: PlannedChange[];
    let standIns: string[];
    const work = mkdtempSync(join(tmpdir(), 'platform-migration-'));

    beforeAll(async () => {
      const settings = terraformSettings(terraformCliDir(work));
      // Where the random provider cannot be installed (here), random_password stands in as terraform_data.
      standIns = settings.standInProviders.filter((p) => p === 'random');
      [changes] = (await planStackChanges(before, [after], join(work, 'change'), settings, 1)) as [PlannedChange[]];
    }, 240_000);
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    const of = (type: string) => changes.filter((c) => c.type === type);

    it('updates the database instance in place (RDS takes over the password), replacing nothing stateful', () => {
      expect(of('aws_db_instance').map((c) => c.actions)).toEqual([['update']]);
      expect(of('aws_secretsmanager_secret')).toEqual([]);
    });

    it('writes the connection details without the password as a new version of the same secret', () => {
      // The provider cannot update a version's value: it writes a new version (AWSCURRENT) and drops the old one's label.
      expect(of('aws_secretsmanager_secret_version').map((c) => c.actions)).toEqual([['delete', 'create']]);
      expect(of('aws_secretsmanager_secret')).toEqual([]);
    });

    it("learns the managed secret's ARN only at apply (the switch marker is new)", () => {
      expect(
        of('terraform_data')
          .filter((c) => c.actions.includes('create'))
          .map((c) => c.address),
      ).toEqual(['terraform_data.database-main_master-secret-switch_3BDD1CE8']);
    });

    it("registers a task definition revision reading the password from RDS's secret and rolls it out in place", () => {
      expect(of('aws_ecs_task_definition').map((c) => c.actions)).toEqual([['delete', 'create']]);
      expect(of('aws_ecs_service').map((c) => c.actions)).toEqual([['update']]);
      expect(of('aws_iam_role_policy').map((c) => [c.address, c.actions])).toEqual([
        [expect.stringMatching(/execution-policy/), ['update']],
      ]);
    });

    it('destroys only the password value in the state, nothing in AWS', () => {
      const removed = changes.filter(
        (c) => c.actions.includes('delete') && !['aws_ecs_task_definition', 'aws_secretsmanager_secret_version'].includes(c.type),
      );
      expect(removed.map((c) => c.address)).toEqual([
        standIns.length > 0
          ? 'terraform_data.random_password_database-main_master-password_7C9E269A'
          : 'random_password.database-main_master-password_7C9E269A',
      ]);
      // The replaced revision stays registered (skip_destroy), so even that delete leaves AWS alone.
      expect(JSON.parse(after.json).resource.aws_ecs_task_definition).toEqual(
        expect.objectContaining({
          [Object.keys(JSON.parse(after.json).resource.aws_ecs_task_definition)[0]!]: expect.objectContaining({ skip_destroy: true }),
        }),
      );
    });

    it('changes nothing else', () => {
      expect(
        changes
          .map((c) => c.type)
          .filter(
            (t) =>
              ![
                'aws_db_instance',
                'aws_secretsmanager_secret_version',
                'aws_ecs_task_definition',
                'aws_ecs_service',
                'aws_iam_role_policy',
                'terraform_data',
                'random_password',
              ].includes(t),
          ),
      ).toEqual([]);
    });
  },
);
