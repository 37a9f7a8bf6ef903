import { GITHUB_TOKEN_INPUT, OUTPUT_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const CONVERT_INPUTS: readonly InputSpec[] = [
  {
    name: 'from',
    description:
      'Source format: xgboost (JSON or UBJSON from booster.save_model), lightgbm (text model from booster.save_model), linear (a JSON of coefficients, intercept and task), onnx (re-save an ONNX model, metadata stamped), or command (run the exporter input).',
    type: 'string',
    choices: ['xgboost', 'lightgbm', 'linear', 'onnx', 'command'],
  },
  {
    name: 'input',
    description: 'The model file to convert, e.g. models/churn/model.json.',
    type: 'string',
  },
  OUTPUT_INPUT,
  {
    name: 'parity-data',
    description:
      'Features to prove parity on (CSV, JSONL, Parquet, NPY or NPZ; every column is a feature, in the model’s order).',
    type: 'string',
  },
  {
    name: 'reference',
    description:
      'Expected outputs for parity-data, one row per row (NPY or CSV): probabilities, the positive-class probability, labels or values.',
    type: 'string',
  },
  {
    name: 'tolerance',
    description:
      'Parity passes when every output is within this absolute or relative error of the reference: one number for every output, or per output name, e.g. probabilities=1e-5,label=0 (a bare number is the default for the rest).',
    type: 'string',
    default: '1e-5',
  },
  {
    name: 'exporter',
    description:
      'For from=command: the exporter to run (torch.onnx.export, tf2onnx … in your environment), as a JSON array of program and arguments or words separated by spaces; {output} is replaced by the output path. Never run through a shell.',
    type: 'string',
  },
  {
    name: 'external-data',
    description:
      'Store initializers of 1 KiB or more in this file beside the output (e.g. model.onnx.data). Empty: embed them, unless the model would pass the 2 GiB protobuf limit.',
    type: 'string',
  },
  {
    name: 'expect-inputs',
    description:
      'The inputs the model must have, separated by ";": name: type[dims], e.g. "input: float[N, 4]" (a symbolic dim or ? accepts any size). A mismatch exits 2 and, for from=command, removes what the exporter wrote.',
    type: 'string',
  },
  {
    name: 'expect-outputs',
    description:
      'The outputs the model must have, e.g. "label: int64[N]; probabilities: float[N, 2]"; checked like expect-inputs.',
    type: 'string',
  },
  {
    name: 'opset',
    description:
      'Upgrade the ONNX default-domain opset to this version (7–23), rewriting operators whose signature changed; refused when onnxruntime cannot run the result. Empty: keep the opset the conversion produced.',
    type: 'number',
  },
  GITHUB_TOKEN_INPUT,
];

export const CONVERT_OUTPUTS: readonly OutputSpec[] = [
  { name: 'output', description: 'Path of the ONNX model written.' },
  { name: 'sha256', description: 'SHA-256 of the ONNX model written.' },
  { name: 'parity', description: 'passed, failed, or skipped (no parity-data and reference given).' },
  {
    name: 'max-abs-error',
    description: 'Largest absolute difference from the reference (empty when skipped).',
  },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
