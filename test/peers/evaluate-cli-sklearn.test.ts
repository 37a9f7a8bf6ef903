// End to end against scikit-learn: the built CLI runs `modelops evaluate --json
// --write-predictions` on random data and a real ONNX model; scikit-learn (sklearn_metrics.py,
// /usr/bin/python3) computes every metric from the very predictions the CLI wrote. Each metric the
// CLI reports must agree to 1e-9 (absolute or relative), NaN (JSON null) where scikit-learn refuses,
// and the confusion matrix must be identical. Cases: binary with tied scores (discrete features,
// a score of exactly 0.5), one row, multiclass with a class absent from the labels, regression.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import buildIfStale from '../support/global-setup.js';
import { linearModelBytes } from '../support/models.js';
import { randoms, regressionModelBytes, softmaxModelBytes } from '../verbs/evaluate/helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'sklearn_metrics.py');
const TOLERANCE = 1e-9;
/** Not quality metrics: measured, not computed from predictions. */
const MEASURED = new Set(['latency_p50', 'latency_p95', 'latency_p99', 'throughput', 'size']);

interface Case {
  id: string;
  task: 'binary' | 'multiclass' | 'regression';
  numClasses?: number;
  model: Uint8Array;
  header: string[];
  rows: number[][];
}

function cases(): Case[] {
  const next = randoms(2026);
  const discrete = () => [-1, 0, 1][Math.floor(next() * 3)]!;
  const binaryRows = (n: number) =>
    Array.from({ length: n }, () => {
      const x = [discrete(), discrete(), discrete(), discrete()];
      const logit = 0.1 * x[0]! + 0.2 * x[1]! + 0.3 * x[2]! + 0.4 * x[3]!;
      return [...x, (logit > 0 ? 1 : 0) ^ Number(next() < 0.25)];
    });
  const weights4 = [
    [0.5, -0.2, 0.1, 0.3],
    [-0.3, 0.4, 0.2, -0.1],
    [0.2, 0.1, -0.4, 0.3],
  ];
  return [
    {
      id: 'binary-tied',
      task: 'binary',
      numClasses: 2,
      model: linearModelBytes(),
      header: ['a', 'b', 'c', 'd', 'label'],
      // All-zero features give exactly sigmoid(0) = 0.5: a tie with the threshold too.
      rows: [[0, 0, 0, 0, 1], [0, 0, 0, 0, 0], ...binaryRows(400)],
    },
    {
      id: 'binary-one-row',
      task: 'binary',
      numClasses: 2,
      model: linearModelBytes(),
      header: ['a', 'b', 'c', 'd', 'label'],
      rows: [[1, 0, -1, 1, 1]],
    },
    {
      id: 'multiclass-absent-class',
      task: 'multiclass',
      numClasses: 4,
      model: softmaxModelBytes(weights4, [0.1, 0, -0.1, 0.05]),
      header: ['x0', 'x1', 'x2', 'label'],
      // Class 2 never appears as a label; discrete features give tied score rows.
      rows: Array.from({ length: 300 }, () => [
        discrete(),
        discrete(),
        discrete(),
        [0, 1, 3][Math.floor(next() * 3)]!,
      ]),
    },
    {
      id: 'regression',
      task: 'regression',
      model: regressionModelBytes([0.7, -1.3, 0.25], 0.5),
      header: ['x0', 'x1', 'x2', 'y'],
      rows: Array.from({ length: 250 }, () => {
        const x = [next() * 4 - 2, next() * 4 - 2, next() * 4 - 2];
        return [...x, 0.7 * x[0]! - 1.3 * x[1]! + 0.25 * x[2]! + 0.5 + (next() - 0.5)];
      }),
    },
  ];
}

let dir: string;
beforeAll(() => {
  buildIfStale();
  dir = mkdtempSync(join(tmpdir(), 'modelops-eval-peer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type PeerValue = number | string | { error: string } | number[][] | boolean;

describe('modelops evaluate --json (built CLI) agrees with scikit-learn on its own predictions', () => {
  it.each(cases().map((c) => [c.id, c] as const))('%s', async (id, c) => {
    const work = join(dir, id);
    execFileSync('mkdir', ['-p', work]);
    writeFileSync(join(work, 'model.onnx'), c.model);
    const label = c.header[c.header.length - 1]!;
    writeFileSync(
      join(work, 'eval.csv'),
      [c.header.join(','), ...c.rows.map((r) => r.join(','))].join('\n') + '\n',
    );
    const run = await runCli(
      [
        'evaluate',
        '--model',
        'model.onnx',
        '--data',
        'eval.csv',
        '--label-column',
        label,
        '--task',
        c.task,
        '--batch-size',
        '64',
        '--write-predictions',
        'predictions.jsonl',
        '--json',
      ],
      { cwd: work },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = run.json as {
      metrics: Record<string, number | null>;
      confusion_matrix?: number[][];
      rows: number;
    };
    expect(result.rows).toBe(c.rows.length);

    const predictions = readFileSync(join(work, 'predictions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            row: number;
            label: number;
            prediction: number;
            probabilities?: number | number[];
          },
      );
    expect(predictions.map((p) => p.row)).toEqual(c.rows.map((_, i) => i));
    expect(predictions.map((p) => p.label)).toEqual(c.rows.map((r) => r[r.length - 1]));
    const peerCase =
      c.task === 'regression'
        ? {
            id,
            task: c.task,
            threshold: 0.5,
            yTrue: predictions.map((p) => p.label),
            yPred: predictions.map((p) => p.prediction),
          }
        : {
            id,
            task: c.task,
            numClasses: c.numClasses,
            threshold: 0.5,
            yTrue: predictions.map((p) => p.label),
            yScore: predictions.map((p) => p.probabilities!),
          };
    writeFileSync(join(work, 'cases.json'), JSON.stringify([peerCase]));
    execFileSync(PYTHON, [SCRIPT, join(work, 'cases.json'), join(work, 'peer.json')]);
    const peer = (
      JSON.parse(readFileSync(join(work, 'peer.json'), 'utf8')) as {
        results: Record<string, Record<string, PeerValue>>;
      }
    ).results[id]!;

    const ours = Object.entries(result.metrics).filter(([key]) => !MEASURED.has(key));
    expect(ours.length).toBeGreaterThanOrEqual(c.task === 'regression' ? 7 : 12);
    for (const [key, value] of ours) {
      expect(peer, `scikit-learn has no '${key}'`).toHaveProperty(key);
      const expected = peer[key]!;
      const undefinedThere = typeof expected === 'object' || typeof expected === 'string';
      if (undefinedThere) {
        // scikit-learn raised or returned nan/inf: ours is NaN, which JSON prints as null.
        expect(value, `${id} ${key}: scikit-learn ${JSON.stringify(expected)}`).toBeNull();
        continue;
      }
      expect(typeof value, `${id} ${key}`).toBe('number');
      const gap = Math.abs((value as number) - (expected as number));
      expect(
        gap <= TOLERANCE || gap <= TOLERANCE * Math.abs(expected as number),
        `${id} ${key}: ${value} vs ${expected}`,
      ).toBe(true);
    }
    if (c.task !== 'regression') expect(result.confusion_matrix).toEqual(peer.confusion);
  });
});
