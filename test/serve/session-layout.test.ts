import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readModel } from '../../src/core/onnx/model-codec.js';
import { extractSignature } from '../../src/core/onnx/signature.js';
import { createMemoryLogger } from '../../src/platform/logger.js';
import { COMPUTE_BOUND_MS, openDefaultLayout, probeFeeds } from '../../src/verbs/serve/session-layout.js';
import { doublerBytes, mlpBytes } from './serve-models.js';

const signatureOf = (bytes: Uint8Array) => extractSignature(readModel(bytes, 'test'));

describe('probeFeeds', () => {
  it('makes zeros of the asked rows for a free first dimension and fixed others', () => {
    const feeds = probeFeeds(signatureOf(mlpBytes([5, 4, 2])), 3)!;
    expect(Object.keys(feeds)).toEqual(['x']);
    expect(feeds.x!.dims).toEqual([3, 5]);
    expect(feeds.x!.elementType).toBe('float');
    expect(feeds.x!.data).toEqual(new Float32Array(15));
  });

  it('gives up when a trailing dimension is symbolic (the doubler is x[batch, n])', () => {
    expect(probeFeeds(signatureOf(doublerBytes()), 8)).toBeUndefined();
  });
});

describe('openDefaultLayout', () => {
  const cores = Math.max(1, Math.min(4, availableParallelism()));

  it('keeps one single-threaded session per core for a model that takes microseconds', async () => {
    const bytes = mlpBytes([8, 16, 3]);
    const logger = createMemoryLogger();
    const layout = await openDefaultLayout(bytes, {}, signatureOf(bytes), 64, logger);
    try {
      expect(layout.sessions).toBe(cores);
      if (cores > 1) {
        expect(layout.runtime.concurrency).toBe(cores);
        expect(layout.probeMs).toBeLessThan(COMPUTE_BOUND_MS);
      }
      expect(logger.lines).toEqual([]);
      const out = await layout.runtime.run({
        x: { elementType: 'float', dims: [1, 8], data: new Float32Array(8) },
      });
      expect(out.y!.dims).toEqual([1, 3]);
    } finally {
      await layout.runtime.release();
    }
  });

  it.runIf(cores > 1)(
    'switches to one session with onnxruntime threads when a batch takes milliseconds, and says so',
    async () => {
      // 2 × (2048 × 2048) multiply-adds per row: about half a billion for 64 rows.
      const bytes = mlpBytes([2048, 2048, 2048, 4]);
      const logger = createMemoryLogger();
      const layout = await openDefaultLayout(bytes, {}, signatureOf(bytes), 64, logger);
      try {
        expect(layout.sessions).toBe(1);
        expect(layout.runtime.concurrency).toBeUndefined();
        expect(layout.probeMs).toBeGreaterThanOrEqual(COMPUTE_BOUND_MS);
        expect(logger.lines).toHaveLength(1);
        expect(logger.lines[0]).toMatch(
          new RegExp(
            `^a 64-row batch takes \\d+\\.\\d ms on one thread: serving from one session .*--sessions ${cores}`,
          ),
        );
        const out = await layout.runtime.run({
          x: { elementType: 'float', dims: [2, 2048], data: new Float32Array(4096) },
        });
        expect(out.y!.dims).toEqual([2, 4]);
      } finally {
        await layout.runtime.release();
      }
    },
  );
});
