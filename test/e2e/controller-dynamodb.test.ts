/**
 * The controller on its DynamoDB store (`--store dynamodb://TABLE`, the
 * table created on first start), against dynalite on a free port; and its
 * own status page signed into and read in headless Chromium.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDynamoDb, type DynamoDbServer } from '../../src/verification/backend-servers';
import { api, API_TOKEN, ConfigRemote, deliver, startController, waitForRun, type Started } from '../support/controller-harness';
import { EXAMPLES_DIR } from '../support/fixture-dirs';

jest.setTimeout(180_000);

describe('the controller on DynamoDB', () => {
  const remote = new ConfigRemote();
  const dataDir = mkdtempSync(join(tmpdir(), 'controller-data-'));
  let dynalite: DynamoDbServer | undefined;
  let endpoint = '';
  let controller: Started | undefined;
  const env = () => ({
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'dynalite',
    AWS_SECRET_ACCESS_KEY: 'dynalite-secret',
  });
  const args = ['--repo', remote.bare, '--data-dir', dataDir, '--sandbox', '--store', 'dynamodb://platform-controller-runs'];

  beforeAll(async () => {
    dynalite = await startDynamoDb('eu-west-1');
    endpoint = dynalite.endpoint;
  });
  afterAll(async () => {
    await controller?.stop();
    await dynalite?.stop();
    remote.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates its table, records and applies a push, and still has it after a restart', async () => {
    controller = await startController(args, env());
    expect((await fetch(`${controller.url}/readyz`)).status).toBe(200);
    remote.write('environments/dev.yaml', `${readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')}tags: { Team: checkout }\n`);
    remote.commit('dev: tag');
    const [id] = (await deliver(controller.url, 'push', remote.push(), { delivery: 'dynamo-1' })).body.runs;
    const run = await waitForRun(controller.url, id!, (r) => ['applied', 'failed'].includes(r.status));
    expect(run.status).toBe('applied');
    expect(run.log).toContain('Apply complete');
    expect(await controller.stop()).toBe(0);
    controller = await startController(args, env());
    expect((await api(controller.url, `/api/runs/${id}`)).body.status).toBe('applied');
    expect((await deliver(controller.url, 'push', remote.push(), { delivery: 'dynamo-1' })).body.reason).toBe('delivery already seen');
  });

  it('serves a status page that a browser signs into and reads', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(controller!.url);
      expect(page.url()).toMatch(/\/login$/);
      await page.getByLabel('API token').fill(API_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${controller!.url}/`);
      const environments = page.locator('table', { has: page.locator('caption', { hasText: /environments/i }) });
      const text = await environments.innerText();
      for (const name of ['dev', 'prod', 'staging']) expect(text).toContain(name);
      expect(text).toMatch(/applied/);
      mkdirSync('test/artifacts', { recursive: true });
      await page.screenshot({ path: 'test/artifacts/controller-status.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
