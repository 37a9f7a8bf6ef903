import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltAction, type ActionRun } from '../support/action-runner.js';
import { makeWorkdir, TRAIN_COMMAND } from '../verbs/tune/helpers.js';

/**
 * The matrix round trip as a workflow runs it, with the BUILT action on node24 (GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, INPUT_* with action.yml defaults): a suggest job, one job per matrix entry
 * in its own checkout (its result file is the artifact), a collect job that merges the downloaded
 * artifacts into the journal and suggests the next batch, and the same again.
 */
const studyInputs = {
  space: 'space.yaml',
  metric: 'loss',
  direction: 'minimize',
  sampler: 'random',
  trials: '4',
  seed: '3',
  study: 'tune/study.jsonl',
};

interface Matrix {
  include: Array<{ number: number; trial: string }>;
}

const ok = (run: ActionRun) => {
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  return run;
};

/** One matrix job per entry, each in a fresh checkout; their artifacts land in `downloaded`. */
async function runMatrix(matrix: Matrix, downloaded: string, action: string): Promise<void> {
  for (const entry of matrix.include) {
    const job = makeWorkdir();
    const run = ok(
      await runBuiltAction({
        action,
        workspace: job,
        inputs: {
          ...(action === 'main' ? { command: 'tune' } : {}),
          'train-command': TRAIN_COMMAND,
          'run-trial': entry.trial,
        },
      }),
    );
    expect(run.outputs['trial-result']).toMatch(/^tune-results\/trial-/);
    // actions/download-artifact puts each artifact in a folder of its name.
    mkdirSync(join(downloaded, `trial-${entry.number}`), { recursive: true });
    cpSync(join(job, 'tune-results'), join(downloaded, `trial-${entry.number}`), { recursive: true });
    rmSync(job, { recursive: true });
  }
}

describe('tune action: suggest → matrix trials → collect → suggest, built action on node24', () => {
  it('runs two rounds and reports the best trial', async () => {
    const repo = makeWorkdir();
    const suggest = ok(
      await runBuiltAction({ action: 'tune', workspace: repo, inputs: { ...studyInputs, suggest: '2' } }),
    );
    expect(suggest.outputs.suggested).toBe('2');
    const first = JSON.parse(suggest.outputs.matrix!) as Matrix;
    expect(first.include.map((e) => e.number)).toEqual([0, 1]);

    const round1 = join(repo, 'round-1');
    await runMatrix(first, round1, 'tune');
    const collect = ok(
      await runBuiltAction({
        action: 'tune',
        workspace: repo,
        inputs: { ...studyInputs, collect: 'round-1', suggest: '2' },
      }),
    );
    const second = JSON.parse(collect.outputs.matrix!) as Matrix;
    expect(second.include.map((e) => e.number)).toEqual([2, 3]);
    expect(collect.summary).toContain('### modelops tune: loss (minimize)');
    expect(collect.summary).toContain('2 complete, 0 pruned, 0 failed, 2 running');

    // The second round goes through the root action (`command: tune`), as some workflows use it.
    const round2 = join(repo, 'round-2');
    await runMatrix(second, round2, 'main');
    const last = ok(
      await runBuiltAction({
        action: 'tune',
        workspace: repo,
        inputs: { ...studyInputs, collect: 'round-2', suggest: '2' },
      }),
    );
    expect(last.outputs.suggested).toBe('0');
    expect(JSON.parse(last.outputs.matrix!)).toEqual({ include: [] });
    const result = JSON.parse(last.outputs.result!) as {
      best: { number: number; params: { x: number; y: number; kind: string }; value: number };
      trials: Array<{ state: string; value: number }>;
    };
    expect(result.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
    const { x, y, kind } = result.best.params;
    expect(result.best.value).toBeCloseTo((x - 0.3) ** 2 + (y - 2) ** 2 + (kind === 'b' ? 1 : 0), 12);
    expect(result.best.value).toBe(Math.min(...result.trials.map((t) => t.value)));
    expect(last.outputs['best-value']).toBe(String(result.best.value));
    expect(JSON.parse(readFileSync(join(repo, 'params.best.json'), 'utf8'))).toEqual(result.best.params);
    expect(last.summary).toContain(`**Best: trial #${result.best.number}, loss = `);
    expect(last.summary).toContain('```mermaid');
    const journal = readFileSync(join(repo, 'tune/study.jsonl'), 'utf8').trim().split('\n');
    expect(journal.map((l) => JSON.parse(l).type)).toEqual([
      'study',
      'start',
      'start',
      'end',
      'end',
      'start',
      'start',
      'end',
      'end',
    ]);
  }, 180_000);

  it('a journal of another study fails the step with exit 2 and one line', async () => {
    const repo = makeWorkdir();
    ok(await runBuiltAction({ action: 'tune', workspace: repo, inputs: { ...studyInputs, suggest: '1' } }));
    const run = await runBuiltAction({
      action: 'tune',
      workspace: repo,
      inputs: { ...studyInputs, metric: 'acc', direction: 'maximize', suggest: '1' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(
      /::error::the study journal .*tune\/study\.jsonl belongs to another study \(loss minimize/,
    );
  });
});
