import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The factory status page, mounted at `/image-factory` by convention.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({
  id: 'image-factory',
});
