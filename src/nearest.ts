// Finds the known name closest to a misspelt one, so an error can say "did you mean …?".
// Levenshtein distance ignoring case; no suggestion when nothing is close enough to be a typo.

/**
 * The candidate with the smallest edit distance to `word` (ignoring case), or `undefined` when even that one
 * needs more than max(2, ⌊word.length / 3⌋) edits. Ties go to the earlier candidate.
 * @example
 * nearest('purpose', ['controller', 'policy', 'purposes']); // 'purposes'
 * nearest('colour', ['controller', 'policy']); // undefined
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * The fix for `word`, which is not one of `candidates`: "did you mean …?" with the nearest one in `quote`s, else
 * `otherwise` (what to do when nothing is close enough to be a typo).
 * @example
 * `is not a purpose in the config; ${didYouMean('analytic', ids, 'add it to purposes')}`;
 */
export function didYouMean(word: string, candidates: readonly string[], otherwise: string, quote = '"'): string {
  const near = nearest(word, candidates);
  return near ? `did you mean ${quote}${near}${quote}?` : otherwise;
}

/** Levenshtein distance, keeping one row of the table. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] == b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
