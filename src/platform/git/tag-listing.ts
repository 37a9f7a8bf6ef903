/**
 * All tags with their type, target, tagger and message from ONE `git for-each-ref` call
 * (GTO spawns per tag and takes seconds on 1,500 tags, gto#156). Fields are separated by NUL,
 * which git forbids in ref names and messages, so no content can break the parse.
 */

/** A tag as git stores it. Structurally usable as the registry's tag input. */
export interface GitTag {
  /** Short name, e.g. `churn@v1.2.0`. */
  name: string;
  /** True for a tag object (`git tag -a`), false for a lightweight ref straight to an object. */
  annotated: boolean;
  /** The tag object for annotated tags, else the target itself. */
  object: string;
  /** What the tag points at after peeling one tag object. */
  target: string;
  targetType: 'commit' | 'tag' | 'tree' | 'blob';
  /** `target` when it is a commit. */
  commit?: string;
  /** Tagger date, ISO 8601 with offset (annotated only). */
  date?: string;
  tagger?: { name: string; email: string };
  /** Message without the trailing newline (annotated only; includes a signature block if signed). */
  message?: string;
}

const IF_TAG = (field: string) => `%(if:equals=tag)%(objecttype)%(then)${field}%(end)`;
const FIELDS = [
  '%(refname:strip=2)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objectname)',
  '%(*objecttype)',
  IF_TAG('%(taggerdate:iso-strict)'),
  IF_TAG('%(taggername)'),
  IF_TAG('%(taggeremail)'),
  // For a lightweight tag %(contents) would be the commit message; skip it.
  IF_TAG('%(contents)'),
];

/** The `--format` for `git for-each-ref refs/tags`: NUL after every field, newline after each ref. */
export const TAG_FORMAT = FIELDS.map((f) => `${f}%00`).join('');

/** Parses for-each-ref output produced with {@link TAG_FORMAT}. */
export function parseTagListing(output: string): GitTag[] {
  const parts = output.split('\0');
  const tags: GitTag[] = [];
  // Every record is FIELDS.length NUL-terminated fields; git's newline after a record ends up at
  // the start of the next record's first field, and alone in the last element.
  for (let i = 0; i + FIELDS.length <= parts.length; i += FIELDS.length) {
    const [rawName = '', type, object = '', peeled, peeledType, date, taggerName, taggerEmail, message] =
      parts.slice(i, i + FIELDS.length);
    const name = i === 0 ? rawName : rawName.replace(/^\n/, '');
    const annotated = type === 'tag';
    const target = annotated ? (peeled ?? '') : object;
    const targetType = (annotated ? peeledType : type) as GitTag['targetType'];
    const tag: GitTag = { name, annotated, object, target, targetType };
    if (targetType === 'commit') tag.commit = target;
    if (annotated) {
      if (date) tag.date = date;
      tag.tagger = { name: taggerName ?? '', email: (taggerEmail ?? '').replace(/^<|>$/g, '') };
      tag.message = (message ?? '').replace(/\n$/, '');
    }
    tags.push(tag);
  }
  return tags;
}
