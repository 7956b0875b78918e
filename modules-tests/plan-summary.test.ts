/** A plan's summary from Terraform's output equals the one from the saved plan (`show -json`), and a doubtful output is refused. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  destructiveChanges, sandboxSettings, summarizePlan, summarizePlanText, synthesizeEnvironment, terraformSettings, TerraformWorkspace,
} from '../src/core/index';
import { exampleConfig } from './helpers';

describe('summarizePlanText', () => {
  const output = [
    'Terraform will perform the following actions:',
    '  # aws_db_instance.database-main_db_1 must be replaced',
    '-/+ resource "aws_db_instance" "database-main_db_1" {',
    '  # aws_s3_bucket.logs will be destroyed',
    '  # (because aws_s3_bucket.logs is not in configuration)',
    '  # aws_ecs_service.api will be updated in-place',
    '  # aws_iam_role.api["a b"] will be created',
    '  # aws_lb.x has moved to aws_lb.y',
    '  # data.aws_caller_identity.me will be read during apply',
    'Plan: 2 to add, 1 to change, 2 to destroy.',
  ].join('\n');

  it('reads every action and the data-holding resources destroyed or replaced', () => {
    expect(summarizePlanText(output)).toEqual({
      summary: {
        add: 1, change: 1, replace: 1, destroy: 1,
        addresses: { create: ['aws_iam_role.api["a b"]'], update: ['aws_ecs_service.api'], replace: ['aws_db_instance.database-main_db_1'], delete: ['aws_s3_bucket.logs'] },
      },
      destructive: ['aws_db_instance.database-main_db_1', 'aws_s3_bucket.logs'],
    });
  });

  it('gives up when the counts disagree or a line is not understood', () => {
    expect(summarizePlanText(output.replace('Plan: 2 to add', 'Plan: 3 to add'))).toBeUndefined();
    expect(summarizePlanText(output.replace('will be created', 'will be frobnicated'))).toBeUndefined();
    expect(summarizePlanText('Error: something')).toBeUndefined();
    expect(summarizePlanText('No changes. Your infrastructure matches the configuration.')?.summary.add).toBe(0);
  });
});

describe('the summary of a real plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the same from the output as from the saved plan, for creates and for destroying a database', async () => {
    const settings = sandboxSettings(terraformSettings(join(dir, 'cli')));
    const dev = exampleConfig('dev');
    const workspace = TerraformWorkspace.prepare(synthesizeEnvironment(dev), join(dir, 'dev'), { offline: true, settings });
    expect((await workspace.init()).ok).toBe(true);
    const created = await workspace.plan({ planFile: 'one.tfplan' });
    const fromText = summarizePlanText(created.output)!;
    const json = await workspace.show('one.tfplan');
    expect(fromText.summary).toEqual(summarizePlan(json));
    expect((await workspace.apply('one.tfplan')).ok).toBe(true);
    const withoutDatabase = TerraformWorkspace.prepare(synthesizeEnvironment({ ...dev, databases: {} }), join(dir, 'dev'), { offline: true, settings });
    const dropped = await withoutDatabase.plan({ planFile: 'two.tfplan' });
    const droppedText = summarizePlanText(dropped.output)!;
    const droppedJson = await withoutDatabase.show('two.tfplan');
    expect(droppedText.summary).toEqual(summarizePlan(droppedJson));
    expect(droppedText.destructive).toEqual(destructiveChanges(droppedJson));
    expect(droppedText.destructive.some((a) => a.includes('aws_db_instance'))).toBe(true);
  }, 120_000);
});
