/** "Did you mean" suggestions for misspelt keys and values. */

/** The closest candidate to `word`, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // A long value is no typo of a short name (and comparing it would be slow).
  if (word.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/**
 * `did you mean "x"?`, or the list of valid choices when nothing is close,
 * introduced by `listLabel`.
 */
export function didYouMean(word: string, candidates: readonly string[], listLabel = 'valid keys here:'): string {
  const match = closest(word, candidates);
  if (match) return `did you mean "${match}"?`;
  return `${listLabel} ${candidates.join(', ')}`;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
