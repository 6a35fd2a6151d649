import { assertError } from '@backstage/errors';
import { RegistryRepository } from '@image-factory/plugin-image-factory-node';
import { splitHubRepository } from './hubRepository';

const WEB_BASE_URL = 'https://hub.docker.com';

/**
 * The Docker Hub page of a repository's tags, filtered to `tag` when given;
 * undefined for a repository name Hub cannot hold.
 */
export function dockerHubWebUrl(
  repository: RegistryRepository,
  tag?: string,
): string | undefined {
  // The site's own URLs: official images under /_/<name>, others under
  // /r/<namespace>/<name>; the Tags tab filters with ?name=.
  let parts: { namespace: string; name: string };
  try {
    parts = splitHubRepository(repository.repository);
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
}
