import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/index.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import { predictedFromScores } from './custom-metrics.js';
import type { KeptRows } from './run-models.js';

/**
 * `--write-predictions PATH`: one line per evaluated row — its 0-based row index in the data file,
 * the label, the predicted label (or value), and the probabilities when the output has them. CSV
 * (`p_0 … p_k-1` columns; binary: `p_1`) or JSONL (`probabilities` array; binary: a number) by
 * the file's extension. For error analysis, and as soft labels for distillation.
 */
export async function writePredictions(path: string, task: Task, kept: KeptRows): Promise<number> {
  const ext = predictionsFormat(path);
  const predicted = kept.yPred ?? predictedFromScores(task, kept.yScore ?? []);
  const scores = kept.yPred ? undefined : kept.yScore;
  const lines: string[] = [];
  if (ext === '.jsonl') {
    kept.row.forEach((row, i) => {
      const line: Record<string, unknown> = { row, label: kept.yTrue[i], prediction: predicted[i] };
      if (scores) line.probabilities = scores[i];
      lines.push(JSON.stringify(line));
    });
  } else {
    const first = scores?.[0];
    const width = first === undefined ? 0 : typeof first === 'number' ? 1 : first.length;
    const probabilityColumns =
      task === 'binary' && width === 1 ? ['p_1'] : Array.from({ length: width }, (_, j) => `p_${j}`);
    lines.push(['row', 'label', 'prediction', ...probabilityColumns].join(','));
    kept.row.forEach((row, i) => {
      const cells = [row, cell(kept.yTrue[i]!), cell(predicted[i]!)];
      const s = scores?.[i];
      if (s !== undefined) cells.push(...(typeof s === 'number' ? [s] : s));
      lines.push(cells.join(','));
    });
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, lines.join('\n') + '\n');
  return kept.row.length;
}

/** The format of a --write-predictions path by its extension; checked before the model runs. */
export function predictionsFormat(path: string): '.csv' | '.jsonl' {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.jsonl') {
    throw new UsageError(`--write-predictions ${path}: the extension must be .csv or .jsonl`, {
      fix: 'name the file predictions.csv or predictions.jsonl',
    });
  }
  return ext;
}

/**
 * `--metrics-file PATH`: the candidate metrics as one flat JSON object, the format DVC's
 * `metrics:` reads (`dvc metrics show/diff`). NaN (an undefined metric) becomes null.
 */
export async function writeMetricsFile(path: string, metrics: Record<string, number>): Promise<void> {
  const flat = Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
  );
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, JSON.stringify(flat, null, 2) + '\n');
}

/** Multilabel cells are 0/1 lists joined with spaces, so a CSV row keeps one cell per field. */
function cell(value: number | number[]): string | number {
  return typeof value === 'number' ? value : value.join(' ');
}
