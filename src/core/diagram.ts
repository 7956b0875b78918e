/** Architecture diagrams for front ends: synthesize, then draw an environment's stack as Mermaid, DOT or SVG. */
import { diagramOf, type Diagram } from '../diagram/model';
import { toDot, toSvg } from '../diagram/dot';
import { toMermaid } from '../diagram/mermaid';
import { selectEnvironments } from './environments';
import { DIAGRAM_FORMATS } from './names';
import { synthesize } from './synthesize';

export { type Diagram, type DiagramEdge, type DiagramNode } from '../diagram/model';

export { DIAGRAM_FORMATS };
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** The diagrams of the environments of `configDir` (only `environment` when given). */
export function diagramEnvironments(configDir: string, environment?: string): Diagram[] {
  const configs = selectEnvironments(configDir, environment);
  const stacks = synthesize(configs);
  return configs.map((c) => diagramOf(stacks.find((s) => s.environment === c.environment)!.json, c.environment));
}

/** One diagram in `format`. */
export async function renderDiagram(diagram: Diagram, format: DiagramFormat): Promise<string> {
  if (format === 'mermaid') return toMermaid(diagram);
  if (format === 'dot') return toDot(diagram);
  return toSvg(diagram);
}
