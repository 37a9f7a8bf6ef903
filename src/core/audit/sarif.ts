/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired (with CWE tags and a
 * security-severity GitHub sorts by), one result per finding located by file, byte offset and
 * member path, and a tool notification per file that could not be scanned.
 */
import { ruleInfo } from './rules.js';
import type { FileReport, FindingSeverity } from './types.js';

const LEVEL: Record<FindingSeverity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};
const SECURITY_SEVERITY: Record<FindingSeverity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.0',
  low: '2.0',
};

export function toSarif(reports: readonly FileReport[], toolVersion: string): Record<string, unknown> {
  const ids = [...new Set(reports.flatMap((r) => r.findings.map((f) => f.rule)))].sort();
  const rules = ids.map((id) => {
    const info = ruleInfo(id);
    return {
      id,
      name: id.toLowerCase().replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: info.title },
      defaultConfiguration: { level: LEVEL[info.severity] },
      helpUri: `https://github.com/OWNER/modelops/blob/main/docs/actions/audit.md#${id.toLowerCase()}`,
      properties: {
        tags: ['security', 'supply-chain', ...(info.cwe ? [`external/cwe/cwe-${info.cwe}`] : [])],
        'security-severity': SECURITY_SEVERITY[info.severity],
      },
    };
  });
  const results = reports.flatMap((report) =>
    report.findings
      .filter(() => !report.allowlisted)
      .map((f) => ({
        ruleId: f.rule,
        ruleIndex: ids.indexOf(f.rule),
        level: LEVEL[f.severity],
        message: { text: f.member ? `${f.member}: ${f.message}` : f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: toUri(report.path) },
              ...(f.offset !== undefined ? { region: { byteOffset: f.offset, byteLength: 1 } } : {}),
            },
            ...(f.member ? { logicalLocations: [{ fullyQualifiedName: f.member, kind: 'member' }] } : {}),
          },
        ],
        partialFingerprints: {
          modelopsFinding: `${report.path}|${f.rule}|${f.member ?? ''}|${f.global ?? f.message}`,
        },
        properties: {
          severity: f.severity,
          verdict: report.verdict,
          ...(f.global ? { global: f.global } : {}),
        },
      })),
  );
  const notifications = reports
    .filter((r) => r.unscanned.length > 0)
    .map((r) => ({
      level: 'warning',
      message: { text: `${r.path}: ${r.unscanned.join('; ')}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(r.path) } } }],
    }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'modelops-audit',
            semanticVersion: toolVersion,
            informationUri: 'https://github.com/OWNER/modelops/blob/main/docs/actions/audit.md',
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

function toUri(path: string): string {
  return path.replaceAll('\\', '/').split('/').map(encodeURIComponent).join('/');
}
