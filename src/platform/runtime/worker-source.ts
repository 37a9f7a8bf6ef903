/**
 * The code of the thread that owns one onnxruntime session (see worker-session.ts). It is a string
 * run with `new Worker(source, { eval: true })` because the bundle has no file of its own for it
 * and vitest runs the TypeScript sources; onnxruntime-node is required from the absolute path the
 * parent resolved, so it loads from wherever the parent's copy lives (dist/node_modules in the
 * built actions). Kept to plain CommonJS and to what only this thread can do: create the session,
 * run it, and hand tensors back as plain values.
 *
 * Protocol. workerData: { ortPath, model (path or bytes), options }. The thread first posts
 * { ready: { inputNames, outputNames, inputs, outputs } } or { loadError: message }. Then each
 * { id, feeds: { name: { type, dims, data } }, outputs: [names] } is answered with
 * { id, outputs: { name: { type, dims, data } }, ms, returned } (ms: onnxruntime's own time;
 * returned: the feeds' whole buffers, moved back, when the request had returnFeeds) or { id, error },
 * and { id, release: true } with { id } once the session is released.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');

function message(error) {
  return String((error && error.message) || error).split('\n').join(' ');
}

function describe(m) {
  return m.isTensor
    ? { name: m.name, isTensor: true, type: m.type, shape: Array.from(m.shape) }
    : { name: m.name, isTensor: false };
}

(async () => {
  let ort;
  let session;
  try {
    ort = require(workerData.ortPath);
    session = await ort.InferenceSession.create(workerData.model, workerData.options);
    // onnxruntime holds its own copy now; the file's bytes kept for the thread's life would count
    // as V8 external memory and bring on full collections under load (see server-heap.ts).
    workerData.model = null;
  } catch (error) {
    parentPort.postMessage({ loadError: message(error) });
    return;
  }

  // float16: on Node 24 onnxruntime-common wraps Uint16Array data in a Float16Array that the
  // binding reads as 0 bytes; hand it the Uint16Array view back (as ort-tensor.ts does).
  const toOrt = (t) => {
    const tensor = new ort.Tensor(t.type, t.data, t.dims);
    if (t.type === 'float16' && !(tensor.data instanceof Uint16Array)) {
      const d = tensor.data;
      tensor.cpuData = new Uint16Array(d.buffer, d.byteOffset, d.length);
    }
    return tensor;
  };
  const fromOrt = (tensor) => {
    let data = tensor.data;
    if (tensor.type === 'float16' && !(data instanceof Uint16Array) && !Array.isArray(data)) {
      data = new Uint16Array(data.buffer, data.byteOffset, data.length);
    }
    return { type: tensor.type, dims: Array.from(tensor.dims), data };
  };

  parentPort.on('message', async (request) => {
    if (request.release) {
      try {
        await session.release();
      } finally {
        parentPort.postMessage({ id: request.id });
      }
      return;
    }
    let results;
    let ms;
    try {
      const feeds = {};
      for (const name of Object.keys(request.feeds)) feeds[name] = toOrt(request.feeds[name]);
      const started = performance.now();
      results = await session.run(feeds, request.outputs);
      ms = performance.now() - started;
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: message(error) });
      return;
    }
    const outputs = {};
    const transfer = [];
    // Asked for: the feeds' memory goes back too, for the caller to fill with a later batch.
    const returned = [];
    if (request.returnFeeds) {
      for (const name of Object.keys(request.feeds)) {
        const data = request.feeds[name].data;
        if (ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength &&
            !returned.includes(data.buffer)) returned.push(data.buffer);
      }
    }
    for (const name of Object.keys(results)) {
      const plain = fromOrt(results[name]);
      outputs[name] = plain;
      // Output buffers are ours alone: move them to the parent instead of copying.
      const data = plain.data;
      if (ArrayBuffer.isView(data) && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength &&
          !transfer.includes(data.buffer)) transfer.push(data.buffer);
    }
    try {
      parentPort.postMessage({ id: request.id, outputs, ms, returned }, [...transfer, ...returned]);
    } catch {
      parentPort.postMessage({ id: request.id, outputs, ms });
    }
  });
  parentPort.postMessage({
    ready: {
      inputNames: Array.from(session.inputNames),
      outputNames: Array.from(session.outputNames),
      inputs: session.inputMetadata.map(describe),
      outputs: session.outputMetadata.map(describe),
    },
  });
})();
`;
