/**
 * Every relative link in README.md and docs/*.md leads to a file of the
 * repository, and every #anchor to a heading of its page (GitHub's slugs);
 * the README links every page of docs/ and tests with the command .ci/run
 * runs; no text cites a contract that is not in the repository.
 * In-process: files are read, nothing is fetched.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();
const PAGES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** The lines of `text` outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  let fence: string | undefined;
  const lines: { line: number; text: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: i + 1, text: line });
  });
  return lines;
}

/** A heading's anchor as GitHub makes it: the rendered text, lower case, without punctuation, spaces as hyphens. */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link (or image) renders as its text
    .replace(/`([^`]*)`/g, '$1') // code renders as its text
    .replace(/\*+/g, '') // emphasis markers
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a page: its headings' slugs, a repeated slug numbered as GitHub numbers it (-1, -2, ...). */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The link targets of a page (inline links and reference definitions), outside code. */
export function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text: prose } of proseLines(text)) {
    const withoutCode = prose.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: match[1]! });
    const definition = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(withoutCode);
    if (definition) links.push({ line, target: definition[1]! });
  }
  return links;
}

/**
 * The broken links of `page` (a path under `root`), one line each:
 * `PAGE:LINE: TARGET: why`. External URLs are not checked (no network).
 */
export function brokenLinks(root: string, page: string, read: (file: string) => string | undefined): string[] {
  const text = read(page);
  if (text === undefined) return [`${page}: no such page`];
  const problems: string[] = [];
  for (const { line, target } of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? resolve(root, page) : resolve(root, dirname(page), decodeURIComponent(path));
    const inRepository = relative(root, file);
    const where = `${page}:${line}: ${target}`;
    if (inRepository.startsWith('..')) {
      problems.push(`${where}: leads outside the repository`);
      continue;
    }
    const targetText = read(inRepository);
    if (targetText === undefined) {
      if (!existsSync(file)) problems.push(`${where}: no such file`);
      else if (anchor !== undefined) problems.push(`${where}: an anchor into something that is not a page`);
      continue;
    }
    if (anchor !== undefined && inRepository.endsWith('.md') && !anchorsOf(targetText).has(decodeURIComponent(anchor))) {
      problems.push(`${where}: no heading with the anchor #${anchor} in ${inRepository}`);
    }
  }
  return problems;
}

const readPage = (file: string): string | undefined => {
  const path = join(ROOT, file);
  return existsSync(path) && file.endsWith('.md') ? readFileSync(path, 'utf8') : undefined;
};

describe("the docs' links", () => {
  it.each(PAGES)('every relative link and anchor of %s resolves', (page) => {
    expect(brokenLinks(ROOT, page, readPage)).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(linksOf(readFileSync('README.md', 'utf8')).map((l) => l.target.split('#')[0]));
    expect(PAGES.filter((page) => page !== 'README.md' && !linked.has(page))).toEqual([]);
  });

  it("the README's quick start tests with the command .ci/run runs", () => {
    const quickStart = /^## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/m.exec(readFileSync('README.md', 'utf8'))?.[1] ?? '';
    const commands = quickStart
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    const test = commands.find((command) => /^npm (run )?test\b/.test(command));
    expect(test).toBe('npm run test:all');
    // .ci/run times each of its steps (`step COMMAND`).
    expect(
      readFileSync('.ci/run', 'utf8')
        .split('\n')
        .map((line) => line.replace(/^step /, '')),
    ).toContain(test);
  });

  it('makes anchors as GitHub does', () => {
    expect(slug('What a change replaces: `plan --base REF`')).toBe('what-a-change-replaces-plan---base-ref');
    expect(slug('`services.<name>`')).toBe('servicesname');
    expect(slug('Stand-ins, and what they cannot prove')).toBe('stand-ins-and-what-they-cannot-prove');
    expect(slug('The controller on AWS, GitHub OIDC and delivery')).toBe('the-controller-on-aws-github-oidc-and-delivery');
    expect([...anchorsOf('# A\n\n```sh\n# not a heading\n```\n\n## A\n### **Bold** [link](x.md)\n')]).toEqual(['a', 'a-1', 'bold-link']);
  });

  it('would report a missing file, a missing anchor and a link out of the repository, and pass the rest', () => {
    const pages: Record<string, string> = {
      'README.md': [
        '# Title',
        '',
        'See [a](docs/a.md), [its part](docs/a.md#part-two), [no file](docs/gone.md), [no part](docs/a.md#part-three),',
        '[up](../outside.md), [self](#title), [web](https://example.com/x#y) and `[code](docs/nowhere.md)`.',
        '```',
        '[fenced](docs/nowhere.md)',
        '```',
      ].join('\n'),
      'docs/a.md': '# A\n\n## Part two\n\nBack to [the README](../README.md#title).\n',
    };
    const read = (file: string) => pages[file];
    expect(brokenLinks('/repo', 'README.md', read)).toEqual([
      'README.md:3: docs/gone.md: no such file',
      'README.md:3: docs/a.md#part-three: no heading with the anchor #part-three in docs/a.md',
      'README.md:4: ../outside.md: leads outside the repository',
    ]);
    expect(brokenLinks('/repo', 'docs/a.md', read)).toEqual([]);
  });
});

describe('citations', () => {
  /** Every text file of the project that could cite a page: sources, scripts, tests, docs. */
  function projectFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory())
        return entry.name === 'node_modules' || entry.name === 'fixtures' || entry.name === '__snapshots__' ? [] : projectFiles(path);
      return /\.(ts|js|cjs|md|sh|ya?ml)$/.test(entry.name) ? [path] : [];
    });
  }

  it('cite the contracts in docs/, never a file outside the repository', () => {
    const files = [
      'README.md',
      'main.ts',
      'Dockerfile',
      '.ci/run',
      ...['src', 'scripts', 'docs', 'test', 'tests', 'bin'].flatMap(projectFiles),
    ];
    const outside = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/shared\/[\w-]+-contract\.md/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(outside).toEqual([]);
  });
});
