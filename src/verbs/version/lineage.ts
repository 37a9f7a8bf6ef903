import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ModelopsConfig } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import type { Lineage } from '../../core/registry/manifest.js';
import { sha256File } from '../../platform/fs/index.js';

/**
 * Lineage recorded in the manifest: the commit, plus — when modelops.yaml declares them for this
 * model — the training parameters file and the content hash of every dataset it names, so a
 * version says exactly what it was trained with.
 */
export async function collectLineage(
  root: string,
  modelName: string,
  config: ModelopsConfig,
  commit: string,
): Promise<Lineage> {
  const model = Object.values(config.models).find((m) => m.id === modelName);
  const lineage: Lineage = { commit };
  if (!model) return lineage;
  if (model.params) {
    const text = await readFile(join(root, model.params), 'utf8').catch(() => {
      throw new UsageError(`training params file ${model.params} of model ${modelName} not found`, {
        fix: 'fix models.<name>.params in modelops.yaml or commit the file',
      });
    });
    const params: unknown = model.params.endsWith('.json') ? JSON.parse(text) : parse(text);
    if (params && typeof params === 'object' && !Array.isArray(params))
      lineage.training_params = params as Record<string, unknown>;
  }
  const datasets = model.datasets.map((name) => config.datasets[name]).filter((d) => d !== undefined);
  if (datasets.length > 0) {
    lineage.datasets = [];
    for (const dataset of datasets) {
      const sha256 = await sha256File(join(root, dataset.path)).catch(() => {
        throw new UsageError(`dataset ${dataset.name} (${dataset.path}) of model ${modelName} not found`, {
          fix: 'fix datasets.<name>.path in modelops.yaml or fetch the file (git lfs pull)',
        });
      });
      lineage.datasets.push({ path: dataset.path, sha256 });
    }
  }
  return lineage;
}
