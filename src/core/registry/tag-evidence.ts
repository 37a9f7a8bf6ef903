/**
 * The JSON evidence carried in an annotated registry tag's message. GTO reads only the tag name;
 * we add what a reviewer or `deploy` needs to trust a version without checking anything out:
 * content hash, signature, metrics digest, who made it and from which run.
 */
import type { ModelSignature } from '../onnx/signature-types.js';

export interface TagEvidence {
  schema: 1;
  kind: 'register' | 'deregister' | 'deprecate' | 'assign' | 'unassign';
  model: string;
  version?: string;
  sha256?: string;
  size?: number;
  format?: string;
  signature?: ModelSignature;
  /** sha256 of the canonical JSON of the metrics, when known. */
  metrics_digest?: string;
  bump?: string;
  /** One line per signature change, as printed to the user. */
  changes?: string[];
  actor?: string;
  run_url?: string;
  commit?: string;
  created_at: string;
}

const MARKER = 'modelops-evidence:';

/** First line for people (`git tag -n`), then the evidence as one JSON line after a marker. */
export function formatTagMessage(title: string, evidence: TagEvidence): string {
  return `${title.replace(/\s+/g, ' ').trim()}\n\n${MARKER} ${JSON.stringify(evidence)}\n`;
}

/** The evidence of a tag message, or null for tags made by other tools (plain GTO, by hand). */
export function parseTagMessage(message: string | undefined): TagEvidence | null {
  if (!message) return null;
  const line = message.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) return null;
  try {
    const value = JSON.parse(line.slice(MARKER.length)) as TagEvidence;
    return value && typeof value === 'object' && value.schema === 1 ? value : null;
  } catch {
    return null;
  }
}
