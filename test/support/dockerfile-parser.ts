/** A small Dockerfile reader for the image tests (dockerfile.test.ts, dockerfile-terraform.test.ts): instructions, stages, global ARGs, exec forms. */
export interface Instruction {
  /** Upper case: FROM, RUN, ... */
  readonly keyword: string;
  /** The arguments, continuation lines joined with a space. */
  readonly args: string;
  /** Heredoc bodies (`COPY <<EOF /file`), in order. */
  readonly heredocs: readonly string[];
  /** 1-based line of the instruction. */
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

/**
 * Instructions of a Dockerfile: comment and blank lines dropped (also
 * inside a continuation, as Docker does), lines ending in `\` joined with
 * the next, heredoc bodies (`<<EOF`, `<<'EOF'`, `<<-EOF`) attached.
 */
export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split('\n');
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    if (first.trim() === '' || first.trimStart().startsWith('#')) continue;
    const start = i + 1;
    let logical = first;
    while (logical.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      logical = logical.trimEnd().slice(0, -1);
      i++;
      while (i < lines.length && (lines[i]!.trimStart().startsWith('#') || lines[i]!.trim() === '')) i++;
      logical += ` ${(lines[i] ?? '').trim()}`;
    }
    const heredocs: string[] = [];
    for (const match of logical.matchAll(/<<(-?)(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && (match[1] ? lines[i]!.trim() : lines[i]!) !== match[3]) body.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`line ${start}: heredoc ${match[3]} is not closed`);
      heredocs.push(`${body.join('\n')}\n`);
    }
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(logical)!;
    instructions.push({ keyword: keyword!.toUpperCase(), args: args!.trim(), heredocs, line: start });
  }
  return instructions;
}

/** Global ARG defaults (before the first FROM). */
export function globalArgs(instructions: readonly Instruction[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') break;
    if (instruction.keyword !== 'ARG') continue;
    const [name, value] = instruction.args.split('=');
    if (value !== undefined) args[name!] = value;
  }
  return args;
}

export function expand(text: string, vars: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare!] ?? whole,
  );
}

export function stages(instructions: readonly Instruction[]): Stage[] {
  const args = globalArgs(instructions);
  const result: { image: string; name?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      result.push({ image: expand(words[0]!, args), name: words[1]?.toUpperCase() === 'AS' ? words[2] : undefined, instructions: [] });
    } else if (result.length > 0) result[result.length - 1]!.instructions.push(instruction);
  }
  return result;
}

/** An exec-form argument list (`["a", "b"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
}

export const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
