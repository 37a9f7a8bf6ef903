import { UsageError } from '../errors.js';
import { inferDirection } from '../evaluate/index.js';
import { improvement, withinTerm, type BudgetTerm } from './budget.js';
import { paretoFront } from './pareto.js';

export type Objective = 'size' | 'latency';

/** A measured model: the original or a candidate. */
export interface MeasuredCandidate {
  name: string;
  status: 'original' | 'ok' | 'over-budget' | 'skipped' | 'invalid';
  size?: number | undefined;
  latencyP50?: number | undefined;
  metrics?: Record<string, number> | undefined;
}

/** What the budget said about one candidate. */
export interface BudgetVerdict {
  within: boolean;
  /** One line per term: `accuracy -0.40% (budget -0.5%)`. */
  lines: string[];
}

/** Checks a candidate's metrics against every term, relative to the original's. */
export function checkBudget(
  terms: readonly BudgetTerm[],
  original: Record<string, number>,
  candidate: Record<string, number>,
): BudgetVerdict {
  let within = true;
  const lines = terms.map((term) => {
    if (!(term.metric in original)) {
      throw new UsageError(`--budget names '${term.metric}', which was not measured`, {
        fix: `use one of the measured metrics: ${Object.keys(original).join(', ')}`,
      });
    }
    const ok = withinTerm(term, candidate[term.metric] ?? Number.NaN, original[term.metric]!);
    within &&= ok;
    const moved = improvement(term, candidate[term.metric] ?? Number.NaN, original[term.metric]!);
    const shown = term.kind === 'relative' ? `${signed(moved * 100, 2)}%` : signed(moved, 4);
    return `${term.metric} ${shown} (budget ${term.text.slice(term.metric.length + 1)})${ok ? '' : ' ✗'}`;
  });
  return { within, lines };
}

/** The metric the Pareto table trades against size and latency: the budget's first, else a usual one. */
export function qualityMetric(
  terms: readonly BudgetTerm[],
  metrics: Record<string, number> | undefined,
): string | undefined {
  if (!metrics) return undefined;
  if (terms[0]) return terms[0].metric;
  return ['accuracy', 'roc_auc', 'r2', 'mae'].find((m) => m in metrics);
}

/**
 * The Pareto-optimal rows (size, latency and, with data, the quality metric) among the original
 * and the candidates that ran, and the choice: the candidate with the smallest objective value
 * among those inside the budget (the other axis breaking ties) — unless the original is at least
 * as good, then the original (a candidate must earn its place). Undefined without an original or
 * candidate to choose.
 */
export function rankCandidates(
  rows: readonly MeasuredCandidate[],
  objective: Objective,
  metric: string | undefined,
): { pareto: Set<number>; chosen: number | undefined } {
  const measured = rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.status === 'original' || row.status === 'ok' || row.status === 'over-budget');
  const sign = metric && inferDirection(metric) === 'lower' ? -1 : 1;
  const front = paretoFront(
    measured.map(({ row }) => ({
      size: row.size ?? Number.NaN,
      latency: row.latencyP50 ?? Number.NaN,
      quality: metric ? sign * (row.metrics?.[metric] ?? Number.NaN) : undefined,
    })),
  );
  const pareto = new Set([...front].map((i) => measured[i]!.index));
  const key = (row: MeasuredCandidate) =>
    objective === 'size'
      ? [row.size ?? Infinity, row.latencyP50 ?? Infinity]
      : [row.latencyP50 ?? Infinity, row.size ?? Infinity];
  const better = (a: MeasuredCandidate, b: MeasuredCandidate) => {
    const [a0, a1] = key(a);
    const [b0, b1] = key(b);
    return a0! < b0! || (a0 === b0 && a1! < b1!);
  };
  let chosen: number | undefined;
  // The original first: a candidate replaces it only by being strictly better.
  const order = [...measured].sort(
    (x, y) => Number(y.row.status === 'original') - Number(x.row.status === 'original'),
  );
  for (const { row, index } of order) {
    if (row.status !== 'ok' && row.status !== 'original') continue;
    if (chosen === undefined || better(row, rows[chosen]!)) chosen = index;
  }
  return { pareto, chosen };
}

function signed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = value.toFixed(digits);
  return value > 0 ? `+${text}` : text === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : text;
}
