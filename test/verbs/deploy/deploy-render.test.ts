import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, git, makeRegistry } from './deploy-fixture.js';

describe('modelops deploy --render: serving targets in a GitOps path', () => {
  let repo: RepoWithRemote;
  beforeAll(async () => {
    ({ repo } = await makeRegistry({ versions: 2 }));
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it('renders triton, kserve and edge for the promoted version, replaces them on the next one, removes them on unassign', async () => {
    const render = ['--render', 'triton,kserve', '--render', 'edge', '--render-dir', 'gitops'];
    const dev = await deploy(repo, [
      '--model',
      'churn',
      '--version',
      'v1.0.0',
      '--to',
      'dev',
      '--push',
      ...render,
    ]);
    expect(dev.exitCode, dev.stderr).toBe(0);
    expect(dev.json!.rendered).toEqual([
      'gitops/dev/triton/churn',
      'gitops/dev/kserve/churn.yaml',
      'gitops/dev/edge/churn',
    ]);
    const root = join(repo.dir, 'gitops/dev');
    expect(readdirSync(join(root, 'triton/churn')).sort()).toEqual(['1', 'config.pbtxt']);
    expect(readFileSync(join(root, 'triton/churn/config.pbtxt'), 'utf8')).toMatch(
      /platform: "onnxruntime_onnx"/,
    );
    const manifest = parse(readFileSync(join(root, 'kserve/churn.yaml'), 'utf8')) as {
      metadata: { annotations: Record<string, string> };
      spec: { predictor: { model: { storageUri: string } } };
    };
    expect(manifest.metadata.annotations['modelops.dev/tag']).toBe('churn#dev#1');
    expect(manifest.spec.predictor.model.storageUri).toBe('s3://YOUR-BUCKET/models/churn/v1.0.0');
    expect(readdirSync(join(root, 'edge/churn')).sort()).toEqual(['card.md', 'model.onnx', 'signature.json']);
    const committed = git(repo, ['show', 'churn@v1.0.0:models/churn/model.onnx']);
    expect(committed).toMatch(/git-lfs/); // the bundle holds the model itself, not the LFS pointer
    expect(readFileSync(join(root, 'edge/churn/model.onnx')).subarray(0, 40).toString()).not.toMatch(
      /git-lfs/,
    );

    const next = await deploy(repo, [
      '--model',
      'churn',
      '--version',
      'v1.0.1',
      '--to',
      'dev',
      '--push',
      ...render,
    ]);
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(join(root, 'triton/churn')).sort()).toEqual(['2', 'config.pbtxt']);
    expect(readdirSync(join(repo.dir, 'gitops/dev/triton')).filter((f) => f.startsWith('.'))).toEqual([]);

    const gone = await deploy(repo, ['--model', 'churn', '--unassign', '--to', 'dev', '--push', ...render]);
    expect(gone.exitCode, gone.stderr).toBe(0);
    expect(existsSync(join(root, 'triton/churn'))).toBe(false);
    expect(existsSync(join(root, 'kserve/churn.yaml'))).toBe(false);
  });

  it.each([
    [['--render', 'seldon'], /--render seldon is not a serving target — choose from triton, kserve, edge/],
    [
      ['--render', 'edge', '--render-dir', '../elsewhere'],
      /--render-dir \.\.\/elsewhere is outside the repository/,
    ],
  ])('refuses %j before tagging anything', async (args, message) => {
    const before = git(repo, ['tag', '--list']);
    const run = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(git(repo, ['tag', '--list'])).toBe(before);
  });
});
