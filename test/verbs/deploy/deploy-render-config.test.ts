import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { deploy, git, makeRegistry, remoteStageTags } from './deploy-fixture.js';

const CONFIG = `version: 1
environments:
  - name: dev
    render:
      targets: [triton, kserve]
      path: gitops
      triton: { platform: onnxruntime, max-batch-size: 4, instance-count: 2 }
      kserve: { runtime: kserve-tritonserver, storage-uri: 'gs://models/{environment}/{name}/{version}', namespace: ml }
  - name: staging
    render: { targets: [edge, triton], path: gitops }
  - name: production
    render: { targets: [kserve, triton], path: clusters, branch: gitops }
`;

/** Every file under dir, relative, sorted (dot files included: a leftover temp would show). */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('deploy renders the serving targets of modelops.yaml before it tags', () => {
  let repo: RepoWithRemote;
  beforeAll(async () => {
    ({ repo } = await makeRegistry({ versions: 1, files: { 'modelops.yaml': CONFIG } }));
  }, 120_000);
  afterAll(async () => repo.cleanup());

  it('uses the environment settings: triton backend, batch size, instances; kserve runtime, URI, namespace', async () => {
    const run = await deploy(repo, ['--model', 'churn', '--version', 'v1.0.0', '--to', 'dev', '--push']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json!.rendered).toEqual(['gitops/dev/triton/churn', 'gitops/dev/kserve/churn.yaml']);
    expect(tree(join(repo.dir, 'gitops'))).toEqual([
      'dev/kserve/churn.yaml',
      'dev/triton/churn/1/model.onnx',
      'dev/triton/churn/config.pbtxt',
    ]);
    const pbtxt = readFileSync(join(repo.dir, 'gitops/dev/triton/churn/config.pbtxt'), 'utf8');
    expect(pbtxt).toContain('backend: "onnxruntime"');
    expect(pbtxt).toContain('max_batch_size: 4');
    expect(pbtxt).toContain('instance_group [ { count: 2 kind: KIND_AUTO } ]');
    const manifest = parse(readFileSync(join(repo.dir, 'gitops/dev/kserve/churn.yaml'), 'utf8')) as {
      metadata: { namespace: string };
      spec: { predictor: { model: Record<string, unknown> } };
    };
    expect(manifest.metadata.namespace).toBe('ml');
    expect(manifest.spec.predictor.model).toEqual({
      modelFormat: { name: 'onnx' },
      runtime: 'kserve-tritonserver',
      protocolVersion: 'v2',
      storageUri: 'gs://models/dev/churn/v1.0.0',
    });
  }, 60_000);

  it('a render that cannot be written leaves no tag and no half-written file', async () => {
    // gitops/staging is a file, so staging's directory cannot be made.
    writeFileSync(join(repo.dir, 'gitops/staging'), 'in the way\n');
    const before = tree(join(repo.dir, 'gitops'));
    const run = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /cannot write the serving targets under gitops: .*; nothing was tagged or written/,
    );
    expect(tree(join(repo.dir, 'gitops'))).toEqual(before);
    expect([...remoteStageTags(repo).keys()]).toEqual(['churn#dev#1']);
    expect(git(repo, ['tag', '-l', 'churn#staging*'])).toBe('');
  }, 60_000);

  it('a rendered file that fails its check (a storageUri KServe cannot load) leaves no tag and no file', async () => {
    const before = tree(join(repo.dir, 'gitops'));
    const run = await deploy(repo, [
      '--model',
      'churn',
      '--to',
      'staging',
      '--render',
      'kserve',
      '--render-dir',
      'other',
      '--storage-uri',
      'models/{name}',
      '--push',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'rendered kserve file staging/kserve/churn.yaml has storageUri "models/churn", not a URI KServe can load',
    );
    expect(tree(join(repo.dir, 'gitops'))).toEqual(before);
    expect(readdirSync(repo.dir)).not.toContain('other');
    expect(git(repo, ['tag', '-l', 'churn#staging*'])).toBe('');
  }, 60_000);

  it('staging renders once the path is free; production commits to the gitops branch, not the working tree', async () => {
    rmSync(join(repo.dir, 'gitops/staging'));
    const staging = await deploy(repo, ['--model', 'churn', '--to', 'staging', '--push']);
    expect(staging.exitCode, staging.stderr).toBe(0);
    expect(staging.json!.rendered).toEqual(['gitops/staging/edge/churn', 'gitops/staging/triton/churn']);
    expect(readdirSync(join(repo.dir, 'gitops/staging/triton/churn')).sort()).toEqual(['2', 'config.pbtxt']);

    const head = git(repo, ['rev-parse', 'HEAD']);
    const status = git(repo, ['status', '--porcelain']);
    const production = await deploy(repo, ['--model', 'churn', '--to', 'production', '--push']);
    expect(production.exitCode, production.stderr).toBe(0);
    expect(production.json!.rendered).toEqual([
      'gitops:clusters/production/kserve/churn.yaml',
      'gitops:clusters/production/triton/churn',
    ]);
    expect(readdirSync(repo.dir)).not.toContain('clusters');
    expect(git(repo, ['rev-parse', 'HEAD'])).toBe(head);
    expect(git(repo, ['status', '--porcelain'])).toBe(status);
    const files = git(repo, ['ls-tree', '-r', '--name-only', 'refs/remotes/origin/gitops'])
      .trim()
      .split('\n');
    expect(files).toEqual([
      'clusters/production/kserve/churn.yaml',
      'clusters/production/triton/churn/3/model.onnx',
      'clusters/production/triton/churn/config.pbtxt',
    ]);
    expect(git(repo, ['log', '-1', '--format=%s', 'refs/remotes/origin/gitops']).trim()).toBe(
      'Render serving targets for churn#production#3',
    );

    // Unassign removes the entries from the branch as one more commit.
    const unassign = await deploy(repo, ['--model', 'churn', '--unassign', '--to', 'production', '--push']);
    expect(unassign.exitCode, unassign.stderr).toBe(0);
    expect(git(repo, ['ls-tree', '-r', '--name-only', 'refs/remotes/origin/gitops']).trim()).toBe('');
    expect(git(repo, ['rev-list', '--count', 'refs/remotes/origin/gitops']).trim()).toBe('2');
  }, 90_000);
});
