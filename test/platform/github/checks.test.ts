import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckRun, updateCheckRun, type CheckAnnotation } from '../../../src/platform/github/checks.js';
import type { GitHubClient } from '../../../src/platform/github/client.js';
import { createCommitStatus, truncateDescription } from '../../../src/platform/github/commit-status.js';
import {
  createTestClient,
  fakeSha,
  startStandIn,
  type StandIn,
} from '../../support/github-stand-in/index.js';

const owner = 'acme';
const repo = 'models';
const headSha = fakeSha('head');

let standIn: StandIn;
let octokit: GitHubClient;

beforeEach(async () => {
  standIn = await startStandIn({ owner, repo });
  octokit = createTestClient(standIn);
});

afterEach(async () => {
  standIn.assertNoViolations();
  await standIn.close();
});

const annotations = (count: number): CheckAnnotation[] =>
  Array.from({ length: count }, (_, i) => ({
    path: `models/m${i}/model.onnx`,
    startLine: 1,
    startColumn: 1,
    endColumn: 4,
    level: 'warning' as const,
    message: `finding ${i}`,
    title: 'audit',
  }));

const checkRequests = () =>
  standIn.requests.filter((r) => r.operationId === 'checks/create' || r.operationId === 'checks/update');

describe('check runs', () => {
  it('sends 120 annotations in 3 requests of at most 50 and completes on the last one', async () => {
    const result = await createCheckRun({
      octokit,
      owner,
      repo,
      name: 'modelops audit',
      headSha,
      status: 'completed',
      conclusion: 'failure',
      output: { title: '120 findings', summary: 'see annotations', annotations: annotations(120) },
    });

    expect(result.requests).toBe(3);
    const sent = checkRequests();
    expect(sent.map((r) => r.operationId)).toEqual(['checks/create', 'checks/update', 'checks/update']);
    const batchSizes = sent.map(
      (r) => (r.body as { output: { annotations: unknown[] } }).output.annotations.length,
    );
    expect(batchSizes).toEqual([50, 50, 20]);
    expect(sent.map((r) => (r.body as { status?: string }).status)).toEqual([
      'in_progress',
      undefined,
      'completed',
    ]);

    const run = standIn.state.checkRuns[0]!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure', headSha });
    expect(run.annotations).toHaveLength(120);
  });

  it('creates a run with one request when there are few annotations, then updates it', async () => {
    const created = await createCheckRun({
      octokit,
      owner,
      repo,
      name: 'evaluate',
      headSha,
      status: 'in_progress',
    });
    expect(created.requests).toBe(1);
    const updated = await updateCheckRun({
      octokit,
      owner,
      repo,
      checkRunId: created.id,
      conclusion: 'success',
      output: {
        title: 'gates passed',
        summary: 'all good',
        text: 'x'.repeat(70_000),
        annotations: annotations(3),
      },
    });
    expect(updated.requests).toBe(1);
    const run = standIn.state.checkRuns[0]!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(run.output.text!.length).toBeLessThanOrEqual(65_535);
  });

  it('drops columns on a multi-line annotation, as GitHub requires', async () => {
    await createCheckRun({
      octokit,
      owner,
      repo,
      name: 'audit',
      headSha,
      conclusion: 'neutral',
      output: {
        title: 't',
        summary: 's',
        annotations: [
          { path: 'a.py', startLine: 1, endLine: 3, startColumn: 2, level: 'notice', message: 'm' },
        ],
      },
    });
    expect(standIn.state.checkRuns[0]!.annotations[0]).not.toHaveProperty('start_column');
  });
});

describe('commit statuses', () => {
  it('creates a status with the description cut to 140 characters', async () => {
    const long = `accuracy dropped ${'a lot '.repeat(40)}`;
    await createCommitStatus({
      octokit,
      owner,
      repo,
      sha: headSha,
      state: 'failure',
      context: 'modelops/evaluate',
      description: long,
    });
    const status = standIn.state.statuses[0]!;
    expect(status).toMatchObject({ state: 'failure', context: 'modelops/evaluate' });
    expect([...status.description!]).toHaveLength(140);
    expect(status.description!.endsWith('…')).toBe(true);
  });

  it('keeps short descriptions and collapses line breaks', () => {
    expect(truncateDescription('all\ngates   passed')).toBe('all gates passed');
    expect(truncateDescription('😀'.repeat(150))).toBe(`${'😀'.repeat(139)}…`);
  });
});
