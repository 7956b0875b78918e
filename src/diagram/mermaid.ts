/** A diagram as a Mermaid flowchart (GitHub renders it in markdown). */
import type { Diagram, DiagramNode } from './model';

const SHAPES: Record<DiagramNode['kind'], [string, string]> = {
  internet: ['((', '))'],
  subnet: ['[', ']'],
  nat: ['[/', '/]'],
  loadBalancer: ['{{', '}}'],
  service: ['(', ')'],
  database: ['[(', ')]'],
  table: ['[(', ')]'],
  fileSystem: ['[(', ')]'],
  cache: ['[(', ')]'],
  bucket: ['[(', ')]'],
  firewall: ['{{', '}}'],
  topic: ['>', ']'],
  role: ['[', ']'],
  boundary: ['[[', ']]'],
  queue: ['[/', '\\]'],
  job: ['([', '])'],
};

/** Quotes a label for Mermaid: `"` and the characters Mermaid reads as markup become entities. */
function text(lines: readonly string[]): string {
  return `"${lines.map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;
}

export function toMermaid(diagram: Diagram): string {
  const out = ['flowchart LR'];
  const node = (n: DiagramNode, indent: string) => {
    const [open, close] = SHAPES[n.kind];
    out.push(`${indent}${n.id}${open}${text(n.label)}${close}`);
  };
  const drawGroup = (id: string | undefined, indent: string) => {
    for (const group of diagram.groups.filter((g) => g.parent === id)) {
      out.push(`${indent}subgraph ${group.id}[${text([group.label])}]`);
      drawGroup(group.id, `${indent}  `);
      for (const n of diagram.nodes.filter((x) => x.group === group.id)) node(n, `${indent}  `);
      out.push(`${indent}end`);
    }
  };
  drawGroup(undefined, '  ');
  for (const n of diagram.nodes.filter((x) => x.group === undefined)) node(n, '  ');
  for (const e of diagram.edges) out.push(`  ${e.from} -->|${text([e.label])}| ${e.to}`);
  return `${out.join('\n')}\n`;
}
