import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinishedState } from '../../core/tune/journal.js';
import type { Params } from '../../core/tune/types.js';
import { objectiveFrom, parseJsonObject, readMetricLine } from './read-metric.js';

/** How trials of one study run the user's command. */
export interface TrialCommand {
  argv: readonly string[];
  metric: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Per-trial limit; the trial is stopped (SIGTERM, then SIGKILL) and recorded failed. */
  timeoutMs?: number;
  /** Where per-trial directories (params and metrics files) go; default the OS temp dir. */
  tempDir?: string;
}

export interface TrialOutcome {
  state: FinishedState;
  value?: number;
  intermediate: Record<number, number>;
  durationMs: number;
  error?: string;
  /** The last bytes of stdout and stderr (bounded), for the failure message and the result file. */
  stdoutTail: string;
  stderrTail: string;
}

export interface TrialHooks {
  /** Called for each intermediate value; returning true prunes the trial (SIGTERM). */
  onIntermediate?: (step: number, value: number) => boolean;
  /** Aborting stops the trial (the study was interrupted). */
  signal?: AbortSignal;
  trialId?: string;
  trialNumber?: number;
}

const TAIL_BYTES = 64 * 1024;
/** A line longer than this is no metric line; it is dropped rather than buffered without end. */
const MAX_LINE = 1024 * 1024;
const KILL_GRACE_MS = 5000;

/**
 * Runs the training command once with `params`. The command gets the params as JSON in
 * MODELOPS_PARAMS and in the file named by MODELOPS_PARAMS_FILE, and may write its metrics to
 * MODELOPS_METRICS_FILE; otherwise the objective is the metric of the last JSON object it prints
 * on stdout. Lines `{"step": n, "<metric>": v}` are intermediate values for the pruner. Every way a
 * trial can go wrong ends as a failed outcome with the reason — this never throws for the trial.
 *
 * spawn (what execFile is built on) with an argument array and no shell: execFile would buffer the
 * whole output, and a trial's stdout is read line by line while it runs and kept bounded.
 */
export async function executeTrial(
  command: TrialCommand,
  params: Params,
  hooks: TrialHooks = {},
): Promise<TrialOutcome> {
  const dir = await mkdtemp(join(command.tempDir ?? tmpdir(), 'modelops-trial-'));
  const paramsFile = join(dir, 'params.json');
  const metricsFile = join(dir, 'metrics.json');
  const paramsJson = JSON.stringify(params);
  await writeFile(paramsFile, paramsJson + '\n');
  const started = Date.now();
  try {
    const run = await spawnTrial(command, hooks, {
      MODELOPS_PARAMS: paramsJson,
      MODELOPS_PARAMS_FILE: paramsFile,
      MODELOPS_METRICS_FILE: metricsFile,
      ...(hooks.trialId ? { MODELOPS_TRIAL_ID: hooks.trialId } : {}),
      ...(hooks.trialNumber !== undefined ? { MODELOPS_TRIAL_NUMBER: String(hooks.trialNumber) } : {}),
    });
    const durationMs = Date.now() - started;
    const base = {
      intermediate: run.intermediate,
      durationMs,
      stdoutTail: run.stdout.text(),
      stderrTail: run.stderr.text(),
    };
    if (run.pruned) return { ...base, state: 'pruned' };
    if (run.failure) return { ...base, state: 'failed', error: withTail(run.failure, base.stderrTail) };
    const fromFile = await readMetricsFile(metricsFile, command.metric);
    if (fromFile && 'error' in fromFile) return { ...base, state: 'failed', error: fromFile.error };
    const raw = fromFile ? fromFile.raw : run.final;
    if (raw === undefined) {
      return {
        ...base,
        state: 'failed',
        error: `the command printed no JSON object with '${command.metric}' on stdout and wrote no MODELOPS_METRICS_FILE`,
      };
    }
    const objective = objectiveFrom(raw.value, command.metric);
    return 'error' in objective
      ? { ...base, state: 'failed', error: objective.error }
      : { ...base, state: 'complete', value: objective.value };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withTail(reason: string, stderr: string): string {
  const tail = stderr.trim().split('\n').slice(-3).join(' | ').slice(-500);
  return tail ? `${reason}: ${tail}` : reason;
}

async function readMetricsFile(
  path: string,
  metric: string,
): Promise<{ raw: { value: unknown } } | { error: string } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const object = parseJsonObject(text);
  if (!object) return { error: 'MODELOPS_METRICS_FILE is not a JSON object' };
  if (!(metric in object)) return { error: `MODELOPS_METRICS_FILE has no '${metric}'` };
  return { raw: { value: object[metric] } };
}

/** Keeps the last TAIL_BYTES of a stream. */
function tail() {
  let chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      while (size - chunks[0]!.length >= TAIL_BYTES) size -= chunks.shift()!.length;
    },
    text() {
      const all = Buffer.concat(chunks);
      chunks = [all];
      return all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString('utf8');
    },
  };
}

interface SpawnedRun {
  intermediate: Record<number, number>;
  final: { value: unknown } | undefined;
  pruned: boolean;
  failure: string | undefined;
  stdout: ReturnType<typeof tail>;
  stderr: ReturnType<typeof tail>;
}

function spawnTrial(
  command: TrialCommand,
  hooks: TrialHooks,
  extraEnv: Record<string, string>,
): Promise<SpawnedRun> {
  const [program, ...args] = command.argv;
  const run: SpawnedRun = {
    intermediate: {},
    final: undefined,
    pruned: false,
    failure: undefined,
    stdout: tail(),
    stderr: tail(),
  };
  return new Promise((done) => {
    const child = spawn(program!, args, {
      cwd: command.cwd,
      env: { ...command.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      // Its own process group, so a stop reaches the workers a training script forks too.
      detached: true,
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    };
    let stopReason: 'pruned' | 'timeout' | 'aborted' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: 'pruned' | 'timeout' | 'aborted') => {
      if (stopReason) return;
      stopReason = reason;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = command.timeoutMs ? setTimeout(() => stop('timeout'), command.timeoutMs) : undefined;
    const onAbort = () => stop('aborted');
    hooks.signal?.addEventListener('abort', onAbort);

    let partial = '';
    const onLine = (line: string) => {
      const read = readMetricLine(line, command.metric);
      if (!read) return;
      if (read.kind === 'final') {
        run.final = { value: read.value };
        return;
      }
      run.intermediate[read.step] = read.value;
      if (!stopReason && hooks.onIntermediate?.(read.step, read.value)) stop('pruned');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      run.stdout.push(chunk);
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop()!;
      if (partial.length > MAX_LINE) partial = '';
      for (const line of lines) onLine(line);
    });
    child.stderr.on('data', (chunk: Buffer) => run.stderr.push(chunk));

    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.on('close', (code, signal) => {
      if (partial) onLine(partial);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      if (spawnError) {
        run.failure =
          spawnError.code === 'ENOENT'
            ? `the program '${program}' was not found`
            : `could not start '${program}': ${spawnError.message}`;
      } else if (stopReason === 'pruned') run.pruned = true;
      else if (stopReason === 'timeout') run.failure = `timed out after ${command.timeoutMs! / 1000} s`;
      else if (stopReason === 'aborted') run.failure = 'stopped: the study was interrupted';
      else if (signal) run.failure = `killed by ${signal}`;
      else if (code !== 0) run.failure = `exit code ${code}`;
      done(run);
    });
  });
}
