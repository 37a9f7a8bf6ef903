/** One point of the trade-off: smaller size, lower latency and a better metric are all wins. */
export interface TradeOff {
  size: number;
  latency: number;
  /** Higher-is-better view of the quality metric (negated for losses); undefined without data. */
  quality?: number | undefined;
}

/**
 * Indexes of the points no other point dominates (at least as good on every axis and better on
 * one). Points with a NaN coordinate are never optimal.
 */
export function paretoFront(points: readonly TradeOff[]): Set<number> {
  const axes = (p: TradeOff) => [-p.size, -p.latency, ...(p.quality === undefined ? [] : [p.quality])];
  const values = points.map(axes);
  const front = new Set<number>();
  values.forEach((a, i) => {
    if (a.some((v) => Number.isNaN(v))) return;
    const dominated = values.some(
      (b, j) =>
        j !== i &&
        !b.some((v) => Number.isNaN(v)) &&
        b.every((v, k) => v >= a[k]!) &&
        b.some((v, k) => v > a[k]!),
    );
    if (!dominated) front.add(i);
  });
  return front;
}
