/**
 * The shell the Teleport task runs, run by sh with a stand-in tctl (test/unit/teleport.test.ts
 * checks the generated configuration): the connector is retried until tctl succeeds, and the
 * GitHub credentials are appended as the connector's last keys.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyConnectorScript } from '../../src/modules/teleport/tctl-sidecar';
import { appendGithubCredentials, githubConnectorResource, resourcesYaml } from '../../src/modules/teleport/teleport-config';

describe('the generated teleport.yaml', () => {
  it('retries tctl until it succeeds, and gives up with a message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'teleport-'));
    try {
      const run = (exitCode: number) => {
        const tctl = join(dir, 'tctl');
        writeFileSync(tctl, `#!/bin/sh\necho "$@" >> ${dir}/calls\nexit ${exitCode}\n`, { mode: 0o755 });
        return spawnSync('sh', ['-c', applyConnectorScript(1).replace('/usr/local/bin/tctl', tctl)], { encoding: 'utf8' });
      };
      const ok = run(0);
      expect([ok.status, ok.stdout.trim()]).toEqual([0, 'GitHub connector created or updated']);
      expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe(
        '--config=/etc/teleport/teleport.yaml create -f /etc/teleport/github-connector.yaml\n',
      );
      const failed = run(1);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/could not be created after 1 tries/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gets the GitHub credentials appended in the task as the connector's last keys", () => {
    const dir = mkdtempSync(join(tmpdir(), 'teleport-'));
    try {
      const file = join(dir, 'resources.yaml');
      const text = resourcesYaml([
        githubConnectorResource({ domain: 't.example.com', teams: [{ organization: 'o', team: 't', roles: ['r'] }] }),
      ]);
      const script = `printf '%s\\n' "$RESOURCES" > ${file}\n${appendGithubCredentials(file)}`;
      const run = (id: string, secret: string) =>
        spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { RESOURCES: text, GITHUB_CLIENT_ID: id, GITHUB_CLIENT_SECRET: secret } });
      expect(run('Iv1.0123abcd', '0123456789abcdef0123456789abcdef01234567').status).toBe(0);
      const documents = parseAllDocuments(readFileSync(file, 'utf8'));
      expect(documents.length).toBe(1);
      const connector = documents[0]!.toJSON();
      expect(connector.spec).toMatchObject({
        client_id: 'Iv1.0123abcd',
        client_secret: '0123456789abcdef0123456789abcdef01234567',
        teams_to_roles: [{ organization: 'o', team: 't', roles: ['r'] }],
      });
      const refused = run('id', "it's");
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/holds a quote or line break/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
