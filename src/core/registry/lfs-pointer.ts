/**
 * Git LFS pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md): what git
 * stores in place of a large file. Reading the pointer gives a model's sha256 and size without
 * downloading the blob, which is how `version` hashes models in a clone with skipped smudge.
 */

/** The spec URL every current pointer starts with. */
export const LFS_SPEC_V1 = 'https://git-lfs.github.com/spec/v1';
// Pointers written by pre-1.0 clients ("hawser") are still accepted by git-lfs; so do we.
const LEGACY_SPECS = new Set(['https://hawser.github.com/spec/v1']);
/** git-lfs never treats a blob larger than this as a pointer. */
export const LFS_POINTER_MAX_BYTES = 1024;

/** A parsed pointer. `oid` is the sha256 of the real content, lower-case hex, without `sha256:`. */
export interface LfsPointer {
  oid: string;
  size: number;
  /** Extra keys (e.g. `ext-0-foo`) kept verbatim so a pointer round-trips. */
  extensions?: Record<string, string>;
}

const KEY_RE = /^[a-z0-9.-]+$/;
const OID_RE = /^sha256:([0-9a-f]{64})$/;
const SIZE_RE = /^(0|[1-9]\d*)$/;

/**
 * Parses pointer bytes (or text); null when the content is not a valid pointer — which is the
 * normal answer for a checked-out model file, so this never throws.
 */
export function parseLfsPointer(content: Uint8Array | string): LfsPointer | null {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  // An empty blob is, by the spec, the pointer of an empty file; treating every empty file as
  // "LFS" would be misleading, so callers see null and handle empties themselves.
  if (bytes.length === 0 || bytes.length > LFS_POINTER_MAX_BYTES) return null;
  // Cheap rejection of binary content before decoding: a pointer starts with "version ".
  if (bytes[0] !== 0x76 /* v */) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!text.endsWith('\n')) return null;
  const lines = text.slice(0, -1).split('\n');
  const entries: [string, string][] = [];
  for (const line of lines) {
    const space = line.indexOf(' ');
    if (space <= 0) return null;
    const key = line.slice(0, space);
    if (!KEY_RE.test(key)) return null;
    entries.push([key, line.slice(space + 1)]);
  }
  const [first, ...rest] = entries;
  if (!first || first[0] !== 'version' || !(first[1] === LFS_SPEC_V1 || LEGACY_SPECS.has(first[1])))
    return null;
  // The spec requires the remaining keys in sorted order, each once.
  for (let i = 1; i < rest.length; i++) {
    if ((rest[i - 1] as [string, string])[0] >= (rest[i] as [string, string])[0]) return null;
  }
  const values = new Map(rest);
  const oid = OID_RE.exec(values.get('oid') ?? '')?.[1];
  const sizeText = values.get('size') ?? '';
  if (!oid || !SIZE_RE.test(sizeText)) return null;
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return null;
  const extensions = Object.fromEntries(rest.filter(([k]) => k !== 'oid' && k !== 'size'));
  return Object.keys(extensions).length ? { oid, size, extensions } : { oid, size };
}

/** True when the bytes are an LFS pointer (the blob itself was not checked out). */
export function isLfsPointer(content: Uint8Array | string): boolean {
  return parseLfsPointer(content) !== null;
}

/** Formats a pointer exactly as git-lfs writes it: version first, other keys sorted, `\n` endings. */
export function formatLfsPointer(pointer: LfsPointer): string {
  if (!/^[0-9a-f]{64}$/.test(pointer.oid))
    throw new TypeError(`LFS oid must be 64 lower-case hex digits: "${pointer.oid}"`);
  if (!Number.isSafeInteger(pointer.size) || pointer.size < 0)
    throw new TypeError(`LFS size must be a non-negative integer: ${pointer.size}`);
  const keys: [string, string][] = [
    ['oid', `sha256:${pointer.oid}`],
    ['size', String(pointer.size)],
    ...Object.entries(pointer.extensions ?? {}),
  ];
  keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [`version ${LFS_SPEC_V1}`, ...keys.map(([k, v]) => `${k} ${v}`)].join('\n') + '\n';
}
