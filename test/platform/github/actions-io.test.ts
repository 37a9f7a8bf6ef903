import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createActionsIO,
  createMemoryActionsIO,
  fitSummary,
  STEP_SUMMARY_MAX_BYTES,
} from '../../../src/platform/github/actions-io.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelops-io-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('in-memory ActionsIO', () => {
  it('records outputs, summary, annotations and secrets', async () => {
    const io = createMemoryActionsIO();
    io.setOutput('version', '1.2.0');
    io.setOutput('metrics', { accuracy: 0.9 });
    io.setOutput('passed', true);
    await io.appendSummary('## Report');
    io.annotate('warning', 'pickle opcode GLOBAL', { file: 'models/a/model.pkl', line: 3 });
    io.setSecret('hunter2');

    expect(Object.fromEntries(io.outputs)).toEqual({
      version: '1.2.0',
      metrics: '{"accuracy":0.9}',
      passed: 'true',
    });
    expect(io.summary).toBe('## Report\n');
    expect(io.annotations).toEqual([
      {
        level: 'warning',
        message: 'pickle opcode GLOBAL',
        location: { file: 'models/a/model.pkl', line: 3 },
      },
    ]);
    expect(io.secrets).toEqual(['hunter2']);
  });

  it('keeps the whole step summary under 1 MiB, counting earlier appends', async () => {
    const io = createMemoryActionsIO();
    const row = '| metric | 0.5 | é |\n';
    expect(await io.appendSummary(row.repeat(30_000))).toBe(false);
    expect(await io.appendSummary(row.repeat(30_000))).toBe(true);
    expect(Buffer.byteLength(io.summary)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
    expect(io.summary).toContain('GitHub keeps at most 1 MiB per step');
    expect(await io.appendSummary(row.repeat(10))).toBe(true);
    expect(Buffer.byteLength(io.summary)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
  });

  it('fits by UTF-8 bytes, not characters', () => {
    const text = '€'.repeat(400_000); // 1.2 MB in UTF-8, 400,000 characters
    const fitted = fitSummary(text, 0);
    expect(fitted.truncated).toBe(true);
    expect(Buffer.byteLength(fitted.text)).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
  });
});

describe('runner ActionsIO', () => {
  it('appends to the step summary file and respects what is already there', async () => {
    const summaryPath = join(dir, 'summary.md');
    await writeFile(summaryPath, 'x'.repeat(STEP_SUMMARY_MAX_BYTES - 100));
    const io = createActionsIO({ summaryPath });

    const truncated = await io.appendSummary('# Evaluate\n' + 'line\n'.repeat(1000));

    expect(truncated).toBe(true);
    const written = await readFile(summaryPath);
    expect(written.length).toBeLessThanOrEqual(STEP_SUMMARY_MAX_BYTES);
  });

  it('appends a short summary as is, with a trailing line break', async () => {
    const summaryPath = join(dir, 'summary.md');
    const io = createActionsIO({ summaryPath });
    await io.appendSummary('# One');
    await io.appendSummary('# Two');
    expect(await readFile(summaryPath, 'utf8')).toBe('# One\n# Two\n');
  });
});
