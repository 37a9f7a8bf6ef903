import { describe, expect, it } from 'vitest';
import { createProgress, progressMode } from '../../src/platform/progress.js';

describe('progress', () => {
  it('chooses lines in Actions and CI, a bar on a terminal, nothing otherwise', () => {
    expect(progressMode({ GITHUB_ACTIONS: 'true' }, true)).toBe('lines');
    expect(progressMode({ CI: 'true' }, false)).toBe('lines');
    expect(progressMode({}, true)).toBe('bar');
    expect(progressMode({}, false)).toBe('off');
    expect(progressMode({ GITHUB_ACTIONS: 'true' }, true, false)).toBe('off');
  });

  it('prints a line at most every interval in lines mode, and always at the end', () => {
    let now = 0;
    const out: string[] = [];
    const p = createProgress('hashing', 100, {
      mode: 'lines',
      write: (t) => out.push(t),
      now: () => now,
      intervalMs: 5000,
    });
    p.tick(10); // first line right away
    now = 1000;
    p.tick(10); // too soon
    now = 6000;
    p.update(50);
    p.done('hashed');
    expect(out).toEqual([
      'hashing 10% (10/100, 0.0s)\n',
      'hashing 50% (50/100, 6.0s)\n',
      'hashing 50% (50/100, 6.0s)\n',
      'hashed\n',
    ]);
  });

  it('redraws a bar in place on a terminal', () => {
    const out: string[] = [];
    const p = createProgress('eval', 4, { mode: 'bar', write: (t) => out.push(t), now: () => 0, width: 8 });
    p.tick(2);
    p.done();
    expect(out[0]).toBe('\r[####....] eval 50% (2/4, 0.0s)\x1b[K');
    expect(out.at(-1)).toBe('\n');
  });

  it('counts without a total', () => {
    const out: string[] = [];
    const p = createProgress('rows', undefined, { mode: 'lines', write: (t) => out.push(t), now: () => 0 });
    p.tick(1000);
    expect(out).toEqual(['rows 1000 (0.0s)\n']);
  });
});
