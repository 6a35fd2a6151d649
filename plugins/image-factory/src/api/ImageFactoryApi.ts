import { createApiRef } from '@backstage/core-plugin-api';
import type { ImageFactoryStatus } from '@image-factory/plugin-image-factory-common';

/**
 * The Image Factory backend as the frontend sees it.
 *
 * @public
 */
export interface ImageFactoryApi {
  /**
   * The factory's operational status: the state of `images.yaml` and the
   * configured providers (`GET /api/image-factory/status`).
   */
  getStatus(): Promise<ImageFactoryStatus>;
}

/**
 * Reference to the {@link ImageFactoryApi}.
 *
 * @public
 */
export const imageFactoryApiRef = createApiRef<ImageFactoryApi>({
  id: 'plugin.image-factory.service',
});
