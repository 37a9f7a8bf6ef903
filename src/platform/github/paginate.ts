import type { GitHubClient } from './client.js';

/** The subset of an Octokit response pagination needs. */
interface PageResponse<T> {
  data: T[];
  headers: { link?: string };
}

/** Safety stop: 100 pages of 100 items is far beyond any PR we comment on. */
const MAX_PAGES = 100;

/**
 * Fetches every page of a list endpoint by following the `Link: rel="next"` header, as GitHub
 * documents, rather than counting pages (the next URL may carry cursors we do not know about).
 */
export async function listAllPages<T>(
  octokit: GitHubClient,
  firstPage: () => Promise<PageResponse<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let response = await firstPage();
  for (let page = 1; ; page++) {
    items.push(...response.data);
    const next = nextLink(response.headers.link);
    if (!next) return items;
    if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages at ${next}; refusing to continue`);
    response = (await octokit.request({ method: 'GET', url: next })) as PageResponse<T>;
  }
}

/** The URL of `rel="next"` in a Link header, if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}
