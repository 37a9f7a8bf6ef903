/**
 * What a scan produces. A finding names a rule (documented in docs/actions/audit.md), where it
 * was seen (member path inside a container, byte offset), and how bad it is.
 */

/** Severity of a finding, in increasing order. */
export type FindingSeverity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITY_ORDER: readonly FindingSeverity[] = ['low', 'medium', 'high', 'critical'];

export function severityRank(severity: FindingSeverity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/**
 * clean: everything was read and nothing was found. suspicious: only low/medium findings.
 * malicious: a high or critical finding. inconclusive: some part could not be read (corrupt,
 * encrypted, unsupported, over a limit) and nothing high was found — never reported as clean.
 */
export type Verdict = 'clean' | 'suspicious' | 'malicious' | 'inconclusive';

export interface Finding {
  /** Stable rule id, e.g. PICKLE-DANGEROUS-GLOBAL. */
  rule: string;
  severity: FindingSeverity;
  message: string;
  /** Path inside the container (zip member, `pickle#2`, `data.pkl!nested@120`); absent for the file itself. */
  member?: string;
  /** Byte offset in the member (or file) where the evidence starts. */
  offset?: number;
  /** The imported global (`os.system`), for pickle rules. */
  global?: string;
  /** True for findings that only fail the run with --strict (unknown globals). */
  strictOnly?: boolean;
}

/** One scanned file. */
export interface FileReport {
  path: string;
  /** What the content is (sniffed, never the extension). */
  format: string;
  size: number;
  verdict: Verdict;
  findings: Finding[];
  /** Why parts of the file could not be scanned (present when the verdict is inconclusive). */
  unscanned: string[];
  /** Members (or stacked pickles) that were scanned, for the reader's confidence. */
  scanned: string[];
  /** Set when modelops.yaml allowlists this file's sha256. */
  allowlisted?: { sha256: string; reason: string };
  sha256?: string;
  /**
   * Set when the file is in Git LFS: the oid of its pointer, and where the scanned content came
   * from (the working tree, or the local object store when only the pointer is checked out).
   */
  lfs?: { oid: string; content: 'working-tree' | 'lfs-object' };
}

/** Hard caps that keep a hostile file from taking the scanner down. */
export interface ScanLimits {
  maxOpcodes: number;
  maxMemo: number;
  maxStackDepth: number;
  maxMarkDepth: number;
  /** Bytes decompressed from one file, all members together. */
  maxDecompressedBytes: number;
  /** Bytes of one member or pickle read into memory. */
  maxMemberBytes: number;
  /** Nested pickles (in byte constants) per file, and how deep they may nest. */
  maxNestedPickles: number;
  maxNestingDepth: number;
  /** Wall time per file, milliseconds. */
  maxMillis: number;
  /** Compression ratio above which a member is a bomb. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ScanLimits = {
  maxOpcodes: 50_000_000,
  maxMemo: 1_000_000,
  maxStackDepth: 200_000,
  maxMarkDepth: 10_000,
  maxDecompressedBytes: 4 * 1024 ** 3,
  maxMemberBytes: 1024 ** 3,
  maxNestedPickles: 64,
  maxNestingDepth: 3,
  maxMillis: 60_000,
  maxRatio: 200,
};

/** Findings plus what could not be read, collected while scanning one file. */
export interface ScanSink {
  add(finding: Finding): void;
  unscannable(reason: string): void;
  scanned(member: string): void;
}
