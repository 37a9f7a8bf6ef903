/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules that fired (with CWE tags and a
 * security-severity GitHub sorts by), one result per finding located by file, byte offset and
 * member path, and a tool notification per file that could not be scanned.
 */
import { ruleInfo } from './rules.js';
import { auditDocsUrl, ruleDocsUrl } from './rule-docs.js';
import { createHash } from 'node:crypto';
import type { FileReport, Finding, FindingSeverity } from './types.js';

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

export interface SarifOptions {
  /**
   * The artifact URI of a report: its path relative to the repository root, which is what code
   * scanning matches against the checkout. Defaults to the report's path.
   */
  uriOf?: (report: FileReport) => string;
  /** The rules page that helpUri and informationUri point at (default: auditDocsUrl()). */
  docsUrl?: string;
}

export function toSarif(
  reports: readonly FileReport[],
  toolVersion: string,
  options: SarifOptions = {},
): Record<string, unknown> {
  const uriOf = (report: FileReport) => toUri(options.uriOf?.(report) ?? report.path);
  const docsUrl = options.docsUrl ?? auditDocsUrl();
  const ids = [...new Set(reports.flatMap((r) => r.findings.map((f) => f.rule)))].sort();
  const rules = ids.map((id) => {
    const info = ruleInfo(id);
    return {
      id,
      name: id.toLowerCase().replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: info.title },
      defaultConfiguration: { level: LEVEL[info.severity] },
      helpUri: ruleDocsUrl(id, docsUrl),
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
              artifactLocation: { uri: uriOf(report) },
              region: regionOf(f),
            },
            ...(f.member ? { logicalLocations: [{ fullyQualifiedName: f.member, kind: 'member' }] } : {}),
          },
        ],
        partialFingerprints: {
          // Stable across runs and independent of offsets, so code scanning tracks one alert per finding.
          'modelopsFinding/v1': createHash('sha256')
            .update([uriOf(report), f.rule, f.member ?? '', f.global ?? f.message].join('\0'))
            .digest('hex'),
        },
        properties: {
          severity: f.severity,
          ...(f.member !== undefined && f.offset !== undefined ? { memberOffset: f.offset } : {}),
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
      locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(r) } } }],
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
            informationUri: docsUrl,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

/**
 * Code scanning needs a line on every result (binary model files have none, so line 1); the byte
 * range is added only when the offset is in the file itself — an offset inside a zip member or a
 * decompressed stream is not a file offset, so it goes to properties.memberOffset instead.
 */
function regionOf(f: Finding): Record<string, number> {
  return f.member === undefined && f.offset !== undefined
    ? { startLine: 1, byteOffset: f.offset, byteLength: 1 }
    : { startLine: 1 };
}

function toUri(path: string): string {
  return path.replaceAll('\\', '/').split('/').map(encodeURIComponent).join('/');
}
