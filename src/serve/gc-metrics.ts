import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { Histogram } from './metrics.js';

// The kinds Node reports for a collection, by the label values prom-client's default metrics use.
const KINDS = new Map<number, string>([
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/**
 * Records every garbage collection of this process (its JavaScript thread) into `histogram` by
 * kind, from now until the returned function is called. Full collections back to back are what
 * a server whose time goes into native code suffers from (src/platform/runtime/server-heap.ts);
 * `kind="major"` makes them visible on a dashboard.
 */
export function observeGarbageCollection(histogram: Histogram): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      const kind = KINDS.get(detail?.kind ?? -1) ?? 'other';
      histogram.child({ kind }).observe(entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
