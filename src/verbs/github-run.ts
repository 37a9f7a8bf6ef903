import type { Logger } from '../platform/logger.js';
import type { GitHubRun, ParsedInputs, VerbDefinition } from './types.js';

/**
 * Connects a verb to GitHub when there is something to connect to: a repository in the
 * environment (Actions, or a user who set GITHUB_REPOSITORY) and a token (the github-token input,
 * else GITHUB_TOKEN). Without either, verbs run offline and skip comments and checks.
 */
export async function connectGitHub(
  verb: VerbDefinition,
  inputs: ParsedInputs,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<GitHubRun | undefined> {
  if (!verb.inputs.some((i) => i.name === 'github-token')) return undefined;
  const token = (inputs['github-token'] as string | undefined) || env.GITHUB_TOKEN;
  if (!token || !env.GITHUB_REPOSITORY) return undefined;
  // Octokit loads only when a run really talks to GitHub; local runs and --help stay fast.
  const [{ createGitHubClient }, { readGitHubContext }] = await Promise.all([
    import('../platform/github/client.js'),
    import('../platform/github/context.js'),
  ]);
  const context = await readGitHubContext(env);
  const client = createGitHubClient({ token, baseUrl: context.apiUrl, logger, userAgent: 'modelops' });
  return { client, context };
}
