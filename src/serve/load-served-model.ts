import { readModel } from '../core/onnx/model-codec.js';
import { extractSignature } from '../core/onnx/signature.js';
import type { CreateSession } from '../platform/runtime/model-runtime.js';
import type { ServedModel } from './served-model.js';

/** Reads the signature from the ONNX bytes and opens an onnxruntime session on them. */
export async function loadServedModel(options: {
  name: string;
  version: string | undefined;
  bytes: Uint8Array;
  source: string;
  createSession: CreateSession;
}): Promise<ServedModel> {
  const signature = extractSignature(readModel(options.bytes, options.source));
  const session = await options.createSession(options.bytes, { source: options.source });
  // The server releases the session on close or on a failed start; a caller that also releases it
  // (to be safe on its own error path) must not free a native session twice.
  let released: Promise<void> | undefined;
  const runtime = { ...session, release: () => (released ??= session.release()) };
  return { name: options.name, version: options.version, signature, runtime };
}
