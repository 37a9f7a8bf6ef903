import type { EnvironmentConfig } from '../../core/config/index.js';
import { readModel } from '../../core/onnx/model-codec.js';
import { extractSignature } from '../../core/onnx/signature.js';
import type { RegistryState } from '../../core/registry/events.js';
import { escapeMarkdown } from '../../core/report/markdown.js';
import { createSession } from '../../platform/runtime/index.js';
import { readModelAtCommit } from '../evaluate/model-at-commit.js';
import { registryModelPath } from '../serve/resolve-model.js';
import type { VerbDeps, VerbOutcome } from '../types.js';
import type { VersionContext } from '../version/run-context.js';
import { smokeTestLocal, type SmokeResult } from './local-smoke.js';
import type { DeployAction, DeployPlan } from './plan-deploy.js';
import {
  cardAtCommit,
  stageServingTargets,
  type RenderRequest,
  type StagedRender,
} from './serving-targets.js';

/**
 * Everything that must succeed before the stage tag is written: the local target's smoke test
 * (target: local) and the serving targets rendered, checked and written aside. Unassign has
 * nothing to check; an unchanged environment is only re-rendered.
 */
export async function preflightDeploy(options: {
  ctx: VersionContext;
  deps: VerbDeps;
  name: string;
  action: DeployAction;
  environment: EnvironmentConfig;
  render: RenderRequest | undefined;
  plan: DeployPlan;
}): Promise<{ smoke: SmokeResult | null; staged: StagedRender | undefined }> {
  const { ctx, deps, name, plan, environment } = options;
  const smokes = environment.target === 'local' && plan.status === 'planned';
  if (options.action === 'unassign' || !plan.version || !plan.commit || (!smokes && !options.render))
    return { smoke: null, staged: undefined };
  const path = registryModelPath(name, ctx.config);
  const bytes = await readModelAtCommit(ctx.git, plan.commit, path, ctx.remote);
  let smoke: SmokeResult | null = null;
  if (smokes) {
    deps.logger.info(`smoke-testing ${name} ${plan.version} on the local target of ${environment.name}`);
    smoke = await smokeTestLocal({
      model: name,
      version: plan.version,
      bytes,
      port: environment.port,
      createSession,
      logger: deps.logger,
    });
    if (!smoke.ok) return { smoke, staged: undefined };
  }
  if (!options.render) return { smoke, staged: undefined };
  const staged = await stageServingTargets({
    request: options.render,
    source: {
      model: name,
      environment: environment.name,
      version: plan.version,
      sha256: plan.sha256,
      signature: extractSignature(readModel(bytes, `${name}@${plan.version}`)),
      modelBytes: bytes,
      card: await cardAtCommit(ctx.git, ctx.config, name, plan.commit),
    },
    root: ctx.root,
    git: ctx.git,
    remote: ctx.remote,
    push: ctx.push,
    tag: plan.tag,
    counter: plan.counter,
  });
  return { smoke, staged };
}

/** The stage tag that assigned what an environment holds now. */
export function heldTag(
  state: RegistryState,
  model: string,
  environment: string,
): { tag: string; counter: number | null } | null {
  const held = state.models.get(model)?.stages.find((s) => s.stage === environment);
  return held ? { tag: held.tag.name, counter: held.counter ?? null } : null;
}

/** Exit 1: the version failed the local smoke test, so no tag was written. */
export function smokeFailure(
  name: string,
  environment: string,
  plan: DeployPlan,
  smoke: Extract<SmokeResult, { ok: false }>,
): VerbOutcome {
  const message = `${name} ${plan.version ?? ''} failed the local smoke test of ${environment} (${smoke.stage}): ${smoke.reason}; no tag was written`;
  return {
    exitCode: 1,
    result: {
      name,
      environment,
      status: 'smoke-failed',
      verdict: message,
      version: plan.version,
      previous: plan.previous,
      tag: null,
      pushed: false,
      smoke: { stage: smoke.stage, reason: smoke.reason },
    },
    outputs: {
      name,
      environment,
      version: '',
      previous: plan.previous ?? '',
      tag: '',
      'deployment-id': '',
      rendered: '',
    },
    text: `${message}\n  fix the model (or the environment's target) and promote again`,
    summary: `### modelops deploy\n\n❌ ${escapeMarkdown(message)}\n`,
  };
}
