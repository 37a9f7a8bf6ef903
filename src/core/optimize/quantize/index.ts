import type { OptimizationPass } from '../pass.js';
import { int8DynamicPass } from './int8-dynamic.js';
import { int8StaticPass } from './int8-static.js';
import { int8WeightPass } from './int8-weight.js';

export { int8DynamicPass } from './int8-dynamic.js';
export { int8StaticPass } from './int8-static.js';
export { int8WeightPass } from './int8-weight.js';
export { checkCalibration } from './calibration.js';

/**
 * The quantization passes, by `--passes` name: `int8` (dynamic: DynamicQuantizeLinear +
 * MatMulInteger), `int8-static` (QDQ with calibration data), `int8-weight` (weight-only).
 */
export const QUANTIZE_PASSES: OptimizationPass[] = [int8DynamicPass, int8StaticPass, int8WeightPass];
