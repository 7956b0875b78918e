/** `diagram`: each environment's architecture from its synthesized stack, as Mermaid, DOT or SVG. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { DiagramFormat } from '../core/index';
import { DIAGRAM_FORMATS } from '../core/names';
import { core } from './core';
import { EXIT } from './exit-codes';
import { exitOnUserError } from './report';

const EXTENSIONS: Record<DiagramFormat, string> = { mermaid: 'mmd', dot: 'dot', svg: 'svg' };

export function diagramCommand(program: Command): void {
  program
    .command('diagram')
    .description("draw each environment's architecture from its synthesized stack: Mermaid (renders on GitHub), DOT or SVG")
    .option('--config <dir>', 'the config folder', 'environments')
    .option('--env <name>', 'only this environment')
    .addOption(new Option('--format <format>', 'mermaid, dot or svg').choices([...DIAGRAM_FORMATS]).default('mermaid'))
    .option('--out <dir>', 'write <environment>.mmd|.dot|.svg into this folder instead of printing')
    .action(async (options: { config: string; env?: string; format: DiagramFormat; out?: string }) => {
      const { diagramEnvironments, renderDiagram } = core();
      const diagrams = exitOnUserError(() => diagramEnvironments(options.config, options.env));
      if (options.out !== undefined) {
        mkdirSync(options.out, { recursive: true });
        for (const diagram of diagrams) {
          const file = join(options.out, `${diagram.title}.${EXTENSIONS[options.format]}`);
          writeFileSync(file, await renderDiagram(diagram, options.format));
          console.log(`wrote ${file}`);
        }
        return;
      }
      if (diagrams.length > 1 && options.format === 'svg') {
        console.error(
          `diagram --format svg draws one environment on stdout: add --env (${diagrams.map((d) => d.title).join(', ')}) or --out DIR`,
        );
        process.exit(EXIT.usage);
      }
      if (diagrams.length === 1) {
        process.stdout.write(await renderDiagram(diagrams[0]!, options.format));
        return;
      }
      for (const diagram of diagrams) {
        const text = await renderDiagram(diagram, options.format);
        process.stdout.write(options.format === 'mermaid' ? `### ${diagram.title}\n\n\`\`\`mermaid\n${text}\`\`\`\n\n` : text);
      }
    });
}
