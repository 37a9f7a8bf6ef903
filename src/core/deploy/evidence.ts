/**
 * Evidence a promotion carries: the JSON results of `modelops evaluate --json` and
 * `modelops audit --json`, handed to deploy as files. Only a small shape is read, so results
 * written by older or newer versions of those verbs (or by hand) keep working:
 *
 *   evaluate: { verdict: "pass" | "warn" | "fail" | "no-baseline", name?, sha256?,
 *               gates?: [{ gate: string, status: "pass" | "warn" | "fail" | "no-baseline" }] }
 *   audit:    { verdict?: "clean" | …, failed?: boolean, sha256?,
 *               files?: [{ path?, sha256?, verdict: "clean" | …, allowlisted?: {…} }] }
 */
import { UsageError } from '../errors.js';

/** What deploy keeps of an evaluate result. */
export interface EvaluateEvidence {
  kind: 'evaluate';
  file: string;
  /** sha256 of the evidence file itself, so the tag pins exactly what was checked. */
  digest: string;
  verdict: string;
  name?: string;
  sha256?: string;
  /** Gate name → worst status over its checks. */
  gates: Record<string, string>;
}

/** What deploy keeps of an audit result. */
export interface AuditEvidence {
  kind: 'audit';
  file: string;
  digest: string;
  /** True when the audit found nothing at or above its fail level (allowlisted files count as clean). */
  clean: boolean;
  verdict: string;
  /** sha256 of every scanned file that reported one. */
  sha256s: string[];
  files: number;
}

export type DeployEvidenceFile = EvaluateEvidence | AuditEvidence;

const EVALUATE_VERDICTS = new Set(['pass', 'warn', 'fail', 'no-baseline']);
const AUDIT_VERDICTS = new Set(['clean', 'suspicious', 'malicious', 'inconclusive']);
const STATUS_RANK = ['pass', 'warn', 'no-baseline', 'fail'];

/** Reads one evidence file's parsed JSON; which verb wrote it is told by its shape. */
export function readEvidence(file: string, digest: string, value: unknown): DeployEvidenceFile {
  const bad = (why: string) =>
    new UsageError(`--evidence ${file} ${why}`, {
      fix: 'pass the --json output of modelops evaluate or modelops audit (see docs/actions/deploy.md#evidence)',
    });
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('is not a JSON object');
  const o = value as Record<string, unknown>;
  const verdict = typeof o.verdict === 'string' ? o.verdict : undefined;
  const sha = (v: unknown) =>
    typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v) ? v.toLowerCase() : undefined;

  if (Array.isArray(o.files) || (verdict !== undefined && AUDIT_VERDICTS.has(verdict))) {
    const files = (Array.isArray(o.files) ? o.files : []) as Record<string, unknown>[];
    const fileClean = (f: Record<string, unknown>) => f.verdict === 'clean' || Boolean(f.allowlisted);
    if (verdict === undefined && files.length === 0) throw bad('has neither verdict nor files');
    const clean = o.failed !== true && (files.length > 0 ? files.every(fileClean) : verdict === 'clean');
    const sha256s = [sha(o.sha256), ...files.map((f) => sha(f.sha256))].filter((s): s is string => !!s);
    return {
      kind: 'audit',
      file,
      digest,
      clean,
      verdict: verdict ?? (clean ? 'clean' : 'not clean'),
      sha256s,
      files: files.length,
    };
  }
  if (verdict !== undefined && EVALUATE_VERDICTS.has(verdict)) {
    const gates: Record<string, string> = {};
    for (const g of Array.isArray(o.gates) ? (o.gates as Record<string, unknown>[]) : []) {
      const name = typeof g.gate === 'string' ? g.gate : typeof g.name === 'string' ? g.name : undefined;
      const status = typeof g.status === 'string' ? g.status : g.passed === true ? 'pass' : 'fail';
      if (!name) continue;
      const before = gates[name];
      if (before === undefined || STATUS_RANK.indexOf(status) > STATUS_RANK.indexOf(before))
        gates[name] = status;
    }
    const s = sha(o.sha256);
    return {
      kind: 'evaluate',
      file,
      digest,
      verdict,
      ...(typeof o.name === 'string' ? { name: o.name } : {}),
      ...(s ? { sha256: s } : {}),
      gates,
    };
  }
  throw bad(
    `has verdict ${JSON.stringify(o.verdict ?? null)}, which is neither an evaluate nor an audit result`,
  );
}
