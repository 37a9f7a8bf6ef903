import { buildGates } from './build-gates.js';
import { issue, type Report } from './issue.js';
import type { RawModel } from './raw-types.js';
import { checkRepoPath } from './repo-path.js';
import type { ModelConfig, ModelFormat } from './types.js';

/** Builds the models section: GTO names split into dir and name, default paths filled in. */
export function buildModels(
  raw: Record<string, RawModel | null> | undefined,
  report: Report,
): Record<string, ModelConfig> {
  const models: Record<string, ModelConfig> = {};
  for (const [id, model] of Object.entries(raw ?? {})) models[id] = buildModel(id, model ?? {}, report);
  return models;
}

function buildModel(id: string, raw: RawModel, report: Report): ModelConfig {
  const path = ['models', id];
  // The schema enforces GTO's grammar; '//' passes it but is not a valid git ref, and tags carry the name.
  if (id.includes('//'))
    report(
      issue(
        path,
        'is not a valid model name',
        id,
        "remove the doubled '/': git refuses '//' in tag names",
        'key',
      ),
    );
  const separator = id.indexOf('=');
  const dir = separator === -1 ? undefined : id.slice(0, separator);
  const name = separator === -1 ? id : id.slice(separator + 1);
  const home = `${dir ? `${dir}/` : ''}models/${name}`;

  for (const key of ['path', 'card', 'params'] as const) {
    const value = raw[key];
    if (value !== undefined) checkRepoPath(value, [...path, key], report);
  }
  return {
    id,
    name,
    dir,
    path: raw.path ?? `${home}/model.onnx`,
    card: raw.card ?? `${home}/card.md`,
    format: (raw.format ?? 'onnx') as ModelFormat,
    datasets: raw.datasets ?? [],
    metrics: raw.metrics ?? [],
    gates: buildGates(raw.gates, [...path, 'gates'], report),
    params: raw.params,
    lfs: raw.lfs ?? true,
  };
}
