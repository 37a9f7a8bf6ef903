/** modelops.yaml: parse, validate against docs/schema/modelops.schema.json, and read typed values. */
export type * from './types.js';
export { parseConfig, type ParseConfigOptions } from './parse-config.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { defaultConfig } from './default-config.js';
export { gatesFor } from './gates-for.js';
export { parseThreshold } from './threshold.js';
export { parseDuration } from './duration.js';
export { ConfigFileError, type ConfigProblem } from './config-file-error.js';
export { MODELOPS_SCHEMA } from './schema.js';
export { DEFAULT_ENVIRONMENTS } from './build-environments.js';
