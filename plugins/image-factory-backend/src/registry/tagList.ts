import { InputError } from '@backstage/errors';
import { errorFromResponse, RequestContext } from './errorFromResponse';
import { RegistryResponseError } from './errors';
import { nextLinkTarget } from './parseLinkHeader';
import { RegistryEndpoint } from './registryEndpoint';
import { RegistryTransport } from './RegistryTransport';
import { readBody } from './responseChecks';
import { RepositoryRef, TagListOptions, TagListPage } from './types';

/** The largest `n` the client asks for; registries cap theirs lower anyway. */
export const MAX_TAG_PAGE_SIZE = 10_000;
/** Tags are at most 128 characters; `last` may also be a registry's opaque cursor. */
const MAX_LAST_LENGTH = 4096;

/** Throws `InputError` naming `n` or `last` when they are out of range. */
export function checkTagListOptions(options: TagListOptions): void {
  const { n, last } = options;
  if (
    n !== undefined &&
    !(Number.isSafeInteger(n) && n >= 1 && n <= MAX_TAG_PAGE_SIZE)
  ) {
    throw new InputError(
      `n: must be an integer from 1 to ${MAX_TAG_PAGE_SIZE}, got ${n}`,
    );
  }
  if (
    last !== undefined &&
    (typeof last !== 'string' ||
      last.length === 0 ||
      last.length > MAX_LAST_LENGTH ||
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/.test(last))
  ) {
    throw new InputError(
      `last: must be a tag from the previous page, 1 to ${MAX_LAST_LENGTH} printable characters`,
    );
  }
}

/**
 * Reads a tag list body (`{"name": …, "tags": [...]}`); distribution sends
 * `"tags": null` for a repository whose tags were all deleted.
 */
export function parseTagList(bytes: Buffer, context: RequestContext): string[] {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new RegistryResponseError(
      `Registry ${context.registry} sent a tag list that is not JSON for ${context.operation}`,
    );
  }
  const tags =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { tags?: unknown }).tags
      : undefined;
  if (tags === null) return [];
  if (!Array.isArray(tags) || !tags.every(t => typeof t === 'string')) {
    throw new RegistryResponseError(
      `Registry ${context.registry} sent a tag list without a "tags" array of strings for ${context.operation}`,
    );
  }
  return tags;
}

/** Byte order, as Go's sort.Strings, which distribution uses. */
function compareTags(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Turns one response into a page. With a `Link: <…>; rel="next"` header
 * the next page is what it names (the spec prefers it over counting).
 * Without one, a registry that honoured `n` and sent exactly `n` tags may
 * have more (the spec only promises `n` results, not a Link), so the page's
 * last tag continues the listing. A registry that sent more than `n` tags,
 * or tags at or before `last`, ignored the parameters (Debian's
 * distribution 2.8 returns every tag, unsorted): the client pages the full
 * list itself in lexical order, so callers see the same pages everywhere.
 */
export function tagPage(
  tags: string[],
  linkHeader: string | null,
  requestUrl: string,
  options: Pick<TagListOptions, 'n' | 'last'>,
  context: RequestContext,
): TagListPage {
  const { n, last } = options;
  const target = nextLinkTarget(linkHeader);
  if (target !== undefined) {
    let url: URL;
    try {
      url = new URL(target, requestUrl);
    } catch {
      throw new RegistryResponseError(
        `Registry ${context.registry} sent an unusable Link header for ${context.operation}`,
      );
    }
    // A Link names the next page by `last`; one that names none continues
    // after this page's last tag.
    const nextLast = url.searchParams.get('last') || tags[tags.length - 1];
    if (nextLast === undefined) return { tags };
    if (nextLast === last) {
      throw new RegistryResponseError(
        `Registry ${context.registry} sent a Link to the same page for ${context.operation}`,
      );
    }
    const nextN = Number(url.searchParams.get('n') ?? NaN);
    const size =
      Number.isSafeInteger(nextN) && nextN >= 1 && nextN <= MAX_TAG_PAGE_SIZE
        ? nextN
        : n;
    return {
      tags,
      next: { last: nextLast, ...(size !== undefined && { n: size }) },
    };
  }

  const ignored =
    (n !== undefined && tags.length > n) ||
    (last !== undefined && tags.some(t => t <= last));
  if (!ignored) {
    if (n !== undefined && tags.length === n) {
      return { tags, next: { last: tags[n - 1], n } };
    }
    return { tags };
  }
  const rest = tags
    .filter(t => last === undefined || t > last)
    .sort(compareTags);
  if (n === undefined || rest.length <= n) return { tags: rest };
  const page = rest.slice(0, n);
  return { tags: page, next: { last: page[n - 1], n } };
}

/** `GET /v2/<name>/tags/list?n=&last=` (distribution-spec, "Listing Tags"). */
export async function fetchTagPage(
  transport: RegistryTransport,
  endpoint: RegistryEndpoint,
  repo: RepositoryRef,
  options: TagListOptions,
  now: () => Date,
): Promise<TagListPage> {
  const { n, last, signal } = options;
  const query = new URLSearchParams();
  if (n !== undefined) query.set('n', String(n));
  if (last !== undefined) query.set('last', last);
  const search = query.toString() ? `?${query}` : '';
  const path = `/v2/${repo.repository}/tags/list${search}`;
  const context: RequestContext = {
    registry: repo.registry,
    repository: repo.repository,
    operation: `GET tag list of ${repo.registry}/${repo.repository}`,
  };
  const res = await transport.send({
    endpoint,
    repository: repo.repository,
    method: 'GET',
    url: path,
    actions: 'pull',
    headers: { Accept: 'application/json' },
    context,
    signal,
  });
  // A 404 with NAME_UNKNOWN becomes ManifestNotFoundError.
  if (!res.ok) throw await errorFromResponse(res, context, now());
  const tags = parseTagList(await readBody(res, context, signal), context);
  return tagPage(
    tags,
    res.headers.get('link'),
    new URL(path, endpoint.origin).href,
    { n, last },
    context,
  );
}
