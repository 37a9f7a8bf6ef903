import { createHash } from 'node:crypto';
import type {
  AssetRecord,
  CheckRunRecord,
  CommentRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  ReleaseRecord,
  StandInState,
  StatusRecord,
  UserRecord,
} from './state.js';

/**
 * Renders state records as the complete objects GitHub returns, with every field the spec marks
 * required. URLs point back at the stand-in (API) or at `web` (what github.com would be), so a
 * client following `url` or `upload_url` stays on loopback.
 */
export class GitHubObjects {
  constructor(
    private readonly state: StandInState,
    /** API root, e.g. http://127.0.0.1:1234. */
    readonly api: string,
    /** Web root, e.g. https://github.com. */
    readonly web: string,
  ) {}

  get repoApi(): string {
    return `${this.api}/repos/${this.state.owner}/${this.state.repo}`;
  }

  get repoWeb(): string {
    return `${this.web}/${this.state.owner}/${this.state.repo}`;
  }

  user(login: string): ReturnType<typeof simpleUser> {
    return simpleUser(this.state.user(login), this.api, this.web);
  }

  /** The GitHub Actions app, which GITHUB_TOKEN requests are performed by. */
  actionsApp() {
    return {
      id: 15_368,
      slug: 'github-actions',
      node_id: 'MDM6QXBwMTUzNjg=',
      owner: simpleUser({ login: 'github', id: 9_919, type: 'Organization' }, this.api, this.web),
      name: 'GitHub Actions',
      description: 'Automate your workflow from idea to production',
      external_url: 'https://help.github.com/en/actions',
      html_url: `${this.web}/apps/github-actions`,
      created_at: '2018-07-30T09:30:17Z',
      updated_at: '2024-04-10T20:33:16Z',
      permissions: {
        checks: 'write',
        contents: 'write',
        deployments: 'write',
        issues: 'write',
        metadata: 'read',
      },
      events: ['check_run', 'deployment', 'pull_request', 'push', 'release'],
    };
  }

  minimalRepository() {
    const { owner, repo } = this.state;
    const a = this.repoApi;
    return {
      id: this.state.repoId,
      node_id: nodeId('Repository', this.state.repoId),
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: this.user(owner),
      private: false,
      html_url: this.repoWeb,
      description: 'Models managed with modelops',
      fork: false,
      url: a,
      archive_url: `${a}/{archive_format}{/ref}`,
      assignees_url: `${a}/assignees{/user}`,
      blobs_url: `${a}/git/blobs{/sha}`,
      branches_url: `${a}/branches{/branch}`,
      collaborators_url: `${a}/collaborators{/collaborator}`,
      comments_url: `${a}/comments{/number}`,
      commits_url: `${a}/commits{/sha}`,
      compare_url: `${a}/compare/{base}...{head}`,
      contents_url: `${a}/contents/{+path}`,
      contributors_url: `${a}/contributors`,
      deployments_url: `${a}/deployments`,
      downloads_url: `${a}/downloads`,
      events_url: `${a}/events`,
      forks_url: `${a}/forks`,
      git_commits_url: `${a}/git/commits{/sha}`,
      git_refs_url: `${a}/git/refs{/sha}`,
      git_tags_url: `${a}/git/tags{/sha}`,
      hooks_url: `${a}/hooks`,
      issue_comment_url: `${a}/issues/comments{/number}`,
      issue_events_url: `${a}/issues/events{/number}`,
      issues_url: `${a}/issues{/number}`,
      keys_url: `${a}/keys{/key_id}`,
      labels_url: `${a}/labels{/name}`,
      languages_url: `${a}/languages`,
      merges_url: `${a}/merges`,
      milestones_url: `${a}/milestones{/number}`,
      notifications_url: `${a}/notifications{?since,all,participating}`,
      pulls_url: `${a}/pulls{/number}`,
      releases_url: `${a}/releases{/id}`,
      stargazers_url: `${a}/stargazers`,
      statuses_url: `${a}/statuses/{sha}`,
      subscribers_url: `${a}/subscribers`,
      subscription_url: `${a}/subscription`,
      tags_url: `${a}/tags`,
      teams_url: `${a}/teams`,
      trees_url: `${a}/git/trees{/sha}`,
    };
  }

  fullRepository() {
    const { owner, repo } = this.state;
    const host = new URL(this.web).host;
    return {
      ...this.minimalRepository(),
      clone_url: `${this.repoWeb}.git`,
      git_url: `git://${host}/${owner}/${repo}.git`,
      ssh_url: `git@${host}:${owner}/${repo}.git`,
      svn_url: this.repoWeb,
      mirror_url: null,
      homepage: null,
      language: 'TypeScript',
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 128,
      default_branch: this.state.defaultBranch,
      open_issues: 0,
      open_issues_count: 0,
      has_issues: true,
      has_projects: true,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: 'public',
      pushed_at: '2026-01-01T00:00:00Z',
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      license: null,
      network_count: 0,
      subscribers_count: 0,
    };
  }

  issueComment(c: CommentRecord) {
    const url = `${this.repoApi}/issues/comments/${c.id}`;
    return {
      id: c.id,
      node_id: nodeId('IssueComment', c.id),
      url,
      html_url: `${this.repoWeb}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${this.repoApi}/issues/${c.issueNumber}`,
      author_association: c.user === this.state.owner ? 'OWNER' : 'NONE',
      performed_via_github_app: null,
      reactions: reactions(`${url}/reactions`),
    };
  }

  checkRun(r: CheckRunRecord) {
    const url = `${this.repoApi}/check-runs/${r.id}`;
    return {
      id: r.id,
      head_sha: r.headSha,
      node_id: nodeId('CheckRun', r.id),
      external_id: r.externalId ?? '',
      url,
      html_url: `${this.repoWeb}/runs/${r.id}`,
      details_url: r.detailsUrl ?? `${this.repoWeb}/runs/${r.id}`,
      status: r.status,
      conclusion: r.conclusion,
      started_at: r.startedAt,
      completed_at: r.completedAt,
      output: {
        ...r.output,
        annotations_count: r.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      name: r.name,
      check_suite: { id: r.checkSuiteId },
      app: this.actionsApp(),
      pull_requests: [],
    };
  }

  checkAnnotation(r: CheckRunRecord, a: CheckRunRecord['annotations'][number]) {
    return {
      path: a.path,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? null,
      message: a.message,
      raw_details: a.raw_details ?? null,
      blob_href: `${this.repoWeb}/blob/${r.headSha}/${a.path}`,
    };
  }

  status(s: StatusRecord) {
    const creator = this.user(s.creator);
    return {
      url: `${this.repoApi}/statuses/${s.sha}`,
      avatar_url: creator.avatar_url,
      id: s.id,
      node_id: nodeId('StatusContext', s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      creator,
    };
  }

  simpleStatus(s: StatusRecord) {
    const { creator: _creator, ...rest } = this.status(s);
    return rest;
  }

  deployment(d: DeploymentRecord) {
    const url = `${this.repoApi}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: nodeId('Deployment', d.id),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: this.user(d.creator),
      created_at: d.createdAt,
      updated_at: d.updatedAt,
      statuses_url: `${url}/statuses`,
      repository_url: this.repoApi,
      transient_environment: d.transientEnvironment,
      production_environment: d.productionEnvironment,
      performed_via_github_app: null,
    };
  }

  deploymentStatus(s: DeploymentStatusRecord) {
    const deploymentUrl = `${this.repoApi}/deployments/${s.deploymentId}`;
    return {
      url: `${deploymentUrl}/statuses/${s.id}`,
      id: s.id,
      node_id: nodeId('DeploymentStatus', s.id),
      state: s.state,
      creator: this.user(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.targetUrl,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      deployment_url: deploymentUrl,
      repository_url: this.repoApi,
      environment_url: s.environmentUrl,
      log_url: s.logUrl,
      performed_via_github_app: null,
    };
  }

  release(r: ReleaseRecord) {
    const url = `${this.repoApi}/releases/${r.id}`;
    const tag = encodeURIComponent(r.tagName);
    return {
      url,
      html_url: `${this.repoWeb}/releases/tag/${tag}`,
      assets_url: `${url}/assets`,
      // GitHub serves uploads from another host; the stand-in serves them under /uploads.
      upload_url: `${this.api}/uploads/repos/${this.state.owner}/${this.state.repo}/releases/${r.id}/assets{?name,label}`,
      tarball_url: `${this.repoApi}/tarball/${tag}`,
      zipball_url: `${this.repoApi}/zipball/${tag}`,
      id: r.id,
      node_id: nodeId('Release', r.id),
      tag_name: r.tagName,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: false,
      created_at: r.createdAt,
      published_at: r.publishedAt,
      updated_at: r.publishedAt ?? r.createdAt,
      author: this.user(r.author),
      assets: this.state.assets.filter((a) => a.releaseId === r.id).map((a) => this.releaseAsset(a)),
    };
  }

  releaseAsset(a: AssetRecord) {
    const release = this.state.releases.find((r) => r.id === a.releaseId);
    return {
      url: `${this.repoApi}/releases/assets/${a.id}`,
      browser_download_url: `${this.repoWeb}/releases/download/${encodeURIComponent(release?.tagName ?? '')}/${encodeURIComponent(a.name)}`,
      id: a.id,
      node_id: nodeId('ReleaseAsset', a.id),
      name: a.name,
      label: a.label,
      state: 'uploaded',
      content_type: a.contentType,
      size: a.data.length,
      digest: `sha256:${createHash('sha256').update(a.data).digest('hex')}`,
      download_count: 0,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      uploader: this.user(a.uploader),
    };
  }
}

function simpleUser(u: UserRecord, api: string, web: string) {
  const a = `${api}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === 'Bot' ? 'Bot' : 'User', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: a,
    html_url: `${web}/${encodeURIComponent(u.login)}`,
    followers_url: `${a}/followers`,
    following_url: `${a}/following{/other_user}`,
    gists_url: `${a}/gists{/gist_id}`,
    starred_url: `${a}/starred{/owner}{/repo}`,
    subscriptions_url: `${a}/subscriptions`,
    organizations_url: `${a}/orgs`,
    repos_url: `${a}/repos`,
    events_url: `${a}/events{/privacy}`,
    received_events_url: `${a}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

function reactions(url: string) {
  return {
    url,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0,
  };
}

/** GitHub's legacy global node ids are base64 of "<digits><Type><id>". */
function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}
