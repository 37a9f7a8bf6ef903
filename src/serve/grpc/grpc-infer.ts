import { typedArrayFor, type RuntimeTensor } from '../../platform/runtime/runtime-tensor.js';
import {
  assembleRequest,
  checkInputHeader,
  checkOutputNames,
  InferRequestError,
  type CheckedInput,
  type DecodedInferRequest,
} from '../infer-request.js';
import type { ServedModel } from '../served-model.js';
import { tensorFromBytes, tensorToBytes } from '../tensor-bytes.js';
import { v2Datatype } from '../v2-datatypes.js';

/** InferTensorContents as proto-loader hands it over (keepCase, int64 as strings, defaults on). */
export interface GrpcContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: (string | number)[];
  uint_contents?: number[];
  uint64_contents?: (string | number)[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

/** ModelInferRequest as proto-loader decodes it. */
export interface GrpcInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  inputs: { name: string; datatype: string; shape: (string | number)[]; contents?: GrpcContents | null }[];
  outputs: { name: string }[];
  raw_input_contents: Uint8Array[];
}

type ContentsField = keyof GrpcContents;

// prettier-ignore
const FIELD_BY_DATATYPE: Record<string, ContentsField> = {
  BOOL: 'bool_contents', INT8: 'int_contents', INT16: 'int_contents', INT32: 'int_contents',
  INT64: 'int64_contents', UINT8: 'uint_contents', UINT16: 'uint_contents', UINT32: 'uint_contents',
  UINT64: 'uint64_contents', FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents',
};

// prettier-ignore
const INT_RANGE: Record<string, [number, number]> = {
  INT8: [-128, 127], INT16: [-32768, 32767], UINT8: [0, 255], UINT16: [0, 65535],
};

/**
 * A gRPC ModelInferRequest → the same decoded request the HTTP side builds, with the same checks
 * and field-named messages. Tensor values come either typed (`inputs[i].contents`) or as
 * `raw_input_contents`, one entry per input; `raw` tells the encoder to answer in kind.
 */
export function decodeGrpcInfer(
  req: GrpcInferRequest,
  model: ServedModel,
): { request: DecodedInferRequest; raw: boolean } {
  if (req.inputs.length === 0) throw new InferRequestError('inputs', 'must be a non-empty list of tensors');
  const raw = req.raw_input_contents.length > 0;
  if (raw && req.raw_input_contents.length !== req.inputs.length)
    throw new InferRequestError(
      'raw_input_contents',
      `holds ${req.raw_input_contents.length} entries but there are ${req.inputs.length} inputs; give one per input, in order`,
    );
  const inputs = req.inputs.map((input, i) => {
    const field = `inputs[${i}]`;
    const shape = input.shape.map(Number);
    const checked = checkInputHeader({ name: input.name, datatype: input.datatype, shape }, field, model);
    if (raw && filledField(input.contents))
      throw new InferRequestError(`${field}.contents`, 'must be empty when raw_input_contents is used');
    const value = raw
      ? tensorFromBytes(req.raw_input_contents[i]!, checked, `raw_input_contents[${i}]`)
      : fromContents(input.contents ?? {}, checked, input.datatype, `${field}.contents`);
    return { field, name: checked.spec.name, value };
  });
  const outputNames = req.outputs.length
    ? checkOutputNames(
        req.outputs.map((o) => o.name),
        model,
      )
    : undefined;
  return { request: assembleRequest(req.id || undefined, inputs, outputNames, model), raw };
}

function fromContents(
  contents: GrpcContents,
  checked: CheckedInput,
  datatype: string,
  field: string,
): RuntimeTensor {
  const { spec, dims, count } = checked;
  const name = FIELD_BY_DATATYPE[datatype];
  if (!name)
    throw new InferRequestError(field, `${datatype} has no typed contents; send it in raw_input_contents`);
  const values = (contents[name] ?? []) as unknown[];
  if (values.length !== count) {
    const elsewhere = filledField(contents);
    throw new InferRequestError(
      `${field}.${name}`,
      `holds ${values.length} values but shape [${dims.join(', ')}] needs ${count}` +
        (elsewhere && elsewhere !== name
          ? ` (the values are in ${elsewhere}; ${datatype} goes in ${name})`
          : ''),
    );
  }
  const range = INT_RANGE[datatype];
  if (range) {
    const bad = (values as number[]).findIndex((v) => v < range[0] || v > range[1]);
    if (bad >= 0)
      throw new InferRequestError(`${field}.${name}[${bad}]`, `${values[bad]} does not fit in ${datatype}`);
  }
  const elementType = spec.elementType;
  let data: RuntimeTensor['data'];
  if (datatype === 'BYTES') data = (values as Uint8Array[]).map((b) => Buffer.from(b).toString('utf8'));
  else if (datatype === 'INT64') data = BigInt64Array.from(values as string[], (v) => BigInt(v));
  else if (datatype === 'UINT64') data = BigUint64Array.from(values as string[], (v) => BigInt(v));
  else if (datatype === 'BOOL') data = Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0));
  else if (datatype === 'FP32') data = Float32Array.from(values as number[]);
  else if (datatype === 'FP64') data = Float64Array.from(values as number[]);
  else data = typedArrayFor(elementType).from(values as number[]);
  return { elementType, dims, data };
}

/** The first contents field holding values, if any. */
function filledField(contents: GrpcContents | null | undefined): ContentsField | undefined {
  if (!contents) return undefined;
  return (Object.keys(contents) as ContentsField[]).find((k) => (contents[k]?.length ?? 0) > 0);
}

/**
 * Outputs → a ModelInferResponse. Answered in raw_output_contents when the request came raw (or
 * an output is FP16, which has no typed field), in typed contents otherwise.
 */
export function encodeGrpcInfer(
  model: ServedModel,
  request: DecodedInferRequest,
  outputs: Record<string, RuntimeTensor>,
  raw: boolean,
): Record<string, unknown> {
  const tensors = Object.entries(outputs);
  const asRaw = raw || tensors.some(([, t]) => !FIELD_BY_DATATYPE[v2Datatype(t.elementType)]);
  return {
    model_name: model.name,
    model_version: model.version ?? '',
    id: request.id ?? '',
    outputs: tensors.map(([name, tensor]) => {
      const datatype = v2Datatype(tensor.elementType);
      const head = { name, datatype, shape: [...tensor.dims] };
      return asRaw ? head : { ...head, contents: toContents(tensor, datatype) };
    }),
    raw_output_contents: asRaw ? tensors.map(([, t]) => tensorToBytes(t)) : [],
  };
}

function toContents(tensor: RuntimeTensor, datatype: string): GrpcContents {
  const field = FIELD_BY_DATATYPE[datatype]!;
  const data = tensor.data;
  if (Array.isArray(data)) return { [field]: data.map((s) => Buffer.from(s, 'utf8')) };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array)
    return { [field]: Array.from(data, (v) => v.toString()) };
  if (datatype === 'BOOL') return { [field]: Array.from(data as Uint8Array, (v) => v !== 0) };
  return { [field]: Array.from(data as Float32Array) };
}
