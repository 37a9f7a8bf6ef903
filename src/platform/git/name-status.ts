/** One path changed between two trees, from `git diff --name-status -z`. */
export interface DiffEntry {
  /** Added, Copied, Deleted, Modified, Renamed, Type changed, Unmerged, unknown (X). */
  status: 'A' | 'C' | 'D' | 'M' | 'R' | 'T' | 'U' | 'X';
  path: string;
  /** Source path of a rename or copy. */
  oldPath?: string;
  /** Similarity percentage of a rename or copy. */
  similarity?: number;
}

/**
 * Parses `--name-status -z` output: `STATUS\0path\0` records, where renames and copies carry a
 * score (`R087`) and two paths (`R087\0old\0new\0`). With -z paths are raw bytes, never quoted.
 */
export function parseNameStatus(output: string): DiffEntry[] {
  const parts = output.split('\0');
  const entries: DiffEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const code = parts[i++] ?? '';
    if (code === '') continue;
    const status = code[0] as DiffEntry['status'];
    if (status === 'R' || status === 'C') {
      const oldPath = parts[i++] ?? '';
      const path = parts[i++] ?? '';
      entries.push({ status, path, oldPath, similarity: Number(code.slice(1)) || 0 });
    } else {
      entries.push({ status, path: parts[i++] ?? '' });
    }
  }
  return entries;
}
