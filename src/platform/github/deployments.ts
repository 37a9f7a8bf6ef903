import type { RepoRef } from './checks.js';
import { truncateDescription } from './commit-status.js';

/** Parameters of {@link createDeployment}. */
export interface CreateDeploymentParams extends RepoRef {
  /** A branch, tag or sha GitHub knows (the pushed stage tag, for a promotion). */
  ref: string;
  environment: string;
  payload: Record<string, unknown>;
  description?: string;
  productionEnvironment?: boolean;
}

/**
 * Records a deployment in the repository's Environments. `auto_merge: false` because the ref is a
 * tag (nothing to merge), and `required_contexts: []` because deploy checked its own evidence —
 * GitHub would otherwise demand every status on the commit, including unrelated ones.
 */
export async function createDeployment(params: CreateDeploymentParams): Promise<{ id: number }> {
  const { data } = await params.octokit.rest.repos.createDeployment({
    owner: params.owner,
    repo: params.repo,
    ref: params.ref,
    environment: params.environment,
    payload: params.payload,
    auto_merge: false,
    required_contexts: [],
    transient_environment: false,
    ...(params.productionEnvironment !== undefined
      ? { production_environment: params.productionEnvironment }
      : {}),
    ...(params.description !== undefined ? { description: truncateDescription(params.description) } : {}),
  });
  // A 202 ("merged the default branch first") has no id; with auto_merge false it does not happen.
  if (!('id' in data)) throw new Error(`GitHub did not create the deployment: ${JSON.stringify(data)}`);
  return { id: Number(data.id) };
}

/** Parameters of {@link createDeploymentStatus}. */
export interface DeploymentStatusParams extends RepoRef {
  deploymentId: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description?: string;
  logUrl?: string;
  environmentUrl?: string;
}

/** Adds a status to a deployment (GitHub shows the latest one in the Environments view). */
export async function createDeploymentStatus(params: DeploymentStatusParams): Promise<{ id: number }> {
  const { data } = await params.octokit.rest.repos.createDeploymentStatus({
    owner: params.owner,
    repo: params.repo,
    deployment_id: params.deploymentId,
    state: params.state,
    ...(params.description !== undefined ? { description: truncateDescription(params.description) } : {}),
    ...(params.logUrl ? { log_url: params.logUrl } : {}),
    ...(params.environmentUrl ? { environment_url: params.environmentUrl } : {}),
  });
  return { id: Number(data.id) };
}
