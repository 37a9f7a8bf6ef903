import {
  field,
  intParam,
  notFound,
  paginate,
  stringParam,
  validationFailed,
  type Handler,
  type HandlerContext,
} from '../handler.js';
import type { AssetRecord, ReleaseRecord } from '../state.js';

function findRelease(ctx: HandlerContext): ReleaseRecord {
  const release = ctx.state.releases.find((r) => r.id === intParam(ctx, 'release_id'));
  if (!release) throw notFound();
  return release;
}

function findAsset(ctx: HandlerContext): AssetRecord {
  const asset = ctx.state.assets.find((a) => a.id === intParam(ctx, 'asset_id'));
  if (!asset) throw notFound();
  return asset;
}

/** Releases and their assets: create, get (by id, by tag), list, upload, download. */
export const releaseHandlers: Record<string, Handler> = {
  'repos/create-release': (ctx) => {
    const tagName = field<string>(ctx, 'tag_name') ?? '';
    if (ctx.state.releases.some((r) => r.tagName === tagName)) {
      throw validationFailed({ resource: 'Release', field: 'tag_name', code: 'already_exists' });
    }
    const draft = field<boolean>(ctx, 'draft') ?? false;
    const createdAt = ctx.state.now();
    const release: ReleaseRecord = {
      id: ctx.state.nextId(),
      tagName,
      targetCommitish: field<string>(ctx, 'target_commitish') ?? ctx.state.defaultBranch,
      name: field<string>(ctx, 'name') ?? tagName,
      body: field<string>(ctx, 'body') ?? null,
      draft,
      prerelease: field<boolean>(ctx, 'prerelease') ?? false,
      author: ctx.login,
      createdAt,
      publishedAt: draft ? null : createdAt,
    };
    ctx.state.releases.push(release);
    const rendered = ctx.objects.release(release);
    return { status: 201, body: rendered, headers: { location: rendered.url } };
  },
  'repos/get-release': (ctx) => ({ status: 200, body: ctx.objects.release(findRelease(ctx)) }),
  'repos/get-release-by-tag': (ctx) => {
    // Drafts have no tag yet as far as this endpoint is concerned.
    const release = ctx.state.releases.find((r) => r.tagName === stringParam(ctx, 'tag') && !r.draft);
    if (!release) throw notFound();
    return { status: 200, body: ctx.objects.release(release) };
  },
  'repos/list-releases': (ctx) => {
    const { page, headers } = paginate(
      ctx,
      [...ctx.state.releases].sort((a, b) => b.id - a.id),
    );
    return { status: 200, body: page.map((r) => ctx.objects.release(r)), headers };
  },
  'repos/upload-release-asset': (ctx) => {
    const release = findRelease(ctx);
    const name = String(ctx.query.name);
    if (ctx.state.assets.some((a) => a.releaseId === release.id && a.name === name)) {
      throw validationFailed({ resource: 'ReleaseAsset', field: 'name', code: 'already_exists' });
    }
    const contentType = ctx.headers['content-type'];
    if (!contentType) {
      throw validationFailed({ resource: 'ReleaseAsset', field: 'content_type', code: 'missing_field' });
    }
    const asset: AssetRecord = {
      id: ctx.state.nextId(),
      releaseId: release.id,
      name,
      label: ctx.query.label === undefined ? null : String(ctx.query.label),
      contentType,
      data: ctx.rawBody,
      uploader: ctx.login,
      createdAt: ctx.state.now(),
    };
    ctx.state.assets.push(asset);
    return { status: 201, body: ctx.objects.releaseAsset(asset) };
  },
  'repos/list-release-assets': (ctx) => {
    const release = findRelease(ctx);
    const { page, headers } = paginate(
      ctx,
      ctx.state.assets.filter((a) => a.releaseId === release.id),
    );
    return { status: 200, body: page.map((a) => ctx.objects.releaseAsset(a)), headers };
  },
  'repos/get-release-asset': (ctx) => {
    const asset = findAsset(ctx);
    // GitHub answers `Accept: application/octet-stream` with the bytes (via a redirect).
    if (String(ctx.headers.accept ?? '').includes('application/octet-stream')) {
      return { status: 200, raw: { contentType: asset.contentType, data: asset.data } };
    }
    return { status: 200, body: ctx.objects.releaseAsset(asset) };
  },
};
