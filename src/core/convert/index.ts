/**
 * Conversion of models into ONNX, natively in TypeScript: XGBoost (JSON, UBJSON) tree ensembles
 * and linear/logistic models from coefficients, plus the parity comparison of a conversion.
 */
export {
  convertModel,
  featuresOf,
  isConvertSource,
  CONVERT_SOURCES,
  type ConvertSource,
  type ConversionInfo,
} from './convert-model.js';
export { buildTreeEnsembleModel, GRAPH_INPUT } from './build-tree-model.js';
export { buildLinearModel, LINEAR_TASKS } from './linear.js';
export {
  compareOutputs,
  parseTolerances,
  summarizeParity,
  toleranceFor,
  type Matrix,
  type ParityReport,
  type ParitySummary,
  type Tolerances,
  type WorstRow,
} from './parity.js';
export { decodeUbjson } from './ubjson.js';
export { readLightgbmText, LIGHTGBM_OBJECTIVES, float32AtMost } from './lightgbm-text.js';
export { readXgboostModel, XGBOOST_OBJECTIVES } from './xgboost-json.js';
export type { Link, Tree, TreeEnsemble } from './tree-ensemble.js';
export { checkDeclared, parseDeclared, type DeclaredValue } from './declared-signature.js';
