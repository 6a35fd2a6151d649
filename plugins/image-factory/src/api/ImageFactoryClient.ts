import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';
import type { ImageFactoryApi } from './ImageFactoryApi';

/**
 * Talks to the Image Factory backend plugin (`pluginId: 'image-factory'`).
 *
 * @public
 */
export class ImageFactoryClient implements ImageFactoryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /**
   * Fetches `GET /api/image-factory/status` with the user's token. Throws a
   * `ResponseError` when the backend answers with an error status.
   */
  async getStatus(): Promise<ImageFactoryStatus> {
    return this.get<ImageFactoryStatus>('/status');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('image-factory');
    // fetchApi, not the global fetch: it adds the user's token, which /status requires.
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
