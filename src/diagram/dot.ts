/** A diagram in Graphviz DOT, and as SVG through Graphviz compiled to WebAssembly (no system install). */
import type { Diagram, DiagramNode } from './model';

const SHAPES: Record<DiagramNode['kind'], string> = {
  internet: 'ellipse',
  subnet: 'box',
  nat: 'trapezium',
  loadBalancer: 'hexagon',
  service: 'box',
  database: 'cylinder',
  table: 'cylinder',
  fileSystem: 'cylinder',
  cache: 'cylinder',
  bucket: 'folder',
  firewall: 'hexagon',
  topic: 'note',
  role: 'box',
  boundary: 'octagon',
  queue: 'box3d',
  job: 'component',
};
const COLOURS: Record<DiagramNode['kind'], string> = {
  internet: '#ffffff',
  subnet: '#f4f4f4',
  nat: '#fde2c4',
  loadBalancer: '#d6e4ff',
  service: '#d9f2d9',
  database: '#e8dcf5',
  table: '#e8dcf5',
  fileSystem: '#e8dcf5',
  cache: '#fde2cf',
  bucket: '#e8dcf5',
  firewall: '#ffe0e0',
  topic: '#fff3c4',
  role: '#e0f0ff',
  boundary: '#ffe0e0',
  queue: '#fde2e4',
  job: '#d9f2d9',
};

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function toDot(diagram: Diagram): string {
  const out = [
    `digraph ${quote(diagram.title)} {`,
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, compound=true];',
    '  node [fontname="Helvetica", fontsize=11, style="filled,rounded"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const node = (n: DiagramNode, indent: string) =>
    out.push(`${indent}${n.id} [label=${quote(n.label.join('\n'))}, shape=${SHAPES[n.kind]}, fillcolor=${quote(COLOURS[n.kind])}];`);
  const drawGroup = (id: string | undefined, indent: string) => {
    for (const group of diagram.groups.filter((g) => g.parent === id)) {
      out.push(`${indent}subgraph cluster_${group.id} {`, `${indent}  label=${quote(group.label)};`, `${indent}  style=rounded;`);
      drawGroup(group.id, `${indent}  `);
      for (const n of diagram.nodes.filter((x) => x.group === group.id)) node(n, `${indent}  `);
      out.push(`${indent}}`);
    }
  };
  drawGroup(undefined, '  ');
  for (const n of diagram.nodes.filter((x) => x.group === undefined)) node(n, '  ');
  for (const e of diagram.edges) out.push(`  ${e.from} -> ${e.to} [label=${quote(e.label)}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** The DOT text rendered to SVG by @hpcc-js/wasm-graphviz (an ES module, loaded on first use). */
export async function toSvg(diagram: Diagram): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  return graphviz.dot(toDot(diagram), 'svg');
}
