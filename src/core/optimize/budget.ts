import { UsageError } from '../errors.js';
import { inferDirection, type Direction } from '../evaluate/index.js';

/** One allowance: how much a metric may change, in its better direction (negative: may get worse). */
export interface BudgetTerm {
  metric: string;
  kind: 'absolute' | 'relative';
  /** Signed amount; relative amounts are fractions (-0.5% → -0.005). */
  amount: number;
  direction: Direction;
  /** As the user wrote it, for tables. */
  text: string;
}

const TERM = /^([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*([+-]?)([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)(%?)$/i;

/**
 * Reads `--budget`: comma-separated `metric=±amount[%]`, the amount signed towards "better" —
 * `accuracy=-0.5%` lets accuracy drop by 0.5 % of the original's value, `log_loss=-0.01` lets the
 * loss rise by 0.01 (its better direction is lower), `f1=+1%` demands a 1 % gain. Empty: no budget.
 */
export function parseBudget(text: string | undefined): BudgetTerm[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const part = raw.trim();
    const match = TERM.exec(part);
    if (!match) {
      throw new UsageError(`--budget '${part}' is not metric=±amount`, {
        fix: 'write e.g. --budget "accuracy=-0.5%" (may lose 0.5 % of its value) or "mae=-0.01" (absolute)',
      });
    }
    const [, metric = '', sign, digits = '0', percent] = match;
    const magnitude = percent ? Number(`${digits}e-2`) : Number(digits);
    const amount = sign === '-' ? -magnitude : magnitude;
    return {
      metric,
      kind: percent ? 'relative' : 'absolute',
      amount,
      direction: inferDirection(metric),
      text: part,
    };
  });
}

/** How far a candidate's value moved towards better, in the term's unit (fraction for relative). */
export function improvement(term: BudgetTerm, candidate: number, original: number): number {
  const gain = term.direction === 'higher' ? candidate - original : original - candidate;
  if (term.kind === 'absolute') return gain;
  if (original === 0) return gain === 0 ? 0 : gain > 0 ? Infinity : -Infinity;
  return gain / Math.abs(original);
}

/** Whether a candidate stays inside one term of the budget (NaN metrics never do). */
export function withinTerm(term: BudgetTerm, candidate: number, original: number): boolean {
  if (!Number.isFinite(candidate) || !Number.isFinite(original)) return false;
  // A hair of tolerance so that "no worse than -0.5%" includes exactly -0.5% despite float rounding.
  return improvement(term, candidate, original) >= term.amount - 1e-12;
}
