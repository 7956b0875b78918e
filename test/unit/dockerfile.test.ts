/**
 * The controller's image, checked without a Docker engine (there is none
 * here, and hadolint cannot be installed: no Debian package, and its npm
 * wrapper downloads a binary). The Dockerfile is parsed (instructions with
 * continuations, comments and heredocs) and checked: the final user is not
 * root, every version is pinned and equals the project's pins, downloads are
 * checked against hashes, the provider mirror matches the CLI config, the
 * health check hits /healthz, the command is exec form and runs `serve`,
 * only /data and /tmp are written. The build's lock-file check runs with
 * this machine's provider mirror and Terraform end-to-end, in
 * dockerfile-terraform.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { TERRAFORM_VERSION } from '../../src/cli/init-templates';
import { CONTROLLER_DATA_DIR, CONTROLLER_PORT } from '../../src/modules/controller/controller-service';
import { cliCommands } from '../support/cli-commands';
import { execForm, expand, globalArgs, of, parseDockerfile, stages, type Stage } from '../support/dockerfile-parser';
import { EXAMPLES_DIR } from '../support/helpers';
import { synthesizedFixture } from '../support/synth-cache';

/** `providerVersion: '5.100.0'` of a generated @cdktf provider package. */
/** The random provider of states written before databases used RDS managed master passwords (docs/upgrading.md). */
const LEGACY_RANDOM_PROVIDER_VERSION = '3.7.2';

function cdktfProviderVersion(packageName: string): string {
  const source = readFileSync(require.resolve(`${packageName}/lib/provider/index.js`), 'utf8');
  return /providerVersion: '([^']+)'/.exec(source)![1]!;
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
const instructions = parseDockerfile(dockerfile);
const all = stages(instructions);
const final = all[all.length - 1]!;
const args = globalArgs(instructions);
const envOf = (stage: Stage): Record<string, string> =>
  Object.fromEntries(of(stage, 'ENV').flatMap((i) => [...i.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!])));

describe('the Dockerfile parser', () => {
  it('joins continuations (skipping comment lines inside them), attaches heredocs and reads exec forms', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1.7',
        'FROM node:20 AS build',
        'RUN apt-get update \\',
        '# a comment inside the continuation',
        ' && apt-get install -y git',
        "COPY <<'EOF' /etc/x.rc",
        'a = 1',
        '# kept: part of the heredoc',
        'EOF',
        'CMD ["node", "-e", "1"]',
      ].join('\n'),
    );
    expect(parsed.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'COPY', 'CMD']);
    expect(parsed[1]!.args).toBe('apt-get update  && apt-get install -y git');
    expect(parsed[2]).toMatchObject({ args: "<<'EOF' /etc/x.rc", heredocs: ['a = 1\n# kept: part of the heredoc\n'], line: 6 });
    expect(execForm(parsed[3]!.args)).toEqual(['node', '-e', '1']);
    expect(execForm('node -e 1')).toBeUndefined();
    expect(() => parseDockerfile('COPY <<EOF /x\nnever closed\n')).toThrow('heredoc EOF is not closed');
  });
});

describe('the controller image', () => {
  it('is multi-stage on a pinned Node 22 slim image, its program made from the packed package with production dependencies only', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      expect(stage.image).toMatch(/^node:22\.\d+(\.\d+)?-[a-z]+-slim$/);
      expect(stage.image).not.toMatch(/:latest$|@latest/);
    }
    // One stage assembles /app from the tarball `npm pack` makes, with the script package-check.sh also runs.
    const program = all.find((s) =>
      of(s, 'RUN').some((r) => r.args.startsWith('sh /tmp/build/image-app.sh /tmp/build/fargate-platform.tgz ')),
    );
    expect(program).toBeDefined();
    expect(program).not.toBe(final);
    expect(of(program!, 'COPY').map((c) => c.args)).toEqual(['fargate-platform.tgz package-lock.json scripts/image-app.sh /tmp/build/']);
    const assemble = readFileSync('scripts/image-app.sh', 'utf8');
    expect(assemble).toMatch(/^npm ci --omit=dev\b/m);
    expect(assemble).toContain('tar -xzf "$tarball"');
    expect(of(final, 'COPY').some((c) => c.args === `--from=${program!.name} /app ./`)).toBe(true);
    expect(of(final, 'RUN').some((r) => /\bnpm (ci|install)\b/.test(r.args))).toBe(false);
    // Nothing is compiled in the image and no source reaches it: the package's dist/ is what runs.
    const everything = all
      .flatMap((s) => s.instructions)
      .map((i) => i.args)
      .join('\n');
    expect(everything).not.toMatch(/npm run build|\btsc\b|COPY src|\bsrc\b \.\/src/);
    // The tarball holds what the final stage runs: bin/platform.js and dist/, by package.json's files.
    const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;
    expect(files).toEqual(expect.arrayContaining(['dist/', 'bin/platform.js', '.terraform.lock.hcl']));
    // scripts/build-image.sh puts the tarball where the COPY expects it.
    expect(readFileSync('scripts/build-image.sh', 'utf8')).toContain('mv "$scratch/$packed" fargate-platform.tgz');
  });

  it('runs as a numeric non-root user, set after the last RUN', () => {
    const users = of(final, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0]!.args.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
    const lastRun = Math.max(...of(final, 'RUN').map((r) => r.line));
    expect(users[0]!.line).toBeGreaterThan(lastRun);
    // The data folder belongs to that user.
    expect(of(final, 'RUN').some((r) => r.args.includes(`chown ${uid}:${gid} /data`))).toBe(true);
  });

  it("pins Terraform and the providers to the project's versions, and checks every download against a hash", () => {
    expect(args.TERRAFORM_VERSION).toBe(TERRAFORM_VERSION);
    const lock = readFileSync('.terraform.lock.hcl', 'utf8');
    const lockedAws = /provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s*version\s*=\s*"([^"]+)"/.exec(lock)![1];
    expect(args.AWS_PROVIDER_VERSION).toBe(lockedAws);
    expect(args.AWS_PROVIDER_VERSION).toBe(cdktfProviderVersion('@cdktf/provider-aws'));
    // The random provider stays for states deployed before RDS managed master passwords: their random_password
    // must be planned away once, and Terraform needs the provider it was created with (@cdktf/provider-random 12.0.1's).
    expect(args.RANDOM_PROVIDER_VERSION).toBe(LEGACY_RANDOM_PROVIDER_VERSION);
    for (const name of ['TERRAFORM_SHA256', 'RANDOM_PROVIDER_SHA256']) expect(args[name]).toMatch(/^[0-9a-f]{64}$/);
    const runs = all.flatMap((s) => of(s, 'RUN')).map((r) => r.args);
    // Each file curl downloads is checked by sha256sum before it is unpacked.
    const downloads = runs.flatMap((r) =>
      [...r.matchAll(/curl -fsSLo (\S+) "(https:\/\/releases\.hashicorp\.com\/[^"]+)"/g)].map((m) => ({ run: r, file: m[1]!, url: m[2]! })),
    );
    expect(downloads.map((d) => d.file)).toEqual(['terraform.zip', 'random.zip', 'aws.zip', 'aws.sums']);
    for (const { run, file } of downloads.filter((d) => d.file.endsWith('.zip'))) {
      const check = run.search(new RegExp(`(${file}" \\| sha256sum -c -|/ ${file.replace('.', '\\.')}/" \\| sha256sum -c -)`));
      expect({ file, checked: check >= 0 && check < run.indexOf(`unzip -q ${file}`) }).toEqual({ file, checked: true });
    }
    expect(runs.join('\n')).toContain('echo "${TERRAFORM_SHA256}  terraform.zip" | sha256sum -c -');
    expect(runs.join('\n')).toContain('echo "${RANDOM_PROVIDER_SHA256}  random.zip" | sha256sum -c -');
    expect(downloads[0]!.url).toBe(
      'https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/terraform_${TERRAFORM_VERSION}_linux_amd64.zip',
    );
    // The AWS provider, whose published zip hash is not pinned here, must match the hash committed in the lock file.
    expect(runs.some((r) => r.includes('grep -A1 \'^provider "registry.terraform.io/hashicorp/aws"\' .terraform.lock.hcl'))).toBe(true);
    expect(runs.some((r) => r.includes('/build/bin/terraform init -backend=false'))).toBe(true);
    // No piping a download into a shell, no ADD of a URL.
    expect(runs.join('\n')).not.toMatch(/curl[^|]*\|\s*(ba)?sh\b/);
    expect(all.flatMap((s) => of(s, 'ADD'))).toEqual([]);
  });

  it('puts the providers in the mirror its Terraform CLI config names, at the path terraform expects', () => {
    const terraformStage = all.find((s) => of(s, 'COPY').some((c) => c.heredocs.length > 0))!;
    const rcCopy = of(terraformStage, 'COPY').find((c) => c.heredocs.length > 0)!;
    const rc = rcCopy.heredocs[0]!;
    const rcPath = rcCopy.args.split(/\s+/).pop()!;
    const mirror = /filesystem_mirror \{\s*path\s*=\s*"([^"]+)"/.exec(rc)![1]!;
    expect(mirror).toBe('/usr/share/terraform/plugins');
    // No `direct` block: init never reaches for a registry.
    expect(rc).not.toMatch(/^\s*direct\b/m);
    const env = envOf(final);
    expect(of(final, 'COPY').map((c) => c.args)).toEqual(
      expect.arrayContaining([
        `--from=${terraformStage.name} ${rcPath} ${env.TF_CLI_CONFIG_FILE}`,
        `--from=${terraformStage.name} ${mirror} ${mirror}`,
        `--from=${terraformStage.name} /build/bin/terraform /usr/local/bin/terraform`,
      ]),
    );
    expect(env.TF_PROVIDER_MIRROR).toBe(mirror);
    // The unzip targets, with the shell variable and the ARGs expanded.
    const unpack = of(terraformStage, 'RUN').find((r) => r.args.includes('aws.zip'))!.args;
    const vars = { ...args, mirror: /\bmirror=(\S+)/.exec(unpack)![1]! };
    const expanded = expand(unpack, vars);
    expect(expanded).toContain(`unzip -q aws.zip -d "${mirror}/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"`);
    expect(expanded).toContain(
      `unzip -q random.zip -d "${mirror}/registry.terraform.io/hashicorp/random/${args.RANDOM_PROVIDER_VERSION}/linux_amd64"`,
    );
    // The config includes every provider the stacks require, the random provider older states need, and nothing else.
    const required = new Set<string>(['registry.terraform.io/hashicorp/random']);
    for (const stack of synthesizedFixture(EXAMPLES_DIR)) {
      for (const provider of Object.values(
        (JSON.parse(stack.json) as { terraform: { required_providers: Record<string, { source: string }> } }).terraform.required_providers,
      )) {
        // cdktf writes the AWS provider's source as `aws`, short for hashicorp/aws.
        required.add(`registry.terraform.io/${provider.source.includes('/') ? provider.source : `hashicorp/${provider.source}`}`);
      }
    }
    const included = JSON.parse(/include\s*=\s*(\[[^\]]*\])/.exec(rc)![1]!) as string[];
    expect(included.sort()).toEqual([...required].sort());
  });

  // Its lock check with real Terraform runs end-to-end: dockerfile-terraform.test.ts.

  it('checks its health on /healthz, listens on the exposed port, and runs serve in exec form under tini', () => {
    const [healthcheck] = of(final, 'HEALTHCHECK');
    const command = execForm(healthcheck!.args.replace(/^(--\S+\s+)*CMD\s+/, ''))!;
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain(`http://127.0.0.1:${CONTROLLER_PORT}/healthz`);
    expect(of(final, 'EXPOSE').map((e) => e.args)).toEqual([String(CONTROLLER_PORT)]);
    // The entrypoint is the platform command (so a task's command, like the controller stack's, starts with serve).
    expect(execForm(of(final, 'ENTRYPOINT')[0]!.args)).toEqual(['/usr/bin/tini', '--', 'node', '/app/bin/platform.js']);
    const cmd = execForm(of(final, 'CMD')[0]!.args)!;
    expect(cmd[0]).toBe('serve');
    const flag = (name: string) => cmd[cmd.indexOf(name) + 1];
    expect(flag('--port')).toBe(String(CONTROLLER_PORT));
    expect(flag('--host')).toBe('0.0.0.0');
    expect(flag('--data-dir')).toBe(CONTROLLER_DATA_DIR);
    // Every flag it passes exists on the real serve command.
    const serve = cliCommands().get('serve')!;
    for (const option of cmd.filter((a) => a.startsWith('--'))) expect(serve.options).toContain(option);
    // /app/bin/platform.js comes from the package (its files name bin/platform.js, checked above).
    expect(of(final, 'WORKDIR').map((w) => w.args)).toContain('/app');
    expect(existsSync('bin/platform.js')).toBe(true);
  });

  it("writes only to volumes (/data, the controller's data folder, and /tmp): a read-only root filesystem works", () => {
    const volumes = execForm(of(final, 'VOLUME')[0]!.args)!;
    // The folders the controller's task mounts writable volumes on (src/modules/controller/controller-service.ts).
    expect(volumes.sort()).toEqual([CONTROLLER_DATA_DIR, '/tmp']);
    const env = envOf(final);
    // Terraform's CLI config is used as it is (nothing generated beside it), no checkpoint file, a writable HOME.
    expect(env).toMatchObject({ TF_CLI_CONFIG_FILE: '/etc/terraform.rc', CHECKPOINT_DISABLE: '1', HOME: '/tmp', TINI_SUBREAPER: '1' });
    // The VOLUME comes after every instruction that changes the image's files (changes below a VOLUME would be lost).
    const volumeLine = of(final, 'VOLUME')[0]!.line;
    expect(final.instructions.filter((i) => ['RUN', 'COPY', 'ADD'].includes(i.keyword) && i.line > volumeLine)).toEqual([]);
  });

  it('builds from a context of only the packed package, the lock file and the script that installs it (.dockerignore)', () => {
    const ignore = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const sources = all
      .flatMap((s) => of(s, 'COPY'))
      .filter((c) => !c.args.startsWith('--from') && c.heredocs.length === 0)
      .flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    expect(sources.sort()).toEqual(['fargate-platform.tgz', 'package-lock.json', 'scripts/image-app.sh']);
    expect(included.sort()).toEqual(sources);
    // The tarball is made by scripts/build-image.sh (npm pack); the others are in the repository.
    for (const file of sources.filter((f) => f !== 'fargate-platform.tgz')) expect(existsSync(file)).toBe(true);
  });
});
