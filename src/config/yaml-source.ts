/** A parsed YAML file that remembers where every key and value is. */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from './problems';

export type KeyPath = readonly (string | number)[];

export class YamlSource {
  /** The file as it is shown in messages: the path as given (config folder joined with the file name). */
  readonly file: string;
  /** The file's content as plain data ({} for an empty file). */
  readonly data: unknown;
  /** YAML syntax problems; `data` is not to be used when there are any. */
  readonly problems: Problem[] = [];
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(path: string, text = readFileSync(path, 'utf8')) {
    this.file = path;
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, merge: true });
    for (const error of [...this.doc.errors, ...this.doc.warnings]) {
      const at = this.lines.linePos(error.pos[0]);
      this.problems.push({ file: this.file, line: at.line, column: at.col, keyPath: '', message: `YAML: ${firstLine(error.message)}` });
    }
    this.data = this.problems.length > 0 ? undefined : (this.doc.toJS({ maxAliasCount: 100 }) ?? {});
  }

  /** Whether the file itself sets this key path. */
  has(path: KeyPath): boolean {
    return this.locate(path).exact;
  }

  /**
   * The position of a key path: of its value (or, with `atKey`, of the key
   * itself); when the path is not in the file, of the deepest part that is.
   */
  locate(path: KeyPath, atKey = false): { line: number; column: number; exact: boolean } {
    let node: unknown = this.doc.contents;
    let position = node && (node as Node).range ? (node as Node).range![0] : 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      let next: { key?: Node; value: unknown } | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (pair) next = { key: pair.key as Node, value: pair.value };
      } else if (isSeq(node) && typeof segment === 'number') {
        if (segment < node.items.length) next = { value: node.items[segment] };
      }
      if (!next) {
        const at = this.lines.linePos(position);
        return { line: at.line, column: at.col, exact: false };
      }
      const isLast = i === path.length - 1;
      const target = isLast && atKey && next.key ? next.key : ((next.value as Node | null)?.range ? next.value : next.key);
      position = (target as Node | undefined)?.range?.[0] ?? position;
      node = next.value;
    }
    const at = this.lines.linePos(position);
    return { line: at.line, column: at.col, exact: true };
  }
}

function keyText(key: unknown): string | undefined {
  if (key && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return key === null || key === undefined ? undefined : String(key);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
