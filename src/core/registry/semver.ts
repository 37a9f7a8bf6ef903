/**
 * Semantic Versioning 2.0.0 (https://semver.org): the version half of `name@vX.Y.Z` tags.
 * Versions are written without the `v`; the tag grammar adds and strips it.
 */

/** Which part of a version to increment. */
export type Bump = 'major' | 'minor' | 'patch';

/** A parsed version. Pre-release identifiers keep their type: numeric ones compare as numbers. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
  build: string[];
}

// semver.org's grammar: no leading zeros in numeric parts or numeric pre-release identifiers.
const NUM = '0|[1-9]\\d*';
const PRE_ID = `${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*`;
const BUILD_ID = '[0-9a-zA-Z-]+';
/** Source of the SemVer 2.0 pattern, unanchored, for embedding in the tag grammar. */
export const SEMVER_PATTERN = `(?:${NUM})\\.(?:${NUM})\\.(?:${NUM})(?:-(?:${PRE_ID})(?:\\.(?:${PRE_ID}))*)?(?:\\+${BUILD_ID}(?:\\.${BUILD_ID})*)?`;
const SEMVER_RE = new RegExp(
  `^(${NUM})\\.(${NUM})\\.(${NUM})(?:-((?:${PRE_ID})(?:\\.(?:${PRE_ID}))*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
);

/** Parses `1.2.3`, `1.2.3-rc.1+build.5`; null for anything else (including a leading `v`). */
export function parseSemver(text: string): SemVer | null {
  const m = SEMVER_RE.exec(text);
  if (!m) return null;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  // Numbers past 2^53 would silently lose precision and compare wrongly.
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  const prerelease = m[4] ? m[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  if (prerelease.some((id) => typeof id === 'number' && !Number.isSafeInteger(id))) return null;
  return { major, minor, patch, prerelease, build: m[5] ? m[5].split('.') : [] };
}

/** True when `text` is a valid SemVer 2.0 version (no `v`). */
export function isSemver(text: string): boolean {
  return parseSemver(text) !== null;
}

/** Formats a version back to text; `formatSemver(parseSemver(s)!) === s` for every valid `s`. */
export function formatSemver(v: SemVer): string {
  const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
  const build = v.build.length ? `+${v.build.join('.')}` : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}${build}`;
}

function toSemver(v: SemVer | string): SemVer {
  if (typeof v !== 'string') return v;
  const parsed = parseSemver(v);
  if (!parsed) throw new TypeError(`not a semantic version: "${v}"`);
  return parsed;
}

/**
 * Precedence order per semver.org §11: negative when a < b. Build metadata is ignored,
 * so `1.0.0+a` and `1.0.0+b` compare equal (use {@link sortSemver} for a total order).
 */
export function compareSemver(a: SemVer | string, b: SemVer | string): number {
  const x = toSemver(a);
  const y = toSemver(b);
  const core = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (core !== 0) return Math.sign(core);
  // A pre-release sorts before its release: 1.0.0-rc.1 < 1.0.0.
  if (!x.prerelease.length || !y.prerelease.length)
    return Math.sign(y.prerelease.length - x.prerelease.length);
  const n = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < n; i++) {
    const p = x.prerelease[i] as string | number;
    const q = y.prerelease[i] as string | number;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return Math.sign(p - q);
    // Numeric identifiers always have lower precedence than alphanumeric ones.
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

/**
 * Sorts version strings ascending (or descending) by precedence; ties on build metadata
 * are broken by the build text so the order is total and stable across runs.
 */
export function sortSemver(versions: readonly string[], order: 'asc' | 'desc' = 'asc'): string[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...versions].sort((a, b) => {
    const c = compareSemver(a, b) || (a < b ? -1 : a > b ? 1 : 0);
    return sign * c;
  });
}

/**
 * Next version after `v`. Pre-release and build are dropped. As in npm's semver, a pre-release
 * of the target is "released" rather than skipped: patch of 1.2.3-rc.1 is 1.2.3, minor of
 * 1.3.0-rc.1 is 1.3.0, major of 2.0.0-rc.1 is 2.0.0 — the pre-release was a preview of it.
 */
export function incrementSemver(v: SemVer | string, bump: Bump): string {
  const s = toSemver(v);
  const pre = s.prerelease.length > 0;
  switch (bump) {
    case 'major':
      return pre && s.minor === 0 && s.patch === 0 ? `${s.major}.0.0` : `${s.major + 1}.0.0`;
    case 'minor':
      return pre && s.patch === 0 ? `${s.major}.${s.minor}.0` : `${s.major}.${s.minor + 1}.0`;
    case 'patch':
      return pre ? `${s.major}.${s.minor}.${s.patch}` : `${s.major}.${s.minor}.${s.patch + 1}`;
  }
}

/** The larger of two bumps (major > minor > patch). */
export function maxBump(a: Bump, b: Bump): Bump {
  const rank: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };
  return rank[a] >= rank[b] ? a : b;
}
