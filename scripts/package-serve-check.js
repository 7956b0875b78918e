/**
 * The controller from the installed package (scripts/package-check.sh runs
 * it in the scratch project, after `npm install`): the project becomes a git
 * repository, `npx platform serve --offline` watches it, a commit changes
 * dev, and a push webhook signed with the secret starts a run that must plan
 * (offline: dev would apply, so it ends approved, never applied). Plain
 * Node, no dependencies: only what a team's machine has.
 * PLATFORM_BIN names another platform.js to serve with (the controller
 * image's program, scripts/image-app.sh); the default is the project's own.
 */
const { spawn, execFileSync } = require('node:child_process');
const { createHmac, randomUUID } = require('node:crypto');
const { appendFileSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const WEBHOOK_SECRET = randomUUID();
const API_TOKEN = randomUUID();
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=check', '-c', 'user.email=check@example.com', ...args], { encoding: 'utf8' }).trim();

async function main() {
  git('init', '-q', '-b', 'main');
  git('add', 'environments', 'package.json');
  git('commit', '-q', '-m', 'environments');
  const before = git('rev-parse', 'HEAD');
  const dataDir = mkdtempSync(join(tmpdir(), 'package-serve-'));
  const command = process.env.PLATFORM_BIN ? [process.execPath, process.env.PLATFORM_BIN] : [join('node_modules', '.bin', 'platform')];
  const serve = spawn(
    command[0],
    [...command.slice(1), 'serve', '--repo', process.cwd(), '--port', '0', '--data-dir', dataDir, '--offline'],
    {
      env: { ...process.env, WEBHOOK_SECRET, API_TOKEN, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  for (const stream of [serve.stdout, serve.stderr])
    stream.setEncoding('utf8').on('data', (text) => {
      output += text;
    });
  try {
    const url = await waitFor(
      () => /listening on (http:\/\/\S+)/.exec(output)?.[1],
      60,
      () => `serve did not listen:\n${output}`,
    );
    appendFileSync('environments/dev.yaml', 'tags: { Checked: package }\n');
    git('commit', '-q', '-am', 'tag dev');
    const after = git('rev-parse', 'HEAD');
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      before,
      after,
      created: false,
      deleted: false,
      forced: false,
      repository: { id: 1, name: 'acme-infra', full_name: 'acme/acme-infra', default_branch: 'main', owner: { login: 'acme' } },
      pusher: { name: 'check', email: 'check@example.com' },
      sender: { login: 'check' },
      commits: [
        {
          id: after,
          message: 'tag dev',
          timestamp: new Date().toISOString(),
          author: { name: 'check', email: 'check@example.com', username: 'check' },
          added: [],
          modified: ['environments/dev.yaml'],
          removed: [],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
    const delivered = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      },
    });
    const answer = await delivered.json();
    if (!delivered.ok || !Array.isArray(answer.runs) || answer.runs.length !== 1)
      throw new Error(`the signed push was answered ${delivered.status} ${JSON.stringify(answer)}`);
    const run = await waitFor(
      async () => {
        const response = await fetch(`${url}/api/runs/${answer.runs[0]}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
        const current = await response.json();
        return ['queued', 'running'].includes(current.status) ? undefined : current;
      },
      180,
      () => `the run did not finish planning:\n${output}`,
    );
    if (!['planned', 'approved'].includes(run.status) || run.environment !== 'dev')
      throw new Error(`the run ended ${run.status} (${JSON.stringify(run).slice(0, 400)}):\n${output}`);
    console.log(
      `serve from ${process.env.PLATFORM_BIN ? "the image's program" : 'the package'}: a signed push of ${after.slice(0, 7)} planned dev (run ${run.id}: ${run.status}, offline)`,
    );
  } finally {
    serve.kill('SIGTERM');
    await new Promise((resolve) => serve.on('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls `probe` every 0.5 s until it gives a value, for at most `seconds`. */
async function waitFor(probe, seconds, message) {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(message());
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
