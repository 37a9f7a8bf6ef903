import { UsageError } from '../../core/errors.js';

/**
 * Splits the training command into program and arguments the way a POSIX shell splits words —
 * and nothing more: whitespace separates words; '…' keeps everything literally; "…" keeps
 * everything but lets a backslash escape " \ $ and `; a backslash outside quotes escapes the next
 * character. No variables, globs, pipes or redirections: the result goes to execFile as an argument
 * array, never to a shell. A JSON array of strings is taken as the argv itself.
 */
export function splitCommandLine(raw: string, flag = '--train-command'): string[] {
  const text = raw.trim();
  if (text.startsWith('[')) return jsonArgv(text, raw, flag);
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') {
      if (i + 1 < text.length) word += text[++i];
    } else word += c;
  }
  if (quote) {
    throw new UsageError(
      `${flag} '${raw}' has an unterminated ${quote === '"' ? 'double' : 'single'} quote`,
      {
        fix: `close the quote, e.g. ${flag} "python3 train.py --name 'my run'"`,
      },
    );
  }
  if (inWord) words.push(word);
  if (words.length === 0) {
    throw new UsageError(`${flag} is empty`, {
      fix: `give the training command, e.g. ${flag} "python3 train.py"`,
    });
  }
  return words;
}

function jsonArgv(text: string, raw: string, flag: string): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
    throw new UsageError(`${flag} '${raw}' is not a JSON array of strings`, {
      fix: `write the words, e.g. ${flag} "python3 train.py", or a JSON array: ${flag} '["python3", "train.py"]'`,
    });
  }
  return argv as string[];
}
