import { ConfigError } from '../errors.js';

/** One located problem in a config file. */
export interface ConfigProblem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** What is wrong, starting with the data path, e.g. "models.churn.gates[0].min must be a number". */
  what: string;
  /** The offending value, rendered on one line. */
  value: string;
  fix: string;
}

/**
 * A ConfigError that knows where it happened. The message is the first problem (in file order)
 * as `file:line:col: what (value) — fix`; `problems` holds all of them, so an action can annotate
 * each one and the CLI can list them.
 */
export class ConfigFileError extends ConfigError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const first = problems[0];
    if (!first) throw new TypeError('ConfigFileError needs at least one problem');
    super(`${first.file}:${first.line}:${first.column}: ${first.what} (${first.value})`, { fix: first.fix });
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.problems = problems;
  }
}
