import type { RepoRef } from './checks.js';

/** Parameters of {@link publishRelease}. */
export interface PublishReleaseParams extends RepoRef {
  /** An existing tag, e.g. churn@v1.2.0. */
  tag: string;
  name: string;
  body: string;
  assets: readonly { name: string; data: Uint8Array; contentType: string }[];
}

/** What {@link publishRelease} did. */
export interface PublishedRelease {
  id: number;
  url: string;
  /** false when the tag already had a release (a re-run): nothing was changed. */
  created: boolean;
  assets: string[];
}

/**
 * Creates a GitHub Release for a tag and uploads its assets; a tag that already has a release is
 * left alone, so re-running a job is safe. Assets go to the release's own upload URL (uploads.github.com
 * on GitHub, a path under the API on GHES), taken from the response rather than guessed.
 */
export async function publishRelease(params: PublishReleaseParams): Promise<PublishedRelease> {
  const { octokit, owner, repo } = params;
  const existing = await octokit.rest.repos
    .getReleaseByTag({ owner, repo, tag: params.tag })
    .catch((error: { status?: number }) => {
      if (error.status === 404) return undefined;
      throw error;
    });
  if (existing) {
    return {
      id: existing.data.id,
      url: existing.data.html_url,
      created: false,
      assets: existing.data.assets.map((a) => a.name),
    };
  }
  const { data: release } = await octokit.rest.repos.createRelease({
    owner,
    repo,
    tag_name: params.tag,
    name: params.name,
    body: params.body,
  });
  const uploadBase = release.upload_url.slice(0, release.upload_url.indexOf('/repos/'));
  for (const asset of params.assets) {
    await octokit.rest.repos.uploadReleaseAsset({
      owner,
      repo,
      release_id: release.id,
      name: asset.name,
      data: Buffer.from(asset.data) as unknown as string,
      baseUrl: uploadBase,
      headers: { 'content-type': asset.contentType, 'content-length': asset.data.length },
    });
  }
  return { id: release.id, url: release.html_url, created: true, assets: params.assets.map((a) => a.name) };
}
