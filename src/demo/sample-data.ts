/**
 * The demo's embedded default: a synthetic churn data set, made here so the demo needs no
 * download. Seeded, so every run makes the same rows and therefore the same model hashes.
 */
export interface SampleData {
  featureNames: string[];
  rows: number[][];
  labels: number[];
}

/** Mulberry32: a tiny seeded PRNG; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gaussian noise from two uniforms (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Customers with tenure, monthly charges, support tickets and usage; churn follows a noisy logistic rule. */
export function makeChurnData(count: number, seed = 7): SampleData {
  const random = seededRandom(seed);
  const truth = [-1.2, 0.9, 1.4, -0.8];
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = truth.map(() => normal(random));
    const logit = row.reduce((sum, x, j) => sum + x * truth[j]!, 0.2) + 0.5 * normal(random);
    rows.push(row.map((x) => Math.round(x * 1e4) / 1e4));
    labels.push(logit > 0 ? 1 : 0);
  }
  return { featureNames: ['tenure', 'monthly_charges', 'support_tickets', 'usage'], rows, labels };
}

/** CSV with a header, the label last. */
export function toCsv(data: SampleData): string {
  const header = [...data.featureNames, 'churned'].join(',');
  return [header, ...data.rows.map((r, i) => [...r, data.labels[i]].join(','))].join('\n') + '\n';
}
