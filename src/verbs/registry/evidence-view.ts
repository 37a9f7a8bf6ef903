import type { ModelSignature, TensorSignature } from '../../core/onnx/signature-types.js';
import { parseTagMessage } from '../../core/registry/tag-evidence.js';
import type { GitTag } from '../../platform/git/index.js';

/** The evidence fields a reader asks about, camelCased for the result; null when the tag has none. */
export interface EvidenceView {
  sha256: string | null;
  size: number | null;
  format: string | null;
  signature: ModelSignature | null;
  bump: string | null;
  changes: string[];
  actor: string | null;
  runUrl: string | null;
  createdAt: string | null;
  metricsDigest: string | null;
}

/**
 * Reads the `modelops-evidence:` line of a tag message. Tags made by GTO or by hand have none;
 * their tagger still tells who and when.
 */
export function evidenceView(tag: GitTag | undefined): EvidenceView & { hasEvidence: boolean } {
  const e = parseTagMessage(tag?.message);
  return {
    hasEvidence: e !== null,
    sha256: e?.sha256 ?? null,
    size: e?.size ?? null,
    format: e?.format ?? null,
    signature: e?.signature ?? null,
    bump: e?.bump ?? null,
    changes: e?.changes ?? [],
    actor: e?.actor ?? tag?.tagger?.name ?? null,
    runUrl: e?.run_url ?? null,
    createdAt: e?.created_at ?? tag?.date ?? null,
    metricsDigest: e?.metrics_digest ?? null,
  };
}

/** `input features: float [batch, 4]` lines, then the opsets. */
export function signatureLines(signature: ModelSignature): string[] {
  const tensor = (role: string, t: TensorSignature) =>
    `${role} ${t.name}: ${t.kind === 'tensor' ? '' : `${t.kind} of `}${t.elementType} ${
      t.shape === null ? '[*]' : `[${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`
    }`;
  return [
    ...signature.inputs.map((t) => tensor('input', t)),
    ...signature.outputs.map((t) => tensor('output', t)),
    ...(signature.opsets.length
      ? [`opsets ${signature.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')}`]
      : []),
  ];
}

/** `abcdef123456` — enough of a hash to recognise it in a table. */
export function short(hash: string | null | undefined, length = 12): string {
  return hash ? hash.slice(0, length) : '—';
}
