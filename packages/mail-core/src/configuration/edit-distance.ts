/**
 * How many single-character edits turn `a` into `b`: insertions, deletions, substitutions and swaps of
 * two neighbours (Damerau-Levenshtein, optimal string alignment), so `SMPT` is one edit from `SMTP`.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the table: two back (for swaps), the previous and the current.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
