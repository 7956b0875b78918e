/**
 * The controller image's lock-file check (the terraform stage's `terraform
 * init` against the provider lock) run with this machine's provider mirror
 * and real Terraform. End-to-end (jest.config.js); the rest of the image is
 * checked in dockerfile.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProviderMirror } from '../../src/terraform/cli-config';
import { globalArgs, of, parseDockerfile, stages } from '../support/dockerfile-parser';

const instructions = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
const all = stages(instructions);
const args = globalArgs(instructions);

describe('the controller image', () => {
  const mirror = findProviderMirror();
  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  // Needs Terraform and the AWS provider on this machine (both are here; the check says which is missing elsewhere).
  (terraform.status === 0 && mirror ? it : it.skip)(
    "its lock check accepts the AWS provider of this machine's mirror and refuses another hash (real Terraform)",
    () => {
      const terraformStage = all.find((s) => of(s, 'COPY').some((c) => c.heredocs.length > 0))!;
      const rc = of(terraformStage, 'COPY').find((c) => c.heredocs.length > 0)!.heredocs[0]!;
      const check = of(terraformStage, 'RUN').find((r) => r.args.includes('/build/bin/terraform init'))!.args;
      const scratch = mkdtempSync(join(tmpdir(), 'platform-dockerfile-'));
      try {
        writeFileSync(join(scratch, 'terraform.rc'), rc.replace('/usr/share/terraform/plugins', mirror!));
        const run = (lockFile: string) => {
          const dir = join(scratch, `check-${Math.random().toString(36).slice(2)}`);
          mkdirSync(dir);
          writeFileSync(join(dir, '.terraform.lock.hcl'), lockFile);
          // The build's own command, with this machine's paths.
          const script = check
            .replace('cd /build/check', `cd ${dir}`)
            .replace('TF_CLI_CONFIG_FILE=/build/terraform.rc', `TF_CLI_CONFIG_FILE=${join(scratch, 'terraform.rc')}`)
            .replace('/build/bin/terraform', 'terraform')
            .replace(' && rm -rf /build/check', '');
          return spawnSync('bash', ['-c', script], {
            encoding: 'utf8',
            env: { ...process.env, AWS_PROVIDER_VERSION: args.AWS_PROVIDER_VERSION },
          });
        };
        const lock = readFileSync('.terraform.lock.hcl', 'utf8');
        const accepted = run(lock);
        expect(accepted.stdout + accepted.stderr).toContain('Terraform has been successfully initialized');
        // Another provider pinned in the lock file (random, once locked) does not get in the way.
        const withRandom = `${lock}\nprovider "registry.terraform.io/hashicorp/random" {\n  version     = "3.7.2"\n  constraints = "~> 3.1"\n  hashes = [\n    "zh:7b8434212eef0f8c83f5a90c6d76feaf850f6502b61b53c329e85b3b281cba34",\n  ]\n}\n`;
        expect(run(withRandom).status).toBe(0);
        const refused = run(lock.replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'));
        expect(refused.status).not.toBe(0);
        expect(refused.stderr.replace(/\s+/g, ' ')).toContain(
          "doesn't match any of the checksums previously recorded in the dependency lock file",
        );
        // A lock file that does not pin this version fails before terraform could record a new hash.
        const unpinned = run(lock.replace(/version\s+=\s+"5\.100\.0"/, 'version     = "5.99.0"'));
        expect(unpinned.status).not.toBe(0);
        expect(unpinned.stdout + unpinned.stderr).not.toContain('Terraform has been successfully initialized');
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  );
});
