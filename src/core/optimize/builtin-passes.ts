import { deadCodePass } from './dead-code.js';
import { fp16Pass } from './fp16.js';
import { graphPass } from './graph-pass.js';
import type { OptimizationPass } from './pass.js';
import { prunePass } from './prune.js';

/** Every pass `--passes` can name, in the order help lists them. */
export const BUILTIN_PASSES: readonly OptimizationPass[] = [graphPass, fp16Pass, prunePass, deadCodePass];
