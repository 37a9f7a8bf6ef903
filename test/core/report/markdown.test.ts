import { describe, expect, it } from 'vitest';
import { escapeMarkdown, truncateMarkdown } from '../../../src/core/report/markdown.js';

describe('escapeMarkdown', () => {
  it.each([
    ['accuracy', 'accuracy'],
    ['f1|macro', 'f1\\|macro'],
    ['`rm -rf`', '\\`rm -rf\\`'],
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['# heading', '\\# heading'],
    ['<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)\\>'],
    ['ping @octocat and @org/team', 'ping @\u200boctocat and @\u200borg/team'],
    ['&#64;octocat', '\\&\\#64;octocat'],
    ['a\\b', 'a\\\\b'],
    ['line one\nline two\r\nthree', 'line one line two three'],
    ['~~gone~~', '\\~\\~gone\\~\\~'],
    ['user@example.com', 'user@\u200bexample.com'],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('keeps a value inside one table cell', () => {
    const row = `| ${escapeMarkdown('evil | cell\nnew row')} | 1 |`;
    expect(row.split('\n')).toHaveLength(1);
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(3);
  });
});

describe('truncateMarkdown', () => {
  const footer = '\n_cut_\n';

  it('returns short text unchanged', () => {
    expect(truncateMarkdown('short', { max: 100, footer })).toEqual({ text: 'short', truncated: false });
  });

  it('cuts between table rows and stays within the limit', () => {
    const table =
      '| a | b |\n|---|---|\n' + Array.from({ length: 100 }, (_, i) => `| ${i} | ${i * 2} |`).join('\n');
    const { text, truncated } = truncateMarkdown(table, { max: 300, footer });
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith(footer)).toBe(true);
    const rows = text.slice(0, -footer.length).trimEnd().split('\n');
    expect(rows.every((r) => /^\|.*\|$/.test(r))).toBe(true);
  });

  it('closes a code fence and open <details> cut in the middle', () => {
    const md =
      '<details>\n<summary>Logs</summary>\n\n```text\n' + 'log line\n'.repeat(200) + '```\n\n</details>\n';
    const { text } = truncateMarkdown(md, { max: 400, footer });
    expect(text.length).toBeLessThanOrEqual(400);
    expect(text).toMatch(/log line\n```\n\n<\/details>\n\n_cut_\n$/);
  });

  it('does not leave half an HTML tag that spans lines', () => {
    const md = 'intro\n'.repeat(20) + '<a\nhref="x">link</a>\n' + 'tail\n'.repeat(100);
    const { text } = truncateMarkdown(md, { max: 130, footer });
    expect(text).not.toMatch(/<a\s*$/m);
  });

  it('cuts a single giant line at a space, never splitting a surrogate pair', () => {
    const md = 'word 😀 '.repeat(1000);
    const { text } = truncateMarkdown(md, { max: 200, footer });
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(text).toContain('…');
  });

  it('measures with the given function (UTF-8 bytes)', () => {
    const bytes = (s: string) => Buffer.byteLength(s);
    const md = 'ééééé\n'.repeat(100);
    const { text } = truncateMarkdown(md, { max: 120, footer, measure: bytes });
    expect(bytes(text)).toBeLessThanOrEqual(120);
  });
});
