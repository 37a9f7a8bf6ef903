import { parse } from 'yaml';
import { UsageError } from '../../errors.js';
import type { RenderedUnit } from './render-targets.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/;

/**
 * Checks every rendered unit against the fields its consumer requires (Triton's model
 * configuration, KServe's InferenceService, the edge bundle's contract) before anything is
 * written or tagged. A unit that Triton or KServe would reject at sync time fails here instead,
 * with the file and field named.
 */
export function checkRenderedUnits(units: readonly RenderedUnit[]): void {
  for (const unit of units) {
    const fail = (file: string, what: string, fix: string): never => {
      throw new UsageError(`rendered ${unit.target} file ${unit.path}${file ? `/${file}` : ''} ${what}`, {
        fix,
      });
    };
    switch (unit.target) {
      case 'triton':
        checkTriton(unit, fail);
        break;
      case 'kserve':
        checkKServe(unit, fail);
        break;
      case 'edge':
        checkEdge(unit, fail);
        break;
    }
  }
}

type Fail = (file: string, what: string, fix: string) => never;

function checkTriton(unit: RenderedUnit, fail: Fail): void {
  const config = unit.files['config.pbtxt'];
  if (typeof config !== 'string') return fail('config.pbtxt', 'is missing', 'this is a bug in modelops');
  for (const field of ['name', 'max_batch_size', 'input', 'output'])
    if (!new RegExp(`^${field}\\b`, 'm').test(config))
      fail('config.pbtxt', `has no ${field}`, 'this is a bug in modelops');
  if (!/^(platform|backend): "/m.test(config))
    fail('config.pbtxt', 'names neither platform nor backend', 'set render.triton.platform');
  const invalid = /name: (".*")\n\s*data_type: TYPE_INVALID/.exec(config);
  if (invalid)
    fail(
      'config.pbtxt',
      `gives tensor ${invalid[1]} a type Triton has no data_type for`,
      'change the tensor to a numeric, bool or string type, or drop triton from render.targets',
    );
  if (/input \[\n\]/.test(config) || /output \[\n\]/.test(config))
    fail(
      'config.pbtxt',
      'has no tensor inputs or outputs',
      'Triton serves tensors only; drop triton from render.targets',
    );
  const versions = Object.keys(unit.files).filter((f) => /^[1-9][0-9]*\/model\.onnx$/.test(f));
  if (versions.length !== 1)
    fail('', 'needs exactly one numbered version directory with model.onnx', 'this is a bug in modelops');
  if ((unit.files[versions[0]!] as Uint8Array).length === 0)
    fail(versions[0]!, 'is empty', 'register the model with its content (not an LFS pointer)');
}

function checkKServe(unit: RenderedUnit, fail: Fail): void {
  const text = unit.files[''];
  const doc = (typeof text === 'string' ? parse(text) : undefined) as
    | {
        apiVersion?: string;
        kind?: string;
        metadata?: { name?: string; namespace?: string };
        spec?: { predictor?: { model?: { modelFormat?: { name?: string }; storageUri?: string } } };
      }
    | undefined;
  if (doc?.apiVersion !== 'serving.kserve.io/v1beta1' || doc.kind !== 'InferenceService')
    fail('', 'is not a serving.kserve.io/v1beta1 InferenceService', 'this is a bug in modelops');
  if (!DNS_1123_LABEL.test(doc!.metadata?.name ?? ''))
    fail(
      '',
      `has metadata.name ${JSON.stringify(doc!.metadata?.name)}, not a DNS-1123 label`,
      'rename the model',
    );
  const model = doc!.spec?.predictor?.model;
  if (model?.modelFormat?.name !== 'onnx')
    fail('', 'has no spec.predictor.model.modelFormat onnx', 'this is a bug in modelops');
  const uri = model?.storageUri ?? '';
  if (!URI.test(uri) || /[{}]/.test(uri))
    fail(
      '',
      `has storageUri ${JSON.stringify(uri)}, not a URI KServe can load (scheme://path, placeholders {name} {version} {environment} only)`,
      'set render.kserve.storage-uri (or --storage-uri), e.g. s3://bucket/models/{name}/{version}',
    );
}

function checkEdge(unit: RenderedUnit, fail: Fail): void {
  for (const file of ['model.onnx', 'signature.json', 'card.md'])
    if (unit.files[file] === undefined || unit.files[file]!.length === 0)
      fail(file, 'is missing or empty', 'register the model with its content (not an LFS pointer)');
  const signature = JSON.parse(unit.files['signature.json'] as string) as {
    inputs?: unknown[];
    version?: string;
  };
  if (!Array.isArray(signature.inputs) || signature.inputs.length === 0 || !signature.version)
    fail('signature.json', 'has no inputs or version', 'this is a bug in modelops');
}
