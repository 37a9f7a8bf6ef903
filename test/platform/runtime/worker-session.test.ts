// A session in a worker thread must be indistinguishable from one on the main thread: same
// metadata, same outputs bit for bit, the same one-line errors. (What it buys — the main thread
// free while a batch computes — is measured in bench/evaluate-throughput.bench.mjs.)
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { ModelFormatError, UsageError } from '../../../src/core/errors.js';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import { saveModelFile } from '../../../src/core/onnx/model-file.js';
import { createSession } from '../../../src/platform/runtime/session.js';
import { createWorkerSession } from '../../../src/platform/runtime/worker-session.js';
import { flatValues, rowsToTensor } from '../../../src/platform/runtime/runtime-tensor.js';
import { makeLinearClassifierZipMap, makeMlp } from '../../core/onnx/models.js';
import { rejection } from '../../support/rejection.js';
import { expectFloat16RoundTrip, expectLoadFailures, suiteTempDir } from './session-contract.js';

const tempDir = suiteTempDir('modelops-worker-session-');

const ROWS = [
  [1, 2, 3, 4],
  [-1, 0.5, 2, -3],
  [0, 0, 0, 0],
];

describe('createWorkerSession', () => {
  it('gives the same metadata and bit-identical outputs as a main-thread session, from a path and from bytes', async () => {
    const path = join(tempDir(), 'mlp.onnx');
    await saveModelFile(path, makeMlp());
    const main = await createSession(path);
    const fromPath = await createWorkerSession(path);
    const fromBytes = await createWorkerSession(writeModel(makeMlp()), { source: 'mlp bytes' });
    expect(fromPath.inputs).toEqual(main.inputs);
    expect(fromPath.outputs).toEqual(main.outputs);
    expect(fromBytes.inputNames).toEqual(main.inputNames);
    expect(fromBytes.outputNames).toEqual(main.outputNames);
    const expected = await main.run({ features: rowsToTensor(ROWS) });
    for (const runtime of [fromPath, fromBytes]) {
      const timed = await runtime.runTimed!({ features: rowsToTensor(ROWS) });
      expect(timed.ms).toBeGreaterThan(0);
      expect(Object.keys(timed.outputs).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, tensor] of Object.entries(expected)) {
        expect(timed.outputs[name]!.elementType).toBe(tensor.elementType);
        expect(timed.outputs[name]!.dims).toEqual(tensor.dims);
        expect(flatValues(timed.outputs[name]!)).toEqual(flatValues(tensor));
      }
    }
    await Promise.all([main.release(), fromPath.release(), fromBytes.release()]);
  });

  it('answers many runs in flight in order, each with its own rows; the caller keeps its feed buffers', async () => {
    const runtime = await createWorkerSession(writeModel(makeMlp()));
    const main = await createSession(writeModel(makeMlp()));
    const batches = Array.from({ length: 12 }, (_, b) => ROWS.map((row) => row.map((v) => v * (b + 1))));
    // One large buffer, fed through views: each run must see only its view's rows.
    const all = new Float32Array(batches.flat(2));
    const feeds = batches.map((_, b) => ({
      features: { elementType: 'float', dims: [3, 4], data: all.subarray(b * 12, (b + 1) * 12) },
    }));
    const results = await Promise.all(feeds.map((f) => runtime.run(f)));
    for (const [b, result] of results.entries()) {
      const expected = await main.run({ features: rowsToTensor(batches[b]!) });
      expect(flatValues(result.probabilities!)).toEqual(flatValues(expected.probabilities!));
    }
    expect(all.length).toBe(12 * 12); // not detached
    await Promise.all([runtime.release(), main.release()]);
  });

  it('replicas: many runs in flight spread over several sessions, each result still its own batch', async () => {
    const bytes = writeModel(makeMlp());
    const pool = await createWorkerSession(bytes, { replicas: 3 });
    const main = await createSession(bytes, { threads: 1 });
    expect(pool.concurrency).toBe(3);
    expect(pool.inputs).toEqual(main.inputs);
    const batches = Array.from({ length: 20 }, (_, b) => ROWS.map((row) => row.map((v) => v - b / 3)));
    const results = await Promise.all(batches.map((rows) => pool.run({ features: rowsToTensor(rows) })));
    for (const [b, result] of results.entries()) {
      const expected = await main.run({ features: rowsToTensor(batches[b]!) });
      expect(flatValues(result.probabilities!)).toEqual(flatValues(expected.probabilities!));
    }
    await Promise.all([pool.release(), main.release()]);
    // Released: every replica's thread is gone, so a late run fails instead of hanging.
    await rejection(pool.run({ features: rowsToTensor(ROWS) }));
  });

  it('transfer: whole buffers move to the session thread (detached here), views into larger ones are copied', async () => {
    const bytes = writeModel(makeMlp());
    const runtime = await createWorkerSession(bytes);
    const main = await createSession(bytes);
    const expected = flatValues((await main.run({ features: rowsToTensor(ROWS) })).probabilities!);
    const owned = new Float32Array(ROWS.flat());
    const moved = await runtime.runTimed!(
      { features: { elementType: 'float', dims: [3, 4], data: owned } },
      undefined,
      { transfer: true },
    );
    expect(flatValues(moved.outputs.probabilities!)).toEqual(expected);
    expect(owned.length).toBe(0); // detached: the buffer now belongs to the worker
    // …and comes back once the run is over, unchanged, for the caller to fill again.
    expect(moved.returned).toHaveLength(1);
    expect(Array.from(new Float32Array(moved.returned![0]!))).toEqual(ROWS.flat());
    const larger = new Float32Array([...ROWS.flat(), 99, 99]);
    const view = larger.subarray(0, 12);
    const copied = await runtime.runTimed!(
      { features: { elementType: 'float', dims: [3, 4], data: view } },
      undefined,
      { transfer: true },
    );
    expect(flatValues(copied.outputs.probabilities!)).toEqual(expected);
    expect(Array.from(larger.subarray(12))).toEqual([99, 99]); // the rest of the buffer stays ours
    await Promise.all([runtime.release(), main.release()]);
  });

  it('replicas: a model that fails to load fails once, with every thread stopped; a bad count is refused', async () => {
    const bytes = writeModel(makeMlp());
    const cut = await rejection(
      createWorkerSession(bytes.subarray(0, bytes.length - 7), { source: 'cut.onnx', replicas: 4 }),
    );
    expect(cut).toBeInstanceOf(ModelFormatError);
    expect(cut.message).toMatch(/^onnxruntime cannot load cut\.onnx: /);
    for (const replicas of [0, 1.5, -2]) {
      const refused = await rejection(createWorkerSession(bytes, { source: 'm.onnx', replicas }));
      expect(refused).toBeInstanceOf(UsageError);
      expect(refused.message).toBe(
        `${replicas} session replicas for m.onnx is not a positive whole number — ask for 1 or more sessions`,
      );
    }
  });

  it('spinning on or off (the worker default is off) computes the same outputs', async () => {
    const bytes = writeModel(makeMlp());
    const spinning = await createWorkerSession(bytes, { spinning: true });
    const sleeping = await createWorkerSession(bytes);
    const main = await createSession(bytes, { spinning: false });
    const feeds = { features: rowsToTensor(ROWS) };
    const expected = flatValues((await main.run(feeds)).probabilities!);
    expect(flatValues((await spinning.run(feeds)).probabilities!)).toEqual(expected);
    expect(flatValues((await sleeping.run(feeds)).probabilities!)).toEqual(expected);
    await Promise.all([spinning.release(), sleeping.release(), main.release()]);
  });

  it('round-trips float16 as Uint16Array bit patterns', async () => {
    await expectFloat16RoundTrip(createWorkerSession);
  });

  it('raises the same one-line errors: corrupt, empty, missing, non-tensor output, wrong shape', async () => {
    await expectLoadFailures(createWorkerSession, tempDir());
    const missing = await rejection(createWorkerSession(join(tempDir(), 'missing.onnx')));
    expect(missing).toBeInstanceOf(UsageError);
    expect(missing.message).toMatch(/model file '.*missing\.onnx' does not exist — check the --model path/);

    const zipmap = await createWorkerSession(writeModel(makeLinearClassifierZipMap()), {
      source: 'zipmap.onnx',
    });
    const map = await rejection(zipmap.run({ X: rowsToTensor([[1, 2]]) }, ['probabilities']));
    expect(map).toBeInstanceOf(UsageError);
    expect(map.message).toMatch(/zipmap\.onnx: output 'probabilities' is a sequence or map/);
    const shape = await rejection(zipmap.run({ X: rowsToTensor([[1, 2, 3]]) }));
    expect(shape).toBeInstanceOf(UsageError);
    expect(shape.message).toMatch(
      /^onnxruntime failed to run zipmap\.onnx: .+ — check that the inputs match/,
    );
    // The session still works after a failed run.
    expect(flatValues((await zipmap.run({ X: rowsToTensor([[1, 2]]) })).label!)).toEqual([20]);
    await zipmap.release();
  });
});
