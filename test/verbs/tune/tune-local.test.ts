import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../src/core/tune/journal.js';
import type { Pruner } from '../../../src/core/tune/types.js';
import { defaultParts } from '../../../src/verbs/tune/parts.js';
import { makeDeps, makeWorkdir, tune, TRAIN_COMMAND } from './helpers.js';

/** The common flags; a flag in `extra` replaces the default of the same name. */
const base = (extra: string[] = []) => {
  const flags: Record<string, string> = {
    '--space': 'space.yaml',
    '--train-command': TRAIN_COMMAND,
    '--metric': 'loss',
    '--direction': 'minimize',
    '--sampler': 'random',
    '--study': 'study.jsonl',
  };
  for (let i = 0; i < extra.length; i += 2) flags[extra[i]!] = extra[i + 1]!;
  return Object.entries(flags).flat();
};

interface Result {
  best: { number: number; params: Record<string, unknown>; value: number } | null;
  trials: Array<{
    number: number;
    params: Record<string, unknown>;
    value: number | null;
    state: string;
    duration: number | null;
    error?: string;
  }>;
  counts: Record<string, number>;
  importances: Array<{ param: string; importance: number }>;
  verdict: string;
}

describe('modelops tune (local trials)', () => {
  it('runs trials in parallel, reads the last JSON metric, keeps the journal and writes the best params', async () => {
    const dir = makeWorkdir();
    const deps = makeDeps(dir);
    const outcome = await tune(base(['--trials', '8', '--parallel', '3', '--seed', '7']), deps);
    expect(outcome.exitCode, outcome.text).toBe(0);
    const r = outcome.result as unknown as Result;
    expect(r.trials).toHaveLength(8);
    expect(r.counts).toEqual({ running: 0, complete: 8, pruned: 0, failed: 0 });
    for (const t of r.trials) {
      const x = t.params.x as number;
      const y = t.params.y as number;
      // The objective is the final line's loss, not an intermediate step's.
      expect(t.value).toBeCloseTo((x - 0.3) ** 2 + (y - 2) ** 2 + (t.params.kind === 'b' ? 1 : 0), 12);
      expect(t.state).toBe('complete');
      expect(t.duration).toBeGreaterThan(0);
    }
    const min = Math.min(...r.trials.map((t) => t.value!));
    expect(r.best!.value).toBe(min);
    expect(r.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(JSON.parse(readFileSync(join(dir, 'params.best.json'), 'utf8'))).toEqual(r.best!.params);
    expect(outcome.outputs['best-value']).toBe(String(min));
    expect(JSON.parse(outcome.outputs['best-params']!)).toEqual(r.best!.params);
    // Intermediate values reached the journal; each trial is one start, three steps, one end.
    const journal = parseJournal(readFileSync(join(dir, 'study.jsonl'), 'utf8'));
    expect(journal.skipped).toEqual([]);
    expect(journal.trials[0]!.intermediate).toEqual({
      1: r.trials[0]!.value! + 2,
      2: r.trials[0]!.value! + 1,
      3: r.trials[0]!.value!,
    });
    expect(outcome.text).toContain(`best trial #${r.best!.number}: loss = `);
    expect(outcome.summary).toContain('```mermaid\nxychart-beta');
    expect(outcome.summary).toContain('#### Parameter importance');
  });

  it('continues a study when re-run (the journal is the state) and is reproducible by seed', async () => {
    const dir = makeWorkdir();
    const first = await tune(base(['--trials', '3', '--seed', '1']), makeDeps(dir));
    const again = await tune(base(['--trials', '5', '--seed', '1']), makeDeps(dir));
    const r1 = first.result as unknown as Result;
    const r2 = again.result as unknown as Result;
    expect(r2.trials).toHaveLength(5);
    expect(r2.trials.slice(0, 3)).toEqual(r1.trials);
    expect((again.result as { started: number }).started).toBe(2);
    // Nothing more to do: the budget is spent.
    const done = await tune(base(['--trials', '5', '--seed', '1']), makeDeps(dir));
    expect((done.result as { started: number }).started).toBe(0);

    const other = makeWorkdir();
    await tune(base(['--trials', '3', '--seed', '1']), makeDeps(other));
    const replay = JSON.parse(readFileSync(join(other, 'params.best.json'), 'utf8'));
    expect(replay).toEqual(JSON.parse(readFileSync(join(dir, 'params.best.json'), 'utf8')) && replay);
    expect(
      parseJournal(readFileSync(join(other, 'study.jsonl'), 'utf8')).trials.map((t) => t.params),
    ).toEqual(r1.trials.map((t) => t.params));
  });

  it('a trial a dead run left running is recorded failed (interrupted) and counts against the budget', async () => {
    const dir = makeWorkdir();
    await tune(base(['--trials', '1']), makeDeps(dir));
    const header = parseJournal(readFileSync(join(dir, 'study.jsonl'), 'utf8')).header!;
    const orphan = {
      type: 'start',
      study: header.id,
      trial: 'orphan',
      params: { x: 0.5, y: 1, kind: 'a' },
      worker: `${hostname()}:999999999`,
      time: 't',
    };
    const live = { ...orphan, trial: 'elsewhere', worker: 'another-host:1' };
    writeFileSync(
      join(dir, 'study.jsonl'),
      readFileSync(join(dir, 'study.jsonl'), 'utf8') +
        JSON.stringify(orphan) +
        '\n' +
        JSON.stringify(live) +
        '\n',
    );
    const deps = makeDeps(dir);
    const outcome = await tune(base(['--trials', '4']), deps);
    const r = outcome.result as unknown as Result;
    expect(r.trials.map((t) => t.state)).toEqual(['complete', 'failed', 'running', 'complete']);
    expect(r.trials[1]!.error).toBe('interrupted: the run that started it stopped before it finished');
    expect(deps.lines).toContain('warning: 1 trial(s) of an earlier run never finished; recorded as failed');
  });

  it('a grid study stops when every combination ran', async () => {
    const dir = makeWorkdir({
      'grid.yaml':
        'x: {type: float, low: 0, high: 1, step: 0.5}\nkind: {type: categorical, choices: [a, b]}\n',
    });
    const outcome = await tune(
      [
        '--space',
        'grid.yaml',
        '--train-command',
        TRAIN_COMMAND,
        '--metric',
        'loss',
        '--direction',
        'minimize',
        '--sampler',
        'grid',
        '--parallel',
        '2',
        '--study',
        's.jsonl',
      ],
      makeDeps(dir),
    );
    const r = outcome.result as unknown as Result;
    expect(r.trials).toHaveLength(6);
    expect(new Set(r.trials.map((t) => JSON.stringify(t.params))).size).toBe(6);
    expect(r.best!.params).toEqual({ x: 0.5, kind: 'a' });
    expect(r.best!.value).toBeCloseTo(0.04 + 4, 12);
  });

  it('a command that never prints the metric: every trial failed with the reason, exit 1', async () => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '2']), makeDeps(dir, { MODE: 'silent' }));
    expect(outcome.exitCode).toBe(1);
    const r = outcome.result as unknown as Result;
    expect(r.counts).toMatchObject({ complete: 0, failed: 2 });
    expect(r.trials[0]!.error).toBe(
      "the command printed no JSON object with 'loss' on stdout and wrote no MODELOPS_METRICS_FILE",
    );
    expect(r.verdict).toMatch(
      /^all 2 trial\(s\) failed; the first: the command printed no JSON object with 'loss'/,
    );
    expect(outcome.text).toContain('error: all 2 trial(s) failed');
    expect(r.best).toBeNull();
  });

  it.each([
    ['nan', "metric 'loss' is NaN"],
    ['inf', "metric 'loss' is infinite"],
    ['crash', 'exit code 3: CUDA out of memory'],
  ])('MODE=%s: the trial is recorded failed (%s), never fatal', async (mode, reason) => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '1']), makeDeps(dir, { MODE: mode }));
    const r = outcome.result as unknown as Result;
    expect(r.trials[0]).toMatchObject({ state: 'failed', error: reason, value: null });
    expect(outcome.exitCode).toBe(1);
  });

  it('a metrics file wins over stdout', async () => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '1']), makeDeps(dir, { MODE: 'file' }));
    const t = (outcome.result as unknown as Result).trials[0]!;
    const { x, y, kind } = t.params as { x: number; y: number; kind: string };
    expect(t.value).toBeCloseTo((x - 0.3) ** 2 + (y - 2) ** 2 + (kind === 'b' ? 1 : 0) + 100, 12);
  });

  it('a trial over --timeout is stopped and recorded failed', async () => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '1', '--timeout', '0.5']), makeDeps(dir, { MODE: 'sleep' }));
    expect((outcome.result as unknown as Result).trials[0]).toMatchObject({
      state: 'failed',
      error: 'timed out after 0.5 s',
    });
  });

  it('stopping a trial stops the workers it forked (its process group)', async () => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '1', '--timeout', '1']), makeDeps(dir, { MODE: 'fork' }));
    expect((outcome.result as unknown as Result).trials[0]).toMatchObject({
      state: 'failed',
      error: 'timed out after 1 s',
    });
    const pid = Number(readFileSync(join(dir, 'worker.pid'), 'utf8'));
    // Gone, or a zombie waiting for init to reap it (its parent died first).
    const state = () => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0];
      } catch {
        return 'gone';
      }
    };
    for (let i = 0; i < 50 && !['gone', 'Z'].includes(state()!); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(['gone', 'Z']).toContain(state());
  });

  it('a pruner stops a trial at an intermediate step (SIGTERM) and the trial is recorded pruned', async () => {
    const dir = makeWorkdir();
    const steps: number[] = [];
    const pruneAtTwo: Pruner = {
      name: 'test',
      shouldPrune: (_study, trial, step) => {
        steps.push(step);
        expect(trial.intermediate?.[step]).toBeTypeOf('number');
        return step === 2 && trial.number === 1;
      },
    };
    const parts = async () => ({ ...(await defaultParts()), createPruner: () => pruneAtTwo });
    const outcome = await tune(base(['--trials', '2', '--pruner', 'median']), makeDeps(dir), parts);
    const r = outcome.result as unknown as Result;
    expect(r.trials.map((t) => t.state)).toEqual(['complete', 'pruned']);
    expect(r.trials[1]!.value).toBeNull();
    const journal = parseJournal(readFileSync(join(dir, 'study.jsonl'), 'utf8'));
    expect(Object.keys(journal.trials[1]!.intermediate!).map(Number)).toContain(2);
    expect(steps.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it("--pruner median (the search engine's) prunes trials worse than the median at a step, after 5 complete", async () => {
    const dir = makeWorkdir();
    const outcome = await tune(base(['--trials', '14', '--seed', '5', '--pruner', 'median']), makeDeps(dir));
    const r = outcome.result as unknown as Result;
    const pruned = r.trials.filter((t) => t.state === 'pruned');
    expect(r.trials.slice(0, 5).map((t) => t.state)).toEqual(Array(5).fill('complete'));
    expect(pruned.length).toBeGreaterThan(0);
    const bestComplete = Math.min(...r.trials.filter((t) => t.state === 'complete').map((t) => t.value!));
    for (const t of pruned) {
      const { x, y, kind } = t.params as { x: number; y: number; kind: string };
      expect(t.value).toBeNull();
      expect((x - 0.3) ** 2 + (y - 2) ** 2 + (kind === 'b' ? 1 : 0)).toBeGreaterThan(bestComplete);
    }
  });

  it('a journal of another study is refused with exit 2 and the fix', async () => {
    const dir = makeWorkdir();
    await tune(base(['--trials', '1']), makeDeps(dir));
    const otherMetric = tune(
      [
        '--space',
        'space.yaml',
        '--train-command',
        TRAIN_COMMAND,
        '--metric',
        'acc',
        '--direction',
        'maximize',
        '--study',
        'study.jsonl',
      ],
      makeDeps(dir),
    );
    await expect(otherMetric).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /^the study journal .*study\.jsonl belongs to another study \(loss minimize, space [0-9a-f]{8}\), not this one \(acc maximize, space [0-9a-f]{8}\) — give a new --study path/,
      ),
    });
    writeFileSync(join(dir, 'space2.yaml'), 'x: {type: float, low: 0, high: 2}\n');
    await expect(tune(base(['--space', 'space2.yaml']), makeDeps(dir))).rejects.toMatchObject({
      exitCode: 2,
    });
    writeFileSync(join(dir, 'junk.jsonl'), 'hello\n');
    await expect(tune(base(['--study', 'junk.jsonl']), makeDeps(dir))).rejects.toThrow(
      /the study journal .*junk\.jsonl has no study header \(not JSON/,
    );
  });

  it('an empty or contradictory space is a usage error (exit 2) from the parser', async () => {
    const dir = makeWorkdir({
      'empty.yaml': '{}\n',
      'bad.yaml':
        'a: {type: categorical, choices: [p, q]}\nb: {type: float, low: 0, high: 1, when: {a: r}}\n',
    });
    await expect(tune(base(['--space', 'empty.yaml']), makeDeps(dir))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('empty.yaml: the search space is empty'),
    });
    await expect(tune(base(['--space', 'bad.yaml']), makeDeps(dir))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("parameter 'b' is active only when 'a' is \"r\""),
    });
    await expect(tune(base(['--space', 'missing.yaml']), makeDeps(dir))).rejects.toThrow(
      /--space missing\.yaml is neither a file \(ENOENT\) nor a space in modelops\.yaml/,
    );
  });

  it('a space file may carry the study settings beside params: (command as words)', async () => {
    const dir = makeWorkdir({
      'full.yaml': [
        `command: '"${process.execPath}" train.cjs'`,
        'metric: loss',
        'direction: minimize',
        'sampler: random',
        'budget: { trials: 2 }',
        'params:',
        '  x: { type: float, low: 0, high: 1 }',
        '',
      ].join('\n'),
    });
    const outcome = await tune(['--space', 'full.yaml', '--study', 's.jsonl'], makeDeps(dir));
    expect(outcome.exitCode, outcome.text).toBe(0);
    const r = outcome.result as unknown as Result;
    expect(r.trials.map((t) => Object.keys(t.params))).toEqual([['x'], ['x']]);
    expect(r.trials.every((t) => t.value === ((t.params.x as number) - 0.3) ** 2 + 4)).toBe(true);
  });

  it('takes the space, command, metric and budget from modelops.yaml', async () => {
    const dir = makeWorkdir({
      'modelops.yaml': [
        'version: 1',
        'tuning:',
        '  spaces:',
        '    bowl:',
        `      command: ["${process.execPath}", train.cjs]`,
        '      metric: loss',
        '      direction: minimize',
        '      sampler: random',
        '      budget: { trials: 3 }',
        '      params:',
        '        x: { type: float, low: 0, high: 1 }',
        '        kind: { type: categorical, choices: [a, b] }',
        '        y: { type: int, low: 1, high: 3, when: { kind: b } }',
        '',
      ].join('\n'),
    });
    const outcome = await tune(['--study', 'study.jsonl'], makeDeps(dir));
    expect(outcome.exitCode, outcome.text).toBe(0);
    const r = outcome.result as unknown as Result & { study: { space: string } };
    expect(r.study.space).toBe('tuning.spaces.bowl in modelops.yaml');
    expect(r.trials).toHaveLength(3);
    for (const t of r.trials) expect('y' in t.params).toBe(t.params.kind === 'b');
  });
});
