import { issue, type PathSegment, type Report } from './issue.js';
import type { RawDataset } from './raw-types.js';
import { checkRepoPath } from './repo-path.js';
import type { DatasetConfig, DatasetFormat, Scalar, SliceConfig, Task } from './types.js';

const FORMAT_BY_EXTENSION: Record<string, DatasetFormat> = {
  csv: 'csv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  parquet: 'parquet',
  npy: 'npy',
  npz: 'npz',
};

/** Builds the datasets section: formats inferred, column references checked against each other. */
export function buildDatasets(
  raw: Record<string, RawDataset> | undefined,
  report: Report,
): Record<string, DatasetConfig> {
  const datasets: Record<string, DatasetConfig> = {};
  for (const [name, dataset] of Object.entries(raw ?? {}))
    datasets[name] = buildDataset(name, dataset, report);
  return datasets;
}

function buildDataset(name: string, raw: RawDataset, report: Report): DatasetConfig {
  const path: PathSegment[] = ['datasets', name];
  checkRepoPath(raw.path, [...path, 'path'], report);
  const label = raw['label-column'];
  const features = Array.isArray(raw.features) ? raw.features : 'all-but-label';
  if (Array.isArray(features) && label !== undefined && features.includes(label)) {
    report(
      issue(
        [...path, 'features', features.indexOf(label)],
        'lists the label column as a feature',
        label,
        'remove it from features; the label is the expected output',
      ),
    );
  }
  const inputs: Record<string, string[]> = {};
  for (const [input, columns] of Object.entries(raw.inputs ?? {})) {
    inputs[input] = typeof columns === 'string' ? [columns] : columns;
    inputs[input].forEach((column, index) => {
      const at = typeof columns === 'string' ? [...path, 'inputs', input] : [...path, 'inputs', input, index];
      if (column === label)
        report(issue(at, 'feeds the label column to the model', column, 'feed feature columns only'));
      else if (Array.isArray(features) && !features.includes(column)) {
        report(
          issue(
            at,
            'is not one of the features',
            column,
            `add it to features, or use one of: ${features.join(', ')}`,
          ),
        );
      }
    });
  }
  const slices: Record<string, SliceConfig> = {};
  for (const [slice, where] of Object.entries(raw.slices ?? {})) {
    slices[slice] = {
      name: slice,
      where: Object.fromEntries(Object.entries(where).map(([column, values]) => [column, toList(values)])),
    };
  }
  return {
    name,
    path: raw.path,
    format: (raw.format as DatasetFormat | undefined) ?? inferFormat(raw.path, path, report),
    labelColumn: label,
    features,
    inputs,
    task: raw.task as Task | undefined,
    slices,
  };
}

function inferFormat(file: string, path: PathSegment[], report: Report): DatasetFormat {
  const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  const format = extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
  if (format) return format;
  report(
    issue(
      [...path, 'path'],
      'has no known data extension',
      file,
      'add format: csv, jsonl, parquet, npy or npz',
    ),
  );
  return 'csv';
}

function toList(values: Scalar | Scalar[]): Scalar[] {
  return Array.isArray(values) ? values : [values];
}
