import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../core/config/index.js';
import { parseManifest, serializeManifest, type ModelManifest } from '../../core/registry/manifest.js';
import { formatTag } from '../../core/registry/tag-grammar.js';
import { formatTagMessage, type TagEvidence } from '../../core/registry/tag-evidence.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import { GitCli } from '../../platform/git/index.js';
import { postPullRequestReport } from '../pr-report.js';
import type { VerbDefinition, VerbDeps } from '../types.js';
import { baseFromEvent, findModels, type ModelTarget } from './find-models.js';
import { inspectModel } from './inspect-model.js';
import { VERSION_INPUTS, VERSION_OUTPUTS } from './inputs.js';
import { planVersion, type BumpChoice } from './plan-version.js';
import { hasRemote, publishTag, readRegistry } from './publish-tag.js';
import { renderVersionSummary, renderVersionText, type VersionedModel } from './render.js';

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
  ],
  async run(inputs, deps) {
    const git = new GitCli({ cwd: deps.cwd });
    const root = (await git.run(['rev-parse', '--show-toplevel'])).trim();
    const configPath = String(inputs.config);
    // Read relative to the repository root but named as the user wrote it, so errors say modelops.yaml:4:5.
    const config = await loadConfig(configPath, {
      required: configPath !== 'modelops.yaml',
      readFile: (path) => readFile(join(root, path), 'utf8'),
    });
    const head = String(inputs.head);
    const target = await git.revParse(`${head}^{commit}`);
    const remote = String(inputs.remote);
    const push = inputs.push === true && !inputs['dry-run'];
    if (push && !(await hasRemote(git, remote))) {
      const { UsageError } = await import('../../core/errors.js');
      throw new UsageError(`remote '${remote}' does not exist`, {
        fix: 'pass --remote NAME or add it with git remote add',
      });
    }
    const targets = await findModels({
      git,
      config,
      model: inputs.model as string | undefined,
      name: inputs.name as string | undefined,
      base: (inputs.base as string | undefined) ?? (await baseFromEvent(deps.env)),
      head,
    });
    if (targets.length === 0) deps.logger.info('no model changed; nothing to version');

    const versioned: VersionedModel[] = [];
    for (const t of targets)
      versioned.push(await versionOne(t, { root, git, target, remote, push, inputs, deps }));

    const first = versioned[0];
    const result = {
      dryRun: inputs['dry-run'] === true,
      ...(first ? pick(first) : {}),
      models: versioned.map(pick),
    };
    const summary = renderVersionSummary(versioned, result.dryRun);
    const comment = await postPullRequestReport(deps, 'version', summary);
    return {
      exitCode: 0,
      result: {
        ...result,
        ...(comment ? { comment: { id: comment.commentId, action: comment.action } } : {}),
      },
      outputs: {
        name: first?.name ?? '',
        version: first ? `v${first.version}` : '',
        tag: first?.tag ?? '',
        sha256: first?.sha256 ?? '',
        size: first ? String(first.size) : '',
        bump: first?.bump ?? '',
        models: JSON.stringify(result.models),
      },
      text: renderVersionText(versioned, result.dryRun),
      summary: comment?.overflow ?? summary,
    };
  },
};

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
    manifest: m.manifestPath,
  };
}

async function versionOne(
  t: ModelTarget,
  ctx: {
    root: string;
    git: GitCli;
    target: string;
    remote: string;
    push: boolean;
    inputs: Record<string, unknown>;
    deps: VerbDeps;
  },
): Promise<VersionedModel> {
  const { git, deps, inputs } = ctx;
  const model = await inspectModel(ctx.root, t.path, ctx.target, git, deps.progress);
  const manifestPath = join(dirname(t.path), 'model.json');
  const committedManifest = await readManifest(join(ctx.root, manifestPath));
  const bumpChoice = inputs.bump as BumpChoice;
  const dryRun = inputs['dry-run'] === true;
  const now = deps.clock().toISOString();
  const runUrl =
    deps.env.GITHUB_RUN_ID && deps.env.GITHUB_REPOSITORY
      ? `${deps.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${deps.env.GITHUB_REPOSITORY}/actions/runs/${deps.env.GITHUB_RUN_ID}`
      : undefined;
  const actor = deps.env.GITHUB_ACTOR ?? (await git.run(['config', 'user.name']).catch(() => '')).trim();

  let plan = planVersion(
    t.name,
    model,
    await readRegistry(git, ctx.push ? ctx.remote : undefined),
    bumpChoice,
    committedManifest,
  );
  let tag = formatTag({ kind: 'register', model: t.name, version: plan.version });
  let pushed = false;
  if (plan.status === 'new' && !dryRun) {
    const published = await publishTag({
      git,
      logger: deps.logger,
      target: ctx.target,
      push: ctx.push,
      remote: ctx.remote,
      plan: (state) => {
        plan = planVersion(t.name, model, state, bumpChoice, committedManifest);
        if (plan.status !== 'new') return null;
        tag = formatTag({ kind: 'register', model: t.name, version: plan.version });
        const evidence: TagEvidence = {
          schema: 1,
          kind: 'register',
          model: t.name,
          version: `v${plan.version}`,
          sha256: model.sha256,
          size: model.size,
          format: model.format,
          ...(plan.signature ? { signature: plan.signature } : {}),
          bump: plan.bump,
          changes: plan.changes.map((c) => c.line),
          ...(actor ? { actor } : {}),
          ...(runUrl ? { run_url: runUrl } : {}),
          commit: ctx.target,
          created_at: now,
        };
        return {
          tag,
          message: formatTagMessage(`Register ${t.name} v${plan.version} (${plan.bump})`, evidence),
        };
      },
    });
    pushed = published?.pushed ?? false;
  }

  let written: string | undefined;
  if (!dryRun && plan.status === 'new' && inputs['write-manifest'] === true && plan.signature) {
    const manifest: ModelManifest = {
      schema: 1,
      name: t.name,
      version: plan.version,
      sha256: model.sha256,
      size: model.size,
      format: model.format,
      ...(model.irVersion ? { ir_version: model.irVersion } : {}),
      opsets: plan.signature.opsets,
      signature: plan.signature,
      ...(model.producer ? { producer: model.producer } : {}),
      ...(plan.previous ? { parent: plan.previous } : {}),
      lineage: { commit: ctx.target },
      created_at: now,
    };
    await writeFileAtomic(join(ctx.root, manifestPath), serializeManifest(manifest));
    written = manifestPath;
  }
  return {
    ...t,
    ...plan,
    tag,
    sha256: model.sha256,
    size: model.size,
    format: model.format,
    source: model.source,
    changes: plan.changes.map((c) => c.line),
    pushed,
    manifestPath: written,
  };
}

async function readManifest(path: string) {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return undefined;
  const manifest = parseManifest(text, path);
  return { sha256: manifest.sha256, signature: manifest.signature };
}
