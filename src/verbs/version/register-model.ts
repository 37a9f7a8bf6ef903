import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseManifest, serializeManifest, type ModelManifest } from '../../core/registry/manifest.js';
import { formatTagMessage, type TagEvidence } from '../../core/registry/tag-evidence.js';
import { formatTag } from '../../core/registry/tag-grammar.js';
import { writeFileAtomic } from '../../platform/fs/index.js';
import type { VerbDeps } from '../types.js';
import type { ModelTarget } from './find-models.js';
import { inspectModel } from './inspect-model.js';
import { collectLineage } from './lineage.js';
import { planVersion, type BumpChoice, type VersionPlan } from './plan-version.js';
import { publishTag, readRegistry } from './publish-tag.js';
import type { VersionedModel } from './render.js';
import type { VersionContext } from './run-context.js';

/**
 * Registers one model: inspect → plan from the registry → tag (and push, re-planning after a lost
 * race) → manifest. The manifest is written only after the tag exists, so a failed run leaves
 * neither behind.
 */
export async function registerModel(
  t: ModelTarget,
  ctx: VersionContext,
  options: { bump: BumpChoice; writeManifest: boolean },
  deps: VerbDeps,
): Promise<VersionedModel> {
  const model = await inspectModel(ctx.root, t.path, ctx.target, ctx.git, deps.progress);
  const manifestPath = join(dirname(t.path), 'model.json');
  const committedManifest = await readManifest(ctx.root, manifestPath);
  const plan = (state: Awaited<ReturnType<typeof readRegistry>>) =>
    planVersion(t.name, model, state, options.bump, committedManifest);

  const initial = await readRegistry(ctx.git, { ...ctx.remote, required: ctx.push }, deps.logger);
  // Said once per model: tags GTO would silently ignore, with the command that fixes each.
  for (const warning of initial.warnings) {
    if (warning.tag.startsWith(`${t.name}@`) || warning.tag.startsWith(`${t.name}#`))
      deps.logger.warning(warning.message);
  }
  let current: VersionPlan = plan(initial);
  let pushed = false;
  if (current.status === 'new' && !ctx.dryRun) {
    const published = await publishTag({
      git: ctx.git,
      logger: deps.logger,
      target: ctx.target,
      push: ctx.push,
      remote: ctx.remote,
      initialState: initial,
      plan: (state) => {
        current = plan(state);
        if (current.status !== 'new') return null;
        const evidence: TagEvidence = {
          schema: 1,
          kind: 'register',
          model: t.name,
          version: `v${current.version}`,
          sha256: model.sha256,
          size: model.size,
          format: model.format,
          ...(current.signature ? { signature: current.signature } : {}),
          bump: current.bump,
          changes: current.changes.map((c) => c.line),
          ...(ctx.actor ? { actor: ctx.actor } : {}),
          ...(ctx.runUrl ? { run_url: ctx.runUrl } : {}),
          commit: ctx.target,
          created_at: ctx.now,
        };
        const tag = formatTag({ kind: 'register', model: t.name, version: current.version });
        return {
          tag,
          message: formatTagMessage(`Register ${t.name} v${current.version} (${current.bump})`, evidence),
        };
      },
    });
    pushed = published?.pushed ?? false;
  }

  let written: string | undefined;
  if (!ctx.dryRun && current.status === 'new' && options.writeManifest && current.signature) {
    const manifest: ModelManifest = {
      schema: 1,
      name: t.name,
      version: current.version,
      sha256: model.sha256,
      size: model.size,
      format: model.format,
      ...(model.irVersion ? { ir_version: model.irVersion } : {}),
      opsets: current.signature.opsets,
      signature: current.signature,
      ...(model.producer ? { producer: model.producer } : {}),
      ...(current.previous ? { parent: current.previous } : {}),
      lineage: await collectLineage(ctx.root, t.name, ctx.config, ctx.target),
      created_at: ctx.now,
    };
    await writeFileAtomic(join(ctx.root, manifestPath), serializeManifest(manifest));
    written = manifestPath;
  }
  return {
    ...t,
    status: current.status,
    version: current.version,
    ...(current.previous ? { previous: current.previous } : {}),
    bump: current.bump,
    tag: formatTag({ kind: 'register', model: t.name, version: current.version }),
    sha256: model.sha256,
    size: model.size,
    format: model.format,
    source: model.source,
    changes: current.changes.map((c) => c.line),
    pushed,
    manifestPath: written,
  };
}

async function readManifest(root: string, path: string) {
  const text = await readFile(join(root, path), 'utf8').catch(() => null);
  if (text === null) return undefined;
  const manifest = parseManifest(text, path);
  return { sha256: manifest.sha256, signature: manifest.signature };
}
