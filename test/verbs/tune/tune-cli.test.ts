import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import { makeWorkdir, TRAIN_COMMAND } from './helpers.js';

const flags = [
  '--space',
  'space.yaml',
  '--train-command',
  TRAIN_COMMAND,
  '--metric',
  'loss',
  '--direction',
  'minimize',
];

/** The built CLI, as a user runs it: one JSON object with --json, one line for bad input, exit codes. */
describe('modelops tune (built CLI)', () => {
  it('--json prints one result with best and trials; text goes to stderr', async () => {
    const dir = makeWorkdir();
    const run = await runCli(
      ['tune', ...flags, '--sampler', 'random', '--trials', '3', '--parallel', '2', '--json'],
      {
        cwd: dir,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const result = run.json as {
      best: { params: Record<string, unknown>; value: number };
      trials: Array<{ params: unknown; value: number; state: string; duration: number }>;
      study: { journal: string; id: string };
    };
    expect(result.trials).toHaveLength(3);
    expect(result.trials.every((t) => t.state === 'complete' && t.duration > 0)).toBe(true);
    expect(result.best.value).toBe(Math.min(...result.trials.map((t) => t.value)));
    expect(result.study.journal).toBe(`.modelops/tune/${result.study.id}.jsonl`);
    expect(readFileSync(join(dir, result.study.journal), 'utf8').split('\n')[0]).toContain('"type":"study"');
    expect(run.stderr).toMatch(/trial #\d complete in \d+\.\d s: loss = /);
  });

  it('bad input: exit 2 with one line naming the value and the fix, no stack trace', async () => {
    const dir = makeWorkdir();
    const run = await runCli(['tune', ...flags.slice(0, 6), '--direction', 'down'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain("--direction must be one of minimize, maximize, got 'down'");
    const quote = await runCli(
      [
        'tune',
        ...flags.slice(0, 2),
        '--train-command',
        "node 'x",
        '--metric',
        'loss',
        '--direction',
        'minimize',
      ],
      {
        cwd: dir,
      },
    );
    expect(quote.exitCode).toBe(2);
    expect(quote.stderr).toContain("--train-command 'node 'x' has an unterminated single quote");
    expect(quote.stderr).not.toMatch(/\n\s+at /);
  });

  it('every trial failing is exit 1 with the reason', async () => {
    const dir = makeWorkdir();
    const run = await runCli(['tune', ...flags, '--trials', '2'], { cwd: dir, env: { MODE: 'silent' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      "error: all 2 trial(s) failed; the first: the command printed no JSON object with 'loss' on stdout and wrote no MODELOPS_METRICS_FILE",
    );
  });

  it('two processes sharing one journal: whole lines only, every trial finished, the budget kept', async () => {
    const dir = makeWorkdir();
    const args = [
      'tune',
      ...flags,
      '--sampler',
      'random',
      '--trials',
      '6',
      '--parallel',
      '2',
      '--study',
      's.jsonl',
    ];
    const [a, b] = await Promise.all([
      runCli([...args, '--seed', '1'], { cwd: dir }),
      runCli([...args, '--seed', '2'], { cwd: dir }),
    ]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const lines = readFileSync(join(dir, 's.jsonl'), 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { type: string; trial?: string; id?: string });
    // Both may write the header when they start at once: the same study, so the same line.
    expect(new Set(records.filter((r) => r.type === 'study').map((r) => r.id)).size).toBe(1);
    const started = records.filter((r) => r.type === 'start').map((r) => r.trial);
    const ended = records.filter((r) => r.type === 'end').map((r) => r.trial);
    expect(new Set(ended)).toEqual(new Set(started));
    // Each process counts the other's running trials; a simultaneous first read may overshoot by
    // at most one batch of the other process.
    expect(started.length).toBeGreaterThanOrEqual(6);
    expect(started.length).toBeLessThanOrEqual(8);
  });

  it('--help lists the flags', async () => {
    const run = await runCli(['tune', '--help'], { cwd: makeWorkdir() });
    expect(run.exitCode).toBe(0);
    for (const flag of [
      '--space',
      '--train-command',
      '--suggest',
      '--run-trial',
      '--collect',
      '--best-params-file',
    ])
      expect(run.stdout).toContain(flag);
  });
});
