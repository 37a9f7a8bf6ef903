import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { appendJournal } from '../../core/tune/journal-file.js';
import type { Journal, JournalRecord, StudyHeader } from '../../core/tune/journal.js';
import { studyView } from '../../core/tune/study.js';
import type { Params, Sampler } from '../../core/tune/types.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import type { VerbDeps } from '../types.js';
import { executeTrial, type TrialCommand } from './execute-trial.js';
import { endEvent, newTrialId, remainingOf } from './local-study.js';

/** One matrix entry's trial: what `--run-trial` gets. */
export interface MatrixTrial {
  study: string;
  trial: string;
  number: number;
  /** The suggest call that made it; collect fails the trials of a batch that brought no result. */
  batch: string;
  metric: string;
  params: Params;
}

export const RESULT_TYPE = 'modelops-tune-result';

export interface TrialResultFile extends MatrixTrial {
  type: typeof RESULT_TYPE;
  version: 1;
  state: 'complete' | 'pruned' | 'failed';
  value?: number;
  intermediate?: Record<number, number>;
  durationMs: number;
  error?: string;
}

/**
 * `--suggest N`: N trials (fewer when the budget or a grid runs out) recorded as running in the
 * journal and returned as `{"include": [{"number": n, "trial": "<json>"}]}` for strategy.matrix.
 */
export async function suggestBatch(
  count: number,
  options: {
    journalPath: string;
    header: StudyHeader;
    journal: Journal;
    sampler: Sampler;
    trials: number | undefined;
  },
  deps: VerbDeps,
): Promise<MatrixTrial[]> {
  const { header, journal } = options;
  const used = journal.trials.length;
  const view = studyView(header, journal.trials);
  const budget = Math.min(
    options.trials === undefined ? count : Math.max(0, Math.min(count, options.trials - used)),
    remainingOf(options.sampler, view),
  );
  if (budget === 0) return [];
  const suggestions = options.sampler.suggest(view, budget);
  const batch = randomBytes(4).toString('hex');
  const trials = suggestions.map((params, i) => ({
    study: header.id,
    trial: newTrialId(),
    number: used + i,
    batch,
    metric: header.metric,
    params,
  }));
  await appendJournal(
    options.journalPath,
    trials.map((t) => ({
      type: 'start' as const,
      study: t.study,
      trial: t.trial,
      params: t.params,
      worker: `matrix:${batch}`,
      time: deps.clock().toISOString(),
    })),
  );
  return trials;
}

export function matrixOutput(trials: readonly MatrixTrial[]): string {
  return JSON.stringify({ include: trials.map((t) => ({ number: t.number, trial: JSON.stringify(t) })) });
}

/** Parses `--run-trial`'s JSON; a malformed one is a UsageError. */
export function parseMatrixTrial(raw: string): MatrixTrial {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const t = value as Partial<MatrixTrial> | undefined;
  if (
    !t ||
    typeof t !== 'object' ||
    typeof t.study !== 'string' ||
    typeof t.trial !== 'string' ||
    typeof t.metric !== 'string' ||
    !t.params ||
    typeof t.params !== 'object'
  ) {
    throw new UsageError(`--run-trial '${raw.slice(0, 200)}' is not a trial of modelops tune --suggest`, {
      fix: "pass the matrix entry's trial as it is: run-trial: ${{ matrix.trial }}",
    });
  }
  return { number: 0, batch: '', ...t } as MatrixTrial;
}

/** `--run-trial`: runs the one trial and writes its result file (failed trials too: exit 0). */
export async function runMatrixTrial(
  trial: MatrixTrial,
  command: TrialCommand,
  resultsDir: string,
): Promise<{ path: string; result: TrialResultFile }> {
  const outcome = await executeTrial(command, trial.params, {
    trialId: trial.trial,
    trialNumber: trial.number,
  });
  const result: TrialResultFile = {
    type: RESULT_TYPE,
    version: 1,
    ...trial,
    state: outcome.state,
    ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    ...(Object.keys(outcome.intermediate).length ? { intermediate: outcome.intermediate } : {}),
    durationMs: outcome.durationMs,
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  await mkdir(resultsDir, { recursive: true });
  const path = join(resultsDir, `trial-${trial.study}-${trial.trial}.json`);
  await writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
  return { path, result };
}

/**
 * `--collect DIR`: every result file under DIR (downloaded artifacts, any layout) is appended to the
 * journal once — collecting the same artifacts twice changes nothing. Trials of a collected batch
 * that brought no result (a cancelled or crashed matrix job) are recorded failed.
 */
export async function collectResults(
  dir: string,
  options: { journalPath: string; header: StudyHeader; journal: Journal },
  deps: VerbDeps,
): Promise<{ collected: number; missing: number; files: number }> {
  const { header, journal } = options;
  const files = await listJson(resolve(deps.cwd, dir)).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--collect ${dir} cannot be read (${error.code ?? error.message})`, {
      fix: 'download the trial artifacts into that directory first (actions/download-artifact)',
    });
  });
  const known = new Map(journal.trials.map((t) => [t.id, t]));
  const records: JournalRecord[] = [];
  const batches = new Set<string>();
  const seen = new Set<string>();
  let collected = 0;
  for (const file of files) {
    const result = await readResult(file);
    if (!result) continue;
    const shown = relative(deps.cwd, file);
    if (result.study !== header.id) {
      deps.logger.warning(`${shown}: a result of another study (${result.study}); skipped`);
      continue;
    }
    if (result.batch) batches.add(result.batch);
    if (seen.has(result.trial)) continue;
    seen.add(result.trial);
    const before = known.get(result.trial);
    if (before && before.state !== 'running') continue;
    if (!before)
      records.push({
        type: 'start',
        study: header.id,
        trial: result.trial,
        params: result.params,
        worker: `matrix:${result.batch}`,
        time: deps.clock().toISOString(),
      });
    records.push(
      endEvent(
        header.id,
        { id: result.trial, params: result.params },
        { ...result, intermediate: result.intermediate ?? {}, stdoutTail: '', stderrTail: '' },
        deps,
      ),
    );
    collected++;
  }
  const orphans = journal.trials.filter(
    (t) => t.state === 'running' && !seen.has(t.id) && [...batches].some((b) => t.worker === `matrix:${b}`),
  );
  for (const t of orphans) {
    records.push({
      type: 'end',
      study: header.id,
      trial: t.id,
      state: 'failed',
      params: t.params,
      error: 'no result was collected (the matrix job failed, was cancelled or uploaded nothing)',
      time: deps.clock().toISOString(),
    });
  }
  await appendJournal(options.journalPath, records);
  return { collected, missing: orphans.length, files: files.length };
}

async function readResult(file: string): Promise<TrialResultFile | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = value as Partial<TrialResultFile>;
  if (!r || r.type !== RESULT_TYPE || typeof r.trial !== 'string' || typeof r.study !== 'string')
    return undefined;
  if (!['complete', 'pruned', 'failed'].includes(r.state as string) || !r.params) return undefined;
  if (r.state === 'complete' && !(typeof r.value === 'number' && Number.isFinite(r.value))) {
    return {
      ...r,
      state: 'failed',
      error: 'the result file says complete without a finite value',
    } as TrialResultFile;
  }
  return { durationMs: 0, ...r } as TrialResultFile;
}

async function listJson(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}
