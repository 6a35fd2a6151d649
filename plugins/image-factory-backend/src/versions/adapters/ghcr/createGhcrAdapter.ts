import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ImageFactoryRegistryAdapter,
  RegistryRepository,
} from '@image-factory/plugin-image-factory-node';
import { RegistryAdapterCannotServeError } from '../errors';
import {
  GHCR_ADAPTER_ID,
  GHCR_HOST,
  splitGhcrRepository,
} from './ghcrRepository';
import { createOwnerKinds, OwnerKindCandidates } from './ownerKinds';
import {
  createPackagesClient,
  listPackageVersions,
  OwnerKind,
  PackageVersionsPage,
} from './packageVersions';
import { toAdapterError } from './toAdapterError';
import { MAX_PER_PAGE, parseGhcrCursor, toVersionPage } from './versionPage';
import { createWebLinks } from './webLinks';

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
  const ownerKinds = createOwnerKinds();
  const webLinks = createWebLinks();

  return {
    id: GHCR_ADAPTER_ID,

    handles(host: string) {
      return host.toLowerCase() === GHCR_HOST && Boolean(token);
    },

    async listTags(repository, { cursor, pageSize }, context) {
      const { owner, packageName } = splitGhcrRepository(repository.repository);
      if (!token) {
        throw new RegistryAdapterCannotServeError(
          `No GitHub token for ${githubHost} in integrations.github: GitHub's packages API needs a personal access token (classic) with read:packages`,
          { adapterId: GHCR_ADAPTER_ID, reason: 'not-configured' },
        );
      }
      let kinds: OwnerKindCandidates;
      let page = 1;
      let perPage = Math.min(
        Math.max(Math.floor(pageSize) || 1, 1),
        MAX_PER_PAGE,
      );
      if (cursor !== undefined) {
        const position = parseGhcrCursor(cursor);
        kinds = [position.kind];
        page = position.page;
        perPage = position.perPage;
      } else {
        kinds = ownerKinds.candidates(owner);
      }

      const octokit = createPackagesClient({ apiBaseUrl, token, context });
      const action = `list the versions of ${GHCR_HOST}/${repository.repository}`;
      let listed: { kind: OwnerKind; result: PackageVersionsPage };
      try {
        listed = await ownerKinds.list(owner, kinds, kind =>
          listPackageVersions(octokit, {
            kind,
            owner,
            packageName,
            page,
            perPage,
          }),
        );
      } catch (error) {
        throw toAdapterError(error, { action, githubHost, now: now() });
      }
      webLinks.remember(repository, listed.result.versions);
      return toVersionPage(listed.result, {
        kind: listed.kind,
        perPage,
        apiOrigin,
        action,
      });
    },

    webUrl(repository: RegistryRepository, tag?: string) {
      return webLinks.webUrl(repository, tag);
    },
  };
}
