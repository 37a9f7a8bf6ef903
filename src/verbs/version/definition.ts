import { releaseModels } from './release.js';
import { UsageError } from '../../core/errors.js';
import { postPullRequestReport } from '../pr-report.js';
import type { ParsedInputs, VerbDefinition, VerbDeps, VerbOutcome } from '../types.js';
import { baseFromEvent, findModels, nameForPath } from './find-models.js';
import { VERSION_INPUTS, VERSION_OUTPUTS } from './inputs.js';
import { changeLifecycle } from './lifecycle.js';
import type { BumpChoice } from './plan-version.js';
import { registerModel } from './register-model.js';
import { renderVersionSummary, renderVersionText, type VersionedModel } from './render.js';
import { resolveContext } from './run-context.js';

export const versionVerb: VerbDefinition = {
  name: 'version',
  description:
    'register a model: content hash, I/O signature, semver bump from the signature diff, immutable GTO tag',
  inputs: VERSION_INPUTS,
  outputs: VERSION_OUTPUTS,
  examples: [
    'modelops version --model models/churn/model.onnx --push',
    'modelops version --dry-run --base origin/main        # every model changed since main',
    'modelops version --model models/churn/model.onnx --bump major --json',
    'modelops version --name churn --deregister v1.0.1 --push',
    'modelops version --name churn --deprecate --push',
  ],
  async run(inputs, deps) {
    const ctx = await resolveContext(inputs, deps);
    if (inputs.deregister || inputs.deprecate) return lifecycle(inputs, ctx, deps);

    const targets = await findModels({
      git: ctx.git,
      config: ctx.config,
      model: inputs.model as string | undefined,
      name: inputs.name as string | undefined,
      base: (inputs.base as string | undefined) ?? (await baseFromEvent(deps.env)),
      head: String(inputs.head),
    });
    if (targets.length === 0) deps.logger.info('no model changed; nothing to version');
    const options = { bump: inputs.bump as BumpChoice, writeManifest: inputs['write-manifest'] === true };
    const versioned: VersionedModel[] = [];
    for (const target of targets) versioned.push(await registerModel(target, ctx, options, deps));

    const releases =
      inputs.release === true && !ctx.dryRun ? await releaseModels(versioned, ctx.root, deps) : [];

    const first = versioned[0];
    const summary = renderVersionSummary(versioned, ctx.dryRun);
    const comment = await postPullRequestReport(deps, 'version', summary);
    const result = {
      dryRun: ctx.dryRun,
      ...(first ? pick(first) : {}),
      models: versioned.map(pick),
      ...(releases.length > 0 ? { releases } : {}),
      ...(comment ? { comment: { id: comment.commentId, action: comment.action } } : {}),
    };
    return {
      exitCode: 0,
      result,
      outputs: {
        name: first?.name ?? '',
        version: first ? `v${first.version}` : '',
        tag: first?.tag ?? '',
        sha256: first?.sha256 ?? '',
        size: first ? String(first.size) : '',
        bump: first?.bump ?? '',
        models: JSON.stringify(result.models),
      },
      text: renderVersionText(versioned, ctx.dryRun),
      summary: comment?.overflow ?? summary,
    };
  },
};

async function lifecycle(
  inputs: ParsedInputs,
  ctx: Awaited<ReturnType<typeof resolveContext>>,
  deps: VerbDeps,
): Promise<VerbOutcome> {
  if (inputs.deregister && inputs.deprecate) {
    throw new UsageError('--deregister and --deprecate were both given', { fix: 'run them one at a time' });
  }
  const model = inputs.model as string | undefined;
  const name = (inputs.name as string | undefined) ?? (model ? nameForPath(model, ctx.config) : undefined);
  if (!name) {
    throw new UsageError(`--${inputs.deregister ? 'deregister' : 'deprecate'} needs the model`, {
      fix: 'pass --name NAME (or --model PATH)',
    });
  }
  const change = await changeLifecycle(
    name,
    { deregister: inputs.deregister as string | undefined, deprecate: inputs.deprecate === true },
    ctx,
    deps,
  );
  const verb = ctx.dryRun ? 'would create' : change.pushed ? 'created and pushed' : 'created (local tag)';
  return {
    exitCode: 0,
    result: { dryRun: ctx.dryRun, ...change },
    outputs: { name, version: change.version ?? '', tag: change.tag },
    text: `${name}: ${verb} ${change.tag}`,
    summary: `### modelops version\n\n${change.event} ${name}${change.version ? ` ${change.version}` : ''}: \`${change.tag}\`\n`,
  };
}

function pick(m: VersionedModel) {
  return {
    name: m.name,
    path: m.path,
    version: `v${m.version}`,
    tag: m.tag,
    status: m.status,
    previous: m.previous ? `v${m.previous}` : null,
    bump: m.bump,
    sha256: m.sha256,
    size: m.size,
    format: m.format,
    source: m.source,
    changes: m.changes,
    pushed: m.pushed,
    manifest: m.manifestPath ?? null,
  };
}
