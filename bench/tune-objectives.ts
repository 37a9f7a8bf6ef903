/** Synthetic objectives of the tune benchmark, written the same way in bench/tune_peer.py. */
import type { Params } from '../src/core/tune/types.js';

/** Branin on [-5, 10] × [0, 15]; global minimum 0.397887. */
export function branin(p: Params): number {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  const a = x2 - (5.1 / (4 * Math.PI ** 2)) * x1 ** 2 + (5 / Math.PI) * x1 - 6;
  return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

const ALPHA = [1.0, 1.2, 3.0, 3.2];
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann6 on [0, 1]^6; global minimum −3.32237. */
export function hartmann6(p: Params): number {
  let f = 0;
  for (let i = 0; i < 4; i++) {
    let s = 0;
    for (let j = 0; j < 6; j++) s += A[i]![j]! * ((p[`x${j}`] as number) - P[i]![j]!) ** 2;
    f -= ALPHA[i]! * Math.exp(-s);
  }
  return f;
}

export const OBJECTIVES = {
  quadratic: {
    fn: (p: Params) => ((p.x as number) - 1.3) ** 2 + ((p.y as number) + 2.1) ** 2,
    space: { x: { type: 'float', low: -5, high: 5 }, y: { type: 'float', low: -5, high: 5 } },
  },
  branin: {
    fn: branin,
    space: { x1: { type: 'float', low: -5, high: 10 }, x2: { type: 'float', low: 0, high: 15 } },
  },
  hartmann6: {
    fn: hartmann6,
    space: Object.fromEntries(
      Array.from({ length: 6 }, (_, j) => [`x${j}`, { type: 'float', low: 0, high: 1 }]),
    ),
  },
} as const;
