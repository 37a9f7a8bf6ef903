import { findModel, resolveVersionRef } from '../../core/registry/version-ref.js';
import { GitCli } from '../../platform/git/index.js';
import type { VerbDefinition } from '../types.js';
import { diffVersions, renderDiffText } from './diff.js';
import { modelHistory, renderHistoryText } from './history.js';
import { REGISTRY_INPUTS, REGISTRY_OUTPUTS } from './inputs.js';
import { listRegistry, renderListText } from './list.js';
import { loadRegistry } from './load-registry.js';
import { parseRegistryQuery } from './query.js';
import { renderShowText, showVersion } from './show.js';
import { renderRegistrySummary, type RegistryResult } from './summary.js';

export const registryVerb: VerbDefinition = {
  name: 'registry',
  description:
    'read the registry: list models and stages, show a version’s evidence, history of events, diff two versions',
  inputs: REGISTRY_INPUTS,
  outputs: REGISTRY_OUTPUTS,
  examples: [
    'modelops registry list',
    'modelops registry show churn#production --json',
    'modelops registry history churn',
    'modelops registry diff churn@v1.0.0 churn@v1.1.0',
    'modelops registry list --no-fetch        # local tags only, no network',
  ],
  async run(inputs, deps) {
    // Parsed before git runs, so a typo costs no fetch.
    const query = parseRegistryQuery(inputs.query as string[] | undefined);
    const git = new GitCli({ cwd: deps.cwd });
    const { state, tags } = await loadRegistry(
      git,
      { remote: String(inputs.remote), fetch: inputs.fetch === true },
      deps.logger,
    );
    let result: RegistryResult;
    let text: string;
    switch (query.command) {
      case 'list':
        result = listRegistry(state);
        text = renderListText(result);
        break;
      case 'show':
        result = showVersion(resolveVersionRef(state, query.ref), tags);
        text = renderShowText(result);
        break;
      case 'history':
        result = modelHistory(findModel(state, query.model), tags);
        text = renderHistoryText(result);
        break;
      case 'diff':
        result = diffVersions(resolveVersionRef(state, query.from), resolveVersionRef(state, query.to), tags);
        text = renderDiffText(result);
        break;
    }
    const shown = result.command === 'show' ? result : result.command === 'diff' ? result.to : undefined;
    return {
      exitCode: 0,
      result: result as unknown as Record<string, unknown>,
      outputs: {
        name: result.command === 'list' ? '' : result.name,
        version: shown?.version ?? '',
        tag: shown?.tag ?? '',
      },
      text,
      summary: renderRegistrySummary(result),
    };
  },
};
