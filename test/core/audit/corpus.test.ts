// The public picklescan/modelscan samples in ../shared/audit-corpus (read-only, never copied into
// this repository): every sample must get the verdict its MANIFEST.tsv expects. Skips with a note
// when the corpus is absent. MANIFEST verdicts map to ours: benign → clean, malicious → malicious,
// suspicious → suspicious, broken → inconclusive (unscannable is never clean and never malicious).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanFile } from '../../../src/core/audit/scan-file.js';
import type { Verdict } from '../../../src/core/audit/types.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const corpus = resolve(repoRoot, '../shared/audit-corpus');
const present = existsSync(join(corpus, 'MANIFEST.tsv'));

export const MANIFEST_TO_VERDICT: Record<string, Verdict> = {
  benign: 'clean',
  malicious: 'malicious',
  suspicious: 'suspicious',
  broken: 'inconclusive',
};

describe.skipIf(!present)('audit corpus (../shared/audit-corpus)', () => {
  it('every sample gets the verdict MANIFEST.tsv expects', async () => {
    const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .map(([file, , expected]) => ({ file: file!, expected: expected! }));
    const counts = new Map<string, { total: number; ok: number }>();
    const misses: string[] = [];
    for (const row of rows) {
      const report = await scanFile(join(corpus, row.file), { display: row.file });
      const want = MANIFEST_TO_VERDICT[row.expected];
      const c = counts.get(row.expected) ?? { total: 0, ok: 0 };
      c.total++;
      if (report.verdict === want) c.ok++;
      else
        misses.push(
          `${row.file}: expected ${want}, got ${report.verdict} [${report.findings.map((f) => `${f.rule}:${f.severity}:${f.message}`).join('; ')}] ${report.unscanned.join('; ')}`,
        );
      counts.set(row.expected, c);
    }
    const summary = [...counts].map(([k, c]) => `${k} ${c.ok}/${c.total}`).join(', ');
    console.log(`audit corpus: ${summary}${misses.length ? `\n  ${misses.join('\n  ')}` : ''}`);
    expect(misses).toEqual([]);
  });
});

if (!present) console.log(`audit corpus: skipped, ${corpus} is absent`);
