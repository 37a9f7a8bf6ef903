import { describe, expect, it } from 'vitest';
import { paramImportances, ranks } from '../../../src/core/tune/report-importance.js';
import {
  downsample,
  renderStudyMarkdown,
  renderStudyText,
  sparkline,
} from '../../../src/core/tune/report.js';
import type { Trial } from '../../../src/core/tune/types.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function randoms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function study(n: number): Trial[] {
  const r = randoms(3);
  return Array.from({ length: n }, (_, number) => {
    const lr = r();
    const noise = r();
    const kind = r() < 0.5 ? 'a' : 'b';
    // lr matters a lot, kind a little, noise not at all.
    return {
      number,
      state: 'complete',
      params: { lr, noise, kind },
      value: (lr - 0.4) ** 2 * 10 + (kind === 'b' ? 0.3 : 0),
    };
  });
}

describe('tune report', () => {
  it('ranks share ties', () => {
    expect(ranks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
  });

  it('importance: the parameter that drives the objective first, a noise parameter near 0', () => {
    const imp = paramImportances(study(60), ['lr', 'noise', 'kind']);
    expect(imp.map((i) => i.param)).toEqual(['lr', 'kind', 'noise']);
    expect(imp[0]!.importance).toBeGreaterThan(0.7);
    expect(imp[0]!.explained).toBeGreaterThan(0.5);
    expect(imp[2]!.explained).toBeLessThan(0.05);
    expect(imp.reduce((s, i) => s + i.importance, 0)).toBeCloseTo(1, 12);
    expect(imp.every((i) => i.trials === 60)).toBe(true);
  });

  it('importance needs 4 complete trials; failed ones do not count', () => {
    const trials: Trial[] = [
      ...study(3),
      { number: 3, state: 'failed', params: { lr: 0.1, noise: 0, kind: 'a' }, error: 'x' },
    ];
    expect(paramImportances(trials, ['lr'])).toEqual([]);
  });

  it('sparkline scales between min and max; downsample keeps the ends', () => {
    expect(sparkline([4, 3, 2, 1, 1])).toBe('█▆▃▁▁');
    expect(sparkline([undefined, 2, 2])).toBe(' ██');
    expect(downsample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([1, 4, 7, 10]);
  });

  it('text and Markdown show the best trial, the convergence and importances, with names escaped', () => {
    const trials: Trial[] = study(8).map((t) => ({ ...t, params: { ...t.params, 'lr|<b>': 1 } }));
    trials.push({ number: 8, state: 'failed', params: { lr: 0.5 }, error: 'exit code 3: CUDA | oom' });
    const report = {
      studyId: 'abc123',
      journal: 'tune/study.jsonl',
      metric: 'val_loss',
      direction: 'minimize' as const,
      sampler: 'tpe',
      trials,
      best: trials.reduce((a, b) => (b.value !== undefined && b.value < a.value! ? b : a)),
      importances: paramImportances(trials, ['lr', 'noise', 'kind']),
      bestParamsFile: 'params.best.json',
    };
    const text = renderStudyText(report);
    expect(text).toContain('study abc123 (tune/study.jsonl): 9 trials — 8 complete, 0 pruned, 1 failed');
    expect(text).toContain(`best trial #${report.best.number}: val_loss = `);
    expect(text).toMatch(/convergence \(best val_loss so far\): [▁▂▃▄▅▆▇█]{9} /);
    expect(text).toContain('failed trial #8: exit code 3: CUDA | oom');
    expect(text).toContain('best params written to params.best.json');
    const md = renderStudyMarkdown(report);
    expect(md).toContain('### modelops tune: val\\_loss (minimize)');
    expect(md).toContain('| lr\\|\\<b\\> | 1 |');
    expect(md).toContain(
      '```mermaid\nxychart-beta\n  title "best val_loss so far"\n  x-axis "trial" 0 --> 8',
    );
    expect(md).toContain('exit code 3: CUDA \\| oom');
    expect(md).toContain('| parameter | importance | explained | trials |');
  });
});
