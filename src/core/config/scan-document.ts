import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { renderPath, renderValue, type PathSegment } from './issue.js';
import type { Located } from './locate.js';

/**
 * Alias expansion allowed beyond the nodes written in the file. A real modelops.yaml reuses a
 * gate list or a dataset block a few times (hundreds of nodes); "billion laughs" needs millions.
 */
export const MAX_ALIAS_EXPANSION = 10_000;
/** modelops.yaml is at most ~8 levels deep; far deeper nesting is an attack or a mistake. */
export const MAX_DEPTH = 64;

// Tags that only restate a plain value; others (!!binary, !!set, custom !tags) build values the
// schema and messages cannot describe.
const PLAIN_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);

class Stop {
  constructor(readonly located: Located) {}
}

/**
 * One pass over the parsed (unexpanded) document before anything expands aliases: counts what
 * aliases would expand to (each alias adds the size of its target, whose size already includes
 * its own aliases, so nesting multiplies here as cheap arithmetic instead of in memory), rejects
 * aliases to their own ancestors, excessive nesting, and duplicate keys (reported with the first
 * occurrence, which the yaml package's own message lacks).
 */
export function scanDocument(doc: Document.Parsed): Located[] {
  const problems: Located[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expansion = 0;

  const size = (node: unknown, path: PathSegment[], depth: number): number => {
    if (!node || typeof node !== 'object') return 1;
    const at = offsetOf(node);
    if (depth > MAX_DEPTH) {
      throw new Stop({
        offset: at,
        what: `${renderPath(path)} is nested more than ${MAX_DEPTH} levels deep`,
        value: '…',
        fix: 'flatten the structure; modelops.yaml needs only a few levels',
      });
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        throw new Stop({
          offset: at,
          what: `${renderPath(path)} is an alias of an undefined anchor`,
          value: `*${node.source}`,
          fix: `define &${node.source} before this alias`,
        });
      }
      if (open.has(target)) {
        throw new Stop({
          offset: at,
          what: `${renderPath(path)} is an alias inside its own anchor`,
          value: `*${node.source}`,
          fix: 'an anchor cannot contain itself; copy the values instead',
        });
      }
      expansion += (sizes.get(target) ?? 1) - 1;
      if (expansion > MAX_ALIAS_EXPANSION) {
        throw new Stop({
          offset: at,
          what: `aliases expand to more than ${MAX_ALIAS_EXPANSION} values`,
          value: `*${node.source}`,
          fix: 'use fewer, shallower aliases (nested aliases multiply); write the values out',
        });
      }
      return sizes.get(target) ?? 1;
    }
    const anchored = node as Node;
    if (anchored.tag !== undefined && !PLAIN_TAGS.has(anchored.tag)) {
      throw new Stop({
        offset: at,
        what: `${renderPath(path)} has a YAML tag modelops.yaml does not use`,
        value: anchored.tag.replace('tag:yaml.org,2002:', '!!'),
        fix: 'remove the tag and write a plain value',
      });
    }
    // Registered before the children are visited, so an alias inside it is seen as a cycle.
    if (anchored.anchor) anchors.set(anchored.anchor, anchored);
    open.add(anchored);
    let total = 1;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          const first = seen.get(key);
          if (first !== undefined) problems.push(duplicateKey(path, key, offsetOf(pair.key), first));
          else seen.set(key, offsetOf(pair.key));
        }
        total += size(pair.key, path, depth + 1) + size(pair.value, [...path, key ?? '?'], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => (total += size(item, [...path, index], depth + 1)));
    }
    open.delete(anchored);
    sizes.set(anchored, total);
    return total;
  };

  try {
    size(doc.contents, [], 0);
  } catch (error) {
    if (error instanceof Stop) return [...problems, error.located];
    throw error;
  }
  return problems;
}

function duplicateKey(path: PathSegment[], key: string, offset: number, firstOffset: number): Located {
  return {
    offset,
    what: `${renderPath(path)} has a duplicate key`,
    value: renderValue(key),
    fix: 'remove or rename one of the two',
    related: firstOffset,
  };
}

function offsetOf(node: unknown): number {
  const range = (node as { range?: [number, number, number] | null }).range;
  return range ? range[0] : 0;
}
