/**
 * The shape of modelops.yaml as written (kebab-case, optional keys), trusted only after the JSON
 * Schema accepted it. The builders turn it into the typed config in types.ts.
 */
import type { Scalar } from './types.js';

export interface RawGate {
  name?: string;
  metric: string;
  min?: number;
  max?: number;
  'max-degradation'?: number | string;
  'min-improvement'?: number | string;
  direction?: 'higher' | 'lower';
  significance?: { method?: 'bootstrap' | 'mcnemar'; confidence?: number; resamples?: number };
  slice?: string;
  dataset?: string;
  environments?: string[];
  'on-missing-baseline'?: 'fail' | 'pass' | 'warn';
}

export interface RawModel {
  path?: string;
  card?: string;
  format?: string;
  datasets?: string[];
  metrics?: string[];
  gates?: RawGate[];
  params?: string;
  lfs?: boolean;
}

export interface RawDataset {
  path: string;
  format?: string;
  'label-column'?: string;
  features?: string[] | string;
  inputs?: Record<string, string | string[]>;
  task?: string;
  slices?: Record<string, Record<string, Scalar | Scalar[]>>;
}

export interface RawEnvironment {
  name: string;
  'github-environment'?: string;
  target?: 'local' | 'none';
  port?: number;
  render?: {
    targets?: Array<'triton' | 'kserve' | 'edge'>;
    path?: string;
    branch?: string;
    triton?: {
      platform?: 'onnxruntime_onnx' | 'onnxruntime';
      'max-batch-size'?: number;
      'instance-count'?: number;
    };
    kserve?: { runtime?: string; 'storage-uri'?: string; namespace?: string };
  };
  requires?: {
    gates?: string | string[];
    audit?: 'clean' | 'none';
    branches?: string[];
    soak?: string;
    previous?: boolean | string;
  };
}

export interface RawParam {
  type: 'float' | 'int' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  step?: number;
  choices?: Scalar[];
  when?: Record<string, Scalar | Scalar[]>;
}

export interface RawTuningSpace {
  model?: string;
  command?: string[];
  params: Record<string, RawParam>;
  metric: string;
  direction: 'minimize' | 'maximize';
  sampler?: 'grid' | 'random' | 'tpe' | 'gp' | 'ga';
  budget?: { trials?: number; 'wall-time'?: string };
  seed?: number;
}

export interface RawConfig {
  version: 1;
  /** null: the key was written with no value (`churn:`), meaning all defaults. */
  models?: Record<string, RawModel | null>;
  datasets?: Record<string, RawDataset>;
  metrics?: Record<string, { module: string; direction: 'higher' | 'lower'; description?: string }>;
  gates?: RawGate[];
  environments?: RawEnvironment[];
  audit?: {
    'fail-level'?: 'low' | 'medium' | 'high' | 'critical';
    strict?: boolean;
    allowlist?: Array<{ sha256: string; reason: string }>;
  };
  tuning?: { spaces?: Record<string, RawTuningSpace> };
}
