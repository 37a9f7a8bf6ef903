/** State shared by every container reader while one file is scanned. */
import type { PickleKind } from './pickle/globals-policy.js';
import type { Finding, ScanLimits, ScanSink } from './types.js';

export class Collector implements ScanSink {
  readonly findings: Finding[] = [];
  readonly unscanned: string[] = [];
  readonly members: string[] = [];
  add(finding: Finding): void {
    if (this.findings.length < 1000) this.findings.push(finding);
  }
  unscannable(reason: string): void {
    if (this.unscanned.length < 100) this.unscanned.push(reason);
  }
  scanned(member: string): void {
    if (this.members.length < 1000) this.members.push(member);
  }
}

export interface ScanContext {
  limits: ScanLimits;
  deadline: number;
  sink: Collector;
  /** Decompressed bytes so far, all members together. */
  inflated: { bytes: number };
  budget: { nested: number };
  /** Container nesting (zip in zip, gz in tar …). */
  depth: number;
}

/** Where a finding or a member lives: `outer.zip!inner/data.pkl`. */
export function memberPath(parent: string | undefined, name: string): string {
  return parent === undefined ? name : `${parent}!${name}`;
}

export function finding(
  rule: string,
  severity: Finding['severity'],
  message: string,
  member: string | undefined,
  offset?: number,
): Finding {
  return {
    rule,
    severity,
    message,
    ...(member !== undefined ? { member } : {}),
    ...(offset !== undefined ? { offset } : {}),
  };
}

export type { PickleKind };
