/** Whether a larger value of a metric is better or worse. */
export type Direction = 'higher' | 'lower';

// Losses, errors, calibration gaps, latency and size: smaller is better.
const LOWER_IS_BETTER = new Set([
  'log_loss',
  'brier',
  'mae',
  'mse',
  'rmse',
  'max_error',
  'mape',
  'ece',
  'hamming_loss',
  'size',
]);

/**
 * The direction a gate uses when it does not set one. Besides the names above, `latency_*`,
 * `size_*` and any `*_loss` / `*_error` are lower-is-better; scikit-learn's negated scorers
 * (`neg_log_loss`, `neg_mean_squared_error`) are already flipped, so `neg_*` is higher-is-better.
 */
export function inferDirection(metric: string): Direction {
  if (metric.startsWith('neg_')) return 'higher';
  if (LOWER_IS_BETTER.has(metric)) return 'lower';
  if (/^(latency|size)(_|$)/.test(metric) || /(^|_)(loss|error)$/.test(metric)) return 'lower';
  return 'higher';
}
