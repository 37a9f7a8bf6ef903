// optimize --split-at: the model cut at named tensors into two parts that run in turn; the parts are
// written only after chaining them reproduces the whole model, and chained again here on other rows.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeModel } from '../../../src/core/onnx/index.js';
import { createSession } from '../../../src/platform/runtime/session.js';
import { runCli } from '../../support/cli-runner.js';
import { makeMlp, randoms } from '../../core/optimize/make-models.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelops-optimize-split-'));
  writeFileSync(join(dir, 'mlp.onnx'), writeModel(makeMlp({ hidden: 32 })));
});

async function run(
  path: string,
  feeds: Record<string, { elementType: string; dims: number[]; data: Float32Array }>,
) {
  const session = await createSession(readFileSync(path));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('modelops optimize --split-at', () => {
  it('writes two parts whose chain gives the whole model’s outputs', async () => {
    const cli = await runCli(
      ['optimize', '--model', 'mlp.onnx', '--output', 'parts/mlp.onnx', '--split-at', 'h1r', '--json'],
      { cwd: dir },
    );
    expect(cli.exitCode, cli.stderr).toBe(0);
    const split = cli.json!.split as {
      cut: string[];
      max_abs_error: number;
      parts: Array<{ path: string; inputs: string[]; outputs: string[]; nodes: number }>;
    };
    expect(split.cut).toEqual(['h1r']);
    expect(split.max_abs_error).toBe(0);
    expect(split.parts.map((p) => [p.path, p.inputs, p.outputs, p.nodes])).toEqual([
      ['parts/mlp.part1.onnx', ['x'], ['h1r'], 3],
      ['parts/mlp.part2.onnx', ['h1r'], ['probabilities', 'label'], 4],
    ]);
    const x = { elementType: 'float', dims: [5, 8], data: randoms(40, 77) };
    const whole = await run(join(dir, 'mlp.onnx'), { x });
    const head = await run(join(dir, 'parts/mlp.part1.onnx'), { x });
    const tail = await run(join(dir, 'parts/mlp.part2.onnx'), {
      h1r: head.h1r as { elementType: string; dims: number[]; data: Float32Array },
    });
    expect(Array.from(tail.probabilities!.data as Float32Array)).toEqual(
      Array.from(whole.probabilities!.data as Float32Array),
    );
    expect(Array.from(tail.label!.data as BigInt64Array)).toEqual(
      Array.from(whole.label!.data as BigInt64Array),
    );
  });

  it('an unknown tensor or a model input as the cut exits 2 and writes nothing', async () => {
    for (const [cut, message] of [
      ['nope', /tensor 'nope' is not in the model/],
      ['x', /--split-at x is a model input/],
    ] as const) {
      const cli = await runCli(
        ['optimize', '--model', 'mlp.onnx', '--output', `bad-${cut}/m.onnx`, '--split-at', cut],
        {
          cwd: dir,
        },
      );
      expect(cli.exitCode).toBe(2);
      expect(cli.stderr).toMatch(message);
      expect(existsSync(join(dir, `bad-${cut}/m.part1.onnx`))).toBe(false);
    }
  });
});
