import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PASSES,
  checkBudget,
  paretoFront,
  parseBudget,
  pipelineName,
  planCandidates,
  qualityMetric,
  rankCandidates,
  selectPasses,
  type OptimizationPass,
} from '../../../src/core/optimize/index.js';

const fake = (name: string): OptimizationPass => ({
  name,
  summary: name,
  apply: () => ({ kind: 'skipped', reason: '' }),
});
const available = [...BUILTIN_PASSES, fake('int8'), fake('int8-static')];

describe('--passes', () => {
  it('reads names and typed options', () => {
    const selected = selectPasses(['graph:level=basic', 'prune:sparsity=0.7:flag=true'], available);
    expect(selected.map((s) => [s.pass.name, s.options])).toEqual([
      ['graph', { level: 'basic' }],
      ['prune', { sparsity: 0.7, flag: true }],
    ]);
  });

  it('refuses unknown passes, repeats and malformed options', () => {
    expect(() => selectPasses(['graf'], available)).toThrow(/'graf' is not a pass/);
    expect(() => selectPasses(['fp16', 'fp16'], available)).toThrow(/'fp16' is given twice/);
    expect(() => selectPasses(['prune:0.5'], available)).toThrow(/option '0.5' of prune is not key=value/);
  });

  it('plans combinations with one precision pass each, in pipeline order', () => {
    const plan = planCandidates(selectPasses(['graph', 'int8', 'int8-static', 'fp16', 'prune'], available));
    const names = plan.map(pipelineName);
    expect(names).toHaveLength(15);
    expect(names.slice(0, 5)).toEqual(['int8', 'int8-static', 'fp16', 'graph', 'prune']);
    expect(names).toContain('prune+int8+graph');
    expect(names.some((n) => /int8.*fp16|fp16.*int8|int8\+int8/.test(n))).toBe(false);
  });

  it('runs dead-code at the end of every pipeline and alone', () => {
    const names = planCandidates(selectPasses(['dead-code', 'graph', 'fp16'], available)).map(pipelineName);
    expect(names).toEqual(['dead-code', 'fp16+dead-code', 'dead-code+graph', 'fp16+dead-code+graph']);
  });
});

describe('--budget', () => {
  it('reads signed relative and absolute terms with the metric direction', () => {
    expect(parseBudget('accuracy=-0.5%, log_loss=-0.01,f1=+1%')).toEqual([
      { metric: 'accuracy', kind: 'relative', amount: -0.005, direction: 'higher', text: 'accuracy=-0.5%' },
      { metric: 'log_loss', kind: 'absolute', amount: -0.01, direction: 'lower', text: 'log_loss=-0.01' },
      { metric: 'f1', kind: 'relative', amount: 0.01, direction: 'higher', text: 'f1=+1%' },
    ]);
    expect(parseBudget('')).toEqual([]);
    expect(() => parseBudget('accuracy<0.5')).toThrow(/--budget 'accuracy<0.5' is not metric=±amount/);
    expect(() => parseBudget('accuracy=-0.5 %')).toThrow(/is not metric=±amount/);
  });

  it('lets a metric get worse by exactly the allowance, not more; losses count upwards', () => {
    const [accuracy, loss] = parseBudget('accuracy=-0.5%,log_loss=-0.01');
    expect(checkBudget([accuracy!], { accuracy: 0.8 }, { accuracy: 0.796 })).toEqual({
      within: true,
      lines: ['accuracy -0.50% (budget -0.5%)'],
    });
    expect(checkBudget([accuracy!], { accuracy: 0.8 }, { accuracy: 0.7959 }).within).toBe(false);
    expect(checkBudget([loss!], { log_loss: 0.3 }, { log_loss: 0.309 }).within).toBe(true);
    expect(checkBudget([loss!], { log_loss: 0.3 }, { log_loss: 0.311 }).lines).toEqual([
      'log_loss -0.0110 (budget -0.01) ✗',
    ]);
    expect(checkBudget([accuracy!], { accuracy: 0.8 }, { accuracy: Number.NaN }).within).toBe(false);
  });

  it('names the measured metrics when the budget asks for another', () => {
    const [auc] = parseBudget('roc_auc=-1%');
    expect(() => checkBudget([auc!], { mae: 1, r2: 0.5 }, { mae: 1, r2: 0.5 })).toThrow(
      /'roc_auc', which was not measured.*mae, r2/,
    );
  });
});

describe('Pareto front and choice', () => {
  it('keeps the points nothing dominates', () => {
    const front = paretoFront([
      { size: 100, latency: 1, quality: 0.9 }, // original
      { size: 50, latency: 1.2, quality: 0.9 }, // smaller, slower: optimal
      { size: 60, latency: 1.3, quality: 0.9 }, // dominated by the one above
      { size: 100, latency: 0.9, quality: 0.89 }, // faster, worse: optimal
      { size: Number.NaN, latency: 0.1, quality: 1 }, // not measured
    ]);
    expect([...front].sort()).toEqual([0, 1, 3]);
  });

  it('chooses by the objective among candidates inside the budget, ties by the other axis', () => {
    const rows = [
      { name: 'original', status: 'original' as const, size: 100, latencyP50: 1 },
      { name: 'a', status: 'ok' as const, size: 40, latencyP50: 1.5 },
      { name: 'b', status: 'ok' as const, size: 40, latencyP50: 1.2 },
      { name: 'c', status: 'over-budget' as const, size: 10, latencyP50: 0.1 },
      { name: 'd', status: 'ok' as const, size: 90, latencyP50: 0.8 },
      { name: 'e', status: 'skipped' as const },
    ];
    expect(rankCandidates(rows, 'size', undefined).chosen).toBe(2);
    expect(rankCandidates(rows, 'latency', undefined).chosen).toBe(4);
    // Without a quality axis the over-budget c is smaller and faster than everything: the front is c.
    expect([...rankCandidates(rows, 'size', undefined).pareto]).toEqual([3]);
    // A candidate must beat the original to replace it; else the original is kept.
    expect(rankCandidates(rows.slice(0, 1), 'size', undefined).chosen).toBe(0);
    expect(
      rankCandidates([rows[0]!, { ...rows[4]!, size: 100, latencyP50: 1 }], 'size', undefined).chosen,
    ).toBe(0);
    expect(
      rankCandidates([rows[0]!, { ...rows[4]!, size: 100, latencyP50: 0.9 }], 'size', undefined).chosen,
    ).toBe(1);
    expect(rankCandidates([], 'size', undefined).chosen).toBeUndefined();
  });

  it('trades against the budget metric, else a usual one, with losses flipped', () => {
    expect(qualityMetric(parseBudget('f1=-1%'), { accuracy: 1, f1: 1 })).toBe('f1');
    expect(qualityMetric([], { roc_auc: 1, accuracy: 1 })).toBe('accuracy');
    expect(qualityMetric([], { mae: 1, r2: 1 })).toBe('r2');
    expect(qualityMetric([], undefined)).toBeUndefined();
    const rows = [
      { name: 'original', status: 'original' as const, size: 10, latencyP50: 1, metrics: { mae: 1 } },
      { name: 'x', status: 'ok' as const, size: 10, latencyP50: 1, metrics: { mae: 2 } },
    ];
    expect([...rankCandidates(rows, 'size', 'mae').pareto]).toEqual([0]);
  });
});
