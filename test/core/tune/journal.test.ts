import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendJournal,
  JournalFollower,
  openStudyJournal,
  readJournal,
} from '../../../src/core/tune/journal-file.js';
import { canonicalJson, makeHeader, parseJournal, type TrialEvent } from '../../../src/core/tune/journal.js';
import type { SearchSpace } from '../../../src/core/tune/types.js';

const space: SearchSpace = {
  params: [
    { name: 'lr', spec: { type: 'float', low: 1e-4, high: 0.1, log: true } },
    { name: 'booster', spec: { type: 'categorical', choices: ['gbtree', 'dart'] } },
  ],
};
const header = makeHeader(space, 'loss', 'minimize', new Date('2026-11-27T00:00:00Z'));
const dir = () => mkdtempSync(join(tmpdir(), 'modelops-journal-'));
const start = (trial: string, lr: number): Extract<TrialEvent, { type: 'start' }> => ({
  type: 'start',
  study: header.id,
  trial,
  params: { lr, booster: 'gbtree' },
  time: 't',
});
const end = (trial: string, value: number): TrialEvent => ({
  type: 'end',
  study: header.id,
  trial,
  state: 'complete',
  params: { lr: 0.01, booster: 'gbtree' },
  value,
  durationMs: 5,
  time: 't',
});

describe('study journal', () => {
  it('the header id depends on the space, metric and direction only, not on key order or time', () => {
    const reordered: SearchSpace = {
      params: [
        { name: 'lr', spec: { log: true, high: 0.1, low: 1e-4, type: 'float' } },
        { name: 'booster', spec: { choices: ['gbtree', 'dart'], type: 'categorical' } },
      ],
    };
    const again = makeHeader(reordered, 'loss', 'minimize', new Date());
    expect(again.id).toBe(header.id);
    expect(again.spaceHash).toBe(header.spaceHash);
    expect(header.id).toMatch(/^[0-9a-f]{12}$/);
    expect(makeHeader(space, 'loss', 'maximize', new Date()).id).not.toBe(header.id);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it('folds events into trials numbered by first appearance; the first end wins', () => {
    const text = [
      header,
      start('a', 0.01),
      start('b', 0.02),
      { type: 'step', study: header.id, trial: 'a', step: 1, value: 3 },
      end('b', 0.5),
      end('a', 0.25),
      end('a', 99),
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const journal = parseJournal(text);
    expect(journal.skipped).toEqual([]);
    expect(journal.trials.map((t) => [t.number, t.id, t.state, t.value])).toEqual([
      [0, 'a', 'complete', 0.25],
      [1, 'b', 'complete', 0.5],
    ]);
    expect(journal.trials[0]!.intermediate).toEqual({ 1: 3 });
  });

  it('skips torn, foreign and invalid lines and says why, keeping the rest', () => {
    const lines = [
      JSON.stringify(header),
      JSON.stringify(start('a', 0.01)).slice(0, 30), // a torn write
      JSON.stringify({ ...start('x', 0.01), study: 'someoneelse' }),
      JSON.stringify({ ...end('a', 1), value: null }),
      JSON.stringify(start('b', 0.02)),
      '["not", "an", "object"]',
    ];
    const journal = parseJournal(lines.join('\n') + '\n');
    expect(journal.trials.map((t) => t.id)).toEqual(['b']);
    expect(journal.skipped).toEqual([
      { line: 2, reason: 'not JSON (a torn write?)' },
      { line: 3, reason: 'an event of another study (someoneelse)' },
      { line: 4, reason: 'a complete trial without a finite value' },
      { line: 6, reason: 'not a JSON object' },
    ]);
  });

  it('concurrent appends (O_APPEND, one write each) never interleave: 400 writers, 400 whole lines', async () => {
    const path = join(dir(), 'deep/study.jsonl');
    await openStudyJournal(path, header);
    // Long lines (≈ 6 KB) so a non-atomic append would show up as a torn or mixed line.
    const pad = 'x'.repeat(6000);
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        appendJournal(path, [{ ...start(`t${i}`, 0.01), params: { lr: 0.01, booster: pad } }]),
      ),
    );
    const journal = await readJournal(path);
    expect(journal.skipped).toEqual([]);
    expect(journal.trials).toHaveLength(400);
    expect(new Set(journal.trials.map((t) => t.id)).size).toBe(400);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(402);
  });

  it('a follower folds only what was appended, and waits for a line being written', async () => {
    const path = join(dir(), 'study.jsonl');
    const follower = new JournalFollower(path);
    expect((await follower.read()).header).toBeUndefined();
    await openStudyJournal(path, header);
    const line = JSON.stringify(start('a', 0.01));
    appendFileSync(path, line.slice(0, 20));
    let journal = await follower.read();
    expect(journal.header?.id).toBe(header.id);
    expect(journal.trials).toEqual([]);
    appendFileSync(path, line.slice(20) + '\n');
    await appendJournal(path, [end('a', 0.5), start('b', 0.02)]);
    journal = await follower.read();
    expect(journal.trials.map((t) => [t.id, t.state, t.value])).toEqual([
      ['a', 'complete', 0.5],
      ['b', 'running', undefined],
    ]);
    expect(journal.skipped).toEqual([]);
    expect(journal).toEqual(await readJournal(path));
  });

  it('a journal of another study is refused; the same study is reopened; a torn tail is tolerated', async () => {
    const path = join(dir(), 'study.jsonl');
    await openStudyJournal(path, header);
    await appendJournal(path, [start('a', 0.01), end('a', 0.3)]);
    appendFileSync(path, '{"type":"end","stu');
    const reopened = await openStudyJournal(path, makeHeader(space, 'loss', 'minimize', new Date()));
    expect(reopened.trials.map((t) => t.value)).toEqual([0.3]);
    expect(reopened.skipped).toEqual([{ line: 4, reason: 'not JSON (a torn write?)' }]);
    const other = makeHeader({ params: [space.params[0]!] }, 'loss', 'minimize', new Date());
    await expect(openStudyJournal(path, other)).rejects.toMatchObject({ exitCode: 2 });
    await expect(openStudyJournal(path, makeHeader(space, 'auc', 'minimize', new Date()))).rejects.toThrow(
      /belongs to another study \(loss minimize, space [0-9a-f]{8}\), not this one \(auc minimize/,
    );
    // The header is written once even when the file had none.
    expect(readFileSync(path, 'utf8').match(/"type":"study"/g)).toHaveLength(1);
  });
});
