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
import { removeServingTargets, renderRequest, writeServingTargets } from './serving-targets.js';

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
    const render = renderRequest(inputs, ctx.root);
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
    if (ctx.dryRun) {
      plan = planDeploy(
        await readRegistry(ctx.git, { ...ctx.remote, required: false }, deps.logger),
        request,
      );
    } else {
      const claims = ctx.push ? withCounterClaims(ctx.git, name) : undefined;
      let last: DeployPlan | undefined;
      const published = await publishTag({
        git: claims?.git ?? ctx.git,
        logger: deps.logger,
        target: ctx.target,
        push: ctx.push,
        remote: ctx.remote,
        plan: (state) => {
          last = planDeploy(state, request, claims?.claimedMax() ?? 0);
          if (last.status === 'unchanged' || !last.tag || !last.message || !last.commit) return null;
          return { tag: last.tag, message: last.message, target: last.commit };
        },
      });
      plan = last!;
      pushed = published?.pushed ?? false;
      if (published) plan = { ...plan, tag: published.tag };
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

    // Serving targets follow what the environment holds now (re-rendered when unchanged, so a
    // re-run repairs the GitOps path); a dry run writes nothing.
    let rendered: string[] = [];
    if (render && !ctx.dryRun) {
      rendered =
        action === 'unassign'
          ? await removeServingTargets(render, ctx.root, name, environment.name)
          : plan.version && plan.commit
            ? await writeServingTargets({
                request: render,
                root: ctx.root,
                git: ctx.git,
                config: ctx.config,
                remote: ctx.remote,
                model: name,
                environment: environment.name,
                version: plan.version,
                commit: plan.commit,
                tag: plan.tag,
                counter: plan.counter,
                sha256: plan.sha256,
              })
            : [];
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
