/** Where a finding points, for GitHub annotations. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
  title?: string;
}

/**
 * Everything the product says to a person goes through a Logger, injected as a dependency,
 * so stdout stays free for `--json` results and tests can capture lines without module mocks.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, location?: SourceLocation): void;
  error(message: string, location?: SourceLocation): void;
  /** Group related lines (a foldable group in Actions logs). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Logger for terminals: everything on stderr. */
export function createConsoleLogger(
  options: { verbose?: boolean; write?: (line: string) => void } = {},
): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const where = (loc?: SourceLocation) =>
    loc?.file ? `${loc.file}${loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : ''}: ` : '';
  return {
    debug: (m) => {
      if (options.verbose) write(`debug: ${m}`);
    },
    info: (m) => write(m),
    warning: (m, loc) => write(`warning: ${where(loc)}${m}`),
    error: (m, loc) => write(`error: ${where(loc)}${m}`),
    group: async (title, fn) => {
      write(title);
      return fn();
    },
  };
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createConsoleLogger({ verbose: true, write: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}
