import { gatesFor } from '../../core/config/index.js';
import { branchOfRef } from '../../core/deploy/branch-rule.js';
import { deployEnvironments, findEnvironment } from '../../core/deploy/environments.js';
import { UsageError } from '../../core/errors.js';
import type { ParsedInputs, VerbDefinition } from '../types.js';
import { nameForPath } from '../version/find-models.js';
import { publishTag, readRegistry } from '../version/publish-tag.js';
import { resolveContext } from '../version/run-context.js';
import { withCounterClaims } from './counter-claim.js';
import { DEPLOY_INPUTS, DEPLOY_OUTPUTS } from './inputs.js';
import { planDeploy, type DeployAction, type DeployPlan, type DeployRequest } from './plan-deploy.js';
import { readEvidenceFiles } from './read-evidence-files.js';
import { recordDeployment } from './record-deployment.js';
import { renderDeploySummary, renderDeployText, type DeployResult } from './render.js';
import { heldTag, preflightDeploy, smokeFailure } from './preflight.js';
import type { SmokeResult } from './local-smoke.js';
import { removeServingTargets, renderRequest } from './serving-targets.js';

export const deployVerb: VerbDefinition = {
  name: 'deploy',
  description:
    'promote a registered version to an environment by GTO stage tag (name#env#N), enforcing stage order, branch rules, soak time and evidence; roll back; unassign',
  inputs: DEPLOY_INPUTS,
  outputs: DEPLOY_OUTPUTS,
  examples: [
    'modelops deploy --model churn --version v1.2.0 --to dev --push',
    'modelops deploy --model churn --to staging --push              # what dev holds',
    'modelops deploy --model churn --to production --evidence eval.json --evidence audit.json --push',
    'modelops deploy --model churn --rollback --to production --push',
    'modelops deploy --model churn --unassign --to dev --push',
  ],
  async run(inputs, deps) {
    const action = deployAction(inputs);
    const ctx = await resolveContext({ ...inputs, head: 'HEAD' }, deps);
    const name = modelName(inputs, ctx.config);
    const environments = deployEnvironments(ctx.config);
    if (!inputs.to) {
      throw new UsageError('--to is required for modelops deploy', {
        fix: `name the environment: ${environments.map((e) => e.name).join(', ')}`,
      });
    }
    const environment = findEnvironment(environments, String(inputs.to));
    // Parsed (and refused when bad) in a dry run too; only a real run writes.
    const render = renderRequest(inputs, environment);
    const request: DeployRequest = {
      name,
      action,
      environment,
      version: inputs.version as string | undefined,
      evidence: await readEvidenceFiles(deps.cwd, (inputs.evidence as string[] | undefined) ?? []),
      applicableGates: gatesFor(ctx.config, name, environment.name).map((g) => g.name),
      // In Actions the ref that triggered the run decides (a tag or a PR merge ref is no branch).
      branch: deps.env.GITHUB_REF
        ? branchOfRef(deps.env.GITHUB_REF)
        : ((await ctx.git.currentBranch()) ?? undefined),
      now: deps.clock(),
      actor: ctx.actor,
      runUrl: ctx.runUrl,
    };

    let plan: DeployPlan;
    let pushed = false;
    let rendered: string[] = [];
    let smoke: SmokeResult | null = null;
    if (ctx.dryRun) {
      plan = planDeploy(
        await readRegistry(ctx.git, { ...ctx.remote, required: false }, deps.logger),
        request,
      );
    } else {
      const claims = ctx.push ? withCounterClaims(ctx.git, name) : undefined;
      const git = claims?.git ?? ctx.git;
      // Plan once, then do everything that can fail — the local smoke test, rendering and writing
      // the serving targets aside — before any tag exists; a failure there tags nothing.
      const state = await readRegistry(git, { ...ctx.remote, required: ctx.push }, deps.logger);
      const first = planDeploy(state, request, claims?.claimedMax() ?? 0);
      const preflight = await preflightDeploy({
        ctx,
        deps,
        name,
        action,
        environment,
        render,
        plan: first,
      });
      smoke = preflight.smoke;
      if (smoke && !smoke.ok) {
        const failed = smokeFailure(name, environment.name, first, smoke);
        deps.logger.error(String(failed.result.verdict));
        return failed;
      }
      let last: DeployPlan = first;
      let published;
      try {
        published = await publishTag({
          git,
          logger: deps.logger,
          target: ctx.target,
          push: ctx.push,
          remote: ctx.remote,
          initialState: state,
          plan: (fresh) => {
            last = planDeploy(fresh, request, claims?.claimedMax() ?? 0);
            if (last.status === 'unchanged' || !last.tag || !last.message || !last.commit) return null;
            if (action !== 'unassign' && (last.commit !== first.commit || first.status !== 'planned')) {
              // What was smoke-tested and rendered is no longer what would be tagged.
              throw new UsageError(
                `the registry changed while this deploy ran: ${first.version ?? '?'} was checked for ${environment.name}, but ${last.version ?? '?'} would now be tagged`,
                {
                  fix: 're-run deploy to check and promote what is there now; nothing was tagged or written',
                },
              );
            }
            return { tag: last.tag, message: last.message, target: last.commit };
          },
        });
      } catch (error) {
        await preflight.staged?.discard();
        throw error;
      }
      plan = last;
      pushed = published?.pushed ?? false;
      if (published) plan = { ...plan, tag: published.tag };
      if (preflight.staged) {
        // Unchanged (another run promoted the same version): the GitOps path is re-rendered at
        // the tag that assigned it, so a re-run repairs it.
        const held = plan.status === 'unchanged' ? heldTag(state, name, environment.name) : null;
        rendered = await preflight.staged.commit(held?.tag ?? plan.tag, held?.counter ?? plan.counter);
      } else if (render && action === 'unassign' && plan.status === 'planned') {
        rendered = await removeServingTargets(
          render,
          { root: ctx.root, git: ctx.git, remote: ctx.remote, push: ctx.push },
          name,
          environment.name,
        );
      }
    }

    let deployment: DeployResult['deployment'] = null;
    if (pushed && plan.tag && action !== 'unassign') {
      const recorded = await recordDeployment(deps, {
        tag: plan.tag,
        environment: environment.githubEnvironment,
        production: environment === environments.at(-1),
        payload: { model: name, version: plan.version, sha256: plan.sha256, tag: plan.tag },
        description: `${name} ${plan.version ?? ''} → ${environment.name}`.trim(),
      });
      if (recorded)
        deployment = { id: recorded.id, environment: recorded.environment, state: recorded.state };
    } else if (deps.github && !pushed && !ctx.dryRun && plan.status === 'planned') {
      deps.logger.info('no GitHub deployment recorded: the stage tag was not pushed (pass --push)');
    }

    const result: DeployResult = {
      dryRun: ctx.dryRun,
      action,
      name,
      environment: environment.name,
      status: plan.status === 'unchanged' ? 'unchanged' : ctx.dryRun ? 'planned' : 'created',
      tag: plan.tag,
      counter: plan.counter,
      version: plan.version,
      previous: plan.previous,
      commit: plan.commit,
      sha256: plan.sha256,
      pushed,
      checks: plan.checks,
      deployment,
      rendered,
      smoke: smoke?.ok ? { url: smoke.url, outputs: smoke.outputs } : null,
    };
    return {
      exitCode: 0,
      result: result as unknown as Record<string, unknown>,
      outputs: {
        name,
        environment: environment.name,
        version: plan.version ?? '',
        previous: plan.previous ?? '',
        tag: plan.status === 'unchanged' ? '' : (plan.tag ?? ''),
        'deployment-id': deployment ? String(deployment.id) : '',
        rendered: rendered.join('\n'),
      },
      text: renderDeployText(result),
      summary: renderDeploySummary(result),
    };
  },
};

function deployAction(inputs: ParsedInputs): DeployAction {
  if (inputs.rollback && inputs.unassign) {
    throw new UsageError('--rollback and --unassign were both given', { fix: 'run them one at a time' });
  }
  const action: DeployAction = inputs.rollback ? 'rollback' : inputs.unassign ? 'unassign' : 'promote';
  if (action !== 'promote' && inputs.version) {
    throw new UsageError(`--version cannot be combined with --${action}`, {
      fix:
        action === 'rollback'
          ? 'rollback picks the version the environment held before; to pick one yourself, promote it'
          : 'unassign removes whatever the environment holds; drop --version',
    });
  }
  if (action !== 'promote' && inputs.evidence && (inputs.evidence as string[]).length > 0) {
    throw new UsageError(`--evidence is only read when promoting, not with --${action}`, {
      fix: 'drop --evidence',
    });
  }
  return action;
}

function modelName(inputs: ParsedInputs, config: Parameters<typeof nameForPath>[1]): string {
  const name = inputs.name as string | undefined;
  const model = inputs.model as string | undefined;
  if (name) return nameForPath(model ?? '', config, name);
  if (!model) {
    throw new UsageError('deploy needs the model', {
      fix: 'pass --model NAME (a registry name such as churn, or a model path)',
    });
  }
  // Registry names never contain a dot in their last segment; file paths (model.onnx) do.
  const last = model.split('/').at(-1) ?? '';
  return last.includes('.')
    ? nameForPath(model.replace(/^\.\//, ''), config)
    : nameForPath('', config, model);
}
