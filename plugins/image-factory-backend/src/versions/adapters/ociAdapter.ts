import { InputError } from '@backstage/errors';
import {
  ImageFactoryRegistryAdapter,
  RegistryRepository,
  RegistryTagPage,
} from '@image-factory/plugin-image-factory-node';
import { OciRegistryClient } from '../../registry';

const ID = 'oci';
/** The client's limit on `n`. */
const MAX_PAGE_SIZE = 10_000;
/**
 * Hosts whose web UI has a page per repository. Harbor serves any host and
 * cannot be told apart by name; Docker Hub and GHCR have their own adapters.
 */
const WEB_PAGES: Record<string, (repository: string) => string> = {
  'quay.io': repository => `https://quay.io/repository/${repository}?tab=tags`,
};

/**
 * The generic OCI Distribution adapter (`oci`): it serves every host with
 * `GET /v2/<name>/tags/list`, pages by `n` and `last` (the cursor is the
 * last tag of the previous page) and follows the registry's `Link`
 * headers. Requests go through `client`, which holds the credentials and
 * the request timeout; the caller counts them in the host's budget, so
 * the context's `fetch` is not used. A repository the registry does not
 * know rejects with `ManifestNotFoundError`.
 */
export function createOciRegistryAdapter(
  client: OciRegistryClient,
): ImageFactoryRegistryAdapter {
  return {
    id: ID,
    handles: () => true,
    async listTags(
      repository: RegistryRepository,
      options: { cursor?: string; pageSize: number },
      context,
    ): Promise<RegistryTagPage> {
      const { cursor, pageSize } = options;
      if (
        !Number.isSafeInteger(pageSize) ||
        pageSize < 1 ||
        pageSize > MAX_PAGE_SIZE
      ) {
        throw new InputError(
          `pageSize: must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`,
        );
      }
      if (cursor !== undefined && (typeof cursor !== 'string' || !cursor)) {
        throw new InputError('cursor: must be the next cursor of a page');
      }
      const page = await client.listTags(
        { registry: repository.host, repository: repository.repository },
        { n: pageSize, last: cursor, signal: context.signal },
      );
      return {
        tags: page.tags.map(name => ({ name })),
        ...(page.next && { next: page.next.last }),
      };
    },
    webUrl(repository: RegistryRepository): string | undefined {
      return WEB_PAGES[repository.host.toLowerCase()]?.(repository.repository);
    },
  };
}
