import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isLfsPointer } from '../../core/registry/lfs-pointer.js';
import { publishRelease } from '../../platform/github/releases.js';
import type { VerbDeps } from '../types.js';
import type { VersionedModel } from './render.js';

/** A GitHub Release made (or found) for a register tag. */
export interface ModelRelease {
  tag: string;
  id: number;
  url: string;
  created: boolean;
  assets: string[];
}

/**
 * `--release`: a GitHub Release per pushed register tag `name@vX.Y.Z`, with the model card (its
 * model-index metrics shown as YAML) as the notes and the model file as an asset. Needs the tag on
 * GitHub (`--push`) and a token; otherwise it says why and does nothing.
 */
export async function releaseModels(
  versioned: readonly VersionedModel[],
  root: string,
  deps: VerbDeps,
): Promise<ModelRelease[]> {
  const fresh = versioned.filter((m) => m.status === 'new');
  if (fresh.length === 0) return [];
  if (!deps.github) {
    deps.logger.info('no GitHub Release: it needs GitHub Actions with a token (github-token)');
    return [];
  }
  const releases: ModelRelease[] = [];
  for (const m of fresh) {
    if (!m.pushed) {
      deps.logger.info(`no GitHub Release for ${m.tag}: the tag was not pushed (pass --push)`);
      continue;
    }
    const bytes = await readFile(join(root, m.path));
    const card = await readFile(join(root, dirname(m.path), 'card.md'), 'utf8').catch(() => undefined);
    if (isLfsPointer(bytes))
      deps.logger.warning(`${m.path} is an LFS pointer here; the release gets no model asset`);
    const { client, context } = deps.github;
    const release = await publishRelease({
      octokit: client,
      owner: context.owner,
      repo: context.repo,
      tag: m.tag,
      name: `${m.name} v${m.version}`,
      body: releaseNotes(m, card),
      assets: isLfsPointer(bytes)
        ? []
        : [
            {
              name: m.path.split('/').at(-1) ?? 'model.onnx',
              data: bytes,
              contentType: 'application/octet-stream',
            },
          ],
    });
    releases.push({ tag: m.tag, ...release });
  }
  return releases;
}

function releaseNotes(m: VersionedModel, card: string | undefined): string {
  const header = [
    `**${m.name} v${m.version}** (${m.bump}) · \`${m.path}\` · ${m.size} bytes · sha256 \`${m.sha256}\``,
    '',
  ];
  if (!card) return [...header, '_No model card (models/<name>/card.md) at this version._', ''].join('\n');
  const front = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(card);
  const metrics = front ? ['### Evaluation (model-index)', '', '```yaml', front[1]!, '```', ''] : [];
  return [...header, ...metrics, front ? card.slice(front[0].length) : card].join('\n');
}
