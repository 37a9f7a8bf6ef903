import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseConfig } from '../../../src/core/config/index.js';

const file = (...environments: string[]) => ['version: 1', 'environments:', ...environments, ''].join('\n');

function problems(text: string): string[] {
  try {
    parseConfig(text, 'modelops.yaml');
  } catch (error) {
    if (error instanceof ConfigFileError)
      return error.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.what} (${p.value}) — ${p.fix}`);
    throw error;
  }
  return [];
}

describe('modelops.yaml environments: target and render', () => {
  it('reads the local target, its port and every render setting', () => {
    const config = parseConfig(
      file(
        '  - name: dev',
        '    target: local',
        '    port: 8085',
        '  - name: production',
        '    render:',
        '      targets: [triton, kserve]',
        '      path: deploy/serving/',
        '      branch: gitops',
        '      triton: { platform: onnxruntime, max-batch-size: 16, instance-count: 2 }',
        "      kserve: { runtime: kserve-tritonserver, storage-uri: 'gs://models/{environment}/{name}/{version}', namespace: ml }",
      ),
    );
    expect(config.environments[0]).toMatchObject({
      name: 'dev',
      target: 'local',
      port: 8085,
      render: undefined,
    });
    expect(config.environments[1]).toMatchObject({
      name: 'production',
      target: 'none',
      port: 0,
      render: {
        targets: ['triton', 'kserve'],
        path: 'deploy/serving',
        branch: 'gitops',
        triton: { platform: 'onnxruntime', maxBatchSize: 16, instanceCount: 2 },
        kserve: {
          runtime: 'kserve-tritonserver',
          storageUri: 'gs://models/{environment}/{name}/{version}',
          namespace: 'ml',
        },
      },
    });
  });

  it('fills render defaults: all three targets under serving/, onnxruntime_onnx with batch 8, a placeholder URI', () => {
    const config = parseConfig(file('  - name: dev', '    render: {}'));
    expect(config.environments[0]!.render).toEqual({
      targets: ['triton', 'kserve', 'edge'],
      path: 'serving',
      branch: undefined,
      triton: { platform: 'onnxruntime_onnx', maxBatchSize: 8, instanceCount: undefined },
      kserve: {
        runtime: undefined,
        storageUri: 's3://YOUR-BUCKET/models/{name}/{version}',
        namespace: undefined,
      },
    });
  });

  it('without environments, and without any file, each environment requires only the one before it', () => {
    const environments = parseConfig('version: 1\n').environments;
    expect(
      environments.map((e) => [e.name, e.requires.previous, e.requires.gates, e.requires.audit]),
    ).toEqual([
      ['dev', null, [], 'none'],
      ['staging', 'dev', [], 'none'],
      ['production', 'staging', [], 'none'],
    ]);
  });

  it.each([
    [['  - name: dev', '    port: 70000'], /^modelops\.yaml:4:11: environments\[0\]\.port .*70000/],
    [
      ['  - name: dev', '    target: kubernetes'],
      /^modelops\.yaml:4:13: environments\[0\]\.target .*kubernetes/,
    ],
    [
      ['  - name: dev', '    port: 8080'],
      /^modelops\.yaml:4:5: environments\[0\]\.port is the port of the local smoke test, but the target is not local .* set target: local/,
    ],
    [
      ['  - name: dev', '    render: { targets: [seldon] }'],
      /^modelops\.yaml:4:25: environments\[0\]\.render\.targets\[0\] .*seldon/,
    ],
    [
      ['  - name: dev', '    render: { path: ../outside }'],
      /^modelops\.yaml:4:21: environments\[0\]\.render\.path must stay inside the repository/,
    ],
    [
      ['  - name: dev', "    render: { branch: 'a..b' }"],
      /^modelops\.yaml:4:23: environments\[0\]\.render\.branch is not a valid branch name \("a\.\.b"\)/,
    ],
    [
      ['  - name: dev', '    render: { kserve: { storage-uri: bucket/models } }'],
      /^modelops\.yaml:4:38: environments\[0\]\.render\.kserve\.storage-uri .*bucket\/models/,
    ],
    [
      ['  - name: dev', '    render: { triton: { max-batch-size: -1 } }'],
      /^modelops\.yaml:4:41: environments\[0\]\.render\.triton\.max-batch-size .*-1/,
    ],
    [
      ['  - name: dev', '    render: { triton: { instance-count: 0 } }'],
      /^modelops\.yaml:4:41: environments\[0\]\.render\.triton\.instance-count .*0/,
    ],
    [
      ['  - name: dev', '    render: { targets: [edge], triton: { max-batch-size: 4 } }'],
      /^modelops\.yaml:4:32: environments\[0\]\.render\.triton configures a target this environment does not render .* add triton to environments\[0\]\.render\.targets/,
    ],
  ])('%j → a file:line error naming the value and the fix', (lines, expected) => {
    const found = problems(file(...lines));
    expect(found.length, found.join('\n')).toBeGreaterThan(0);
    expect(found[0]).toMatch(expected);
  });
});
