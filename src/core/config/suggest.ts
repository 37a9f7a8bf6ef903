/**
 * "Did you mean" for misspelled keys, enum values and references. Case, '-' and '_' are ignored
 * first because the commonest slip is writing label_column or labelColumn for label-column.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalize(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const normalized = normalize(candidate);
    if (normalized === wanted) return candidate;
    // Names are short; a long string is not a typo of one, and the distance is quadratic.
    if (wanted.length > MAX_NAME || normalized.length > MAX_NAME) continue;
    const distance = editDistance(wanted, normalized);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Beyond a third of the word, a "suggestion" is a guess that misleads more than it helps.
  const tolerance = Math.max(1, Math.floor(Math.max(wanted.length, 3) / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/**
 * Fix text naming the closest candidate, else `listIntro: a, b, c`, else (no candidates at all)
 * `whenEmpty`.
 */
export function suggestFix(
  input: string,
  candidates: readonly string[],
  listIntro: string,
  whenEmpty = 'remove it',
): string {
  const match = closestName(input, candidates);
  if (match !== undefined) return `did you mean '${match}'?`;
  if (candidates.length === 0) return whenEmpty;
  return `${listIntro}: ${candidates.join(', ')}`;
}

const MAX_NAME = 100;

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** Optimal string alignment distance: Levenshtein plus swaps of adjacent letters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
