// SARIF output checked with ajv against a schema written from the SARIF 2.1.0 specification's
// required properties (sarifLog, run, tool, toolComponent, reportingDescriptor, result, location,
// physicalLocation, artifactLocation, region, message) — enough for GitHub code scanning upload.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toSarif } from '../../../src/core/audit/sarif.js';
import { scanBytes } from '../../../src/core/audit/scan-file.js';
import { callPickle, makeZip } from './pickle-writer.js';

const message = { type: 'object', required: ['text'], properties: { text: { type: 'string' } } };
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    $schema: { type: 'string', format: 'uri' },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id'],
                      properties: {
                        id: { type: 'string' },
                        shortDescription: message,
                        defaultConfiguration: {
                          type: 'object',
                          properties: { level: { enum: ['none', 'note', 'warning', 'error'] } },
                        },
                        properties: { type: 'object' },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message', 'locations', 'partialFingerprints'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: -1 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message,
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        properties: {
                          artifactLocation: { type: 'object', properties: { uri: { type: 'string' } } },
                          region: {
                            type: 'object',
                            // GitHub code scanning needs a start line on every result (SARIF validator rule GH1003).
                            required: ['startLine'],
                            properties: {
                              byteOffset: { type: 'integer', minimum: 0 },
                              byteLength: { type: 'integer', minimum: 0 },
                              startLine: { type: 'integer', minimum: 1 },
                            },
                          },
                        },
                      },
                      logicalLocations: {
                        type: 'array',
                        items: {
                          type: 'object',
                          properties: { fullyQualifiedName: { type: 'string' }, kind: { type: 'string' } },
                        },
                      },
                    },
                  },
                },
                partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
          invocations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['executionSuccessful'],
              properties: {
                executionSuccessful: { type: 'boolean' },
                toolExecutionNotifications: {
                  type: 'array',
                  items: { type: 'object', required: ['message'], properties: { message } },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('SARIF 2.1.0', () => {
  it('validates and locates findings by file, byte offset and member', async () => {
    const reports = [
      await scanBytes(callPickle('os', 'system'), 'evil.pkl'),
      await scanBytes(
        makeZip([{ name: 'archive/data.pkl', data: callPickle('builtins', 'eval') }]),
        'models/x.pt',
      ),
      await scanBytes(Buffer.from('junk'), 'junk.bin'),
    ];
    const sarif = toSarif(reports, '0.1.0');
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const valid = ajv.validate(SARIF_SUBSET, sarif);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const run = (sarif.runs as Array<Record<string, never>>)[0]!;
    const results = run.results as unknown as Array<Record<string, unknown>>;
    expect(results.length).toBe(2);
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
