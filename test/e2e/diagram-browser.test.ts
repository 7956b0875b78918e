/**
 * The SVG diagram in a real browser (end to end: `npm run test:e2e`):
 * `diagram --format svg` of the prod example, parsed by Chromium's XML
 * parser and rendered headless; every service's name must be visible on the
 * page. The screenshot is saved to test/artifacts/diagram-prod.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadEnvironments } from '../../src/core/index';
import { EXAMPLES_DIR, runCli } from '../support/helpers';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', 'artifacts', 'diagram-prod.png');

describe('the prod diagram as SVG in headless Chromium', () => {
  let browser: Browser;
  let svg: string;

  beforeAll(async () => {
    const cli = runCli(['diagram', '--config', EXAMPLES_DIR, '--env', 'prod', '--format', 'svg']);
    expect(cli.status).toBe(0);
    svg = cli.stdout;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('parses as XML and shows every service, database and table by name', async () => {
    const page = await browser.newPage({ viewport: { width: 1800, height: 1200 } });
    // Runs in the page: the browser's own XML parser (a string, so that Node's types need no DOM).
    const parsed = await page.evaluate(`(() => {
      const parsed = new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml');
      return { error: parsed.getElementsByTagName('parsererror').length, root: parsed.documentElement.nodeName };
    })()`);
    expect(parsed).toEqual({ error: 0, root: 'svg' });

    // The SVG without its XML prologue, inline in a page.
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg.slice(svg.indexOf('<svg'))}</body></html>`);
    const config = loadEnvironments(EXAMPLES_DIR).find((e) => e.config.environment === 'prod')!.config;
    const names = [
      ...Object.keys(config.services).map((s) => `service ${s}`),
      ...Object.keys(config.databases).map((d) => `database ${d}`),
      ...Object.keys(config.dynamodb).map((t) => `table ${t}`),
    ];
    expect(names).toHaveLength(5);
    for (const name of names) {
      const text = page.locator('svg text', { hasText: new RegExp(`^${name}$`) });
      expect(await text.count()).toBe(1);
      expect(await text.isVisible()).toBe(true);
      const box = await text.boundingBox();
      expect(box!.width).toBeGreaterThan(10);
    }
    const size = await page.locator('svg').first().boundingBox();
    expect(size!.width).toBeGreaterThan(400);
    mkdirSync(join(__dirname, '..', 'artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);
});
