/** Escapes text for a Markdown table cell: pipes, HTML and mentions must not break or ping. */
export function escapeCell(text: string): string {
  return text
    .replace(/[\\|`*_<>[\]#]/g, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
}

/** A code span: backslashes are literal inside one, so only backticks need neutralizing. */
export function codeSpan(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\r?\n/g, ' ') + '`';
}
