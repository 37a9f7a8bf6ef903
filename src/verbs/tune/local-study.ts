import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { appendJournal, JournalFollower } from '../../core/tune/journal-file.js';
import type { JournalRecord, JournalTrial, StudyHeader, TrialEvent } from '../../core/tune/journal.js';
import { formatValue } from '../../core/tune/report.js';
import { bestTrial, studyView } from '../../core/tune/study.js';
import type { Pruner, Sampler, StudyView, Trial } from '../../core/tune/types.js';
import type { VerbDeps } from '../types.js';
import { executeTrial, type TrialCommand, type TrialOutcome } from './execute-trial.js';

export interface LocalStudyOptions {
  journalPath: string;
  header: StudyHeader;
  sampler: Sampler;
  pruner: Pruner | undefined;
  command: TrialCommand;
  /** Total trials of the study; undefined: until the sampler has nothing left (grid). */
  trials: number | undefined;
  parallel: number;
  wallTimeMs: number | undefined;
}

/** This process, as written in the journal's start events. */
export const WORKER = `${hostname()}:${process.pid}`;

export const newTrialId = () => randomBytes(8).toString('hex');

interface InFlight {
  trial: { id: string; number: number; params: JournalTrial['params']; intermediate: Record<number, number> };
  done: Promise<string>;
}

/**
 * Runs the study on this machine: up to `parallel` trials at once, each suggestion made from the
 * journal as it stands (trials of other writers included, running ones too for constant-liar), each
 * event appended as it happens so a concurrent writer or a later re-run sees it. Returns how many
 * trials this run started.
 */
export async function runLocalStudy(options: LocalStudyOptions, deps: VerbDeps): Promise<number> {
  const { journalPath, header, sampler, pruner, command } = options;
  const study = header.id;
  let writes: Promise<void> = Promise.resolve();
  const append = (records: JournalRecord[]) =>
    (writes = writes.then(() => appendJournal(journalPath, records)));
  const now = () => deps.clock().getTime();
  const deadline = options.wallTimeMs === undefined ? Infinity : now() + options.wallTimeMs;
  const inFlight = new Map<string, InFlight>();
  const follower = new JournalFollower(journalPath);
  let journal = await follower.read();
  await markInterrupted(journal.trials, study, deps, append);
  let exhausted = false;
  let started = 0;
  const progress = deps.progress(
    'tune',
    options.trials === undefined ? undefined : Math.max(0, options.trials - finishedCount(journal.trials)),
  );

  const view = (): StudyView => {
    const trials: Trial[] = journal.trials
      .filter((t) => !inFlight.has(t.id))
      .concat([...inFlight.values()].map(({ trial }) => ({ ...trial, state: 'running' as const })));
    return studyView(header, trials as JournalTrial[]);
  };

  for (;;) {
    await writes;
    journal = await follower.read();
    const othersRunning = journal.trials.filter((t) => t.state === 'running' && !inFlight.has(t.id)).length;
    const budget =
      options.trials === undefined
        ? Infinity
        : options.trials - finishedCount(journal.trials) - inFlight.size - othersRunning;
    const free = Math.min(options.parallel - inFlight.size, budget);
    if (free > 0 && !exhausted && now() < deadline && !deps.signal?.aborted) {
      const current = view();
      const ask = Math.min(free, remainingOf(sampler, current));
      const suggestions = ask > 0 ? sampler.suggest(current, ask) : [];
      if (suggestions.length < free) exhausted = true;
      for (const [i, params] of suggestions.entries()) {
        const id = newTrialId();
        // The journal's order is the authority (a concurrent writer may land first); this is the
        // number the trial gets unless one does.
        const number = journal.trials.length + i;
        const trial = { id, number, params, intermediate: {} as Record<number, number> };
        const event: TrialEvent = {
          type: 'start',
          study,
          trial: id,
          params,
          worker: WORKER,
          time: deps.clock().toISOString(),
        };
        append([event]);
        started++;
        const done = runOne(trial).then(async (outcome) => {
          append([endEvent(study, trial, outcome, deps)]);
          await writes;
          inFlight.delete(id);
          progress.tick();
          logTrial(deps, options, trial.number, outcome, journal.trials);
          return id;
        });
        inFlight.set(id, { trial, done });
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race([...inFlight.values()].map((f) => f.done));
  }
  progress.done();
  return started;

  function runOne(trial: InFlight['trial']): Promise<TrialOutcome> {
    return executeTrial(command, trial.params, {
      signal: deps.signal,
      trialId: trial.id,
      trialNumber: trial.number,
      onIntermediate: (step, value) => {
        trial.intermediate[step] = value;
        append([{ type: 'step', study, trial: trial.id, step, value }]);
        if (!pruner) return false;
        const running: Trial = {
          number: trial.number,
          params: trial.params,
          state: 'running',
          intermediate: { ...trial.intermediate },
        };
        return pruner.shouldPrune(view(), running, step);
      },
    });
  }
}

/** How many more suggestions a finite sampler (grid) has; Infinity for the others. */
export function remainingOf(sampler: Sampler, study: StudyView): number {
  const remaining = (sampler as { remaining?: (study: StudyView) => number }).remaining;
  return remaining ? remaining.call(sampler, study) : Infinity;
}

const finishedCount = (trials: readonly Trial[]) => trials.filter((t) => t.state !== 'running').length;

export function endEvent(
  study: string,
  trial: { id: string; params: JournalTrial['params'] },
  outcome: TrialOutcome,
  deps: Pick<VerbDeps, 'clock'>,
): TrialEvent {
  return {
    type: 'end',
    study,
    trial: trial.id,
    state: outcome.state,
    params: trial.params,
    ...(outcome.value !== undefined ? { value: outcome.value } : {}),
    ...(Object.keys(outcome.intermediate).length ? { intermediate: outcome.intermediate } : {}),
    durationMs: outcome.durationMs,
    ...(outcome.error ? { error: outcome.error } : {}),
    time: deps.clock().toISOString(),
  };
}

const isBetter = (a: number, b: number, direction: 'minimize' | 'maximize') =>
  direction === 'minimize' ? a < b : a > b;

function logTrial(
  deps: VerbDeps,
  options: LocalStudyOptions,
  number: number,
  outcome: TrialOutcome,
  known: readonly JournalTrial[],
): void {
  const metric = options.header.metric;
  const best = bestTrial(known, options.header.direction);
  const isNewBest =
    outcome.value !== undefined && (!best || isBetter(outcome.value, best.value!, options.header.direction));
  const what =
    outcome.state === 'complete'
      ? `${metric} = ${formatValue(outcome.value)} (${isNewBest ? 'new best' : `best so far ${formatValue(best!.value)}`})`
      : outcome.state === 'pruned'
        ? `pruned at step ${Math.max(...Object.keys(outcome.intermediate).map(Number))}`
        : `failed: ${outcome.error}`;
  deps.logger.info(
    `trial #${number} ${outcome.state} in ${(outcome.durationMs / 1000).toFixed(1)} s: ${what}`,
  );
}

/**
 * Trials a dead process on this host left running are recorded failed (they will never finish);
 * running trials of live processes, other hosts and matrix jobs are left alone.
 */
async function markInterrupted(
  trials: readonly JournalTrial[],
  study: string,
  deps: VerbDeps,
  append: (records: JournalRecord[]) => Promise<void>,
): Promise<void> {
  const host = hostname();
  const dead = trials.filter((t) => {
    if (t.state !== 'running' || !t.worker) return false;
    const [h, pid] = t.worker.split(':');
    return h === host && pid !== undefined && /^\d+$/.test(pid) && !alive(Number(pid));
  });
  if (dead.length === 0) return;
  deps.logger.warning(`${dead.length} trial(s) of an earlier run never finished; recorded as failed`);
  await append(
    dead.map((t) => ({
      type: 'end' as const,
      study,
      trial: t.id,
      state: 'failed' as const,
      params: t.params,
      error: 'interrupted: the run that started it stopped before it finished',
      time: deps.clock().toISOString(),
    })),
  );
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
