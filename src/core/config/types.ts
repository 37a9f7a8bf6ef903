/**
 * The typed view of modelops.yaml that every verb reads. Keys are camelCase versions of the
 * file's kebab-case keys; defaults are already applied, thresholds and durations already parsed,
 * and references (datasets, environments, gates, slices) already checked.
 */

/** A gate or budget amount: absolute (0.02) or relative to the baseline ("1%" → 0.01). */
export interface Threshold {
  kind: 'absolute' | 'relative';
  /** Non-negative; relative values are fractions (1% → 0.01). */
  value: number;
}

export type Direction = 'higher' | 'lower';
export type ModelFormat =
  'onnx' | 'xgboost' | 'lightgbm' | 'sklearn' | 'pytorch' | 'tensorflow' | 'keras' | 'safetensors' | 'gguf';
export type DatasetFormat = 'csv' | 'jsonl' | 'parquet' | 'npy' | 'npz';
export type Task = 'binary' | 'multiclass' | 'multilabel' | 'regression';
export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type Scalar = string | number | boolean;

export interface ModelConfig {
  /** Key in the file, GTO's full name: `name` or `dir=name`. Tags use it. */
  id: string;
  /** The name without the monorepo directory. */
  name: string;
  /** Monorepo directory from `dir=name`, else undefined. */
  dir: string | undefined;
  path: string;
  card: string;
  format: ModelFormat;
  datasets: string[];
  metrics: string[];
  /** This model's own gates only; use {@link gatesFor} for the effective list. */
  gates: GateConfig[];
  params: string | undefined;
  lfs: boolean;
}

export interface SliceConfig {
  name: string;
  /** Column → accepted values; a row is in the slice when every column matches. */
  where: Record<string, Scalar[]>;
}

export interface DatasetConfig {
  name: string;
  path: string;
  format: DatasetFormat;
  labelColumn: string | undefined;
  features: string[] | 'all-but-label';
  /** Model input name → columns stacked into it, in order. Empty: features feed the single input. */
  inputs: Record<string, string[]>;
  task: Task | undefined;
  slices: Record<string, SliceConfig>;
}

export interface CustomMetricConfig {
  name: string;
  /** JavaScript module, relative to the repository root. */
  module: string;
  direction: Direction;
  description: string | undefined;
}

export interface SignificanceConfig {
  method: 'bootstrap' | 'mcnemar';
  confidence: number;
  resamples: number;
}

export interface GateConfig {
  /** Defaults to the metric; unique within its scope (global, or one model). */
  name: string;
  metric: string;
  min: number | undefined;
  max: number | undefined;
  maxDegradation: Threshold | undefined;
  minImprovement: Threshold | undefined;
  /** Override of the metric's own direction; undefined means infer it from the metric. */
  direction: Direction | undefined;
  significance: SignificanceConfig | undefined;
  slice: string | undefined;
  dataset: string | undefined;
  /** Target environments the gate applies to; undefined means all of them. */
  environments: string[] | undefined;
  onMissingBaseline: 'fail' | 'pass' | 'warn';
}

export interface EnvironmentRequirements {
  /** 'all', or names of gates that must have passed (empty: none). */
  gates: 'all' | string[];
  audit: 'clean' | 'none';
  /** Branch glob patterns; empty means any branch. */
  branches: string[];
  /** Milliseconds the version must have spent in `previous`; undefined: no soak. */
  soakMs: number | undefined;
  /** Environment the version must already be deployed in, resolved to a name; null for none. */
  previous: string | null;
}

/** Serving targets deploy renders for an environment before it writes the stage tag. */
export interface RenderConfig {
  targets: Array<'triton' | 'kserve' | 'edge'>;
  /** GitOps directory, relative to the repository root (or to the branch's root). */
  path: string;
  /** Branch the rendered files are committed to; undefined: the working tree. */
  branch: string | undefined;
  triton: {
    platform: 'onnxruntime_onnx' | 'onnxruntime';
    maxBatchSize: number;
    instanceCount: number | undefined;
  };
  kserve: { runtime: string | undefined; storageUri: string; namespace: string | undefined };
}

export interface EnvironmentConfig {
  name: string;
  githubEnvironment: string;
  requires: EnvironmentRequirements;
  /** local: deploy smoke-tests the version on the embedded KServe V2 server before tagging. */
  target: 'local' | 'none';
  /** Port of that smoke server; 0 picks a free one. */
  port: number;
  render: RenderConfig | undefined;
}

export interface AuditConfig {
  failLevel: Severity;
  strict: boolean;
  /** sha256 in lower case. */
  allowlist: Array<{ sha256: string; reason: string }>;
}

interface ParamBase {
  /** Other parameter → values enabling this one; empty: always sampled. */
  when: Record<string, Scalar[]>;
}
export interface FloatParam extends ParamBase {
  type: 'float';
  low: number;
  high: number;
  log: boolean;
  step: number | undefined;
}
export interface IntParam extends ParamBase {
  type: 'int';
  low: number;
  high: number;
  log: boolean;
  step: number;
}
export interface CategoricalParam extends ParamBase {
  type: 'categorical';
  choices: Scalar[];
}
export type TuningParam = FloatParam | IntParam | CategoricalParam;

export interface TuningSpace {
  name: string;
  model: string | undefined;
  command: string[] | undefined;
  params: Record<string, TuningParam>;
  metric: string;
  direction: 'minimize' | 'maximize';
  sampler: 'grid' | 'random' | 'tpe' | 'gp' | 'ga';
  /** trials undefined: grid runs every combination, others stop on wallTimeMs. */
  budget: { trials: number | undefined; wallTimeMs: number | undefined };
  seed: number | undefined;
}

export interface ModelopsConfig {
  version: 1;
  /** File the config was read from; null when no file existed and defaults were used. */
  source: string | null;
  models: Record<string, ModelConfig>;
  datasets: Record<string, DatasetConfig>;
  metrics: Record<string, CustomMetricConfig>;
  /** Global gates, applying to every model. */
  gates: GateConfig[];
  /** In promotion order. */
  environments: EnvironmentConfig[];
  audit: AuditConfig;
  tuning: { spaces: Record<string, TuningSpace> };
}
