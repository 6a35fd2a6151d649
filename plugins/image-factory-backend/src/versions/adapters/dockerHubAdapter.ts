import { assertError, InputError } from '@backstage/errors';
import {
  ImageFactoryRegistryAdapter,
  RegistryAdapterContext,
  RegistryRepository,
  RegistryTag,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { createHash } from 'node:crypto';
import {
  RegistryAuthError,
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryRateLimit,
  RegistryUnavailableError,
} from '../../registry';
import { RegistryAdapterCannotServeError } from './errors';

// Written from Docker's Hub API reference (https://docs.docker.com/reference/api/hub/latest/,
// OpenAPI file https://docs.docker.com/reference/api/hub/latest.yaml):
// - `GET /v2/namespaces/{namespace}/repositories/{repository}/tags?page&page_size`
//   ("List repository tags"; page_size "Defaults to 10. Max of 100.") answers a
//   `paginated_tags` page: `count`, `next`/`previous` (absolute URLs or null), `results`.
// - `POST /v2/auth/token` with `{ identifier, secret }` ("Create access token")
//   returns `{ access_token }`, a JWT that "expires in 10 minutes". The older
//   `POST /v2/users/login` is marked deprecated in favour of it.
// - Rate limiting: `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`
//   (unix time) on every answer; a 429 carries `Retry-After` in seconds
//   (docker/docs#22916; earlier text named `X-Retry-After`, a unix time).

const ID = 'docker-hub';
const DEFAULT_API_BASE_URL = 'https://hub.docker.com';
const WEB_BASE_URL = 'https://hub.docker.com';
const HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const MAX_PAGE_SIZE = 100;
/** The documented lifetime of an access token, used when its JWT has no `exp`. */
const TOKEN_LIFETIME_MS = 10 * 60_000;
/** Renew a token this long before it expires, so a request never carries a stale one. */
const TOKEN_RENEW_MARGIN_MS = 30_000;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Options of {@link createDockerHubAdapter}.
 */
export interface DockerHubAdapterOptions {
  /** Docker Hub's API root. Default `https://hub.docker.com`. */
  apiBaseUrl?: string;
  /** The clock for token expiry (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

type BasicCredentials = { username: string; password: string };

function tokenKey(credentials: BasicCredentials) {
  return createHash('sha256')
    .update(`${credentials.username}\0${credentials.password}`)
    .digest('hex');
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface HubTag {
  name?: unknown;
  digest?: unknown;
  last_updated?: unknown;
  tag_last_pushed?: unknown;
}

/** `library/nginx` → library, nginx; `nginx` → library, nginx (official images). */
function splitRepository(repository: string) {
  const parts = repository.split('/');
  if (parts.length === 1 && parts[0])
    return { namespace: 'library', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) {
    return { namespace: parts[0], name: parts[1] };
  }
  throw new InputError(
    `repository: Docker Hub repositories are 'namespace/name', got '${repository}'`,
  );
}

/** The `exp` claim of a JWT, in ms; undefined when it has none or is not a JWT. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    return undefined;
  }
  return new Date(value).toISOString();
}

/** When a 429 says the limit lifts: `Retry-After` seconds, else a unix-time header. */
function rateLimitEnd(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) {
    return now + Number(retryAfter.trim()) * 1000;
  }
  for (const name of ['x-retry-after', 'x-ratelimit-reset']) {
    const value = headers.get(name);
    if (value && /^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  }
  return undefined;
}

/** Hub's `X-RateLimit-*` headers (the registry's `RateLimit-*` parser does not read them). */
function hubRateLimit(
  headers: Headers,
  now: number,
): RegistryRateLimit | undefined {
  const int = (name: string) => {
    const value = headers.get(name)?.trim();
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const limit = int('x-ratelimit-limit');
  const remaining = int('x-ratelimit-remaining');
  const reset = int('x-ratelimit-reset');
  const result: RegistryRateLimit = {};
  if (limit !== undefined) result.limit = limit;
  if (remaining !== undefined) result.remaining = remaining;
  if (reset !== undefined) result.resetMs = Math.max(reset * 1000 - now, 0);
  return Object.keys(result).length > 0 ? result : undefined;
}

async function throwOnFailure(
  response: Response,
  action: string,
  now: () => number,
) {
  if (response.ok) return;
  if (response.status === 429) {
    const until = rateLimitEnd(response.headers, now());
    const when = until ? new Date(until).toISOString() : 'an unknown time';
    await response.body?.cancel();
    throw new RegistryRateLimitError(
      `Docker Hub rate limit reached until ${when} (while trying to ${action})`,
      until ? Math.max(until - now(), 0) : undefined,
      hubRateLimit(response.headers, now()),
    );
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new RegistryUnavailableError(
      `Docker Hub answered ${response.status} when trying to ${action}`,
    );
  }
  const detail = await response.text().catch(() => '');
  throw new RegistryResponseError(
    `Docker Hub answered ${
      response.status
    } when trying to ${action}: ${detail.slice(0, 200)}`,
    response.status,
  );
}

/**
 * Lists Docker Hub tags through Docker Hub's own API, which gives each tag's
 * digest and push date in the listing (the OCI tags list gives names only).
 * Anonymous for public repositories; with basic credentials for `docker.io`
 * (username and personal access token) it first obtains an access token,
 * cached until shortly before it expires. Docker Hub's registry bearer
 * tokens are not accepted by its API, so bearer credentials list anonymously.
 *
 * Errors: 401, 403 or 404 on a listing throw
 * {@link RegistryAdapterCannotServeError} (the OCI adapter can answer with the
 * registry's own verdict); refused credentials at login throw
 * `RegistryAuthError`; a 429 throws `RegistryRateLimitError`; 5xx throws
 * `RegistryUnavailableError`; a cursor that leaves the API throws `InputError`.
 */
export function createDockerHubAdapter(
  options: DockerHubAdapterOptions = {},
): ImageFactoryRegistryAdapter {
  const apiBase = new URL(options.apiBaseUrl ?? DEFAULT_API_BASE_URL);
  const apiRoot = apiBase.href.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  // Keyed by a hash of username and secret, so a changed secret logs in again.
  const tokens = new Map<string, CachedToken>();

  const tagsPath = (namespace: string, name: string) =>
    `/v2/namespaces/${encodeURIComponent(
      namespace,
    )}/repositories/${encodeURIComponent(name)}/tags`;

  /** The listing URL to fetch: the first page, or the `next` URL Hub gave. */
  const pageUrl = (
    repository: RegistryRepository,
    cursor: string | undefined,
    pageSize: number,
  ) => {
    const { namespace, name } = splitRepository(repository.repository);
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
  };

  const login = async (
    credentials: BasicCredentials,
    context: RegistryAdapterContext,
  ): Promise<string> => {
    const key = tokenKey(credentials);
    const cached = tokens.get(key);
    if (cached && cached.expiresAt - TOKEN_RENEW_MARGIN_MS > now()) {
      return cached.token;
    }
    tokens.delete(key);
    const response = await context.fetch(`${apiRoot}/v2/auth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        identifier: credentials.username,
        secret: credentials.password,
      }),
      signal: context.signal,
    });
    if (response.status === 401 || response.status === 403) {
      throw new RegistryAuthError(
        `Docker Hub refused the credentials of ${credentials.username} for docker.io (status ${response.status}): check the username and personal access token`,
      );
    }
    await throwOnFailure(response, 'log in to Docker Hub', now);
    const body = (await response.json().catch(() => undefined)) as
      | { access_token?: unknown }
      | undefined;
    if (typeof body?.access_token !== 'string' || !body.access_token) {
      throw new RegistryResponseError(
        'Docker Hub answered the login without an access_token',
        response.status,
      );
    }
    const token = body.access_token;
    tokens.set(key, {
      token,
      expiresAt: jwtExpiry(token) ?? now() + TOKEN_LIFETIME_MS,
    });
    return token;
  };

  const forget = (credentials: BasicCredentials) => {
    tokens.delete(tokenKey(credentials));
  };

  const fetchPage = async (
    url: URL,
    token: string | undefined,
    context: RegistryAdapterContext,
  ) =>
    context.fetch(url.href, {
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: context.signal,
    });

  return {
    id: ID,

    handles(host: string) {
      return HOSTS.has(host.toLowerCase());
    },

    async listTags(repository, { cursor, pageSize }, context) {
      const size = Math.min(
        Math.max(Math.floor(pageSize) || 1, 1),
        MAX_PAGE_SIZE,
      );
      const url = pageUrl(repository, cursor, size);
      const action = `list the tags of ${repository.host}/${repository.repository}`;
      const credentials = await context.credentials(repository.host);
      const basic = credentials?.type === 'basic' ? credentials : undefined;

      let token = basic ? await login(basic, context) : undefined;
      let response = await fetchPage(url, token, context);
      if (response.status === 401 && basic) {
        // The token expired early or was revoked: log in once more.
        await response.body?.cancel();
        forget(basic);
        token = await login(basic, context);
        response = await fetchPage(url, token, context);
      }
      if ([401, 403, 404].includes(response.status)) {
        await response.body?.cancel();
        throw new RegistryAdapterCannotServeError(
          `Docker Hub's API answered ${response.status} for ${
            repository.repository
          }${
            basic
              ? ''
              : ' (no docker.io credentials: a private repository needs them)'
          }`,
          {
            adapterId: ID,
            reason: response.status === 404 ? 'not-found' : 'denied',
          },
        );
      }
      await throwOnFailure(response, action, now);
      return readPage(response, apiBase.origin, action);
    },

    webUrl(repository: RegistryRepository, tag?: string) {
      // The site's own URLs: official images under /_/<name>, others under
      // /r/<namespace>/<name>; the Tags tab filters with ?name=.
      let parts: { namespace: string; name: string };
      try {
        parts = splitRepository(repository.repository);
      } catch (error) {
        assertError(error);
        return undefined;
      }
      const base =
        parts.namespace === 'library'
          ? `${WEB_BASE_URL}/_/${encodeURIComponent(parts.name)}/tags`
          : `${WEB_BASE_URL}/r/${encodeURIComponent(
              parts.namespace,
            )}/${encodeURIComponent(parts.name)}/tags`;
      return tag ? `${base}?name=${encodeURIComponent(tag)}` : base;
    },
  };
}

async function readPage(
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
    if (typeof item.digest === 'string' && DIGEST.test(item.digest)) {
      tag.digest = item.digest;
    }
    const updatedAt =
      isoDate(item.tag_last_pushed) ?? isoDate(item.last_updated);
    if (updatedAt) tag.updatedAt = updatedAt;
    tags.push(tag);
  }
  const page: RegistryTagPage = { tags };
  if (typeof body.next === 'string' && body.next) {
    // Only a next page on the API itself becomes a cursor; pageUrl checks it again.
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
