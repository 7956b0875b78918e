/**
 * A parsed YAML file that remembers where every key and value is. The file
 * becomes plain data here, by our own walk of the YAML nodes rather than the
 * library's `toJS`, so that every structural problem is a positioned problem
 * (never an exception): undefined aliases, merges of non-maps, alias bombs,
 * keys that are not plain text, non-UTF-8 bytes, several documents. Maps are
 * built without a prototype, so keys such as `__proto__` or `constructor`
 * are ordinary keys.
 */
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, visit, type Alias, type Document, type Node } from 'yaml';
import { excerpt, type Problem } from './problems';

export type KeyPath = readonly (string | number)[];

/** The most values a file may expand to through aliases: real environments have a few hundred; an alias bomb billions. */
export const MAX_VALUES = 100_000;

/** A number or boolean whose YAML text does not survive as text (`1.10` is read as 1.1, `0022` as 22, `True` as true). */
export interface LossyScalar {
  readonly path: KeyPath;
  /** The text as written in the file. */
  readonly text: string;
  readonly value: number | boolean;
}

export class YamlSource {
  /** The file as it is shown in messages: the path as given (config folder joined with the file name). */
  readonly file: string;
  /** The file's content as plain data ({} for an empty file); maps have no prototype. */
  readonly data: unknown;
  /** YAML and encoding problems; `data` is not to be used when there are any. */
  readonly problems: Problem[] = [];
  /** Numbers and booleans whose text YAML does not keep, by the path they land at. */
  readonly lossyScalars: LossyScalar[] = [];
  private readonly doc: Document | undefined;
  /** Offsets where lines start (our own count: the parser's LineCounter misses newlines inside tokens it cannot parse). */
  private lineStarts: number[] = [0];

  constructor(path: string, content: string | Buffer | undefined = readable(path)) {
    this.file = path;
    if (content === undefined) {
      this.problems.push({
        file: path,
        line: 1,
        column: 1,
        keyPath: '',
        message: 'cannot read this file (a folder, or no permission to read it); make it a readable YAML file',
      });
      return;
    }
    const text = typeof content === 'string' ? content : this.decode(content);
    if (text === undefined) return;
    this.lineStarts = lineStarts(text);
    const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, merge: false });
    const list = Array.isArray(docs) ? docs : [];
    this.doc = list[0];
    if (list.length > 1) {
      this.problemAt(
        list[1]!.range[0],
        'an environment file is one YAML document; remove this second document (from the --- line on) or move it to a file of its own (anchors and aliases do not cross documents or files)',
      );
    }
    // The first syntax error only: the parser's later ones mostly follow from it.
    for (const error of [...(this.doc?.errors ?? []).slice(0, 1), ...(this.doc?.warnings ?? [])]) {
      const nested = /Maximum call stack/.test(error.message);
      this.problemAt(
        error.pos[0],
        nested ? 'the file nests values too deeply to read (hundreds of levels); flatten it' : `YAML: ${firstLine(error.message)}`,
      );
    }
    if (this.problems.length > 0 || !this.doc) {
      this.data = this.problems.length > 0 ? undefined : Object.create(null);
      return;
    }
    const data = new Converter(this.doc, (node, message) => this.problemAt(node?.range?.[0] ?? 0, message), this.lossyScalars).run();
    this.data = this.problems.length > 0 ? undefined : (data ?? Object.create(null));
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
    let node: unknown = this.doc?.contents;
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
        const at = this.linePos(position);
        return { line: at.line, column: at.col, exact: false };
      }
      const isLast = i === path.length - 1;
      const target = isLast && atKey && next.key ? next.key : (next.value as Node | null)?.range ? next.value : next.key;
      position = (target as Node | undefined)?.range?.[0] ?? position;
      node = next.value;
    }
    const at = this.linePos(position);
    return { line: at.line, column: at.col, exact: true };
  }

  /** 1-based line and column of an offset. */
  private linePos(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - this.lineStarts[low]! + 1 };
  }

  private problemAt(offset: number, message: string): void {
    const at = this.linePos(offset);
    this.problems.push({ file: this.file, line: at.line, column: at.col, keyPath: '', message });
  }

  /** The file as UTF-8 text, or undefined (with a problem at the first byte that is not UTF-8). */
  private decode(bytes: Buffer): string | undefined {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes);
      const before = bytes.subarray(0, bad);
      const lineStart = before.lastIndexOf(0x0a) + 1;
      const line = before.reduce((n, byte) => n + (byte === 0x0a ? 1 : 0), 1);
      const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad)).length + 1;
      const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
      this.problems.push({
        file: this.file,
        line,
        column,
        keyPath: '',
        message: `the file is not UTF-8 (byte 0x${hex} here; Latin-1 or UTF-16?); save it as UTF-8`,
      });
      return undefined;
    }
  }
}

/** Plain data from YAML nodes, with aliases and `<<` merges resolved within a budget. */
class Converter {
  private values = 0;
  private readonly anchors = new Map<Alias, Node | undefined>();
  private readonly inProgress = new Set<Node>();
  /** The aliases being expanded, outermost first: a bomb is reported at the alias that set it off. */
  private readonly aliasStack: Node[] = [];
  private exhausted = false;

  constructor(
    private readonly doc: Document,
    private readonly report: (node: Node | undefined, message: string) => void,
    private readonly lossy: LossyScalar[],
  ) {
    // Each alias refers to the last node with its anchor before it, in document order.
    const latest = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.anchors.set(node, latest.get(node.source));
        else if (node.anchor) latest.set(node.anchor, node);
      },
    });
  }

  run(): unknown {
    return this.value(this.doc.contents as Node | null, []);
  }

  private value(node: Node | null | undefined, path: KeyPath): unknown {
    if (this.exhausted) return null;
    if (++this.values > MAX_VALUES) {
      this.exhausted = true;
      this.report(
        this.aliasStack[0] ?? node ?? undefined,
        `the file expands to more than ${MAX_VALUES} values through aliases (an alias bomb?); write the values out or use fewer aliases`,
      );
      return null;
    }
    if (node === null || node === undefined) return null;
    if (node.tag !== undefined && !PLAIN_TAGS.has(node.tag)) {
      this.report(node, `a ${shortTag(node.tag)} value is not supported here; write plain text, a number, true/false, a list or a map`);
      return null;
    }
    if (isAlias(node)) {
      const target = this.anchors.get(node);
      if (!target) {
        this.report(
          node,
          `alias *${excerpt(node.source)} refers to no anchor &${excerpt(node.source)} above it in this file (anchors do not cross files); define the anchor first or write the value out`,
        );
        return null;
      }
      if (this.inProgress.has(target)) {
        this.report(node, `alias *${excerpt(node.source)} refers to a value that contains it; YAML values cannot contain themselves`);
        return null;
      }
      this.inProgress.add(target);
      this.aliasStack.push(node);
      try {
        return this.value(target, path);
      } finally {
        this.inProgress.delete(target);
        this.aliasStack.pop();
      }
    }
    if (isScalar(node)) return this.scalar(node, path);
    if (isSeq(node)) return node.items.map((item, i) => this.value(item as Node, [...path, i]));
    if (isMap(node)) return this.map(node, path);
    this.report(node, 'not a value this format has (use maps, lists, text, numbers and true/false)');
    return null;
  }

  private scalar(node: Node & { value: unknown; source?: string; type?: string }, path: KeyPath): unknown {
    const value = node.value;
    if (value === null || typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') {
      const text = node.source;
      if (text !== undefined && text !== String(value)) this.lossy.push({ path, text, value });
      return value;
    }
    this.report(node, `a ${shortTag(node.tag ?? 'tagged')} value is not supported here; write plain text, a number or true/false`);
    return null;
  }

  private map(node: Node & { items: { key: unknown; value: unknown }[] }, path: KeyPath): Record<string, unknown> {
    const result: Record<string, unknown> = Object.create(null);
    const keyNodes = new Map<string, Node>();
    const merges: Node[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
        merges.push(pair.value as Node);
        continue;
      }
      const key = this.key(keyNode, node);
      if (key === undefined) continue;
      if (keyNodes.has(key)) {
        this.report(keyNode ?? node, `key "${excerpt(key)}" is given twice in this map; keep one`);
        continue;
      }
      keyNodes.set(key, keyNode as Node);
      result[key] = this.value(pair.value as Node | null, [...path, key]);
    }
    // `<<` merges: keys written in the map win, then the merged maps in order.
    for (const merge of merges) {
      for (const source of this.mergeSources(merge)) {
        const merged = this.value(source, path);
        if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) continue;
        for (const [key, value] of Object.entries(merged)) if (!Object.hasOwn(result, key)) result[key] = value;
      }
    }
    return result;
  }

  /** The maps a `<<` merges: a map, an alias of one, or a list of those; anything else is a problem. */
  private mergeSources(merge: Node | null): Node[] {
    const resolved = (node: Node | null | undefined): Node | null | undefined => (isAlias(node) ? this.anchors.get(node) : node);
    const items = isSeq(merge) ? (merge.items as Node[]) : [merge];
    const sources: Node[] = [];
    for (const item of items) {
      const target = resolved(item);
      if (isAlias(item) && !target) {
        this.value(item, []);
      } else if (isMap(target) && item) {
        sources.push(item);
      } else {
        this.report(
          item ?? merge ?? undefined,
          '<< merges maps only: a map, an alias of a map (<<: *name) or a list of those; write the keys out instead',
        );
      }
    }
    return sources;
  }

  private key(node: Node | null, map: Node): string | undefined {
    if (isScalar(node) && (node.value === null || ['string', 'number', 'boolean'].includes(typeof node.value))) {
      return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
    }
    this.report(node ?? map, 'keys are plain names; a list, map or alias cannot be a key');
    return undefined;
  }
}

/** The bytes of a file, or undefined when it cannot be read (a folder named like a file, no permission). */
function readable(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The tags a plain YAML value may carry (written `!!str 123`, or resolved from plain text). */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
  return key === null || key === undefined ? undefined : String(key);
}

function firstLine(message: string): string {
  return excerpt(message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), 200);
}

/** The offset of the first byte that does not start (or continue) a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const more =
      lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (more < 0) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if (
      (lead === 0xe0 && second < 0xa0) ||
      (lead === 0xed && second > 0x9f) ||
      (lead === 0xf0 && second < 0x90) ||
      (lead === 0xf4 && second > 0x8f)
    )
      return i;
    for (let k = 1; k <= more; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return Math.max(0, bytes.length - 1);
}
