import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../src/core/tune/journal.js';
import { makeDeps, makeWorkdir, tune, TRAIN_COMMAND } from './helpers.js';

const study = [
  '--space',
  'space.yaml',
  '--metric',
  'loss',
  '--direction',
  'minimize',
  '--sampler',
  'random',
  '--trials',
  '5',
  '--study',
  'tune/study.jsonl',
];

interface Matrix {
  include: Array<{ number: number; trial: string }>;
}

describe('modelops tune over an Actions matrix (in process)', () => {
  it('suggest → run-trial per entry → collect (+ next suggest), idempotent, failing missing results', async () => {
    const repo = makeWorkdir();
    const first = await tune([...study, '--suggest', '3'], makeDeps(repo));
    expect(first.exitCode).toBe(0);
    expect(first.outputs.suggested).toBe('3');
    const matrix = JSON.parse(first.outputs.matrix!) as Matrix;
    expect(matrix.include.map((e) => e.number)).toEqual([0, 1, 2]);
    const trial0 = JSON.parse(matrix.include[0]!.trial);
    expect(trial0).toMatchObject({ number: 0, metric: 'loss', params: expect.any(Object) });
    // No trial ran: suggest only records them as running.
    expect((first.result as { counts: unknown }).counts).toEqual({
      running: 3,
      complete: 0,
      pruned: 0,
      failed: 0,
    });

    // Each matrix job: a fresh checkout (no journal), one trial, one result file.
    const downloaded = join(repo, 'downloaded');
    for (const entry of matrix.include.slice(0, 2)) {
      const job = makeWorkdir();
      const run = await tune(['--train-command', TRAIN_COMMAND, '--run-trial', entry.trial], makeDeps(job));
      expect(run.exitCode).toBe(0);
      expect(run.outputs['trial-result']).toMatch(/^tune-results\/trial-[0-9a-f]{12}-[0-9a-f]{16}\.json$/);
      mkdirSync(join(downloaded, `trial-${entry.number}`), { recursive: true });
      cpSync(join(job, 'tune-results'), join(downloaded, `trial-${entry.number}`), { recursive: true });
      rmSync(job, { recursive: true });
    }
    // The third job died without uploading anything.
    const collect = await tune([...study, '--collect', 'downloaded', '--suggest', '3'], makeDeps(repo));
    expect(collect.exitCode, collect.text).toBe(0);
    const r = collect.result as {
      counts: unknown;
      collected: unknown;
      trials: Array<{ state: string; error?: string }>;
    };
    expect(r.collected).toEqual({ collected: 2, missing: 1, files: 2 });
    expect(r.trials.slice(0, 3).map((t) => t.state)).toEqual(['complete', 'complete', 'failed']);
    expect(r.trials[2]!.error).toMatch(/^no result was collected/);
    // Budget 5: two more, not three.
    expect(collect.outputs.suggested).toBe('2');
    expect((JSON.parse(collect.outputs.matrix!) as Matrix).include.map((e) => e.number)).toEqual([3, 4]);
    expect(collect.summary).toContain('### modelops tune: loss (minimize)');
    expect(JSON.parse(readFileSync(join(repo, 'params.best.json'), 'utf8'))).toEqual(
      JSON.parse(collect.outputs['best-params']!),
    );

    // Collecting the same artifacts again changes nothing.
    const again = await tune([...study, '--collect', 'downloaded'], makeDeps(repo));
    expect((again.result as { collected: unknown }).collected).toEqual({
      collected: 0,
      missing: 0,
      files: 2,
    });
    const journal = parseJournal(readFileSync(join(repo, 'tune/study.jsonl'), 'utf8'));
    expect(journal.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'failed',
      'running',
      'running',
    ]);
  });

  it('a bare --suggest does not fail on earlier failed trials; collecting them does', async () => {
    const repo = makeWorkdir();
    const first = await tune([...study, '--suggest', '1'], makeDeps(repo));
    const entry = (JSON.parse(first.outputs.matrix!) as Matrix).include[0]!;
    const job = makeWorkdir();
    await tune(
      ['--train-command', TRAIN_COMMAND, '--run-trial', entry.trial],
      makeDeps(job, { MODE: 'crash' }),
    );
    cpSync(join(job, 'tune-results'), join(repo, 'downloaded'), { recursive: true });
    const collect = await tune([...study, '--collect', 'downloaded'], makeDeps(repo));
    expect(collect.exitCode).toBe(1);
    expect((collect.result as { verdict: string }).verdict).toBe(
      'all 1 trial(s) failed; the first: exit code 3: CUDA out of memory',
    );
    const next = await tune([...study, '--suggest', '1'], makeDeps(repo));
    expect(next.exitCode).toBe(0);
    expect(next.outputs.suggested).toBe('1');
  });

  it('a malformed --run-trial, or --run-trial with --suggest, is a usage error', async () => {
    const dir = makeWorkdir();
    await expect(
      tune(['--train-command', TRAIN_COMMAND, '--run-trial', '{"x": 1}'], makeDeps(dir)),
    ).rejects.toThrow(/^--run-trial '\{"x": 1\}' is not a trial of modelops tune --suggest/);
    await expect(tune([...study, '--suggest', '257'], makeDeps(dir))).rejects.toThrow(
      /^--suggest 257 is more than a matrix can run \(256 jobs\)/,
    );
    await expect(tune(['--run-trial', '{}', '--suggest', '2'], makeDeps(dir))).rejects.toThrow(
      /^--run-trial cannot be combined with --suggest/,
    );
  });
});
