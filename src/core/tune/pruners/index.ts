import { UsageError } from '../../errors.js';
import type { Pruner } from '../types.js';
import { medianPruner, type MedianOptions } from './median.js';
import { successiveHalvingPruner, type SuccessiveHalvingOptions } from './successive-halving.js';

export const PRUNER_NAMES = ['none', 'median', 'successive-halving'] as const;

/** The pruner called `name`; undefined for 'none'. */
export function createPruner(
  name: string,
  options: { median?: MedianOptions; successiveHalving?: SuccessiveHalvingOptions } = {},
): Pruner | undefined {
  switch (name) {
    case 'none':
      return undefined;
    case 'median':
      return medianPruner(options.median);
    case 'successive-halving':
      return successiveHalvingPruner(options.successiveHalving);
    default:
      throw new UsageError(`unknown pruner '${name}'`, { fix: `use one of ${PRUNER_NAMES.join(', ')}` });
  }
}

export { medianPruner, type MedianOptions } from './median.js';
export { successiveHalvingPruner, type SuccessiveHalvingOptions } from './successive-halving.js';
