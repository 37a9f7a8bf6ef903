/**
 * Markdown helpers for text that ends up in PR comments, check runs and job summaries.
 * Pure: no I/O, no environment; sizes are measured by a function the caller passes in.
 */

// Backslash first so the escapes we add are not escaped again. `&` is included because an
// entity such as `&#64;` would otherwise smuggle an @mention or a tag past the other escapes.
const MARKDOWN_SPECIALS = /[\\|`*_<>[\]#~&]/g;

/**
 * Makes untrusted text (PR titles, branch names, metric and model names) inert inside Markdown,
 * including inside a table cell: Markdown and HTML metacharacters are backslash-escaped,
 * `@mentions` are broken with a zero-width space so nobody gets pinged, and line breaks become
 * spaces so a value can never end a table row.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(MARKDOWN_SPECIALS, (c) => `\\${c}`)
      // GitHub links mentions on the rendered text, where a backslash no longer exists.
      .replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
      .replace(/\r\n|\r|\n/g, ' ')
  );
}

/** Options for {@link truncateMarkdown}. */
export interface TruncateMarkdownOptions {
  /** Largest allowed size of the result, footer included, in the units of `measure`. */
  max: number;
  /** Appended when (and only when) the text is cut, e.g. "full report in the job summary". */
  footer: string;
  /** Size of a string; UTF-16 length by default. Must be additive (size(a+b) = size(a)+size(b)). */
  measure?: (text: string) => number;
}

/** What {@link truncateMarkdown} produced. */
export interface TruncatedMarkdown {
  text: string;
  truncated: boolean;
}

// Elements that never have a closing tag, so they must not stay on the open-tag stack.
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr', 'source', 'col', 'area']);
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const TAG = /(?<!\\)<(\/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(\/?)>/g;
const UNFINISHED_TAG = /(?<!\\)<\/?[A-Za-z][^<>]*$/;

interface ScanState {
  fence: string | undefined;
  openTags: string[];
}

function scanLine(state: ScanState, rawLine: string): ScanState {
  const line = rawLine.replace(/\r?\n$/, '');
  const fenceMatch = FENCE.exec(line);
  if (state.fence !== undefined) {
    const closes =
      fenceMatch !== null &&
      fenceMatch[1]![0] === state.fence[0] &&
      fenceMatch[1]!.length >= state.fence.length &&
      fenceMatch[2]!.trim() === '';
    return closes ? { ...state, fence: undefined } : state;
  }
  if (fenceMatch) return { ...state, fence: fenceMatch[1]! };
  const openTags = [...state.openTags];
  // Tags inside inline code are text, not markup.
  for (const m of line.replace(/`[^`]*`/g, '').matchAll(TAG)) {
    const name = m[2]!.toLowerCase();
    if (VOID_ELEMENTS.has(name) || m[3] === '/') continue;
    if (m[1] === '/') {
      const at = openTags.lastIndexOf(name);
      if (at >= 0) openTags.splice(at);
    } else {
      openTags.push(name);
    }
  }
  return { fence: undefined, openTags };
}

function closersFor(state: ScanState): string {
  const fence = state.fence !== undefined ? `${state.fence}\n` : '';
  const tags = [...state.openTags]
    .reverse()
    .map((t) => `\n</${t}>\n`)
    .join('');
  return fence + tags;
}

/**
 * Cuts Markdown to at most `options.max` and appends the footer. It cuts between lines, so a
 * table row, a heading or a tag on one line is never split; it drops a trailing line that holds
 * an unfinished multi-line tag, and closes a code fence or HTML elements (`<details>`) left open.
 * Only when whole lines would keep less than half the budget (one giant line) does it cut inside
 * a line, at a space, outside a tag and never between the halves of a surrogate pair.
 */
export function truncateMarkdown(text: string, options: TruncateMarkdownOptions): TruncatedMarkdown {
  const measure = options.measure ?? ((s: string) => s.length);
  if (measure(text) <= options.max) return { text, truncated: false };
  const budget = options.max - measure(options.footer);
  if (budget <= 0) throw new RangeError(`footer alone is larger than the ${options.max} limit`);

  const lines = text.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
  let kept = '';
  let keptSize = 0;
  let state: ScanState = { fence: undefined, openTags: [] };
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    const next = scanLine(state, line);
    if (keptSize + measure(line) + measure(closersFor(next)) > budget) break;
    kept += line;
    keptSize += measure(line);
    state = next;
  }

  const pending = lines[index];
  if (pending !== undefined && keptSize < budget / 2 && !pending.trimStart().startsWith('|')) {
    const partial = cutInsideLine(pending, budget - keptSize - measure(closersFor(state)) - 1, measure);
    if (partial) {
      kept += `${partial}\n`;
      keptSize += measure(partial) + 1;
    }
  } else if (state.fence === undefined && UNFINISHED_TAG.test(kept.trimEnd())) {
    kept = kept.trimEnd().replace(/[^\n]*$/, '');
    state = kept.split('\n').reduce<ScanState>((s, l) => scanLine(s, l), { fence: undefined, openTags: [] });
  }

  const body = kept.endsWith('\n') || kept === '' ? kept : `${kept}\n`;
  return { text: body + closersFor(state) + options.footer, truncated: true };
}

function cutInsideLine(line: string, space: number, measure: (s: string) => number): string {
  const room = space - measure('…');
  if (room <= 0) return '';
  let end = Math.min(line.length, room);
  while (end > 0 && measure(line.slice(0, end)) > room) end = Math.floor(end * 0.9);
  let cut = line.slice(0, end);
  // A lone high surrogate at the end would be an invalid character.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const lastSpace = cut.lastIndexOf(' ');
  if (lastSpace > cut.length / 2) cut = cut.slice(0, lastSpace);
  const unfinished = UNFINISHED_TAG.exec(cut);
  if (unfinished) cut = cut.slice(0, unfinished.index);
  return `${cut}…`;
}

/** A code span: backslashes are literal inside one, so only backticks and line breaks need neutralizing. */
export function codeSpan(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\r?\n/g, ' ') + '`';
}
