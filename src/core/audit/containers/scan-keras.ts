/**
 * Keras and TensorFlow: a model config is code when it holds Lambda layers (marshalled Python
 * bytecode, CVE-2024-3660), names modules outside Keras (CVE-2025-1550), or calls Keras APIs that
 * turn safe mode off or fetch files (CVE-2025-9906, CVE-2025-8747). SavedModel graphs that read or
 * write files or call Python are flagged by op name.
 */
import { finding, type ScanContext } from '../scan-context.js';
import type { ByteSource } from '../source.js';

const SAFE_MODULE = /^(keras|tf_keras|tensorflow|keras_core|keras_nlp|keras_hub|keras_cv|builtins)(\.|$)/;
const DANGEROUS_FUNCTIONS =
  /(enable_unsafe_deserialization|load_model|get_file|set_random_seed|os\.system|subprocess|eval|exec|__import__)/;

/** Walks a parsed Keras config and reports Lambda layers and foreign modules. */
export function checkKerasConfig(config: unknown, member: string | undefined, ctx: ScanContext): void {
  const add = (rule: string, severity: 'medium' | 'high' | 'critical', message: string) =>
    ctx.sink.add(finding(rule, severity, message, member));
  let lambdas = 0;
  const walk = (node: unknown, depth: number) => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    const o = node as Record<string, unknown>;
    const name =
      typeof o.name === 'string'
        ? o.name
        : typeof o.config === 'object'
          ? String((o.config as Record<string, unknown>)?.name ?? '')
          : '';
    if (o.class_name === 'Lambda' || o.class_name === 'TFOpLambda') {
      lambdas++;
      const fn = JSON.stringify((o.config as Record<string, unknown> | undefined)?.function ?? '');
      const severity = DANGEROUS_FUNCTIONS.test(fn) ? 'critical' : 'high';
      if (o.class_name === 'Lambda')
        add(
          'KERAS-LAMBDA',
          severity,
          `Lambda layer ${JSON.stringify(name)} carries Python code that runs when the model is loaded or called`,
        );
    }
    for (const key of ['module', 'registered_name', 'fn_module']) {
      const value = o[key];
      if (typeof value === 'string' && value.length > 0 && key === 'module' && !SAFE_MODULE.test(value))
        add(
          'KERAS-FOREIGN-MODULE',
          DANGEROUS_FUNCTIONS.test(value) ? 'critical' : 'medium',
          `config names module ${JSON.stringify(value)} outside Keras/TensorFlow`,
        );
    }
    if (
      typeof o.class_name === 'string' &&
      DANGEROUS_FUNCTIONS.test(o.class_name) &&
      /\./.test(String(o.module ?? ''))
    )
      add('KERAS-DANGEROUS-FUNCTION', 'critical', `config calls ${String(o.module)}.${o.class_name}`);
    for (const value of Object.values(o)) walk(value, depth + 1);
  };
  walk(config, 0);
  if (lambdas === 0) ctx.sink.scanned(`${member ?? 'config'} (Keras config)`);
}

/** config.json of a .keras archive, or any JSON member that may be one. */
export async function scanKerasConfigText(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
): Promise<void> {
  if (src.size > 64 * 1024 * 1024) return ctx.sink.unscannable(`${member ?? 'json'}: config over 64 MiB`);
  const text = Buffer.from(await src.read(0, src.size)).toString('utf8');
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    if (/"class_name"\s*:\s*"Lambda"/.test(text))
      ctx.sink.add(finding('KERAS-LAMBDA', 'high', 'unparseable config mentions a Lambda layer', member));
    return;
  }
  checkKerasConfig(config, member, ctx);
}

/**
 * HDF5 (.h5): we do not implement HDF5; Keras stores the model config as a JSON string attribute
 * (`model_config`), so we find the JSON object in the bytes and parse it. Cost: one pass over the
 * file. Without a config (weights only) there is nothing that can run.
 */
export async function scanHdf5(src: ByteSource, member: string | undefined, ctx: ScanContext): Promise<void> {
  const chunk = 16 * 1024 * 1024;
  const needle = Buffer.from('{"class_name"');
  let found = 0;
  for (let offset = 0; offset < src.size; offset += chunk - 4096) {
    const bytes = Buffer.from(await src.read(offset, chunk));
    let at = bytes.indexOf(needle);
    while (at >= 0) {
      const json = extractJson(bytes, at);
      if (json !== undefined) {
        found++;
        checkKerasConfig(json, member ? `${member}:model_config` : 'model_config', ctx);
        at = bytes.indexOf(needle, at + 1);
        break;
      }
      at = bytes.indexOf(needle, at + 1);
    }
    if (found > 0 || offset + chunk >= src.size) break;
  }
  if (found === 0) ctx.sink.scanned(`${member ?? 'hdf5'} (no Keras model config: weights only)`);
}

function extractJson(bytes: Buffer, start: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length && i - start < 64 * 1024 * 1024; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        return JSON.parse(bytes.subarray(start, i + 1).toString('utf8'));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const TF_DANGEROUS_OPS = [
  'ReadFile',
  'WriteFile',
  'PyFunc',
  'PyFuncStateless',
  'EagerPyFunc',
  'MatchingFiles',
  'ImmutableConst',
];

/** saved_model.pb / keras_metadata.pb: op names appear as `op` strings (field 2) in NodeDefs. */
export async function scanSavedModelPb(
  src: ByteSource,
  member: string | undefined,
  ctx: ScanContext,
  name: string,
): Promise<void> {
  if (src.size > ctx.limits.maxMemberBytes)
    return ctx.sink.unscannable(`${member ?? name}: over the size limit`);
  const bytes = Buffer.from(await src.read(0, src.size));
  for (const op of TF_DANGEROUS_OPS) {
    const needle = Buffer.concat([Buffer.from([0x12, op.length]), Buffer.from(op)]);
    const at = bytes.indexOf(needle);
    if (at >= 0)
      ctx.sink.add(
        finding(
          'TF-DANGEROUS-OP',
          op.startsWith('Py') || op === 'EagerPyFunc' ? 'critical' : 'high',
          `graph uses the ${op} op (file system or Python access)`,
          member ?? name,
          at,
        ),
      );
  }
  if (name === 'keras_metadata.pb') {
    const text = bytes.toString('latin1');
    const count = (text.match(/"class_name":\s*"Lambda"/g) ?? []).length;
    if (count > 0)
      ctx.sink.add(
        finding(
          'KERAS-LAMBDA',
          'high',
          `${count} Lambda layer(s) in the SavedModel Keras metadata`,
          member ?? name,
        ),
      );
  }
  ctx.sink.scanned(member ?? name);
}
