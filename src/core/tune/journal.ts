import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { Direction, Params, ParamValue, SearchSpace, Trial, TrialState } from './types.js';

/**
 * The study journal: append-only JSON Lines. The first record is the study header (which space,
 * metric and direction the trials belong to); every later line is one trial event. Writers only
 * ever append whole lines, so several processes (local workers, matrix collects) can share one
 * file; a reader validates each line on its own and skips a torn or foreign one instead of
 * failing the study.
 */
export const JOURNAL_VERSION = 1;

export interface StudyHeader {
  type: 'study';
  version: typeof JOURNAL_VERSION;
  /** Derived from the space hash, metric and direction: two writers starting the same study agree. */
  id: string;
  metric: string;
  direction: Direction;
  spaceHash: string;
  space: SearchSpace;
  created: string;
}

export type FinishedState = Exclude<TrialState, 'running'>;

export type TrialEvent =
  | { type: 'start'; study: string; trial: string; params: Params; worker?: string; time: string }
  | { type: 'step'; study: string; trial: string; step: number; value: number }
  | {
      type: 'end';
      study: string;
      trial: string;
      state: FinishedState;
      /** Carried again so a result collected without its start event is self-contained. */
      params: Params;
      value?: number;
      intermediate?: Record<number, number>;
      durationMs?: number;
      error?: string;
      time: string;
    };

export type JournalRecord = StudyHeader | TrialEvent;

/** A trial as the journal knows it: the shared Trial plus its id and who started it. */
export interface JournalTrial extends Trial {
  readonly id: string;
  readonly worker?: string;
}

export interface Journal {
  header: StudyHeader | undefined;
  trials: JournalTrial[];
  /** Lines that were skipped, with why (a torn concurrent write, an edit by hand). */
  skipped: Array<{ line: number; reason: string }>;
}

/** Canonical JSON (sorted keys) so the same space always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function spaceHash(space: SearchSpace): string {
  return sha256(canonicalJson(space.params));
}

/** The header a new study writes. */
export function makeHeader(
  space: SearchSpace,
  metric: string,
  direction: Direction,
  created: Date,
): StudyHeader {
  const hash = spaceHash(space);
  return {
    type: 'study',
    version: JOURNAL_VERSION,
    id: sha256(`${hash}\n${metric}\n${direction}`).slice(0, 12),
    metric,
    direction,
    spaceHash: hash,
    space,
    created: created.toISOString(),
  };
}

/**
 * A journal started for another study is refused (exit 2): mixing trials of two objectives or two
 * spaces would make every suggestion and the reported best meaningless.
 */
export function checkSameStudy(found: StudyHeader, wanted: StudyHeader, path: string): void {
  if (
    found.spaceHash === wanted.spaceHash &&
    found.metric === wanted.metric &&
    found.direction === wanted.direction
  )
    return;
  const what = (h: StudyHeader) => `${h.metric} ${h.direction}, space ${h.spaceHash.slice(0, 8)}`;
  throw new UsageError(
    `the study journal ${path} belongs to another study (${what(found)}), not this one (${what(wanted)})`,
    {
      fix: 'give a new --study path, or run with the space, metric and direction that journal was started with',
    },
  );
}

export function serializeRecord(record: JournalRecord): string {
  return JSON.stringify(record) + '\n';
}

/** Parses journal text; never throws for a bad line (it is listed in `skipped`). */
export function parseJournal(text: string): Journal {
  const fold = new JournalFold();
  // A last line without its newline may be a write in progress: read it only if it parses.
  fold.lines(text.split('\n'));
  return fold.journal;
}

/**
 * The journal folded line by line, so a reader that follows a growing file (the local study loop)
 * parses each line once instead of the whole file on every look.
 */
export class JournalFold {
  readonly journal: Journal = { header: undefined, trials: [], skipped: [] };
  private readonly byId = new Map<string, MutableTrial>();
  private lineNumber = 0;

  /** Folds whole lines in file order. */
  lines(lines: readonly string[]): void {
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    const at = ++this.lineNumber;
    if (line.trim() === '') return;
    const journal = this.journal;
    const record = validRecord(line);
    if (typeof record === 'string') {
      journal.skipped.push({ line: at, reason: record });
      return;
    }
    if (record.type === 'study') {
      if (!journal.header) journal.header = record;
      else if (record.id !== journal.header.id)
        journal.skipped.push({ line: at, reason: `a second study header (${record.id})` });
      return;
    }
    if (!journal.header) {
      journal.skipped.push({ line: at, reason: 'a trial event before the study header' });
      return;
    }
    if (record.study !== journal.header.id) {
      journal.skipped.push({ line: at, reason: `an event of another study (${record.study})` });
      return;
    }
    apply(record, this.byId, journal.trials);
  }
}

interface MutableTrial {
  number: number;
  id: string;
  params: Params;
  state: TrialState;
  value?: number;
  intermediate: Record<number, number>;
  durationMs?: number;
  error?: string;
  worker?: string;
}

function apply(event: TrialEvent, byId: Map<string, MutableTrial>, trials: JournalTrial[]): void {
  let trial = byId.get(event.trial);
  if (!trial) {
    trial = {
      number: byId.size,
      id: event.trial,
      params: event.type === 'step' ? {} : event.params,
      state: 'running',
      intermediate: {},
    };
    byId.set(event.trial, trial);
    trials.push(trial);
  }
  if (event.type === 'start') {
    if (event.worker) trial.worker = event.worker;
    return;
  }
  if (trial.state !== 'running') return; // the first end wins: collecting twice changes nothing
  if (event.type === 'step') {
    trial.intermediate[event.step] = event.value;
    return;
  }
  trial.state = event.state;
  trial.params = event.params;
  if (event.value !== undefined) trial.value = event.value;
  if (event.intermediate) Object.assign(trial.intermediate, event.intermediate);
  if (event.durationMs !== undefined) trial.durationMs = event.durationMs;
  if (event.error !== undefined) trial.error = event.error;
}

const isParamValue = (v: unknown): v is ParamValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function isParams(v: unknown): v is Params {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(isParamValue);
}

const STATES: readonly string[] = ['complete', 'pruned', 'failed'];

/** The record a line holds, or why it is not one. */
export function validRecord(line: string): JournalRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a torn write?)';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  const str = (k: string) => typeof r[k] === 'string' && (r[k] as string).length > 0;
  const num = (k: string) => typeof r[k] === 'number' && Number.isFinite(r[k]);
  switch (r.type) {
    case 'study':
      if (r.version !== JOURNAL_VERSION) return `study header of version ${String(r.version)}`;
      if (
        !str('id') ||
        !str('metric') ||
        !str('spaceHash') ||
        (r.direction !== 'minimize' && r.direction !== 'maximize')
      )
        return 'incomplete study header';
      if (!r.space || typeof r.space !== 'object' || !Array.isArray((r.space as SearchSpace).params))
        return 'study header without a space';
      return value as StudyHeader;
    case 'start':
      return str('study') && str('trial') && isParams(r.params)
        ? (value as TrialEvent)
        : 'incomplete start event';
    case 'step':
      return str('study') && str('trial') && num('step') && num('value')
        ? (value as TrialEvent)
        : 'incomplete step event';
    case 'end':
      if (!str('study') || !str('trial') || !STATES.includes(r.state as string) || !isParams(r.params))
        return 'incomplete end event';
      if (r.state === 'complete' && !num('value')) return 'a complete trial without a finite value';
      if (r.value !== undefined && !num('value')) return 'a trial value that is not a finite number';
      return value as TrialEvent;
    default:
      return `unknown record type ${JSON.stringify(r.type)}`;
  }
}
