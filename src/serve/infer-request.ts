import { typedArrayFor, type RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import type { ServedModel } from './served-model.js';
import { onnxElementType, v2Datatype, V2_DATATYPES } from './v2-datatypes.js';

/** A request the client must fix: answered with HTTP 400 and `{ "error": message }`. */
export class InferRequestError extends Error {
  override readonly name = 'InferRequestError';
  constructor(
    /** The JSON path of the offending field, e.g. `inputs[0].datatype`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A decoded, validated infer request, ready for onnxruntime. */
export interface DecodedInferRequest {
  id: string | undefined;
  feeds: Record<string, RuntimeTensor>;
  /** Requested outputs; undefined means every tensor output. */
  outputNames: string[] | undefined;
}

/**
 * Checks a V2 infer request body against the model's signature — every input fed once, datatype
 * equal to the model's, shape matching its fixed dims, as many values as the shape holds — and
 * turns it into runtime tensors. Every refusal names the field, so a client fixes it from the message.
 */
export function decodeInferRequest(body: unknown, model: ServedModel): DecodedInferRequest {
  if (!isObject(body)) throw new InferRequestError('body', 'must be a JSON object with an inputs array');
  if (body.id !== undefined && typeof body.id !== 'string')
    throw new InferRequestError('id', 'must be a string when given');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0)
    throw new InferRequestError('inputs', 'must be a non-empty array of tensors');
  const feeds: Record<string, RuntimeTensor> = {};
  body.inputs.forEach((input: unknown, i) => {
    const tensor = decodeInput(input, `inputs[${i}]`, model);
    if (feeds[tensor.name])
      throw new InferRequestError(`inputs[${i}].name`, `'${tensor.name}' is given twice`);
    feeds[tensor.name] = tensor.value;
  });
  const missing = model.signature.inputs.find((s) => !feeds[s.name]);
  if (missing) throw new InferRequestError('inputs', `the model's input '${missing.name}' is missing`);
  return { id: body.id, feeds, outputNames: decodeOutputs(body.outputs, model) };
}

function decodeInput(
  input: unknown,
  field: string,
  model: ServedModel,
): { name: string; value: RuntimeTensor } {
  if (!isObject(input))
    throw new InferRequestError(field, 'must be an object with name, shape, datatype, data');
  if (typeof input.name !== 'string') throw new InferRequestError(`${field}.name`, 'must be a string');
  const spec = model.signature.inputs.find((s) => s.name === input.name);
  if (!spec) {
    const names = model.signature.inputs.map((s) => s.name).join(', ');
    throw new InferRequestError(
      `${field}.name`,
      `'${input.name}' is not an input of ${model.name} (inputs: ${names})`,
    );
  }
  const expected = v2Datatype(spec.elementType);
  if (typeof input.datatype !== 'string' || !V2_DATATYPES.includes(input.datatype))
    throw new InferRequestError(`${field}.datatype`, `must be one of ${V2_DATATYPES.join(', ')}`);
  if (input.datatype !== expected)
    throw new InferRequestError(
      `${field}.datatype`,
      `input '${spec.name}' is ${expected}, not ${input.datatype}`,
    );
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
    throw new InferRequestError(`${field}.shape`, 'must be an array of non-negative integers');
  const dims = shape as number[];
  if (spec.shape) {
    if (dims.length !== spec.shape.length)
      throw new InferRequestError(
        `${field}.shape`,
        `input '${spec.name}' has rank ${spec.shape.length}, not ${dims.length}`,
      );
    spec.shape.forEach((d, axis) => {
      if (typeof d === 'number' && d !== dims[axis])
        throw new InferRequestError(
          `${field}.shape`,
          `dimension ${axis} of '${spec.name}' must be ${d}, not ${dims[axis]}`,
        );
    });
  }
  if (!Array.isArray(input.data)) throw new InferRequestError(`${field}.data`, 'must be an array');
  const flat = (input.data as unknown[]).flat(Infinity);
  const count = dims.reduce((a, b) => a * b, 1);
  if (flat.length !== count)
    throw new InferRequestError(
      `${field}.data`,
      `holds ${flat.length} values but shape [${dims.join(', ')}] needs ${count}`,
    );
  return {
    name: spec.name,
    value: { elementType: spec.elementType, dims, data: toValues(flat, input.datatype, `${field}.data`) },
  };
}

function toValues(flat: unknown[], datatype: string, field: string): RuntimeTensor['data'] {
  const elementType = onnxElementType(datatype)!;
  if (datatype === 'BYTES') {
    if (!flat.every((v) => typeof v === 'string'))
      throw new InferRequestError(field, 'BYTES values must be strings');
    return flat as string[];
  }
  if (datatype === 'FP16')
    throw new InferRequestError(
      field,
      'FP16 inputs are not supported over JSON yet; send FP32 to a float model',
    );
  const Ctor = typedArrayFor(elementType);
  const out = new Ctor(flat.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const integer = datatype.includes('INT');
  flat.forEach((v, i) => {
    const value = datatype === 'BOOL' && typeof v === 'boolean' ? Number(v) : v;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw new InferRequestError(`${field}[${i}]`, `${JSON.stringify(v)} is not a valid ${datatype} value`);
    (out as unknown as unknown[])[i] = big ? BigInt(value) : value;
  });
  return out;
}

function decodeOutputs(outputs: unknown, model: ServedModel): string[] | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs))
    throw new InferRequestError('outputs', 'must be an array of { name } when given');
  const tensorOutputs = model.signature.outputs.filter((o) => o.kind === 'tensor').map((o) => o.name);
  return outputs.map((o: unknown, i) => {
    const name = isObject(o) ? o.name : undefined;
    if (typeof name !== 'string' || !tensorOutputs.includes(name))
      throw new InferRequestError(`outputs[${i}].name`, `must be one of ${tensorOutputs.join(', ')}`);
    return name;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
