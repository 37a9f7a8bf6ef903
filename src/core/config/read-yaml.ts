import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { renderValue } from './issue.js';
import type { Located } from './locate.js';
import { scanDocument } from './scan-document.js';

/** modelops.yaml is a few kilobytes; a megabyte is a wrong file or an attack. */
export const MAX_CONFIG_CHARS = 1_000_000;

export interface YamlSource {
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type ReadResult =
  { ok: true; source: YamlSource; data: unknown } | { ok: false; source: YamlSource; problems: Located[] };

/**
 * Parses YAML text into a document (kept for positions) and plain data. Syntax errors,
 * duplicate keys and alias abuse are reported here, before any data is expanded.
 */
export function readYaml(text: string): ReadResult {
  const lineCounter = new LineCounter();
  const tooBig = text.length > MAX_CONFIG_CHARS;
  const doc = parseDocument(tooBig ? '' : text, {
    lineCounter,
    prettyErrors: false, // pretty errors span several lines; messages here are one line
    uniqueKeys: false, // scanDocument reports duplicates with both positions
    stringKeys: true,
    merge: true, // `<<: *defaults` is how YAML users share blocks
    keepSourceTokens: false,
  });
  const source = { doc, lineCounter };
  if (tooBig) {
    const problem = {
      offset: 0,
      what: `the file is longer than ${MAX_CONFIG_CHARS} characters`,
      value: `${text.length} characters`,
      fix: 'check that this is modelops.yaml; a config file is a few kilobytes',
    };
    return { ok: false, source, problems: [problem] };
  }
  if (doc.errors.length > 0)
    return { ok: false, source, problems: doc.errors.map((error) => syntaxProblem(text, error)) };

  const scanned = scanDocument(doc);
  if (scanned.length > 0) return { ok: false, source, problems: scanned };
  try {
    // maxAliasCount is the yaml package's own guard; scanDocument has already bounded expansion.
    return { ok: true, source, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    const what = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      source,
      problems: [
        {
          offset: 0,
          what: `the YAML cannot be read: ${what}`,
          value: 'aliases',
          fix: 'remove nested aliases',
        },
      ],
    };
  }
}

const SYNTAX_FIX: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'indent with spaces so that keys of one mapping line up',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MULTIPLE_DOCS: "keep a single YAML document: remove the '---' separator",
  DUPLICATE_KEY: 'remove or rename one of the two',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
  MISSING_CHAR: 'close the quote or bracket that is open here',
  BLOCK_AS_IMPLICIT_KEY: "put a space after ':' and quote values that contain ': ' or ' #'",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line; check for a missing ':' or quote",
  UNEXPECTED_TOKEN: 'check quotes, brackets and indentation at this point',
  TAG_RESOLVE_FAILED: "remove the '!' tag; modelops.yaml uses plain values",
  NON_STRING_KEY: 'keys must be plain names, not lists or mappings',
  RESOURCE_EXHAUSTION: 'flatten the structure; modelops.yaml needs only a few levels',
};

function syntaxProblem(text: string, error: YAMLError): Located {
  const offset = error.pos[0];
  // Deep nesting overflows the parser's stack, and that surfaces under whichever code was active.
  const code = /call stack/i.test(error.message) ? 'RESOURCE_EXHAUSTION' : error.code;
  if (code === 'RESOURCE_EXHAUSTION') {
    return {
      offset,
      what: 'the YAML is nested too deeply to read',
      value: 'nesting',
      fix: SYNTAX_FIX.RESOURCE_EXHAUSTION ?? '',
    };
  }
  // The yaml package's message is one sentence when prettyErrors is off; keep its first line only.
  const message = error.message.split('\n')[0]?.replace(/[.:]\s*$/, '') ?? error.code;
  const lineEnd = text.indexOf('\n', offset);
  const excerpt = text.slice(offset, lineEnd === -1 ? undefined : lineEnd).trim();
  return {
    offset,
    what: `YAML syntax error: ${message}`,
    value: excerpt ? renderValue(excerpt) : 'end of line',
    fix: SYNTAX_FIX[code] ?? 'fix the YAML syntax at this point',
  };
}
