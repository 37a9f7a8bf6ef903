// Placeholder until src/platform/data lands: the readers are written by another change.
import { UsageError } from '../../core/errors.js';
import type { OpenDataset } from './measure.js';

export const openDataset: OpenDataset = () => {
  throw new UsageError('data readers are not available in this build', { fix: 'wait for src/platform/data' });
};
