import { createDeployment, createDeploymentStatus } from '../../platform/github/deployments.js';
import type { VerbDeps } from '../types.js';

export interface RecordedDeployment {
  id: number;
  environment: string;
  state: 'success' | 'failure';
}

/**
 * Records a promotion as a GitHub Deployment of the pushed stage tag, then moves it through
 * in_progress to success. A failure here does not undo the tag (the registry is the source of
 * truth and the tag is already public); it is reported as a warning with the deployment state.
 */
export async function recordDeployment(
  deps: VerbDeps,
  params: {
    tag: string;
    environment: string;
    production: boolean;
    payload: { model: string; version: string | null; sha256: string | null; tag: string };
    description: string;
  },
): Promise<RecordedDeployment | undefined> {
  if (!deps.github) return undefined;
  const { client, context } = deps.github;
  const repo = { octokit: client, owner: context.owner, repo: context.repo };
  const logUrl = context.runUrl || undefined;
  const { id } = await createDeployment({
    ...repo,
    ref: params.tag,
    environment: params.environment,
    payload: params.payload,
    description: params.description,
    productionEnvironment: params.production,
  });
  await createDeploymentStatus({
    ...repo,
    deploymentId: id,
    state: 'in_progress',
    ...(logUrl ? { logUrl } : {}),
  });
  try {
    await createDeploymentStatus({
      ...repo,
      deploymentId: id,
      state: 'success',
      description: params.description,
      ...(logUrl ? { logUrl } : {}),
    });
    deps.logger.info(`GitHub deployment ${id} to ${params.environment}: success`);
    return { id, environment: params.environment, state: 'success' };
  } catch (error) {
    await createDeploymentStatus({
      ...repo,
      deploymentId: id,
      state: 'failure',
      description: (error as Error).message,
      ...(logUrl ? { logUrl } : {}),
    }).catch(() => undefined);
    throw error;
  }
}
