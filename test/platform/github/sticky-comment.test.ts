import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../../src/platform/github/client.js';
import { COMMENT_MAX_CHARS, upsertStickyComment } from '../../../src/platform/github/sticky-comment.js';
import { createMemoryLogger } from '../../../src/platform/logger.js';
import {
  createTestClient,
  DEFAULT_LOGIN,
  startStandIn,
  type StandIn,
} from '../../support/github-stand-in/index.js';

const owner = 'acme';
const repo = 'models';
const pr = 12;
const marker = 'evaluate:mnist';
const markerLine = '<!-- modelops:evaluate:mnist -->';

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

const upsert = (body: string, extra: { author?: string } = {}) =>
  upsertStickyComment({
    octokit,
    owner,
    repo,
    issueNumber: pr,
    marker,
    body,
    logger: createMemoryLogger(),
    ...extra,
  });

const writes = () => standIn.requests.filter((r) => r.method !== 'GET').map((r) => r.operationId);

describe('upsertStickyComment', () => {
  it('creates the comment once, then updates it in place', async () => {
    const first = await upsert('accuracy 0.91');
    expect(first).toEqual({ id: expect.any(Number), action: 'created', truncated: false });

    const second = await upsert('accuracy 0.93');
    expect(second).toMatchObject({ id: first.id, action: 'updated', truncated: false });

    const comments = standIn.state.commentsOn(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe(`${markerLine}\naccuracy 0.93`);
    expect(writes()).toEqual(['issues/create-comment', 'issues/update-comment']);
  });

  it('updates the newest of duplicates left by a race and deletes the older ones', async () => {
    const older = standIn.state.addComment({ issueNumber: pr, body: `${markerLine}\nold` });
    const newer = standIn.state.addComment({ issueNumber: pr, body: `${markerLine}\nnewer` });

    const result = await upsert('fresh');

    expect(result).toMatchObject({ id: newer.id, action: 'updated' });
    expect(standIn.state.commentsOn(pr).map((c) => [c.id, c.body])).toEqual([
      [newer.id, `${markerLine}\nfresh`],
    ]);
    expect(standIn.state.comments.find((c) => c.id === older.id)).toBeUndefined();
    expect(writes()).toEqual(['issues/update-comment', 'issues/delete-comment']);
  });

  it("leaves other people's comments and other markers alone", async () => {
    const others = [
      standIn.state.addComment({ issueNumber: pr, body: 'LGTM', user: 'alice' }),
      standIn.state.addComment({ issueNumber: pr, body: '<!-- modelops:evaluate:mnist-v2 -->\nother model' }),
      standIn.state.addComment({ issueNumber: pr, body: `> ${markerLine}\n> quoted report`, user: 'bob' }),
      standIn.state.addComment({ issueNumber: pr + 1, body: `${markerLine}\nanother PR` }),
    ];
    const before = others.map((c) => ({ ...c }));

    const result = await upsert('report');

    expect(result.action).toBe('created');
    expect(others.map((c) => standIn.state.comments.find((s) => s.id === c.id))).toEqual(before);
    expect(standIn.state.commentsOn(pr)).toHaveLength(4);
  });

  it('only claims comments by the given author when one is named', async () => {
    const pasted = standIn.state.addComment({
      issueNumber: pr,
      body: `${markerLine}\npasted by a human`,
      user: 'carol',
    });
    const result = await upsert('report', { author: DEFAULT_LOGIN });
    expect(result.action).toBe('created');
    expect(standIn.state.comments.find((c) => c.id === pasted.id)!.body).toContain('pasted by a human');
  });

  it('finds its comment on the second page of a crowded PR', async () => {
    for (let i = 0; i < 110; i++)
      standIn.state.addComment({ issueNumber: pr, body: `chatter ${i}`, user: 'alice' });
    const ours = standIn.state.addComment({ issueNumber: pr, body: `${markerLine}\nold report` });
    for (let i = 0; i < 20; i++)
      standIn.state.addComment({ issueNumber: pr, body: `more ${i}`, user: 'bob' });

    const result = await upsert('new report');

    expect(result).toMatchObject({ id: ours.id, action: 'updated' });
    const listed = standIn.requests.filter((r) => r.operationId === 'issues/list-comments');
    expect(listed.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(standIn.state.commentsOn(pr)).toHaveLength(131);
  });

  it('cuts a 70,000-character body below the cap and returns the full text as overflow', async () => {
    let body = '| metric | value |\n|---|---|\n';
    for (let i = 0; body.length < 69_000; i++) body += `| metric_${i} | 0.${i} |\n`;
    body += `\n${'x'.repeat(70_000 - body.length - 1)}`;
    expect(body.length).toBe(70_000);

    const result = await upsert(body);

    expect(result.truncated).toBe(true);
    expect(result.overflow).toBe(body);
    const posted = standIn.state.commentsOn(pr)[0]!.body;
    expect(posted.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(posted.startsWith(markerLine)).toBe(true);
    expect(posted).toContain('full report is in the job summary');
    // Cut between rows: every table line that survived is a whole row.
    const tableLines = posted.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines.every((l) => /^\| .* \| .* \|$/.test(l) || l === '|---|---|')).toBe(true);
  });

  it('rejects a marker that could break out of the HTML comment', async () => {
    await expect(
      upsertStickyComment({
        octokit,
        owner,
        repo,
        issueNumber: pr,
        marker: 'x -->',
        body: '',
        logger: createMemoryLogger(),
      }),
    ).rejects.toThrow(/invalid sticky comment marker/);
  });
});
