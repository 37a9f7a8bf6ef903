import type { GitHubClient } from '../platform/github/client.js';
import type { GitHubContext } from '../platform/github/context.js';
import type { Logger } from '../platform/logger.js';
import type { Progress } from '../platform/progress.js';

/** How an input is parsed from its string form (env var or flag). */
export type InputType = 'string' | 'boolean' | 'number' | 'list';

/**
 * One input of a verb. The same declaration is an action input (`INPUT_<NAME>`) and a CLI flag
 * (`--name`); action.yml must declare it identically (test/metadata checks that).
 */
export interface InputSpec {
  name: string;
  description: string;
  type: InputType;
  required?: boolean;
  /** Default, as the string action.yml declares and the CLI uses. */
  default?: string;
  /**
   * A default only the action has, because it is a workflow expression (`${{ github.token }}`);
   * the CLI reads the same value from the environment instead.
   */
  actionDefault?: string;
  /** Allowed values, checked by the shared parser. */
  choices?: readonly string[];
  /** On the CLI, bare arguments fill this input (e.g. `modelops audit PATH...`). */
  positional?: boolean;
  /** Never echoed; masked in Actions logs. */
  secret?: boolean;
}

export interface OutputSpec {
  name: string;
  description: string;
}

/** A parsed input value. Lists are comma/newline separated in actions, repeatable on the CLI. */
export type InputValue = string | boolean | number | string[] | undefined;
export type ParsedInputs = Record<string, InputValue>;

/** Everything a verb may touch, passed in so tests use real parts without module mocks. */
export interface VerbDeps {
  logger: Logger;
  progress: (label: string, total?: number) => Progress;
  /** Working directory: the user's repository. */
  cwd: string;
  clock: () => Date;
  /** The GitHub run (client + context) when running in Actions with a token; absent locally. */
  github?: GitHubRun;
  /** Environment variables the verb may consult (git credentials, CI markers); never process.env directly. */
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGTERM/SIGINT; long-running verbs (serve) stop gracefully when it fires. */
  signal?: AbortSignal;
}

/** What a verb hands back to both adapters. */
export interface VerbOutcome {
  /** 0 success, 1 gate failed / findings at or above the fail level, 2 could not check (audit: a file was unscannable). */
  exitCode: 0 | 1 | 2;
  /** The one object `--json` prints. */
  result: Record<string, unknown>;
  /** Action outputs (strings, as GitHub stores them). */
  outputs: Record<string, string>;
  /** Human lines for the terminal. */
  text: string;
  /** Markdown for the job summary. */
  summary?: string;
}

export interface VerbDefinition {
  name: string;
  /** One line for `modelops --help`. */
  description: string;
  inputs: readonly InputSpec[];
  outputs: readonly OutputSpec[];
  /** Examples shown in `modelops <verb> --help`. */
  examples?: readonly string[];
  run(inputs: ParsedInputs, deps: VerbDeps): Promise<VerbOutcome>;
}

/** What a verb gets to talk to GitHub: an authenticated client and the run's context, read once. */
export interface GitHubRun {
  client: GitHubClient;
  context: GitHubContext;
}
