/** A plan's summary from Terraform's output equals the one from the saved plan (`show -json`), on real plans of stand-ins. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  destructiveChanges,
  sandboxSettings,
  summarizePlan,
  summarizePlanText,
  synthesizeEnvironment,
  terraformSettings,
  TerraformWorkspace,
} from '../../src/core/index';
import { exampleConfig } from '../support/helpers';

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
    const withoutDatabase = TerraformWorkspace.prepare(synthesizeEnvironment({ ...dev, databases: {} }), join(dir, 'dev'), {
      offline: true,
      settings,
    });
    const dropped = await withoutDatabase.plan({ planFile: 'two.tfplan' });
    const droppedText = summarizePlanText(dropped.output)!;
    const droppedJson = await withoutDatabase.show('two.tfplan');
    expect(droppedText.summary).toEqual(summarizePlan(droppedJson));
    expect(droppedText.destructive).toEqual(destructiveChanges(droppedJson));
    expect(droppedText.destructive.some((a) => a.includes('aws_db_instance'))).toBe(true);
  }, 120_000);
});
