import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ImageFactoryRegistryAdapter,
  RegistryAdapterContext,
  RegistryRepository,
  RegistryTag,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { Octokit } from '@octokit/rest';
import {
  RegistryRateLimitError,
  RegistryResponseError,
  RegistryUnavailableError,
} from '../../registry';
import { RegistryAdapterCannotServeError } from './errors';

// GitHub's REST API for packages (https://docs.github.com/rest/packages/packages):
// "List package versions for a package owned by an organization" and "… by a
// user", `GET /orgs/{org}/packages/{package_type}/{package_name}/versions` and
// `GET /users/{username}/packages/…/versions`, paged with `per_page` (max 100),
// `page` and a `Link` header. A container version's `name` is its digest and
// `metadata.container.tags` its tags. The docs say these endpoints need "a
// personal access token (classic)" with `read:packages`: GitHub App
// installation tokens and fine-grained tokens are refused.

const ID = 'ghcr';
const REGISTRY_HOST = 'ghcr.io';
const MAX_PER_PAGE = 100;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const CURSOR = /^(orgs|users):(\d+):(\d+)$/;
/** How many repositories' web links are remembered (see webUrl). */
const MAX_REMEMBERED_REPOSITORIES = 500;

type OwnerKind = 'orgs' | 'users';

/**
 * Options of {@link createGhcrAdapter}.
 */
export interface GhcrAdapterOptions {
  /** Backstage's SCM integrations; the token of `integrations.github` for `githubHost` is used. */
  integrations: ScmIntegrationRegistry;
  /** The GitHub host whose REST API describes ghcr.io's packages. Default `github.com`. */
  githubHost?: string;
  /** The clock for rate-limit ends (ms since the epoch). Default `Date.now`. */
  now?: () => number;
}

interface PackageVersion {
  name?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
  html_url?: unknown;
  package_html_url?: unknown;
  metadata?: { container?: { tags?: unknown } };
}

/** Web pages learned from listings: the package's, and each tag's version page. */
interface WebLinks {
  packageUrl?: string;
  tagUrls: Map<string, string>;
}

function splitRepository(repository: string) {
  const slash = repository.indexOf('/');
  if (slash <= 0 || slash === repository.length - 1) {
    throw new InputError(
      `repository: GHCR repositories are 'owner/package', got '${repository}'`,
    );
  }
  return {
    owner: repository.slice(0, slash),
    packageName: repository.slice(slash + 1),
  };
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    return undefined;
  }
  return new Date(value).toISOString();
}

/** The `rel="next"` target of a `Link` header. */
function nextLink(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/** Status and headers of an Octokit `RequestError`, or undefined for anything else. */
function httpFailure(error: unknown) {
  const e = error as {
    status?: number;
    response?: { headers?: Record<string, string | undefined> };
  };
  if (typeof e?.status !== 'number' || !e.response) return undefined;
  return { status: e.status, headers: e.response.headers ?? {} };
}

/**
 * Lists ghcr.io tags through GitHub's package versions API, which gives each
 * version's digest, all its tags and its date in one listing. It uses the
 * token of Backstage's GitHub integration for `github.com` (app-config
 * `integrations.github`), which must be a classic personal access token with
 * `read:packages`.
 *
 * Without such a token `handles('ghcr.io')` is false, so the generic OCI
 * adapter serves ghcr.io. A listing GitHub refuses (401, 403 other than a rate
 * limit) or does not know (404 as organization and as user; GitHub also says
 * 404 for a package the token may not see) throws
 * {@link RegistryAdapterCannotServeError}, for the caller to fall back to the
 * OCI adapter. Rate limits throw `RegistryRateLimitError`, 5xx
 * `RegistryUnavailableError`, a malformed cursor `InputError`.
 *
 * A page holds the tags of up to `pageSize` versions (at most 100): untagged
 * versions (platform manifests, attestations) are left out, so a page may be
 * smaller or larger than `pageSize`, or empty with a `next`.
 */
export function createGhcrAdapter(
  options: GhcrAdapterOptions,
): ImageFactoryRegistryAdapter {
  const githubHost = options.githubHost ?? 'github.com';
  const now = options.now ?? Date.now;
  const integration = options.integrations.github.byHost(githubHost);
  const token = integration?.config.token;
  const apiBaseUrl = integration?.config.apiBaseUrl ?? 'https://api.github.com';
  const apiOrigin = new URL(apiBaseUrl).origin;
  // Whether an owner is an organization or a user, learned from listings.
  const ownerKinds = new Map<string, OwnerKind>();
  const webLinks = new Map<string, WebLinks>();

  const octokitFor = (context: RegistryAdapterContext) =>
    new Octokit({
      baseUrl: apiBaseUrl,
      auth: token,
      userAgent: 'backstage-image-factory',
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      // Every request goes through the factory's budget and timeout.
      request: {
        fetch: (url: string, init: RequestInit) => context.fetch(url, init),
        signal: context.signal,
      },
    });

  const listPage = async (
    octokit: Octokit,
    kind: OwnerKind,
    owner: string,
    packageName: string,
    page: number,
    perPage: number,
  ) => {
    const common = {
      package_type: 'container' as const,
      package_name: packageName,
      per_page: perPage,
      page,
    };
    const response =
      kind === 'orgs'
        ? await octokit.request(
            'GET /orgs/{org}/packages/{package_type}/{package_name}/versions',
            { org: owner, ...common },
          )
        : await octokit.request(
            'GET /users/{username}/packages/{package_type}/{package_name}/versions',
            { username: owner, ...common },
          );
    return {
      versions: response.data as PackageVersion[],
      link: response.headers.link,
    };
  };

  const remember = (key: string, versions: PackageVersion[]) => {
    let links = webLinks.get(key);
    if (!links) {
      if (webLinks.size >= MAX_REMEMBERED_REPOSITORIES) {
        webLinks.delete(webLinks.keys().next().value as string);
      }
      links = { tagUrls: new Map() };
      webLinks.set(key, links);
    }
    for (const version of versions) {
      if (typeof version.package_html_url === 'string') {
        links.packageUrl = version.package_html_url;
      }
      const tags = version.metadata?.container?.tags;
      if (typeof version.html_url !== 'string' || !Array.isArray(tags))
        continue;
      for (const tag of tags) {
        if (typeof tag === 'string') links.tagUrls.set(tag, version.html_url);
      }
    }
  };

  return {
    id: ID,

    handles(host: string) {
      return host.toLowerCase() === REGISTRY_HOST && Boolean(token);
    },

    async listTags(repository, { cursor, pageSize }, context) {
      const { owner, packageName } = splitRepository(repository.repository);
      if (!token) {
        throw new RegistryAdapterCannotServeError(
          `No GitHub token for ${githubHost} in integrations.github: GitHub's packages API needs a personal access token (classic) with read:packages`,
          { adapterId: ID, reason: 'not-configured' },
        );
      }
      let kinds: OwnerKind[];
      let page = 1;
      let perPage = Math.min(
        Math.max(Math.floor(pageSize) || 1, 1),
        MAX_PER_PAGE,
      );
      if (cursor !== undefined) {
        const match = CURSOR.exec(cursor);
        if (!match || Number(match[3]) < 1 || Number(match[3]) > MAX_PER_PAGE) {
          throw new InputError('cursor: not a GHCR page cursor');
        }
        kinds = [match[1] as OwnerKind];
        page = Number(match[2]);
        perPage = Number(match[3]);
      } else {
        // Organization first, then user, unless a listing already told.
        const known = ownerKinds.get(owner.toLowerCase());
        kinds = known ? [known] : ['orgs', 'users'];
      }

      const octokit = octokitFor(context);
      const action = `list the versions of ${REGISTRY_HOST}/${repository.repository}`;
      for (const [index, kind] of kinds.entries()) {
        let result: Awaited<ReturnType<typeof listPage>>;
        try {
          result = await listPage(
            octokit,
            kind,
            owner,
            packageName,
            page,
            perPage,
          );
        } catch (error) {
          const failure = httpFailure(error);
          if (failure?.status === 404 && index < kinds.length - 1) continue;
          throw toAdapterError(error, { action, githubHost, now: now() });
        }
        ownerKinds.set(owner.toLowerCase(), kind);
        remember(repositoryKey(repository), result.versions);
        return toPage(result, kind, perPage, apiOrigin, action);
      }
      // Unreachable: the last kind either returns or throws.
      throw new RegistryResponseError(`Could not ${action}`);
    },

    webUrl(repository: RegistryRepository, tag?: string) {
      // GitHub's own links from the listing (`package_html_url`, a version's
      // `html_url`): the owner-level package page is the one the API documents,
      // and whether the owner is an organization or a user is only known then.
      const links = webLinks.get(repositoryKey(repository));
      if (!links) return undefined;
      return (tag && links.tagUrls.get(tag)) || links.packageUrl;
    },
  };
}

function quiet() {}

function repositoryKey(repository: RegistryRepository) {
  return repository.repository.toLowerCase();
}

function toPage(
  result: { versions: PackageVersion[]; link?: string },
  kind: OwnerKind,
  perPage: number,
  apiOrigin: string,
  action: string,
): RegistryTagPage {
  if (!Array.isArray(result.versions)) {
    throw new RegistryResponseError(
      `GitHub's answer is not a list of versions when trying to ${action}`,
    );
  }
  const tags: RegistryTag[] = [];
  for (const version of result.versions) {
    const names = version?.metadata?.container?.tags;
    if (!Array.isArray(names)) continue;
    const digest =
      typeof version.name === 'string' && DIGEST.test(version.name)
        ? version.name
        : undefined;
    const updatedAt =
      isoDate(version.updated_at) ?? isoDate(version.created_at);
    for (const name of names) {
      if (typeof name !== 'string' || !name) continue;
      tags.push({
        name,
        ...(digest ? { digest } : {}),
        ...(updatedAt ? { updatedAt } : {}),
      });
    }
  }
  const page: RegistryTagPage = { tags };
  const next = nextLink(result.link);
  if (next) {
    let url: URL | undefined;
    try {
      url = new URL(next);
    } catch {
      url = undefined;
    }
    const nextPage = Number(url?.searchParams.get('page'));
    if (
      !url ||
      url.origin !== apiOrigin ||
      !Number.isInteger(nextPage) ||
      nextPage < 1
    ) {
      throw new RegistryResponseError(
        `GitHub's next page is not a page of ${apiOrigin} when trying to ${action}`,
      );
    }
    page.next = `${kind}:${nextPage}:${perPage}`;
  }
  return page;
}

/** Octokit's errors as the factory's; a failure of `context.fetch` itself passes through. */
function toAdapterError(
  error: unknown,
  {
    action,
    githubHost,
    now,
  }: { action: string; githubHost: string; now: number },
) {
  const failure = httpFailure(error);
  if (!failure) {
    // Octokit wraps a rejected fetch (budget spent, timeout) as a 500 without
    // a response; the context's own error says more.
    const cause = (error as { cause?: unknown })?.cause;
    return cause instanceof Error ? cause : (error as Error);
  }
  const { status, headers } = failure;
  const retryAfter = Number(headers['retry-after']);
  const rateLimited =
    status === 429 ||
    (status === 403 &&
      (headers['x-ratelimit-remaining'] === '0' ||
        Number.isFinite(retryAfter)));
  if (rateLimited) {
    const reset = Number(headers['x-ratelimit-reset']);
    let until: number | undefined;
    if (Number.isFinite(retryAfter)) until = now + retryAfter * 1000;
    else if (Number.isFinite(reset)) until = reset * 1000;
    return new RegistryRateLimitError(
      `GitHub API rate limit reached${
        until ? ` until ${new Date(until).toISOString()}` : ''
      } (while trying to ${action})`,
      until ? Math.max(until - now, 0) : undefined,
    );
  }
  if (status === 404) {
    return new RegistryAdapterCannotServeError(
      `GitHub's packages API does not know ${action.replace(
        /^list the versions of /,
        '',
      )} as an organization's or a user's container package, or the token may not see it`,
      { adapterId: ID, reason: 'not-found', cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new RegistryAdapterCannotServeError(
      `GitHub refused the token of integrations.github for ${githubHost} (${status}) when trying to ${action}: the packages API needs a personal access token (classic) with read:packages`,
      { adapterId: ID, reason: 'denied', cause: error },
    );
  }
  if (status >= 500) {
    return new RegistryUnavailableError(
      `GitHub answered ${status} when trying to ${action}`,
      error,
    );
  }
  return new RegistryResponseError(
    `GitHub answered ${status} when trying to ${action}`,
    status,
  );
}
