import type { TensorSignature } from '../core/onnx/signature-types.js';
import { typedArrayFor, type RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import type { ServedModel } from './served-model.js';
import { onnxElementType, v2Datatype, V2_DATATYPES } from './v2-datatypes.js';

/** A request the client must fix: HTTP 400 with `{ "error": message }`, gRPC INVALID_ARGUMENT. */
export class InferRequestError extends Error {
  override readonly name = 'InferRequestError';
  constructor(
    /** The path of the offending field, e.g. `inputs[0].datatype`. */
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

/** An input tensor's name, datatype and shape, checked against the model; values come next. */
export interface CheckedInput {
  spec: TensorSignature;
  dims: number[];
  /** Number of elements the shape holds. */
  count: number;
}

/**
 * Checks one input's header against the model's signature: a known input, the model's datatype,
 * the rank and fixed dims of its shape. Every refusal names the field, so a client fixes it from
 * the message. Shared by the JSON, binary and gRPC decoders.
 */
export function checkInputHeader(
  input: { name: unknown; datatype: unknown; shape: unknown },
  field: string,
  model: ServedModel,
): CheckedInput {
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
  return { spec, dims, count: dims.reduce((a, b) => a * b, 1) };
}

/** Puts decoded inputs together: each input once, none missing, requested outputs known. */
export function assembleRequest(
  id: string | undefined,
  inputs: readonly { field: string; name: string; value: RuntimeTensor }[],
  outputNames: string[] | undefined,
  model: ServedModel,
): DecodedInferRequest {
  const feeds: Record<string, RuntimeTensor> = {};
  for (const input of inputs) {
    if (feeds[input.name])
      throw new InferRequestError(`${input.field}.name`, `'${input.name}' is given twice`);
    feeds[input.name] = input.value;
  }
  const missing = model.signature.inputs.find((s) => !feeds[s.name]);
  if (missing) throw new InferRequestError('inputs', `the model's input '${missing.name}' is missing`);
  return { id, feeds, outputNames };
}

/** Checks requested output names (`outputs[i].name`) against the model's tensor outputs. */
export function checkOutputNames(names: readonly unknown[], model: ServedModel): string[] {
  const tensorOutputs = model.signature.outputs.filter((o) => o.kind === 'tensor').map((o) => o.name);
  return names.map((name, i) => {
    if (typeof name !== 'string' || !tensorOutputs.includes(name))
      throw new InferRequestError(`outputs[${i}].name`, `must be one of ${tensorOutputs.join(', ')}`);
    return name;
  });
}

/** A JSON body's `inputs[i]` whose values are in `data`, or (binary extension) in `binary`. */
export type BinaryInputs = (
  field: string,
  checked: CheckedInput,
  input: Record<string, unknown>,
) => RuntimeTensor;

/**
 * Checks a V2 JSON infer request body against the model's signature — every input fed once,
 * datatype equal to the model's, shape matching its fixed dims, as many values as the shape holds
 * — and turns it into runtime tensors. `binary` decodes inputs whose values follow the JSON
 * (the binary tensor data extension).
 */
export function decodeInferRequest(
  body: unknown,
  model: ServedModel,
  binary?: BinaryInputs,
): DecodedInferRequest {
  if (!isObject(body)) throw new InferRequestError('body', 'must be a JSON object with an inputs array');
  if (body.id !== undefined && typeof body.id !== 'string')
    throw new InferRequestError('id', 'must be a string when given');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0)
    throw new InferRequestError('inputs', 'must be a non-empty array of tensors');
  const inputs = body.inputs.map((input: unknown, i) => {
    const field = `inputs[${i}]`;
    if (!isObject(input))
      throw new InferRequestError(field, 'must be an object with name, shape, datatype, data');
    const checked = checkInputHeader(
      { name: input.name, datatype: input.datatype, shape: input.shape },
      field,
      model,
    );
    const binarySize = isObject(input.parameters) ? input.parameters.binary_data_size : undefined;
    const value =
      binarySize !== undefined && binary
        ? binary(field, checked, input)
        : jsonTensor(input.data, checked, input.datatype as string, field);
    return { field, name: checked.spec.name, value };
  });
  return assembleRequest(body.id, inputs, decodeOutputs(body.outputs, model), model);
}

function jsonTensor(data: unknown, checked: CheckedInput, datatype: string, field: string): RuntimeTensor {
  if (!Array.isArray(data)) throw new InferRequestError(`${field}.data`, 'must be an array');
  // Most clients send flat data; Array.prototype.flat is slow on large arrays, so skip it then.
  const flat = (data.some(Array.isArray) ? data.flat(Infinity) : data) as unknown[];
  if (flat.length !== checked.count)
    throw new InferRequestError(
      `${field}.data`,
      `holds ${flat.length} values but shape [${checked.dims.join(', ')}] needs ${checked.count}`,
    );
  return {
    elementType: checked.spec.elementType,
    dims: checked.dims,
    data: toValues(flat, datatype, `${field}.data`),
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
      'FP16 inputs are not supported as JSON numbers; send them as binary data (parameters.binary_data_size) or over gRPC raw_input_contents',
    );
  const Ctor = typedArrayFor(elementType);
  const out = new Ctor(flat.length);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const integer = datatype.includes('INT');
  const bad = (i: number) =>
    new InferRequestError(`${field}[${i}]`, `${JSON.stringify(flat[i])} is not a valid ${datatype} value`);
  if (!big && !integer && datatype !== 'BOOL') {
    // The common case (FP32/FP64) in a tight loop: JSON numbers are always finite.
    const target = out as Float32Array;
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number') throw bad(i);
      target[i] = v;
    }
    return out;
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    const value = datatype === 'BOOL' && typeof v === 'boolean' ? Number(v) : v;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw bad(i);
    (out as unknown as unknown[])[i] = big ? BigInt(value) : value;
  }
  return out;
}

function decodeOutputs(outputs: unknown, model: ServedModel): string[] | undefined {
  if (outputs === undefined) return undefined;
  if (!Array.isArray(outputs))
    throw new InferRequestError('outputs', 'must be an array of { name } when given');
  return checkOutputNames(
    outputs.map((o: unknown) => (isObject(o) ? o.name : undefined)),
    model,
  );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
