import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../../src/platform/github/client.js';
import { createTestClient, fakeSha, startStandIn, type StandIn } from './index.js';

const owner = 'acme';
const repo = 'models';

let standIn: StandIn;
let octokit: GitHubClient;

beforeEach(async () => {
  standIn = await startStandIn({ owner, repo });
  octokit = createTestClient(standIn);
});

afterEach(async () => {
  await standIn.close();
});

/** Sends a request around Octokit's typed methods, as a buggy caller could. */
async function rawRequest(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { authorization: 'token test-token', 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { message: string } };
}

describe('GitHub stand-in: request validation against the OpenAPI description', () => {
  it('rejects a comment whose body has the wrong type with 422 and records the violation', async () => {
    const answer = await rawRequest('POST', `/repos/${owner}/${repo}/issues/1/comments`, { body: 123 });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain('/requestBody/body must be string');
    expect(standIn.violations).toHaveLength(1);
    expect(standIn.violations[0]).toMatchObject({ kind: 'request', operationId: 'issues/create-comment' });
    expect(standIn.state.comments).toHaveLength(0);
    expect(() => standIn.assertNoViolations()).toThrow(/issues\/create-comment/);
  });

  it('rejects a request that misses a required field, even when sent through Octokit', async () => {
    const error = await octokit.rest.checks
      .create({ owner, repo, name: 'evaluate' } as never)
      .catch((e: { status: number }) => e);
    expect(error).toMatchObject({ status: 422 });
    expect(standIn.violations[0]!.messages.join()).toContain('"missingProperty":"head_sha"');
    expect(standIn.state.checkRuns).toHaveLength(0);
  });

  it('rejects an invalid enum value, an unknown query parameter and an unknown route', async () => {
    const sha = fakeSha('y');
    expect(
      (await rawRequest('POST', `/repos/${owner}/${repo}/statuses/${sha}`, { state: 'great' })).status,
    ).toBe(422);
    expect((await rawRequest('GET', `/repos/${owner}/${repo}/issues/1/comments?colour=blue`)).status).toBe(
      422,
    );
    expect((await rawRequest('GET', `/repos/${owner}/${repo}/no-such-thing`)).status).toBe(422);
    expect(standIn.violations.map((v) => v.kind)).toEqual(['request', 'request', 'unknown-operation']);
  });

  it('records a response of its own that breaks the response schema', async () => {
    // A seeded record with a timestamp GitHub would never send: the stand-in must notice.
    const comment = standIn.state.addComment({ issueNumber: 2, body: 'x', createdAt: 'yesterday' });
    await octokit.rest.issues.getComment({ owner, repo, comment_id: comment.id });
    expect(standIn.violations).toHaveLength(1);
    expect(standIn.violations[0]).toMatchObject({ kind: 'response', operationId: 'issues/get-comment' });
    expect(standIn.violations[0]!.messages.join()).toContain('/created_at must match format "date-time"');
  });

  it('answers 401 without an Authorization header', async () => {
    const response = await fetch(`${standIn.url}/repos/${owner}/${repo}`);
    expect(response.status).toBe(401);
  });

  it('answers valid requests with objects that match the response schemas', async () => {
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    expect(repository.full_name).toBe(`${owner}/${repo}`);
    const { data: comment } = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: 'hi',
    });
    await octokit.rest.issues.getComment({ owner, repo, comment_id: comment.id });
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body: 'hello' });
    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: comment.id });
    const missing = await octokit.rest.issues
      .getComment({ owner, repo, comment_id: comment.id })
      .catch((e) => e);
    expect(missing).toMatchObject({ status: 404 });
    standIn.assertNoViolations();
  });

  it('paginates with Link headers', async () => {
    for (let i = 0; i < 45; i++) standIn.state.addComment({ issueNumber: 3, body: `c${i}`, user: 'someone' });
    const first = await octokit.rest.issues.listComments({ owner, repo, issue_number: 3, per_page: 20 });
    expect(first.data).toHaveLength(20);
    expect(first.headers.link).toContain('rel="next"');
    const third = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 3,
      per_page: 20,
      page: 3,
    });
    expect(third.data.map((c) => c.body)).toEqual(['c40', 'c41', 'c42', 'c43', 'c44']);
    expect(third.headers.link).not.toContain('rel="next"');
    standIn.assertNoViolations();
  });
});

describe('GitHub stand-in: statuses, deployments and releases', () => {
  it('combines commit statuses and blocks a deployment while a context fails', async () => {
    const sha = fakeSha('commit');
    await octokit.rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'evaluate' });
    await octokit.rest.repos.createCommitStatus({ owner, repo, sha, state: 'failure', context: 'audit' });
    const combined = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha });
    expect(combined.data.state).toBe('failure');

    const blocked = await octokit.rest.repos
      .createDeployment({ owner, repo, ref: sha, environment: 'staging' })
      .catch((e) => e);
    expect(blocked).toMatchObject({ status: 409 });
    await octokit.rest.repos.createCommitStatus({ owner, repo, sha, state: 'success', context: 'audit' });

    const { data: deployment } = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: sha,
      environment: 'staging',
      auto_merge: false,
      payload: { model: 'mnist', version: '1.2.0' },
    });
    if (!('id' in deployment)) throw new Error('expected a deployment');
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: Number(deployment.id),
      state: 'success',
    });
    const { data: second } = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: sha,
      environment: 'staging',
      required_contexts: [],
    });
    if (!('id' in second)) throw new Error('expected a deployment');
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: Number(second.id),
      state: 'success',
      environment_url: 'https://staging.example.com/',
    });
    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: Number(deployment.id),
    });
    expect(statuses.data.map((s) => s.state)).toEqual(['inactive', 'success']);
    const list = await octokit.rest.repos.listDeployments({ owner, repo, environment: 'staging' });
    expect(list.data.map((d) => d.id)).toEqual([second.id, deployment.id]);
    standIn.assertNoViolations();
  });

  it('creates a release, uploads an asset to the uploads root and downloads it', async () => {
    const { data: release } = await octokit.rest.repos.createRelease({
      owner,
      repo,
      tag_name: 'mnist@v1.0.0',
      name: 'mnist 1.0.0',
    });
    expect(release.upload_url).toContain('/uploads/');
    const bytes = Buffer.from('onnx bytes');
    const { data: asset } = await octokit.rest.repos.uploadReleaseAsset({
      owner,
      repo,
      release_id: release.id,
      name: 'model.onnx',
      data: bytes as unknown as string,
      baseUrl: standIn.uploadsUrl,
      headers: { 'content-type': 'application/octet-stream', 'content-length': bytes.length },
    });
    expect(asset.size).toBe(bytes.length);
    const { data: byTag } = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: 'mnist@v1.0.0' });
    expect(byTag.assets.map((a) => a.name)).toEqual(['model.onnx']);
    const download = await octokit.rest.repos.getReleaseAsset({
      owner,
      repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('onnx bytes');
    const duplicate = await octokit.rest.repos
      .createRelease({ owner, repo, tag_name: 'mnist@v1.0.0' })
      .catch((e) => e);
    expect(duplicate).toMatchObject({ status: 422 });
    standIn.assertNoViolations();
  });

  it('starts fast once the spec is loaded', async () => {
    const started = performance.now();
    const another = await startStandIn({ owner, repo });
    const ms = performance.now() - started;
    await another.close();
    expect(ms).toBeLessThan(200);
    expect(standIn.specLoadMs).toBeLessThan(5_000);
  });
});
