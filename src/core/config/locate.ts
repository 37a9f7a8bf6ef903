import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Pair } from 'yaml';
import type { ConfigProblem } from './config-file-error.js';
import { renderPath, renderValue, type Issue, type PathSegment } from './issue.js';

/** A problem tied to a character offset in the source text. */
export interface Located {
  offset: number;
  /** Full sentence start, path included. */
  what: string;
  /** Already rendered. */
  value: string;
  fix: string;
  /** Another place the problem involves (the first of two duplicate keys), named in the fix. */
  related?: number;
}

/** Finds where in the YAML text a data path was written. */
export function locateIssue(doc: Document.Parsed, issue: Issue): Located {
  const found = findNode(doc, issue.path);
  const node = issue.at === 'key' ? (found.key ?? found.value) : (found.value ?? found.key);
  return {
    offset: rangeStart(node) ?? rangeStart(doc.contents) ?? 0,
    what: `${renderPath(issue.path)} ${issue.what}`,
    value: renderValue(issue.value),
    fix: issue.fix,
  };
}

/** Turns an offset into the 1-based line:column of the published message format. */
export function toProblem(file: string, lineCounter: LineCounter, located: Located): ConfigProblem {
  const { line, col } = lineCounter.linePos(located.offset);
  const fix =
    located.related === undefined
      ? located.fix
      : `${located.fix}; the other is at line ${lineCounter.linePos(located.related).line}`;
  return { file, line, column: col, what: located.what, value: located.value, fix };
}

/**
 * Walks the unexpanded document along a data path. Values that came from an alias or a `<<`
 * merge are found in the anchored node they were copied from, which is where the user has to fix
 * them. When the path leaves the document (a default, a missing key), the deepest node reached
 * is returned so the message still points near the problem.
 */
function findNode(doc: Document.Parsed, path: readonly PathSegment[]): { key?: unknown; value?: unknown } {
  let value: unknown = doc.contents;
  let key: unknown;
  for (const segment of path) {
    const node = deref(doc, value);
    let next: { key?: unknown; value?: unknown } | undefined;
    if (isMap(node)) {
      const pair = findPair(doc, node.items, String(segment), 0);
      if (pair) next = { key: pair.key, value: pair.value ?? pair.key };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item) next = { key: item, value: item };
    }
    if (!next) break;
    key = next.key;
    value = next.value;
  }
  return { key, value };
}

function findPair(
  doc: Document.Parsed,
  items: readonly Pair[],
  key: string,
  depth: number,
): Pair | undefined {
  const direct = items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
  if (direct || depth > 8) return direct;
  for (const pair of items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<') continue;
    const value = deref(doc, pair.value);
    const sources = isSeq(value) ? value.items.map((item) => deref(doc, item)) : [value];
    for (const source of sources) {
      const found = isMap(source) ? findPair(doc, source.items, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function rangeStart(node: unknown): number | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const range = (node as { range?: [number, number, number] | null }).range;
  return range ? range[0] : undefined;
}
