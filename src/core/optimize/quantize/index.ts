import type { OptimizationPass } from '../pass.js';
import { int8DynamicPass } from './int8-dynamic.js';
import { int8WeightPass } from './int8-weight.js';

export { int8DynamicPass } from './int8-dynamic.js';
export { int8WeightPass } from './int8-weight.js';

/** The quantization passes, for the optimize verb's candidate search (`--passes` names). */
export const QUANTIZE_PASSES: OptimizationPass[] = [int8DynamicPass, int8WeightPass];
