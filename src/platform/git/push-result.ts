/** Outcome of pushing one tag. */
export type PushTagResult =
  | { ok: true; status: 'created' | 'up-to-date' }
  /** `exists`: the remote already has a different tag of that name (someone else won the race). */
  | { ok: false; reason: 'exists' | 'rejected'; message: string };

/**
 * Reads the ref line of `git push --porcelain` output
 * (`<flag>\t<from>:<to>\t<summary> (<reason>)`), for the ref `refs/tags/<tag>`.
 * Returns null when git printed no line for it (the push failed before talking refs).
 */
export function parsePushPorcelain(stdout: string, tag: string): PushTagResult | null {
  const ref = `refs/tags/${tag}`;
  for (const line of stdout.split('\n')) {
    const [flag, refs, summary = ''] = line.split('\t');
    if (flag === undefined || refs === undefined || refs.split(':')[1] !== ref) continue;
    if (flag === '=') return { ok: true, status: 'up-to-date' };
    if (flag === '!') {
      // "[rejected] (already exists)" comes from the local check against the advertised refs.
      const exists = /\(already exists\)/.test(summary);
      return { ok: false, reason: exists ? 'exists' : 'rejected', message: `${ref}: ${summary}` };
    }
    return { ok: true, status: 'created' };
  }
  return null;
}
