import { ImageFactoryRegistryAdapter } from '@image-factory/plugin-image-factory-node';
import { RegistryAdapterCannotServeError } from '../errors';
import { createHubTokens } from './hubToken';
import { fetchTagPage, readTagPage, tagPageUrl } from './tagPage';
import { throwOnHubFailure } from './throwOnHubFailure';
import { dockerHubWebUrl } from './webUrl';

// Written from Docker's Hub API reference (https://docs.docker.com/reference/api/hub/latest/,
// OpenAPI file https://docs.docker.com/reference/api/hub/latest.yaml); each
// file quotes the part it implements.

const ID = 'docker-hub';
const DEFAULT_API_BASE_URL = 'https://hub.docker.com';
const HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const MAX_PAGE_SIZE = 100;

/**
 * Options of {@link createDockerHubAdapter}.
 */
export interface DockerHubAdapterOptions {
  /** Docker Hub's API root. Default `https://hub.docker.com`. */
  apiBaseUrl?: string;
  /** The clock for token expiry (ms since the epoch). Default `Date.now`. */
  now?: () => number;
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
  const tokens = createHubTokens({ apiRoot, now });

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
      const url = tagPageUrl({ apiBase, repository, cursor, pageSize: size });
      const action = `list the tags of ${repository.host}/${repository.repository}`;
      const credentials = await context.credentials(repository.host);
      const basic = credentials?.type === 'basic' ? credentials : undefined;

      let token = basic ? await tokens.login(basic, context) : undefined;
      let response = await fetchTagPage(url, token, context);
      if (response.status === 401 && basic) {
        // The token expired early or was revoked: log in once more.
        await response.body?.cancel();
        tokens.forget(basic);
        token = await tokens.login(basic, context);
        response = await fetchTagPage(url, token, context);
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
      await throwOnHubFailure(response, action, now);
      return readTagPage(response, apiBase.origin, action);
    },

    webUrl: dockerHubWebUrl,
  };
}
