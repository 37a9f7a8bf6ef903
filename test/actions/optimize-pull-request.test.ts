import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModel, writeModel } from '../../src/core/onnx/index.js';
import { openPullRequest, type PullRequest } from '../support/pull-request.js';
import { makeMlp, randoms } from '../core/optimize/make-models.js';

function validationCsv(rows: number): string {
  const x = randoms(rows * 8, 21);
  const lines = ['a,b,c,d,e,f,g,h,label'];
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.slice(r * 8, r * 8 + 8));
    lines.push(
      [...row.map((v) => v.toFixed(4)), row[0]! > row[1]! ? 0 : row[1]! > row[2]! ? 1 : 2].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * The built optimize action on node24 as a runner starts it, on a pull request: outputs set, the
 * Pareto table in the job summary and in one sticky comment that the next push updates in place;
 * a budget nobody meets fails the step with the table still posted. Every request is checked
 * against GitHub's OpenAPI description by the stand-in.
 */
describe('optimize action on pull_request: Pareto table in summary and one sticky comment', () => {
  let pr: PullRequest;
  const model = writeModel(makeMlp({ hidden: 128 }));

  beforeAll(async () => {
    pr = await openPullRequest({
      action: 'optimize',
      number: 9,
      inputs: {
        model: 'models/mlp/model.onnx',
        output: 'build/mlp.opt.onnx',
        data: 'data/val.csv',
        'label-column': 'label',
        'latency-runs': '5',
      },
      files: { 'models/mlp/model.onnx': model, 'data/val.csv': validationCsv(120) },
      message: 'add model and data',
    });
  });
  afterAll(() => pr.close());

  it('writes the smallest candidate inside the budget, then fails an impossible budget in place', async () => {
    const first = await pr.run(await pr.repo.commit({ 'README.md': 'models\n' }, 'readme'), {
      passes: 'int8,fp16,graph',
      budget: 'accuracy=-5%',
      objective: 'size',
    });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.output).toBe('build/mlp.opt.onnx');
    expect(first.outputs.chosen).toMatch(/^(int8|fp16)(\+graph)?$/);
    expect(Number(first.outputs['size-ratio'])).toBeLessThan(0.6);
    expect(Number(first.outputs['latency-ratio'])).toBeGreaterThan(0);
    const result = JSON.parse(first.outputs.result!) as { candidates: { name: string }[]; comment: unknown };
    expect(result.candidates.map((c) => c.name)).toEqual([
      'original',
      'int8',
      'fp16',
      'graph',
      'int8+graph',
      'fp16+graph',
    ]);
    expect(result.comment).toMatchObject({ action: 'created' });
    const written = readModel(readFileSync(join(pr.repo.dir, 'build/mlp.opt.onnx')));
    expect(written.metadataProps.find((p) => p.key === 'modelops.optimize')?.value).toBe(
      first.outputs.chosen,
    );
    expect(readFileSync(join(pr.repo.dir, 'models/mlp/model.onnx')).equals(Buffer.from(model))).toBe(true);
    expect(first.summary).toMatch(/### modelops optimize: models\/mlp\/model\.onnx — ✅ chose /);
    expect(first.summary).toContain('| candidate | status | size | ×size | p50 ms | p95 ms | ×p50 |');
    expect(first.summary).toContain('```mermaid\nxychart-beta');
    let comments = pr.github.state.commentsOn(9);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('★ Pareto-optimal');

    const second = await pr.run(await pr.repo.commit({ 'README.md': 'models, again\n' }, 'push'), {
      passes: 'prune:sparsity=0.9',
      budget: 'accuracy=+50%',
    });
    expect(second.exitCode).toBe(1);
    expect(second.outputs).toMatchObject({ output: '', chosen: '' });
    comments = pr.github.state.commentsOn(9);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('❌ no candidate is inside the budget (accuracy=+50%)');
    expect(comments[0]!.body).toMatch(/`prune` \(over-budget\): accuracy [+-]\d+\.\d+% \(budget \+50%\) ✗/);
    pr.github.assertNoViolations();
  }, 180_000);
});
