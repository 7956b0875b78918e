/**
 * The docs' generated sections: the configuration reference (from the
 * schema's descriptions) in docs/configuration.md, the example environments'
 * diagrams (Mermaid) and cost tables in docs/cost.md, the IAM diagram in
 * docs/iam.md, between `<!-- generated:NAME:start -->` and
 * `<!-- generated:NAME:end -->` markers. `npm run readme` (scripts/readme.ts)
 * writes them; test/unit/readme-generated.test.ts fails when they are stale.
 */
import { toMermaid } from '../diagram/mermaid';
import { iamDiagramOf } from '../diagram/iam';
import { diagramOf } from '../diagram/model';
import { formatCategoryMarkdown } from '../cost/format';
import { DEFAULT_ASSUMPTIONS } from '../cost/assumptions';
import { PRICES_AS_OF } from '../cost/prices';
import { referenceMarkdown } from '../config/reference';
import { estimateLoaded } from '../core/cost';
import { loadEnvironments } from '../core/environments';
import { synthesize, type SynthesizedStack } from '../core/synthesize';
import type { LoadedEnvironment } from '../core/environments';

/** The example environments every generated section is drawn from: loaded, and synthesized once. */
export interface Examples {
  readonly loaded: readonly LoadedEnvironment[];
  /** Every stack of `loaded` (bootstrap and controller stacks included). */
  readonly stacks: readonly SynthesizedStack[];
}

export function examplesOf(configDir: string): Examples {
  const loaded = loadEnvironments(configDir);
  return { loaded, stacks: synthesize(loaded.map((e) => e.config)) };
}

/** Section name -> its generated markdown. */
export function readmeSections({ loaded, stacks }: Examples): Record<string, string> {
  const diagrams = loaded.map(({ config }) => {
    const json = stacks.find((s) => s.environment === config.environment)!.json;
    return `### ${config.environment}\n\n\`\`\`mermaid\n${toMermaid(diagramOf(json, config.environment))}\`\`\``;
  });
  const assumptions = Object.entries(DEFAULT_ASSUMPTIONS)
    .map(([key, value]) => `\`${key}: ${value}\``)
    .join(', ');
  const costs = `${formatCategoryMarkdown(estimateLoaded(loaded, {}, stacks))}\n\nList prices as of ${PRICES_AS_OF}, 730 hours a month, the default assumptions (${assumptions}); \`npx platform cost --env NAME\` lists every line.`;
  return { reference: referenceMarkdown(), diagrams: diagrams.join('\n\n'), costs };
}

/** docs/iam.md's generated section: the IAM model of the examples, drawn from their synthesized JSON. */
export function iamDocSections({ stacks }: Examples): Record<string, string> {
  return { 'iam-diagram': `\`\`\`mermaid\n${toMermaid(iamDiagramOf(stacks))}\`\`\`` };
}

/** Each page with generated sections -> its sections. */
export function generatedDocs(examples: Examples): Record<string, Record<string, string>> {
  const { reference, diagrams, costs } = readmeSections(examples);
  return {
    'docs/configuration.md': { reference: reference! },
    'docs/cost.md': { diagrams: diagrams!, costs: costs! },
    'docs/iam.md': iamDocSections(examples),
  };
}

/** `text` with each section between its markers replaced; an error names a missing marker. */
export function replaceSections(text: string, sections: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const start = `<!-- generated:${name}:start -->`;
    const end = `<!-- generated:${name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`no ${start} ... ${end} markers`);
    out = `${out.slice(0, from + start.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}
