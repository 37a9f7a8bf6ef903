import { mkdir } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { readJournal } from '../../core/tune/journal-file.js';
import type { StudyHeader } from '../../core/tune/journal.js';
import { paramImportances } from '../../core/tune/report-importance.js';
import { renderStudyMarkdown, renderStudyText, type StudyReport } from '../../core/tune/report.js';
import { bestTrial, countTrials } from '../../core/tune/study.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import { postPullRequestReport } from '../pr-report.js';
import type { ParsedInputs, VerbDeps, VerbOutcome } from '../types.js';
import { matrixOutput, type MatrixTrial } from './matrix.js';
import type { StudySettings } from './settings.js';

export interface FinishContext {
  inputs: ParsedInputs;
  deps: VerbDeps;
  settings: StudySettings;
  header: StudyHeader;
  journalPath: string;
  shownJournal: string;
  /** Trials this run started locally. */
  started: number;
  collected?: { collected: number; missing: number };
  matrix?: MatrixTrial[];
}

/**
 * Reads the journal as it ends up, writes the best params file, reports (text, job summary, one
 * sticky PR comment per study) and decides the exit code: 1 when trials ran and none completed.
 * `ranTrials` is false for a bare `--suggest`: it neither comments nor fails on earlier trials.
 */
export async function finishStudy(context: FinishContext, ranTrials: boolean): Promise<VerbOutcome> {
  const { inputs, deps, settings, header, matrix } = context;
  const journal = await readJournal(context.journalPath);
  const trials = journal.trials;
  const best = bestTrial(trials, header.direction);
  const counts = countTrials(trials);
  let bestParamsFile: string | undefined;
  if (best && inputs['best-params-file']) {
    const path = resolve(deps.cwd, String(inputs['best-params-file']));
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(best.params, null, 2) + '\n');
    bestParamsFile = relative(deps.cwd, path) || path;
  }
  const report: StudyReport = {
    studyId: header.id,
    journal: context.shownJournal,
    metric: header.metric,
    direction: header.direction,
    sampler: settings.sampler,
    trials,
    best,
    importances: paramImportances(
      trials,
      header.space.params.map((p) => p.name),
    ),
    ...(bestParamsFile ? { bestParamsFile } : {}),
  };
  const finished = counts.complete + counts.pruned + counts.failed;
  const allFailed = ranTrials && counts.complete === 0 && counts.failed > 0 && counts.failed === finished;
  const verdict = allFailed
    ? `all ${counts.failed} trial(s) failed; the first: ${trials.find((t) => t.state === 'failed')?.error ?? 'no reason recorded'}`
    : best
      ? 'complete'
      : 'no trial completed yet';
  let summary = renderStudyMarkdown(report);
  let commentInfo: { id: number; action: string } | undefined;
  if (ranTrials) {
    const posted = await postPullRequestReport(deps, `tune:${header.id}`, summary);
    if (posted) {
      commentInfo = { id: posted.commentId, action: posted.action };
      summary = posted.overflow ?? summary;
    }
  }
  const result = {
    study: {
      id: header.id,
      journal: context.shownJournal,
      space: settings.source,
      metric: header.metric,
      direction: header.direction,
      sampler: settings.sampler,
      seed: settings.seed,
    },
    best: best ? { number: best.number, params: best.params, value: best.value } : null,
    trials: trials.map((t) => ({
      number: t.number,
      params: t.params,
      value: t.value ?? null,
      state: t.state,
      duration: t.durationMs === undefined ? null : t.durationMs / 1000,
      ...(t.error ? { error: t.error } : {}),
    })),
    counts,
    importances: report.importances.map((i) => ({
      param: i.param,
      importance: round(i.importance),
      explained: round(i.explained),
    })),
    started: context.started,
    ...(context.collected ? { collected: context.collected } : {}),
    ...(matrix
      ? { suggested: matrix.map((t) => ({ number: t.number, trial: t.trial, params: t.params })) }
      : {}),
    'best-params-file': bestParamsFile ?? null,
    verdict,
    ...(commentInfo ? { comment: commentInfo } : {}),
  };
  const text = [
    renderStudyText(report),
    ...(allFailed ? [`error: ${verdict}`] : []),
    ...(matrix ? [`suggested ${matrix.length} trial(s) for the matrix`] : []),
  ];
  return {
    exitCode: allFailed ? 1 : 0,
    result,
    outputs: {
      'best-value': best?.value === undefined ? '' : String(best.value),
      'best-params': JSON.stringify(best?.params ?? {}),
      study: context.shownJournal,
      ...(matrix ? { matrix: matrixOutput(matrix), suggested: String(matrix.length) } : {}),
    },
    text: text.join('\n'),
    summary,
  };
}

const round = (v: number) => Number(v.toFixed(4));
