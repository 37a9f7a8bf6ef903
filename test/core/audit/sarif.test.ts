// SARIF output validated against the official SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json,
// the schema Microsoft's @microsoft/jest-sarif ships; read from node_modules, never copied here),
// twice: with the draft-04 ajv 6 setup that package itself uses, and with our ajv 8. Negative
// controls prove the validators reject broken logs. GitHub's extra demand (a startLine on every
// result) is not in the schema and is asserted on its own.
import { describe, expect, it } from 'vitest';
import { toSarif } from '../../../src/core/audit/sarif.js';
import { auditDocsUrl, MODELOPS_REPOSITORY_URL } from '../../../src/core/audit/rule-docs.js';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import { auditDocsFor } from '../../../src/verbs/audit/docs-link.js';
import { renderAuditSummary } from '../../../src/verbs/audit/render.js';
import { callPickle, makeZip } from './pickle-writer.js';
import { keywordsOf, SCHEMA, VALIDATORS } from './sarif-schema.js';

async function sampleReports() {
  return [
    await scanBytes(callPickle('os', 'system'), 'evil.pkl'),
    await scanBytes(
      makeZip([{ name: 'archive/data.pkl', data: callPickle('builtins', 'eval') }]),
      'models/x.pt',
    ),
    await scanBytes(Buffer.from('junk'), 'junk.bin'),
    await scanBytes(Buffer.from('BZh91AY&SY' + 'x'.repeat(30), 'latin1'), 'model pkl#1.bz2'),
  ];
}

describe('the official SARIF 2.1.0 schema', () => {
  it('is the published 2.1.0 schema and uses only keywords draft-04 and draft-07 read alike', () => {
    expect(SCHEMA.title).toMatch(/SARIF\) Version 2\.1\.0/);
    expect(Object.keys(SCHEMA.definitions as object).length).toBeGreaterThan(40);
    const shared = [
      '$schema',
      'title',
      'id',
      'description',
      'additionalProperties',
      'type',
      'properties',
      'format',
      'enum',
      'minItems',
      'uniqueItems',
      'items',
      '$ref',
      'required',
      'definitions',
      'minimum',
      'maximum',
      'default',
      'pattern',
      'anyOf',
      'oneOf',
    ];
    expect([...keywordsOf(SCHEMA)].filter((k) => !shared.includes(k))).toEqual([]);
  });

  it.each(VALIDATORS)('%s rejects broken logs (negative controls)', (_, validate) => {
    const ok = { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] };
    expect(validate(ok).valid).toBe(true);
    expect(validate({ ...ok, version: '2.0.0' }).valid).toBe(false);
    const badLevel = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }],
    };
    expect(validate(badLevel).valid).toBe(false);
    const noMessage = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'R' }] }],
    };
    expect(validate(noMessage).valid).toBe(false);
    const badRegion = {
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'x' } },
          results: [
            {
              message: { text: 'm' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'a' }, region: { startLine: 0 } } }],
            },
          ],
        },
      ],
    };
    expect(validate(badRegion).valid).toBe(false);
  });

  it.each(VALIDATORS)('%s accepts audit SARIF for every kind of report', async (_, validate) => {
    const sarif = toSarif(await sampleReports(), '0.1.0', {
      docsUrl: auditDocsUrl('https://github.example/acme/modelops', 'v1'),
    });
    const { valid, errors } = validate(sarif);
    expect(errors).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe('SARIF 2.1.0', () => {
  it('locates findings by file, byte offset and member; a startLine on every result (GitHub)', async () => {
    const reports = await sampleReports();
    const sarif = toSarif(reports, '0.1.0');
    const run = (sarif.runs as Array<Record<string, never>>)[0]!;
    const results = run.results as unknown as Array<Record<string, unknown>>;
    expect(results.length).toBe(2);
    for (const r of results)
      for (const l of r.locations as Array<{ physicalLocation: { region: { startLine?: number } } }>)
        expect(l.physicalLocation.region.startLine).toBe(1);
    const notes = (run.invocations as unknown as Array<{ toolExecutionNotifications: unknown[] }>)[0]!;
    expect(notes.toolExecutionNotifications.length).toBe(2);
    expect(JSON.stringify(results[1])).toContain('"fullyQualifiedName":"archive/data.pkl"');
    expect(JSON.stringify(run)).toContain('external/cwe/cwe-502');

    // A finding in the file itself carries its byte range; one inside a zip member does not (the
    // member offset is not a file offset) and keeps it in properties.
    const [plain, member] = results as Array<{
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: unknown } }>;
      partialFingerprints: Record<string, string>;
      properties: Record<string, unknown>;
    }>;
    expect(plain!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'evil.pkl' },
      region: { startLine: 1, byteOffset: reports[0]!.findings[0]!.offset, byteLength: 1 },
    });
    expect(member!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'models/x.pt' },
      region: { startLine: 1 },
    });
    expect(member!.properties.memberOffset).toBe(reports[1]!.findings[0]!.offset);
    expect(plain!.partialFingerprints['modelopsFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    expect(plain!.partialFingerprints).not.toEqual(member!.partialFingerprints);
  });

  it('fingerprints do not move with offsets; URIs come from uriOf and are percent-encoded', async () => {
    const a = await scanBytes(callPickle('os', 'system'), 'evil.pkl');
    const b = { ...a, findings: a.findings.map((f) => ({ ...f, offset: (f.offset ?? 0) + 100 })) };
    const fingerprint = (sarif: Record<string, unknown>) =>
      JSON.stringify(
        (sarif.runs as Array<{ results: Array<{ partialFingerprints: unknown }> }>)[0]!.results.map(
          (r) => r.partialFingerprints,
        ),
      );
    expect(fingerprint(toSarif([a], '0.1.0'))).toBe(fingerprint(toSarif([b], '0.1.0')));
    const sarif = toSarif([a], '0.1.0', { uriOf: () => 'models/my model#1.pkl' });
    expect(JSON.stringify(sarif)).toContain('"uri":"models/my%20model%231.pkl"');
  });
});

describe('rule help links', () => {
  it('come from MODELOPS_REPOSITORY_URL by default, one anchor per rule', async () => {
    const sarif = toSarif(await sampleReports(), '0.1.0') as {
      runs: Array<{
        tool: { driver: { informationUri: string; rules: Array<{ id: string; helpUri: string }> } };
      }>;
    };
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.informationUri).toBe(`${MODELOPS_REPOSITORY_URL}/blob/main/docs/actions/audit.md`);
    for (const rule of driver.rules)
      expect(rule.helpUri).toBe(
        `${MODELOPS_REPOSITORY_URL}/blob/main/docs/actions/audit.md#${rule.id.toLowerCase()}`,
      );
    expect(driver.rules.map((r) => r.id)).toContain('PICKLE-DANGEROUS-GLOBAL');
  });

  it("in Actions they point at the running action's repository and ref; outside, at the constant", () => {
    expect(
      auditDocsFor({
        GITHUB_SERVER_URL: 'https://ghe.example.com',
        GITHUB_ACTION_REPOSITORY: 'acme/modelops-fork',
        GITHUB_ACTION_REF: 'v1.2.0',
      }),
    ).toBe('https://ghe.example.com/acme/modelops-fork/blob/v1.2.0/docs/actions/audit.md');
    expect(auditDocsFor({ GITHUB_ACTION_REPOSITORY: 'acme/modelops' })).toBe(
      'https://github.com/acme/modelops/blob/main/docs/actions/audit.md',
    );
    // A local action (`uses: ./`) has no action repository: the project's own docs.
    expect(auditDocsFor({ GITHUB_ACTION_REPOSITORY: '', GITHUB_REPOSITORY: 'user/app' })).toBe(
      auditDocsUrl(),
    );
    expect(auditDocsFor({ GITHUB_ACTION_REPOSITORY: 'not a repo' })).toBe(auditDocsUrl());
  });

  it('the job summary links each finding to the same page', async () => {
    const docs = auditDocsUrl('https://github.com/acme/modelops', 'v1');
    const md = renderAuditSummary(await sampleReports(), true, 'high', undefined, docs);
    expect(md).toContain(`[PICKLE-DANGEROUS-GLOBAL](${docs}#pickle-dangerous-global)`);
    expect(md).not.toContain('OWNER');
  });
});
