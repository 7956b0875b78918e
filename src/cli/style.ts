/** Colour on a terminal only: never when the stream is redirected, never with NO_COLOR set (https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream): (code: 'red' | 'yellow' | 'green' | 'bold', text: string) => string {
  const on = stream.isTTY === true && (process.env.NO_COLOR ?? '') === '';
  const codes = { red: 31, yellow: 33, green: 32, bold: 1 } as const;
  return (code, text) => (on ? `\u001b[${codes[code]}m${text}\u001b[0m` : text);
}

export const stdoutColour = colourFor(process.stdout);
export const stderrColour = colourFor(process.stderr);
