import { InputError } from '@backstage/errors';
import {
  RegistryAdapterContext,
  RegistryRepository,
  RegistryTag,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { RegistryResponseError } from '../../../registry';
import { isDigest, isoDate } from '../tagFields';
import { splitHubRepository } from './hubRepository';

// `GET /v2/namespaces/{namespace}/repositories/{repository}/tags?page&page_size`
// ("List repository tags", https://docs.docker.com/reference/api/hub/latest/;
// page_size "Defaults to 10. Max of 100.") answers a `paginated_tags` page:
// `count`, `next`/`previous` (absolute URLs or null), `results`.

interface HubTag {
  name?: unknown;
  digest?: unknown;
  last_updated?: unknown;
  tag_last_pushed?: unknown;
}

function tagsPath(namespace: string, name: string) {
  return `/v2/namespaces/${encodeURIComponent(
    namespace,
  )}/repositories/${encodeURIComponent(name)}/tags`;
}

/**
 * The listing URL to fetch: the first page, or the `next` URL Hub gave. A
 * cursor that is not a URL, or that leaves this repository's listing on the
 * API, throws `InputError`.
 */
export function tagPageUrl(options: {
  apiBase: URL;
  repository: RegistryRepository;
  cursor: string | undefined;
  pageSize: number;
}): URL {
  const { apiBase, repository, cursor, pageSize } = options;
  const apiRoot = apiBase.href.replace(/\/+$/, '');
  const { namespace, name } = splitHubRepository(repository.repository);
  const path = `${new URL(apiRoot).pathname.replace(/\/+$/, '')}${tagsPath(
    namespace,
    name,
  )}`;
  if (cursor === undefined) {
    const url = new URL(`${apiRoot}${tagsPath(namespace, name)}`);
    url.searchParams.set('page_size', String(pageSize));
    url.searchParams.set('page', '1');
    return url;
  }
  let url: URL;
  try {
    url = new URL(cursor);
  } catch {
    throw new InputError('cursor: not a Docker Hub page cursor');
  }
  // The cursor is Hub's own `next` URL, but it comes back through our API:
  // following it elsewhere would send the access token to another host.
  if (url.origin !== apiBase.origin || url.pathname !== path) {
    throw new InputError(
      `cursor: must continue the listing of ${repository.repository} on ${apiBase.origin}, got a URL on ${url.origin}`,
    );
  }
  return url;
}

/** Requests one listing page, with the access token when there is one. */
export function fetchTagPage(
  url: URL,
  token: string | undefined,
  context: RegistryAdapterContext,
): Promise<Response> {
  return context.fetch(url.href, {
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    signal: context.signal,
  });
}

/**
 * Reads a successful listing answer. Invalid JSON, no `results` array, or a
 * `next` page off the API throw `RegistryResponseError`; a result without a
 * name is skipped, and a digest or date that is not one is left out.
 */
export async function readTagPage(
  response: Response,
  apiOrigin: string,
  action: string,
): Promise<RegistryTagPage> {
  let body: { next?: unknown; results?: unknown };
  try {
    body = await response.json();
  } catch {
    throw new RegistryResponseError(
      `Docker Hub answered with invalid JSON when trying to ${action}`,
      response.status,
    );
  }
  if (!Array.isArray(body?.results)) {
    throw new RegistryResponseError(
      `Docker Hub's answer has no results array when trying to ${action}`,
      response.status,
    );
  }
  const tags: RegistryTag[] = [];
  for (const item of body.results as HubTag[]) {
    if (typeof item?.name !== 'string' || !item.name) continue;
    const tag: RegistryTag = { name: item.name };
    if (isDigest(item.digest)) {
      tag.digest = item.digest;
    }
    const updatedAt =
      isoDate(item.tag_last_pushed) ?? isoDate(item.last_updated);
    if (updatedAt) tag.updatedAt = updatedAt;
    tags.push(tag);
  }
  const page: RegistryTagPage = { tags };
  if (typeof body.next === 'string' && body.next) {
    // Only a next page on the API itself becomes a cursor; tagPageUrl checks it again.
    let next: URL | undefined;
    try {
      next = new URL(body.next);
    } catch {
      next = undefined;
    }
    if (!next || next.origin !== apiOrigin) {
      throw new RegistryResponseError(
        `Docker Hub's next page is not on ${apiOrigin} when trying to ${action}`,
        response.status,
      );
    }
    page.next = next.href;
  }
  return page;
}
